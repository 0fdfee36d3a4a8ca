"""The book's two editions (English, Chinese) from one source: a small Sphinx extension.

Sphinx's own gettext machinery translates the book (``tools/i18n.py`` extracts the messages and
builds the Chinese edition from ``locales/zh_CN/LC_MESSAGES/*.po``). This extension adds what
it lacks for this book:

* **Exercise titles.** sphinx-exercise builds the title of ``{exercise-start} Title`` as a node
  without a source, so Sphinx neither extracts nor translates it, and it copies the exercise
  into its registry (for "Solution to Exercise N (Title)") before any transform could. Here the
  directive is wrapped: in the gettext build the title is recorded with its location and added
  to the page's catalogue; in a translated build it is translated from the page's catalogue
  before the directive runs, so the exercise and its solution both show it, and a Chinese
  title reads "练习 1.1：标题".
* **Alternative texts.** A figure's alternative text (the notebook cell's
  ``mystnb.image.alt``) is extracted from the notebook and translated after MyST-NB has turned
  the stored outputs into images, so a screen reader speaks the page's language.
* **Glued numbers.** A translated paragraph is parsed on its own, without the notebook's glue
  data; its ``{glue:text}`` roles are resolved with the page's data all the same.
* **Part captions.** The captions of _toc.yml's parts are translated (sphinx-external-toc adds
  them after Sphinx has translated the page).
* **Speed.** A translated paragraph is parsed with the MyST parser, not MyST-NB's notebook
  parser (which sets up a whole notebook for each paragraph). Sphinx 7.4's Chinese search
  indexer is quadratic in the number of Latin words; its list of them is made a set.
* **The other edition.** Every page gets a link to the same page in the other edition (in the
  article header, ``_templates/lang-switch.html``) and says which edition it is. The Chinese
  edition is built into ``zh/`` inside the English site, so the links are relative and work
  offline, from a file system or a web server alike.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from uuid import uuid4

from docutils import nodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import docname_to_domain

#: The editions: Sphinx language code -> (what the page says, the link's text, hreflang,
#: the accessible name of the switch).
EDITIONS = {
    "en": ("English edition", "English", "en", "Edition"),
    "zh_CN": ("中文版", "中文版", "zh-CN", "版本"),
}
#: Where the Chinese edition lives, relative to the English site's root.
ZH_DIR = "zh"


def _language(config) -> str:
    return config.language or "en"


def _catalog(env):
    """The gettext catalogue of the page being read (one catalogue per page)."""
    domain = docname_to_domain(env.docname, env.config.gettext_compact)
    dirs = [str(Path(env.srcdir) / d) for d in env.config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, env.config.language, domain)
    return catalog if has_catalog else None


def _wrap_exercise_directive(cls):
    original = cls.run
    if getattr(original, "_tconv_i18n", False):
        return

    def run(self):
        env = self.env
        title = self.arguments[0] if self.arguments else None
        translated = _language(env.config) != "en"
        if title and translated:
            catalog = _catalog(env)
            if catalog is not None:
                text = catalog.gettext(title)
                if text:
                    self.arguments[0] = text
        result = original(self)
        if title and env.app.builder.name == "gettext":
            # sphinx-exercise's post-transform replaces the subtitle node before the gettext
            # builder sees the page, so the title is recorded here and added in _add_titles
            source, line = self.state_machine.get_source_and_line(self.lineno)
            env.tconv_exercise_titles = getattr(env, "tconv_exercise_titles", {})
            env.tconv_exercise_titles.setdefault(env.docname, []).append((title, source, line))
        return result

    run._tconv_i18n = True
    cls.run = run


#: The MyST-NB renderer of the page being read. Sphinx translates a paragraph by parsing its
#: translation as a small document of its own, which lacks the notebook's glue data: a
#: ``{glue:text}`` role in a translated paragraph finds it here (see _patch_glue).
_READING = {"nb_renderer": None}


def _patch_glue():
    from myst_nb.core.render import NbElementRenderer  # noqa: PLC0415
    from myst_nb.ext.glue import directives, roles  # noqa: PLC0415

    # MyST-NB makes one renderer per notebook it parses (and removes it from the document at
    # the end of the parse, before Sphinx translates): remember the latest one
    init = NbElementRenderer.__init__
    if not getattr(init, "_tconv_i18n", False):
        def remember(self, *args, _init=init, **kwargs):
            _init(self, *args, **kwargs)
            _READING["nb_renderer"] = self

        remember._tconv_i18n = True
        NbElementRenderer.__init__ = remember

    for module in (roles, directives):
        original = module.retrieve_glue_data
        if getattr(original, "_tconv_i18n", False):
            continue

        def retrieve(document, key, _original=original):
            if "nb_renderer" in document or _READING["nb_renderer"] is None:
                return _original(document, key)
            # lend the renderer for this lookup only (a document that keeps it, through its
            # nodes' .document, could not be pickled)
            document["nb_renderer"] = _READING["nb_renderer"]
            try:
                return _original(document, key)
            finally:
                del document["nb_renderer"]

        retrieve._tconv_i18n = True
        module.retrieve_glue_data = retrieve


class TranslateTocCaptions(SphinxTransform):
    """A translated build: the parts' captions of _toc.yml ("Part I — ...", "Appendices"),
    which sphinx-external-toc inserts into the root page at priority 100, after Sphinx's
    Locale transform (20) has translated the page, so they would stay English. They are in the
    root page's catalogue (the gettext builder extracts them), and are translated here."""

    default_priority = 101

    def apply(self, **kwargs):
        if _language(self.config) == "en":
            return
        from sphinx import addnodes  # noqa: PLC0415

        catalog = None
        for node in self.document.findall(addnodes.toctree):
            caption = node.get("caption")
            if not caption:
                continue
            catalog = catalog or _catalog(self.env)
            if catalog is None:
                return
            text = catalog.gettext(caption)
            if text and text != caption:
                node["caption"] = node["rawcaption"] = text


