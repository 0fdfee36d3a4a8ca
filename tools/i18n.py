"""The Chinese edition: translation catalogues, the build, and the completeness report.

One repository, one set of notebooks and pages: Sphinx's gettext machinery extracts every
translatable message of the English book (paragraphs, headings, list items, figure captions,
exercise titles via ``_ext/tconv_i18n.py``, table cells, glossary entries) into one catalogue
per page, ``locales/zh_CN/LC_MESSAGES/<page>.po`` (``chapters/01_matrix_view.po``, ...), and
the Chinese edition is the same Sphinx build with ``language = "zh_CN"``: every message is
replaced by its translation. Code cells and their stored outputs are the same in both editions
(the notebooks are executed once, by nbval; no build executes anything).

Commands (``python3 tasks.py i18n ...`` runs them in the venv):

``update``
    Extract the messages (``_build/gettext/*.pot``) and merge them into the ``.po`` files
    with sphinx-intl: a new English message arrives untranslated, a changed one arrives
    *fuzzy* (its old translation kept as a suggestion). Run it after editing English text,
    then translate what it reports.
``report``
    Per page: translated, fuzzy and untranslated messages (``tests/test_i18n.py`` fails below
    100 % translated or with any fuzzy entry; it extracts afresh, so it sees English edits
    that were not followed by ``update``).
``check [FILE.po ...]``
    Every problem of the translation: untranslated or fuzzy messages, markup the translation
    dropped or changed (math, inline code, roles and their targets, link targets), and glossary
    terms whose Chinese equivalent is missing (``tests/test_i18n.py`` runs the same checks).
``build``
    The Chinese HTML edition into ``_build/html/zh/`` (beside the English pages, so that every
    page links to its counterpart with a relative link that works offline), warnings as errors.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
POT_DIR = ROOT / "_build" / "gettext"
#: Sphinx's language code of the Chinese edition, and its folder in the English site.
ZH = "zh_CN"
ZH_HTML = ROOT / "_build" / "html" / "zh"
#: The Chinese edition's title (the English one is _config.yml's `title`).
ZH_TITLE = "转置卷积：可执行的教科书"


def _build(builder, outdir, doctrees, overrides=None, warnings_as_errors=True):
    """One Sphinx build of the book with Jupyter Book's configuration (as ``jupyter-book
    build`` makes it from _config.yml and _toc.yml) plus ``overrides``; returns Sphinx's status."""
    from jupyter_book.sphinx import build_sphinx  # noqa: PLC0415 -- in the venv

    conf = {"external_toc_path": "_toc.yml", "latex_individualpages": False,
            "nitpicky": True, **(overrides or {})}
    result = build_sphinx(ROOT, Path(outdir), noconfig=True,
                          path_config=str(ROOT / "_config.yml"), confoverrides=conf,
                          doctreedir=Path(doctrees), builder=builder,
                          warningiserror=warnings_as_errors, keep_going=True)
    if isinstance(result, Exception):
        print(f"[i18n] the {builder} build failed: {result!r}", file=sys.stderr)
        return 1
    return result


def extract():
    """The English messages, one .pot per page, in _build/gettext/."""
    if POT_DIR.exists():
        shutil.rmtree(POT_DIR)
    return _build("gettext", POT_DIR, ROOT / "_build" / ".doctrees-gettext")


