#!/usr/bin/env python3
"""The print edition: the whole book as PDF, with solutions (instructor) and without (student).

    python3 tasks.py pdf          (or: make pdf)

writes ``_build/pdf/book.pdf`` (the instructor's edition: every exercise followed by its
solution, set off as "Solution to Exercise N.M") and ``_build/pdf/book-student.pdf`` (no
solution at all), plus a few pages rendered to PNG in ``_build/pdf/pages/`` for a person to
look at. Step by step (each step is a function the tests reuse):

1. :func:`write_sources` writes one edition's sources to ``_build/pdf/<edition>/``: the pages of
   the table of contents, ``_config.yml``, ``references.bib`` and each chapter notebook *with
   its stored outputs* (nothing is executed again: nbval proves the stored outputs equal a
   fresh run), passed through :func:`print_notebook`, which gives every output a print face:

   * an explorer's or animation's static player (HTML + JavaScript) gets an ``image/png``: a
     grid of a few of its frames with their captions (:meth:`tconvlib.explorer.Player.
     contact_sheet`, drawn from the frames stored in the player's HTML);
   * an HTML table gets a ``text/markdown`` twin (MyST-NB's LaTeX output skips ``text/html``);
   * ANSI colour codes are removed from text;
   * any other output that LaTeX could only show as raw HTML or a bare object repr stops the
     build with the cell's name, so nothing unprintable reaches the page.

   The student edition removes the solutions exactly as ``tools/student_edition.py`` does
   (gated ``solution-start``/``solution-end`` across cells, ``{solution}`` blocks, cells tagged
   ``solution``) and drops the instructor-only pages; the outputs of the cells it keeps are
   the instructor notebook's (the student-edition tests run the student notebooks and check
   that their exercise cells answer "not answered yet", as the stored ones do).

2. :func:`build_pdf` runs ``jupyter-book build --builder pdflatex`` on those sources
   (XeLaTeX, TeX Gyre fonts, AR PL UMing for the glossary's Chinese terms; see the
   ``latex`` settings in ``_config.yml``) and copies the PDF to ``_build/pdf/``.

3. :func:`render_pages` renders a few pages of each PDF to PNG with ``pdftoppm``.

The TeX toolchain comes from Debian's packages (:data:`APT_PACKAGES`), which
``python3 tasks.py pdf`` installs when they are missing.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_edition as se  # noqa: E402

OUT = ROOT / "_build" / "pdf"
EDITIONS = {"instructor": "book.pdf", "student": "book-student.pdf"}
#: Debian packages of the print build (``apt-get install --no-install-recommends``).
APT_PACKAGES = ("texlive-xetex", "texlive-latex-recommended", "texlive-fonts-recommended",
                "fonts-texgyre", "fonts-arphic-uming", "fonts-dejavu-core",
                "latexmk", "make", "poppler-utils")
#: What must exist for the print build (commands, then LaTeX files found by kpsewhich).
NEEDED_COMMANDS = ("xelatex", "latexmk", "make", "kpsewhich", "pdftotext", "pdfimages", "pdftoppm",
                   "pdfinfo")
NEEDED_TEX_FILES = ("ucharclasses.sty", "texgyretermes-regular.otf", "fncychap.sty",
                    "polyglossia.sty")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PLAYER_MARK = "tconv-player"
PRINT_ROOT = "print_edition_root"
FRONT_MATTER = "Front matter"
ABOUT = "About this book"
TEX_LOG = "\n--- book.log (the last LaTeX pass) ---\n"


def missing_tools():
    """The commands and TeX files of the print build that this machine lacks."""
    missing = [c for c in NEEDED_COMMANDS if not shutil.which(c)]
    if shutil.which("kpsewhich"):
        for name in NEEDED_TEX_FILES:
            proc = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
            if not proc.stdout.strip():
                missing.append(name)
    return missing


# -- 1. sources --------------------------------------------------------------------------------

def _text(value):
    return "".join(value) if isinstance(value, list) else value


def html_table_to_markdown(text):
    """A markdown pipe table for the first ``<table>`` of ``text`` (header = first row)."""
    from bs4 import BeautifulSoup  # noqa: PLC0415 -- in the venv (jupyter-book needs it)

    soup = BeautifulSoup(text, "html.parser")
    table = soup.find("table")
    rows = []
    for tr in table.find_all("tr"):
        cells = []
        for cell in tr.find_all(["th", "td"]):
            for code in cell.find_all("code"):
                code.replace_with(f"`{code.get_text()}`")
            cells.append(" ".join(cell.get_text(" ").split()).replace("|", "\\|"))
        if cells:
            rows.append(cells)
    if not rows:
        raise ValueError("the HTML table has no rows")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    caption = table.find("caption")
    head = f"{' '.join(caption.get_text(' ').split())}\n\n" if caption else ""
    return head + "\n".join(lines) + "\n"


_SHEETS = {}


def print_output(output, where):
    """Give one stored output its print face (in place); see the module's docstring."""
    if "text" in output:
        output["text"] = ANSI.sub("", _text(output["text"]))
    if output.get("output_type") == "error":
        raise ValueError(f"{where}: a stored error output ({output.get('ename')}) cannot be "
                         "printed; re-execute the notebook")
    data = output.get("data")
    if not data:
        return output
    for mime in ("text/plain", "text/markdown", "text/latex"):
        if mime in data:
            data[mime] = ANSI.sub("", _text(data[mime]))
    printable = {"application/pdf", "image/png", "image/jpeg", "text/latex", "text/markdown"}
    if "text/html" in data and not printable & set(data):
        html = _text(data["text/html"])
        if PLAYER_MARK in html:
            from tconvlib.explorer import Player  # noqa: PLC0415

            key = hash(html)
            if key not in _SHEETS:             # the two editions share their players
                _SHEETS[key] = Player.from_html(html).contact_sheet()
            png = _SHEETS[key]
            data["image/png"] = base64.b64encode(png).decode("ascii")
        elif "<table" in html:
            data["text/markdown"] = html_table_to_markdown(html)
        else:
            raise ValueError(f"{where}: an HTML output with no print face (not a player, not a "
                             f"table): {html[:200]!r}")
    if set(data) <= {"text/plain"} and re.match(r"<\S+ (object|at 0x)", data["text/plain"]):
        raise ValueError(f"{where}: an output that would print as a bare object repr: "
                         f"{data['text/plain'][:200]!r}")
    if "application/vnd.jupyter.widget-view+json" in data and not printable & set(data):
        raise ValueError(f"{where}: a live widget is shown (tag its cell remove-cell and show "
                         "its static player instead)")
    return output


