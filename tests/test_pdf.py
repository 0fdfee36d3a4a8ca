"""The print edition (tools/print_edition.py, ``python3 tasks.py pdf``).

Both PDFs are built once per test session from the notebooks' stored outputs (the same outputs
the HTML build shows and nbval checks: nothing is executed again), and read back with
poppler's ``pdftotext``/``pdfimages``:

- every chapter's title (the notebook's first heading, in the order of ``_toc.yml``, so a new
  chapter is picked up by itself), the glossary with its Chinese terms and the bibliography
  are there, in order, and chapters are numbered as in the HTML;
- no widget repr, raw HTML, ANSI code, temporary path or traceback is printed, and LaTeX
  reports no missing character or undefined reference;
- every solution is in the instructor's edition and none is in the student's (each solution's
  own distinctive sentence or code line, read from the notebooks' solution directives);
- every figure of a chapter (image outputs, explorers' players included) is an image in that
  chapter's pages, at 150 dpi or more where the stored figure allows it;
- a few pages are rendered to PNG in ``_build/pdf/pages/`` for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
import print_edition as pe  # noqa: E402
import tasks  # noqa: E402  (wait_for_setup: the TeX packages may still be installing)
import student_edition as se  # noqa: E402

pytestmark = pytest.mark.slow
EDITIONS = list(pe.EDITIONS)
BAD = {"a widget repr": re.compile(r"\b(Int|Float|Selection)?Slider\(|\bVBox\(|\bHBox\("),
       "an ANSI code": re.compile(r"\x1b\[|\[(\d+;)*\d+m"),
       "a temporary path": re.compile(r"/tmp/|/var/folders/|AppData\\Local\\Temp"),
       "a traceback": re.compile(r"Traceback \(most recent call last\)|\w+Error: .*line \d+"),
       "raw HTML": re.compile(r"<(div|script|img|table|span)\b|</\w+>"),
       "an object repr": re.compile(r"<IPython\.core\.|<static player|object at 0x[0-9a-f]"),
       "a kernel warning": re.compile(r"\w*Warning: |\[IPKernelApp\]")}
#: a string literal in printed code, also when LaTeX wraps it onto the next line ("␣", "↪")
_STRING_LITERAL = re.compile(r"""f?"(?:[^"\n]|␣\n,?→)*"|f?'(?:[^'\n]|␣\n,?→)*'""")


MIN_PPI = 96


def squash(text):
    """Letters and digits only, lower case, ligatures undone: survives line breaks,
    hyphenation and markup."""
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", text).lower())


# -- what the book holds ------------------------------------------------------------------------

def toc_pages(student=False):
    text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    if student:
        text = se._student_toc(text)
    return se._toc_files(yaml.safe_load(text))[1:]          # the landing page has no chapter


def page_source(page):
    return se._page_path(page)