def update():
    """Extract, then merge into locales/zh_CN/LC_MESSAGES/*.po (sphinx-intl)."""
    rc = extract()
    if rc:
        return rc
    cmd = [str(Path(sys.executable).with_name("sphinx-intl")), "update", "-p", str(POT_DIR),
           "-d", str(LOCALES), "-l", ZH, "-w", "0"]
    print("[i18n] " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


def catalogues(lang=ZH):
    """Every .po file of ``lang``, keyed by page name (``chapters/01_matrix_view``)."""
    base = LOCALES / lang / "LC_MESSAGES"
    return {str(p.relative_to(base).with_suffix("")): p for p in sorted(base.rglob("*.po"))}


def read_po(path):
    from babel.messages.pofile import read_po as _read  # noqa: PLC0415 -- Sphinx needs babel

    with open(path, "rb") as f:
        return _read(f, abort_invalid=True)


def counts(path):
    """(translated, fuzzy, untranslated) messages of one .po file (the header not counted)."""
    translated = fuzzy = untranslated = 0
    for msg in read_po(path):
        if not msg.id:
            continue
        if msg.fuzzy:
            fuzzy += 1
        elif msg.string:
            translated += 1
        else:
            untranslated += 1
    return translated, fuzzy, untranslated


def report(lang=ZH, out=sys.stdout):
    """Print the completeness table; returns {page: (translated, fuzzy, untranslated)}."""
    table = {page: counts(path) for page, path in catalogues(lang).items()}
    width = max([len(p) for p in table] + [4])
    print(f"{'page':<{width}}  translated  fuzzy  untranslated      %", file=out)
    total = [0, 0, 0]
    for page, (t, f, u) in table.items():
        n = t + f + u
        print(f"{page:<{width}}  {t:>10}  {f:>5}  {u:>12}  {100 * t / max(n, 1):5.1f}", file=out)
        total = [a + b for a, b in zip(total, (t, f, u))]
    t, f, u = total
    print(f"{'all':<{width}}  {t:>10}  {f:>5}  {u:>12}  {100 * t / max(t + f + u, 1):5.1f}",
          file=out, flush=True)
    return table


# -- checks of a translation ------------------------------------------------------------------
#: MyST and Markdown pieces a translation must keep exactly (their count and their text): math,
#: inline code, roles with their targets ({ref}`x`, {glue:text}`key`; a {term} may show
#: another text but must keep its target), link targets, and substitutions.
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_CODE = re.compile(r"(?<!`)`[^`\n]+`(?!`)")
_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _role_key(name, text):
    """What must not change in a role: its name and target (``text <target>`` -> target)."""
    m = re.search(r"<([^<>]+)>\s*$", text)
    target = m.group(1) if m and name in ("term", "ref", "doc", "numref") else text
    return f"{{{name}}}`{target}`"


def markup_pieces(text):
    """The pieces of ``text`` that its translation must keep (a sorted list)."""
    roles = [_role_key(n, x) for n, x in _ROLE.findall(text)]
    bare = _ROLE.sub(" ", text)
    return sorted(_MATH.findall(bare) + _CODE.findall(_MATH.sub(" ", bare)) + roles
                  + _LINK.findall(bare))


def _emphasis(text):
    """How many emphasised and strong spans CommonMark finds in ``text`` (math, code and roles
    masked): a ``**`` next to Chinese punctuation may not open or close, and would be printed."""
    from markdown_it import MarkdownIt  # noqa: PLC0415 -- MyST's parser, in the venv

    masked = _CODE.sub("C", _MATH.sub("M", _ROLE.sub("R", text)))
    html = MarkdownIt("commonmark").renderInline(masked)
    return html.count("<em>"), html.count("<strong>")


def markup_problems(msgid, msgstr):
    """How ``msgstr`` breaks the markup of ``msgid`` (empty when it keeps every piece)."""
    want, got = collections.Counter(markup_pieces(msgid)), collections.Counter(
        markup_pieces(msgstr))
    problems = []
    (em0, strong0), (em1, strong1) = _emphasis(msgid), _emphasis(msgstr)
    if (em0, strong0) != (em1, strong1):
        problems.append(f"emphasis: the English has {em0} *em* and {strong0} **strong**, the "
                        f"translation {em1} and {strong1} (a * or ** next to full-width "
                        f"punctuation does not open or close: move it or add a space)")
    if want - got:
        problems.append("missing or changed: " + ", ".join(sorted(want - got)))
    if got - want:
        problems.append("not in the English: " + ", ".join(sorted(got - want)))
    return problems


def glossary_terms(path=ROOT / "glossary.md"):
    """[(English term, [Chinese equivalents])] from the glossary: each entry's definition opens
    with its Chinese equivalent, ``卷积.`` or ``模糊（低通滤波）.`` (the term, or the form in
    brackets, is accepted)."""
    text = path.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    lines = body.splitlines()
    terms = []
    for i, line in enumerate(lines):
        if not line.strip() or line.startswith((" ", ":")):
            continue
        definition = lines[i + 1].strip()
        m = re.match(r"([^.]+?)\.\s", definition)
        if not m:
            raise ValueError(f"glossary entry {line!r} does not open with its Chinese term")
        head = m.group(1).strip()
        forms = [re.split(r"（", head)[0].strip()]
        forms += [f.strip() for f in re.findall(r"（([^）]+)）", head)]
        terms.append((line.strip(), [f for f in forms if f]))
    return terms


def _prose(text):
    """The English prose of a message: math, code, roles' targets and link targets removed
    (a term inside code, ``padding=1``, is not the term)."""
    text = _ROLE.sub(lambda m: m.group(2).split("<")[0] if m.group(1) == "term" else " ", text)
    text = _MATH.sub(" ", text)
    text = _CODE.sub(" ", text)
    return _LINK.sub("]", text)


def _term_pattern(term):
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    return re.compile(r"(?<![\w-])" + r"[\s-]".join(words) + r"(?:s|es)?(?![\w-])", re.I)


_EXEMPT = re.compile(r"term-exempt:\s*([^:]+?)\s*:\s*(\S.*)")


def term_problems(msgid, msgstr, comments=(), terms=None):
    """Glossary terms of ``msgid`` whose Chinese equivalent ``msgstr`` lacks. A translator's
    comment ``term-exempt: kernel: a GPU kernel, not a convolution's`` exempts one term of one
    message (the reason is required)."""
    terms = glossary_terms() if terms is None else terms
    exempt = {m.group(1).lower() for c in comments for m in [_EXEMPT.search(c)] if m}
    prose = _prose(msgid)
    problems = []
    for term, forms in terms:
        if term.lower() in exempt or not _term_pattern(term).search(prose):
            continue
        if not any(f in msgstr for f in forms):
            problems.append(f"{term!r} without {' / '.join(forms)}")
    return problems


def check_catalogue(path, terms=None):
    """Every problem of one .po file: untranslated or fuzzy messages, broken markup, missing
    glossary terms. Returns a list of strings."""
    terms = glossary_terms() if terms is None else terms
    problems = []
    for msg in read_po(path):
        if not msg.id:
            continue
        where = f"{Path(path).name}:{msg.lineno}"
        if msg.fuzzy:
            problems.append(f"{where}: fuzzy")
        if not msg.string:
            problems.append(f"{where}: untranslated")
            continue
        for p in markup_problems(msg.id, msg.string):
            problems.append(f"{where}: markup {p}")
        for p in term_problems(msg.id, msg.string, msg.user_comments, terms):
            problems.append(f"{where}: term {p}")
    return problems


def search_dictionary(path=ROOT / "_build" / "zh-search-words.txt"):
    """A word list for jieba, the segmenter of Sphinx's Chinese search index: the glossary's
    Chinese terms (and 卷积核-like compounds) are words, so a query for 棋盘格伪影 or 转置卷积
    finds the pages that use them. Written from glossary.md at each build."""
    words = {"伪影", "棋盘格", "上采样层"}
    for _, forms in glossary_terms():
        for form in forms:
            if re.search(r"[\u4e00-\u9fff]", form) and " " not in form:
                words.add(form)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} 100000 n\n" for w in sorted(words)), encoding="utf-8")
    return path


def build(lang="zh"):
    """The Chinese edition's HTML into _build/html/zh/ (warnings are errors)."""
    if lang not in ("zh", ZH):
        raise ValueError(f"lang ({lang!r}) must be 'zh': the only translation is Chinese")
    overrides = {"language": ZH, "html_title": ZH_TITLE, "project": ZH_TITLE,
                 "html_search_language": "zh",
                 "html_search_options": {"dict": str(search_dictionary())}}
    rc = _build("html", ZH_HTML, ROOT / "_build" / ".doctrees-zh", overrides)
    if rc == 0:
        print(f"[i18n] the Chinese edition is at {ZH_HTML / 'index.html'}", flush=True)
    return rc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "report", "build", "extract", "check"])
    parser.add_argument("files", nargs="*", help="check: the .po files (default: all)")
    args = parser.parse_args(argv)
    if args.command == "report":
        report()
        return 0
    if args.command == "check":
        paths = args.files or list(catalogues().values())
        terms = glossary_terms()
        n = 0
        for path in paths:
            for problem in check_catalogue(path, terms):
                print(problem)
                n += 1
        print(f"[i18n] {n} problem(s) in {len(paths)} catalogue(s)")
        return 1 if n else 0
    return {"update": update, "build": build, "extract": extract}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