def _removed(cell):
    tags = set(cell.get("metadata", {}).get("tags", []))
    return bool(tags & {"remove-cell", "remove-output"})


def print_notebook(nb, where="notebook", student=False):
    """A copy of ``nb`` whose outputs have print faces; without solutions for the student."""
    nb = copy.deepcopy(nb)
    if student:
        cells = []
        for cell, role, kept in se.split_cells(nb, where):
            if role == "solution":
                continue
            if role == "cut":
                cell["source"] = kept.rstrip("\n")
            cells.append(cell)
        nb["cells"] = cells
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or _removed(cell):
            continue
        for output in cell.get("outputs", []):
            print_output(output, f"{where}, cell {index}")
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def _config(text, edition):
    text = se._student_config(text)           # execute_notebooks "off" (and the title)
    if edition != "student":
        text = text.replace(" (student edition)", "", 1)
    return text


def write_sources(edition, dest=None):
    """Write one edition's sources (``"instructor"`` or ``"student"``); returns ``dest``."""
    import yaml  # noqa: PLC0415

    if edition not in EDITIONS:
        raise ValueError(f"edition ({edition!r}) must be one of {sorted(EDITIONS)}")
    student = edition == "student"
    dest = Path(dest) if dest else OUT / edition
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    toc_text = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    if student:
        toc_text = se._student_toc(toc_text)
    (dest / "_config.yml").write_text(
        _config((ROOT / "_config.yml").read_text(encoding="utf-8"), edition), encoding="utf-8")
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load(toc_text)
    pages = se._toc_files(toc)
    # LaTeX drops the root page's title and turns its sections into chapters before the first
    # part; in print, the landing page is an unnumbered chapter of its own ("About this book")
    # and the root is an empty page whose title is the book's (PRINT_ROOT)
    front = {"caption": FRONT_MATTER, "chapters": [{"file": toc["root"]}]}
    print_toc = {"format": toc.get("format", "jb-book"), "root": PRINT_ROOT,
                 "parts": [front] + toc.get("parts", [])}
    (dest / "_toc.yml").write_text(yaml.safe_dump(print_toc, sort_keys=False,
                                                  allow_unicode=True), encoding="utf-8")
    (dest / f"{PRINT_ROOT}.md").write_text(f"# {config.get('title', 'Book')}\n",
                                           encoding="utf-8")
    se.copy_assets(dest, config)
    for page in pages:
        src = se._page_path(page)
        rel = src.relative_to(ROOT)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".ipynb":
            nb = json.loads(src.read_text(encoding="utf-8"))
            target.write_text(json.dumps(print_notebook(nb, str(rel), student), indent=1,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            text = src.read_text(encoding="utf-8")
            if student:
                text = se.strip_markdown_text(text, str(rel))
            if page == toc["root"]:
                text = re.sub(r"^# .*$", f"# {ABOUT}", text, count=1, flags=re.M)
                # the map of the book is the PDF's table of contents
                text = re.sub(r"^(##+ [^\n]*\n\s*)?```\{tableofcontents\}\s*\n```\s*\n", "",
                              text, flags=re.M)
            target.write_text(text, encoding="utf-8")
    return dest


# -- 2. the PDF --------------------------------------------------------------------------------

def build_pdf(edition, src=None):
    """Build one edition's PDF from its sources; returns ``(returncode, log, pdf_path)``.

    Sphinx writes the LaTeX (``jupyter-book build --builder latex``), :func:`patch_tex` adds
    the parts and the HTML's chapter numbering, and ``make`` (latexmk, XeLaTeX) typesets it.
    The PDF is copied to ``_build/pdf/book.pdf`` or ``_build/pdf/book-student.pdf``; the
    LaTeX sources and log stay in ``<src>/_build/latex/``.
    """
    import yaml  # noqa: PLC0415

    src = Path(src) if src else OUT / edition
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("MPLBACKEND", None)
    shutil.rmtree(src / "_build", ignore_errors=True)
    target = OUT / EDITIONS[edition]
    target.unlink(missing_ok=True)
    proc = subprocess.run([str(jb), "build", str(src), "--builder", "latex"],
                          capture_output=True, text=True, env=env, cwd=src)
    log = proc.stdout + proc.stderr
    latex = src / "_build" / "latex"
    if proc.returncode or not (latex / "book.tex").exists():
        return proc.returncode or 1, log, target
    toc = yaml.safe_load((src / "_toc.yml").read_text(encoding="utf-8"))
    tex = latex / "book.tex"
    tex.write_text(patch_tex(tex.read_text(encoding="utf-8"), toc), encoding="utf-8")
    # latexmk -xelatex: the passes write XDV and xdvipdfmx makes the PDF once at the end
    # (Sphinx's Makefile otherwise has every XeLaTeX pass write a PDF with all its images:
    # about a quarter more CPU time for the same PDF)
    env.setdefault("LATEXMKOPTS", "-xelatex")
    # xdvipdfmx compresses at zlib level 6, not its default 9: half its CPU time (8.3 -> 4.3 s
    # for the student edition here) for a PDF 3 % larger
    with open(latex / "latexmkrc", "a", encoding="utf-8") as rc:
        rc.write("$xdvipdfmx = 'xdvipdfmx -z 6 -E -o %D %O %S';\n")
    make = subprocess.run(["make"], capture_output=True, text=True, env=env, cwd=latex)
    log += make.stdout + make.stderr
    if (latex / "book.log").exists():
        log += TEX_LOG + (latex / "book.log").read_text(errors="replace")
    built = latex / "book.pdf"
    if make.returncode == 0 and built.exists():
        shutil.copy2(built, target)
    return make.returncode, log, target


def patch_tex(tex, toc):
    """Sphinx's LaTeX with the book's structure: ``\\part`` for each part of the table of
    contents, and chapters numbered as in the HTML (numbered parts count on from 1; the front
    matter, appendices and back matter are unnumbered)."""
    for part in toc["parts"]:
        first = part["chapters"][0]["file"]
        label = r"\label{\detokenize{" + first + "::doc}}"
        at = tex.find(label)
        if at < 0:
            raise ValueError(f"book.tex has no chapter for {first!r}")
        start = tex.rfind(r"\chapter{", 0, at)
        depth = 2 if part.get("numbered") else -1
        head = f"\\setcounter{{secnumdepth}}{{{depth}}}\n"
        if part["caption"] != FRONT_MATTER:
            head += (f"\\part*{{{_tex_escape(part['caption'])}}}\n"
                     f"\\addcontentsline{{toc}}{{part}}{{{_tex_escape(part['caption'])}}}\n")
        tex = tex[:start] + head + tex[start:]
    # Sphinx names the contents after the first toctree caption
    tex = re.sub(r"(\\renewcommand\{\\contentsname\})\{[^}]*\}", r"\1{Contents}", tex)
    return tex


def _tex_escape(text):
    return re.sub(r"([#$%&_{}])", r"\\\1", text)


def latex_problems(log):
    """Lines of a build log that mean something is missing from the printed page."""
    sphinx_log, _, tex_log = log.partition(TEX_LOG)
    sphinx = [line for line in sphinx_log.splitlines() if "WARNING:" in line]
    # the final LaTeX pass: references resolved, every character in some font
    bad = re.compile(r"Missing character|LaTeX Warning: (Reference|Citation|Hyper reference)"
                     r"|There were undefined references|Font shape .* undefined")
    return sphinx + [line for line in tex_log.splitlines() if bad.search(line)]


# -- 3. pages to look at -----------------------------------------------------------------------

def page_count(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, flags=re.M).group(1))


def render_pages(pdf, pages, dest=OUT / "pages", dpi=80):
    """Render the given 1-based pages of ``pdf`` to ``dest/<stem>-<page>.png``."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        prefix = dest / f"{Path(pdf).stem}-{page:03d}"
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(prefix)], check=True)
        written.append(prefix.with_suffix(".png"))
    return written


def main(argv):
    editions = argv or list(EDITIONS)
    missing = missing_tools()
    if missing:
        print(f"[pdf] missing: {', '.join(missing)}; install Debian's "
              f"{' '.join(APT_PACKAGES)} (python3 tasks.py pdf does, as root)")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT / "pages", ignore_errors=True)
    rc = 0
    for edition in editions:
        start = time.perf_counter()
        src = write_sources(edition)
        code, log, pdf = build_pdf(edition, src)
        problems = latex_problems(log)
        if code or problems:
            print(log[-6000:])
            print("\n".join(problems[:40]))
            rc = rc or code or 1
            continue
        n = page_count(pdf)
        render_pages(pdf, sorted({1, 3, min(12, n), n // 2, n}))
        print(f"[pdf] {edition}: {pdf} ({n} pages, {pdf.stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - start:.0f} s)", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