def title(page):
    path = page_source(page)
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(se._source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    m = re.search(r"^# (.+)$", text, flags=re.M)
    assert m, f"{path.name} has no first-level heading"
    return m.group(1).strip()


def numbered_pages():
    """Chapter number of each page of _toc.yml in the HTML (numbered parts count on, as with
    use_multitoc_numbering); None for unnumbered pages."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    numbers, n = {}, 0
    for part in toc.get("parts", []):
        for chapter in part["chapters"]:
            if part.get("numbered"):
                n += 1
                numbers[chapter["file"]] = n
            else:
                numbers[chapter["file"]] = None
    return numbers


def solutions(nb):
    """The text of each solution of a notebook: ``[[(kind, text), ...], ...]``."""
    found, inside = [], False
    for cell in nb["cells"]:
        text = se._source(cell)
        if cell["cell_type"] == "code":
            if inside:
                found[-1].append(("code", text))
            continue
        for line in text.splitlines():
            if inside:
                if se.SOLUTION_END.match(line):
                    inside = False
                elif not re.match(r"^\s*(:[\w-]+:.*|`{3,}|:{3,})\s*$", line):
                    found[-1].append(("prose", line))
            elif se.SOLUTION_START.match(line):
                inside = True
                found.append([])
    return found


_PUBLIC = []


def public_text():
    """Everything of the book outside the solutions (every chapter's kept sources and outputs,
    every page), squashed: a solution's distinctive text must be found nowhere in it."""
    if not _PUBLIC:
        parts = []
        for path in se.chapter_notebooks():
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell, role, kept in se.split_cells(nb):
                if role != "solution":
                    parts.append(kept)
                    parts += [pe._text(o.get("text", "")) + pe._text(
                        o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", [])]
        for page in toc_pages(student=True):
            if page_source(page).suffix == ".md":
                parts.append(se.strip_markdown_text(page_source(page).read_text(encoding="utf-8")))
        _PUBLIC.append(squash("\n".join(parts)))
    return _PUBLIC[0]


def distinctive(nb, n=5):
    """Per solution, up to ``n`` of its sentences (then code lines), squashed (see
    :func:`squash`), that nothing outside the solutions contains: the longest pieces of prose
    between formulas and code spans first (those print differently from their source)."""
    public = public_text()
    picks = []
    for solution in solutions(nb):
        prose = " ".join(t for kind, t in solution if kind == "prose")
        pieces = re.split(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\{[\w:-]+\}", prose)
        pieces = [s for piece in pieces for s in re.split(r"(?<=[.;:!?])\s+", piece)]
        plain = sorted((s for s in pieces if not re.search(r"[$`\\{}\[\]<|]", s)),
                       key=lambda s: -len(squash(s)))
        code = [line for kind, t in solution if kind == "code" for line in t.splitlines()
                if not line.lstrip().startswith("#")]
        found = []
        for candidate in plain + code:
            s = squash(candidate)
            if len(s) >= 18 and s not in public and s not in found:
                found.append(s)
        picks.append(found[:n])
    return picks


# -- the builds, once per session ---------------------------------------------------------------

@pytest.fixture(scope="session")
def pdfs():
    """``{edition: (returncode, log, pdf_path, seconds)}``, built from the stored outputs."""
    tasks.wait_for_setup("tex")
    missing = pe.missing_tools()
    assert not missing, (f"the print build needs {missing}: run `python3 tasks.py pdf` as root "
                         f"once (it installs Debian's {' '.join(pe.APT_PACKAGES)})")
    built = {}
    if os.environ.get("TCONV_REUSE_PDF") == "1":       # for working on these tests alone
        for edition, name in pe.EDITIONS.items():
            if (pe.OUT / name).exists():
                log = (pe.OUT / edition / "_build" / "latex" / "book.log").read_text(
                    errors="replace")
                built[edition] = (0, pe.TEX_LOG + log, pe.OUT / name, 0.0)
        if len(built) == len(EDITIONS):
            return built

    def build(edition):
        start = time.perf_counter()
        src = pe.write_sources(edition)
        rc, log, pdf = pe.build_pdf(edition, src)
        return rc, log, pdf, time.perf_counter() - start

    # the two editions share nothing (each its own sources, LaTeX folder and PDF): built side
    # by side, both take about as long as one on two cores
    with ThreadPoolExecutor(len(EDITIONS)) as pool:
        futures = {edition: pool.submit(build, edition) for edition in EDITIONS}
        built.update((edition, f.result()) for edition, f in futures.items())
    return built


_TEXT = {}


def text_of(pdf):
    if pdf not in _TEXT:
        _TEXT[pdf] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                    capture_output=True, text=True, check=True).stdout
    return _TEXT[pdf]


def pages_of(pdf):
    return text_of(pdf).split("\f")


def _flat(text):
    return " ".join(text.replace("\u2019", "'").split())


def contents_end(pdf):
    """0-based index of the last page of the table of contents: from the first page that names
    the first chapter (the contents do, before the chapter), the first that names the last."""
    texts = [_flat(p) for p in pages_of(pdf)]
    first_title = _flat(title(toc_pages()[0]))
    first = next(i for i, t in enumerate(texts) if first_title in t)   # a page of contents
    last_title = _flat(title(toc_pages()[-1]))
    return next(i for i in range(first, len(texts)) if last_title in texts[i])


def _opens_chapter(page_text, name):
    """Whether a page opens the chapter titled ``name``: it starts with the title in capitals,
    after "CHAPTER <number>" when the chapter is numbered (running heads never do)."""
    head = page_text.upper()
    name = name.upper()
    return head.startswith(name) or bool(re.match(r"CHAPTER [A-Z-]+ " + re.escape(name), head))


def chapter_start_pages(pdf, pages):
    """0-based index of the page where each page of ``pages`` starts (after the contents)."""
    texts = [_flat(p) for p in pages_of(pdf)]
    starts, at = [], contents_end(pdf) + 1
    for page in pages:
        name = _flat(title(page))
        hit = next((i for i in range(at, len(texts)) if _opens_chapter(texts[i], name)), None)
        assert hit is not None, f"{pdf.name}: the chapter {name!r} ({page}) is not printed " \
                                f"after page {at + 1}"
        starts.append(hit)
        at = hit + 1
    return starts


def ok(pdfs, edition):
    rc, log, pdf, _ = pdfs[edition]
    assert rc == 0 and pdf.exists(), f"{edition} PDF did not build:\n{log[-6000:]}"
    return pdf


# -- the tests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_builds_without_latex_problems(pdfs, edition):
    pdf = ok(pdfs, edition)
    problems = pe.latex_problems(pdfs[edition][1])
    assert not problems, "\n".join(problems[:30])
    assert pe.page_count(pdf) > 20


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_chapter_title_in_order_and_numbered_as_in_html(pdfs, edition):
    pdf = ok(pdfs, edition)
    pages = toc_pages(student=edition == "student")
    if edition == "student":
        assert "instructors_guide" not in pages
    starts = chapter_start_pages(pdf, pages)
    assert starts == sorted(starts)
    numbers = numbered_pages()
    texts = [_flat(p) for p in pages_of(pdf)]
    for page, start in zip(pages, starts):           # "CHAPTER ONE" exactly where numbered
        assert texts[start].upper().startswith("CHAPTER ") == (numbers.get(page) is not None), \
            f"{page}: numbered {numbers.get(page)} in the HTML; its first page: {texts[start][:80]}"
    # the table of contents: "N Title" for a chapter numbered N in the HTML, "Title" otherwise
    contents = "\n".join(pages_of(pdf)[:contents_end(pdf) + 1]).replace("\u2019", "'")
    lines = [" ".join(line.split()) for line in contents.splitlines()]
    at = 0
    for page in pages:
        name = " ".join(title(page).split())
        hit = next((i for i in range(at, len(lines))
                    if re.sub(r"[ .]+\d+$", "", lines[i]).endswith(name)), None)
        assert hit is not None, f"{name!r} is not in the PDF's table of contents (in order)"
        entry, at = lines[hit], hit + 1
        number = numbers.get(page)
        want = name if number is None else f"{number} {name}"
        assert re.sub(r"[ .]+\d+$", "", entry) == want, \
            f"{page}: the contents say {entry!r}; the HTML numbers it {number}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_glossary_and_bibliography_print(pdfs, edition):
    pdf = ok(pdfs, edition)
    text = text_of(pdf)
    glossary = (ROOT / "glossary.md").read_text(encoding="utf-8")
    chinese = re.findall(r"[\u4e00-\u9fff]{2,}", glossary)
    assert chinese, "the glossary has no Chinese term to look for"
    missing = [term for term in dict.fromkeys(chinese) if term not in text]
    assert not missing, f"Chinese glossary terms missing from the PDF: {missing[:10]}"
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    titles = [t for t in re.findall(r"^\s*title\s*=\s*[{\"](.+?)[}\"],?\s*$", bib, flags=re.M)
              if "\\" not in t]
    assert titles
    body = squash(text)
    absent = [t for t in titles if squash(t) not in body]
    assert not absent, f"bibliography entries missing from the PDF: {absent[:5]}"
    assert "Glossary" in text and "Bibliography" in text


@pytest.mark.parametrize("edition", EDITIONS)
def test_nothing_unprintable_is_printed(pdfs, edition):
    text = text_of(ok(pdfs, edition))
    for what, pattern in BAD.items():
        # HTML inside a string literal is a chapter's code (printed as code), not raw HTML output
        searched = _STRING_LITERAL.sub('""', text) if what == "raw HTML" else text
        hits = [m.group(0) for m in pattern.finditer(searched)]
        assert not hits, f"{edition} PDF shows {what}: {hits[:5]}"


def test_solutions_only_in_the_instructor_edition(pdfs):
    instructor = squash(text_of(ok(pdfs, "instructor")))
    student_text = text_of(ok(pdfs, "student"))
    student = squash(student_text)
    assert "✔ correct" not in student_text
    checked = 0
    for path in se.chapter_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for k, picks in enumerate(distinctive(nb), 1):
            assert picks, f"{path.name}: solution {k} has no sentence or code line of its own"
            # formulas and floats can interleave a sentence with other text: one is enough
            assert any(p in instructor for p in picks), \
                f"{path.name}: solution {k} is missing from the instructor's PDF ({picks})"
            leaked = [p for p in picks if p in student]
            assert not leaked, f"{path.name}: solution {k} leaks into the student PDF: {leaked}"
            checked += 1
    assert checked >= 2 * len(se.chapter_notebooks())


def expected_figures(path, student=False):
    """Images a chapter shows: image outputs of cells that are not removed (a player's
    print face counts as one), plus markdown images."""
    nb = pe.print_notebook(json.loads(path.read_text(encoding="utf-8")), path.name, student)
    n = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            n += len(re.findall(r"!\[[^\]]*\]\(|^[`:]{3,}\{(figure|image)\}",
                                se._source(cell), flags=re.M))
        elif not pe._removed(cell):
            n += sum(1 for o in cell.get("outputs", [])
                     if {"image/png", "image/jpeg", "application/pdf"} & set(o.get("data", {})))
    return n


def pdf_images(pdf):
    """``[(page (1-based), width px, height px, x-ppi), ...]`` of the PDF's images."""
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        f = line.split()
        if len(f) >= 14 and f[2] == "image":
            rows.append((int(f[0]), int(f[3]), int(f[4]), int(f[12])))
    return rows


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_figure_is_printed(pdfs, edition):
    pdf = ok(pdfs, edition)
    pages = toc_pages(student=edition == "student")
    starts = chapter_start_pages(pdf, pages)
    images = pdf_images(pdf)
    bounds = starts + [len(pages_of(pdf))]
    for k, page in enumerate(pages):
        path = page_source(page)
        if path.suffix != ".ipynb":
            continue
        want = expected_figures(path, student=edition == "student")
        have = [im for im in images if bounds[k] < im[0] <= bounds[k + 1]]
        assert len(have) == want, (f"{edition}: {path.name} has {want} figures and "
                                   f"{len(have)} images in its pages {bounds[k] + 1}.."
                                   f"{bounds[k + 1]}")
        # never printed larger than drawn (96 px per inch, Sphinx's pixel unit, or sharper);
        # 150 ppi and more needs figures stored at a higher resolution (see the README)
        blurred = [im for im in have if im[3] < MIN_PPI]
        assert not blurred, f"{path.name}: images printed below {MIN_PPI} ppi: {blurred}"


def test_pages_rendered_for_a_person(pdfs):
    """A few pages of each edition as PNG in _build/pdf/pages/ (to look at, not compared)."""
    out = pe.OUT / "pages"
    shutil.rmtree(out, ignore_errors=True)
    for edition in EDITIONS:
        pdf = ok(pdfs, edition)
        pages = toc_pages(student=edition == "student")
        starts = chapter_start_pages(pdf, pages)
        images = pdf_images(pdf)
        chosen = {1, starts[0] + 1, starts[0] + 2}
        chosen |= {images[len(images) // 2][0]} if images else set()
        glossary = pages.index("glossary") if "glossary" in pages else None
        if glossary is not None:
            chosen.add(starts[glossary] + 1)
        if edition == "instructor":
            texts = pages_of(pdf)
            chosen |= set([i + 1 for i, t in enumerate(texts) if "Solution to Exercise" in t][:1])
        written = pe.render_pages(pdf, sorted(chosen), out)
        assert all(p.exists() and p.stat().st_size > 5000 for p in written)
