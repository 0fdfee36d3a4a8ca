// Accessibility (WCAG 2.1 AA) repair of the bibliography's list markup.
//
// docutils' HTML5 writer (used by Sphinx, for sphinxcontrib-bibtex's citations) writes
// <div role="list" class="citation-list"> whose entries are <div role="doc-biblioentry">.
// DPUB-ARIA 1.1 deprecates doc-biblioentry, and a role="list" must own role="listitem"
// children: axe reports aria-required-children (critical) and aria-deprecated-role. Each
// entry becomes a plain list item; screen readers then announce "list, N items".
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('[role="doc-biblioentry"]').forEach(function (el) {
    el.setAttribute("role", "listitem");
  });
});