class _Origin:
    """Where a message comes from, as the gettext builder's catalogue wants it."""

    def __init__(self, source, line):
        self.source, self.line = source, line
        self.uid = uuid4().hex


def _add_titles(app, doctree, docname):
    """The gettext build: the page's exercise titles go into its catalogue."""
    if app.builder.name != "gettext":
        return
    titles = getattr(app.env, "tconv_exercise_titles", {}).get(docname, [])
    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    for title, source, line in titles:
        catalog.add(title, _Origin(source, line))


def _collect_alts(app, doctree):
    """The gettext build: a notebook's alternative texts (cell metadata ``mystnb.image.alt``,
    which MyST-NB puts on the images only after the gettext builder has chosen text outputs)
    are recorded with the exercise titles, so that they are translated too."""
    env = app.env
    if app.builder.name != "gettext":
        return
    path = Path(env.doc2path(env.docname))
    if path.suffix != ".ipynb":
        return
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    titles = env.tconv_exercise_titles = getattr(env, "tconv_exercise_titles", {})
    for i, cell in enumerate(cells):
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if alt:
            titles.setdefault(env.docname, []).append((alt, str(path), (i + 1) * 10000))


class TranslateAlt(SphinxPostTransform):
    """A translated build: each image's alternative text from the page's catalogue (after
    MyST-NB has rendered the notebook's outputs into images, priority 4)."""

    default_priority = 5

    def run(self, **kwargs):
        if _language(self.config) == "en":
            return
        catalog = _catalog(self.env)
        if catalog is None:
            return
        for node in self.document.findall(nodes.image):
            alt = node.get("alt")
            if alt:
                text = catalog.gettext(alt)
                if text:
                    node["alt"] = text


class ChineseExerciseTitles(SphinxPostTransform):
    """A Chinese build: "练习 1.1：标题" rather than sphinx-exercise's "练习 1.1 (标题)", whose
    half-width brackets around a title that often has its own （★，手算） read badly. Runs after
    sphinx-exercise has built the exercise and solution titles (priorities 20-22)."""

    default_priority = 23

    def run(self, **kwargs):
        if not _language(self.config).startswith("zh"):
            return
        from sphinx_exercise.nodes import (  # noqa: PLC0415
            exercise_enumerable_node, exercise_node, solution_node)

        kinds = (exercise_enumerable_node, exercise_node, solution_node)
        for node in self.document.findall(lambda n: isinstance(n, kinds)):
            if not node.children or not isinstance(node.children[0], nodes.title):
                continue
            texts = list(node.children[0].findall(nodes.Text))
            opens = [x for x in texts if str(x) == " ("]
            if len(opens) != 1 or str(texts[-1]) != ")":
                continue
            opens[0].parent.replace(opens[0], nodes.Text("："))
            texts[-1].parent.remove(texts[-1])


def _purge(app, env, docname):
    getattr(env, "tconv_exercise_titles", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    mine = env.tconv_exercise_titles = getattr(env, "tconv_exercise_titles", {})
    for docname in docnames:
        if docname in getattr(other, "tconv_exercise_titles", {}):
            mine[docname] = other.tconv_exercise_titles[docname]


#: an exercise's number as Sphinx's HTML writer ends it (a space before the closing tag),
#: followed by the full-width colon of ChineseExerciseTitles
_NUMBER_SPACE_COLON = re.compile(r'(<span class="caption-number">[^<]*?) </span>：')


def _page_context(app, pagename, templatename, context, doctree):
    """The link to the same page in the other edition, for _templates/lang-switch.html; in
    Chinese, "练习 1.1：" without the space Sphinx writes after every caption number (a space
    before a full-width colon reads as a typo)."""
    lang = _language(app.config)
    if lang.startswith("zh") and "body" in context:
        context["body"] = _NUMBER_SPACE_COLON.sub(r"\1</span>：", context["body"])
    if not app.config.tconv_other_edition:
        return
    depth = pagename.count("/")
    up = "../" * depth
    if lang == "en":
        other = "zh_CN"
        url = f"{up}{ZH_DIR}/{pagename}.html"
    else:
        other = "en"
        url = f"{up}../{pagename}.html"
    here_label, _, _, nav_label = EDITIONS.get(lang, EDITIONS["en"])
    _, other_label, other_hreflang, _ = EDITIONS[other]
    context["tconv_edition"] = here_label
    context["tconv_nav_label"] = nav_label
    context["tconv_other_url"] = url
    context["tconv_other_label"] = other_label
    context["tconv_other_hreflang"] = other_hreflang


class _TermSet(set):
    """A set with list's ``extend``: Sphinx 7.4's Chinese search keeps every Latin word of the
    book in a list it searches for each word it stems (``word in latin_terms``), which makes
    indexing quadratic (over a minute for this book); a set gives the same answers at once."""

    def extend(self, words):
        self.update(words)


def _fast_chinese_search():
    from sphinx.search import zh  # noqa: PLC0415

    if not isinstance(zh.SearchChinese.latin_terms, _TermSet):
        zh.SearchChinese.latin_terms = _TermSet(zh.SearchChinese.latin_terms)


def _fast_translated_parse():
    """Sphinx parses each translated paragraph as a small document with the page's parser:
    for this book MyST-NB's notebook parser, which sets up a notebook, a client and a renderer
    for every paragraph (some 15 ms each, 2000 times). A paragraph is plain MyST Markdown: the
    MyST parser that MyST-NB itself uses for markdown cells gives the same nodes, and the
    {glue:text} roles still find the page's glue data (_patch_glue)."""
    from myst_parser.parsers.sphinx_ import MystParser  # noqa: PLC0415
    from sphinx.transforms import i18n  # noqa: PLC0415

    original = i18n.publish_msgstr
    if getattr(original, "_tconv_i18n", False):
        return

    def publish_msgstr(app, source, source_path, source_line, config, settings):
        from sphinx.io import SphinxI18nReader  # noqa: PLC0415
        from docutils.io import StringInput  # noqa: PLC0415
        from sphinx.util import get_filetype  # noqa: PLC0415

        if get_filetype(config.source_suffix, source_path) != "myst-nb":
            return original(app, source, source_path, source_line, config, settings)
        rst_prolog, config.rst_prolog = config.rst_prolog, None
        try:
            reader = SphinxI18nReader()
            reader.setup(app)
            parser = MystParser()
            parser.set_application(app)
            doc = reader.read(source=StringInput(
                source=source, source_path=f"{source_path}:{source_line}:<translated>"),
                parser=parser, settings=settings)
            patch = doc[0] if len(doc) else doc
            # nodes made by a parser keep a reference to their small document, whose settings
            # hold the whole build environment: once moved into the page, each node would
            # drag a copy of it into the page's pickled doctree (12 MB for the glossary
            # instead of 55 kB). Moved nodes find their document through their parents.
            for node in patch.findall():
                node.document = None
            return patch
        finally:
            config.rst_prolog = rst_prolog

    publish_msgstr._tconv_i18n = True
    i18n.publish_msgstr = publish_msgstr


def _builder_inited(app):
    # ExerciseStartDirective (the gated form the book uses) runs ExerciseDirective.run
    from sphinx_exercise.directive import ExerciseDirective  # noqa: PLC0415

    _wrap_exercise_directive(ExerciseDirective)
    _patch_glue()
    if _language(app.config) != "en":
        _fast_chinese_search()
        _fast_translated_parse()


def setup(app):
    # False for an edition that has no counterpart (the student edition): no switch
    app.add_config_value("tconv_other_edition", True, "html", types=[bool])
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _collect_alts)
    app.connect("doctree-resolved", _add_titles)
    app.add_post_transform(TranslateAlt)
    app.add_post_transform(ChineseExerciseTitles)
    app.add_transform(TranslateTocCaptions)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
