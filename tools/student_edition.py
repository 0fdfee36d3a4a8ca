#!/usr/bin/env python3
"""The student edition: every chapter with its exercises and without a single solution.

    python3 tasks.py student          (or: make student)

writes the student edition's sources to ``_build/student/`` and its HTML to
``_build/student/_build/html/``. Step by step (each step is a function the tests reuse):

1. :func:`write_sources` copies what a Jupyter Book build needs (``_config.yml`` adapted,
   ``_toc.yml`` without the instructor-only pages, ``intro.md`` and the other pages of the table
   of contents, ``references.bib``, the non-notebook files of ``chapters/``) and writes each
   chapter notebook through :func:`student_notebook`, which removes

   * everything from a ``{solution-start}`` directive to the end of its ``{solution-end}``
     directive, across cells: code cells inside are dropped, markdown cells are cut at the
     directive lines (the exercise text before ``solution-start`` in the same cell is kept);
   * every non-gated ``{solution}`` directive (backtick or colon fence) in markdown;
   * every cell tagged ``solution`` (or ``solution-cell``);
   * every stored output and execution count (outputs of solution cells must not survive).

2. :func:`execute` runs each student notebook top to bottom in a fresh kernel (cwd = its
   folder) and stores the outputs, so the handout shows the demonstrations, and each exercise
   cell shows the checker's "not answered yet". A cell that raises stops the build: the student
   edition must run without the solutions.

3. :func:`write_handout` and :func:`zip_handout` make the handout, ``_build/student/handout.zip``:
   the executed notebooks (``chapters/``), the student build of ``tconvlib`` (``tconvlib/`` and
   ``pyproject.toml``, from ``tools/student_package.py``: no answer can be read from it),
   ``requirements.txt`` (exact pins) and ``README.md`` with the install line. The notebooks of
   step 2 run with that student build (``PYTHONPATH``).

4. :func:`build_html` builds the HTML with ``jupyter-book`` (warnings are errors), without
   re-executing: the HTML shows the outputs stored in step 2.

Steps 1 and 3's bookkeeping use only the standard library; step 2 needs nbclient (the venv).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "_build" / "student"
#: Pages of the instructor's edition that the student edition leaves out.
INSTRUCTOR_ONLY = ("instructors_guide",)
#: Cell tags that mark a whole cell as part of a solution.
SOLUTION_TAGS = frozenset({"solution", "solution-cell"})

_FENCE = r"(?P<fence>`{3,}|:{3,})"
SOLUTION_START = re.compile(r"^\s*" + _FENCE + r"\{solution-start\}")
SOLUTION_END = re.compile(r"^\s*" + _FENCE + r"\{solution-end\}")
SOLUTION_BLOCK = re.compile(r"^\s*" + _FENCE + r"\{solution\}")
#: Anything that may announce a solution; none of it may remain in the student edition.
SOLUTION_MARKERS = re.compile(r"\{solution(-start|-end)?\}|solution-start|solution-end")


class SolutionSyntaxError(ValueError):
    """A solution directive that is not closed, or closed without being opened."""


def _is_closing_fence(line, fence):
    text = line.strip()
    return bool(text) and set(text) == {fence[0]} and len(text) >= len(fence)


def _strip_markdown(lines, in_solution, where):
    """Remove the solution parts of one markdown cell's lines.

    Returns ``(kept_lines, in_solution)``; ``in_solution`` carries the open gated solution
    from cell to cell.
    """
    kept = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if in_solution:
            m = SOLUTION_END.match(line)
            if m:
                in_solution = False
                tail = line.strip()[len(m.group("fence")) + len("{solution-end}"):]
                # ```{solution-end}``` on one line, or the closing fence on the next line
                if not tail.strip() and i + 1 < len(lines) and _is_closing_fence(
                        lines[i + 1], m.group("fence")):
                    i += 1
            elif SOLUTION_START.match(line):
                raise SolutionSyntaxError(f"{where}: solution-start inside an open solution")
            i += 1
            continue
        if SOLUTION_START.match(line):
            in_solution = True
            i += 1
            continue
        if SOLUTION_END.match(line):
            raise SolutionSyntaxError(f"{where}: solution-end without a solution-start")
        m = SOLUTION_BLOCK.match(line)
        if m:                                 # skip to the closing fence of {solution}
            i += 1
            while i < len(lines) and not _is_closing_fence(lines[i], m.group("fence")):
                i += 1
            if i == len(lines):
                raise SolutionSyntaxError(f"{where}: unclosed {{solution}} directive")
            i += 1
            continue
        kept.append(line)
        i += 1
    return kept, in_solution


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def strip_markdown_text(text, where="markdown"):
    """Remove every solution from a markdown page (gated or not); the rest is unchanged."""
    kept, open_ = _strip_markdown(text.splitlines(keepends=True), False, where)
    if open_:
        raise SolutionSyntaxError(f"{where}: solution-start without a solution-end")
    return "".join(kept)


def split_cells(nb, where="notebook"):
    """Label each cell of a notebook: ``"keep"``, ``"solution"`` (whole cell) or ``"cut"``
    (a markdown cell that contains part of a solution), with the kept source of each.

    Returns a list of ``(cell, role, kept_source)``.
    """
    out = []
    in_solution = False
    for index, cell in enumerate(nb["cells"]):
        tags = set(cell.get("metadata", {}).get("tags", []))
        src = _source(cell)
        if cell["cell_type"] == "markdown":
            lines = src.splitlines(keepends=True)
            kept, after = _strip_markdown(lines, in_solution, f"{where}, cell {index}")
            role = "keep" if (len(kept) == len(lines) and not in_solution) else "cut"
            if tags & SOLUTION_TAGS:
                role, kept = "solution", []
            elif not "".join(kept).strip() and role == "cut":
                role = "solution"
            in_solution = after
            out.append((cell, role, "".join(kept)))
        else:
            role = "solution" if (in_solution or tags & SOLUTION_TAGS) else "keep"
            out.append((cell, role, src if role == "keep" else ""))
    if in_solution:
        raise SolutionSyntaxError(f"{where}: solution-start without a solution-end")
    return out


def student_notebook(nb, where="notebook"):
    """A new notebook dict: ``nb`` without its solutions, outputs and execution counts."""
    cells = []
    for cell, role, kept in split_cells(nb, where):
        if role == "solution":
            continue
        new = {key: value for key, value in cell.items() if key not in ("outputs", "source")}
        new["source"] = kept if role == "keep" else kept.rstrip("\n")
        meta = dict(new.get("metadata", {}))
        meta.pop("execution", None)
        new["metadata"] = meta
        if cell["cell_type"] == "code":
            new["outputs"] = []
            new["execution_count"] = None
        cells.append(new)
    meta = dict(nb.get("metadata", {}))
    meta.pop("widgets", None)
    return {**nb, "cells": cells, "metadata": meta}


# -- sources -----------------------------------------------------------------------------------

def _toc_files(toc):
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files += [s["file"] for s in chapter.get("sections", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return files


def _student_toc(text):
    """_toc.yml without the instructor-only entries (line-based: the file stays readable)."""
    lines = text.splitlines(keepends=True)
    keep = [line for line in lines if not any(
        re.match(rf"\s*-\s*file:\s*{re.escape(page)}\s*$", line) for page in INSTRUCTOR_ONLY)]
    return "".join(keep)


def _student_config(text):
    """_config.yml for the student edition: titled as such, outputs taken from the notebooks."""
    text = re.sub(r'^title:\s*"?(.*?)"?\s*$', lambda m: f'title: "{m.group(1)} (student edition)"',
                  text, count=1, flags=re.M)
    text, n = re.subn(r"^(\s*execute_notebooks:\s*)\S+", r'\1"off"', text, count=1, flags=re.M)
    if not n:
        raise ValueError("_config.yml has no execute_notebooks entry to switch off")
    # the Chinese edition (zh/) is the reader's book; the student edition has no translation,
    # so its pages get no link to one (_ext/tconv_i18n.py)
    text, n = re.subn(r"^(  config:\n)", r"\1    tconv_other_edition: false\n", text, count=1,
                      flags=re.M)
    if not n:
        raise ValueError("_config.yml has no sphinx `config:` block")
    return text


def _page_path(page):
    for suffix in (".ipynb", ".md"):
        if (ROOT / (page + suffix)).exists():
            return ROOT / (page + suffix)
    raise FileNotFoundError(f"_toc.yml lists {page!r}, which is neither .ipynb nor .md")


def chapter_notebooks(root=ROOT):
    """The chapter notebooks of the book, in reading order."""
    return sorted((root / "chapters").glob("[0-9]*.ipynb"))


def copy_assets(dest, config):
    """Copy what an edition's build needs besides its pages into ``dest``: the bibliography
    files named in ``config``, ``_static/`` and ``images/``, and everything in ``chapters/``
    that is not a notebook (images, includes, data). Used by the student and print editions."""
    for bib in config.get("bibtex_bibfiles", []):
        shutil.copy2(ROOT / bib, dest / bib)
    for extra in ("_static", "_templates", "_ext", "images"):
        if (ROOT / extra).is_dir():
            shutil.copytree(ROOT / extra, dest / extra)
    for path in sorted((ROOT / "chapters").rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_dir() or path.suffix == ".ipynb" or ".ipynb_checkpoints" in rel.parts:
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest / rel)


def write_sources(dest=DEST):
    """Write the student edition's sources (notebooks without solutions, pages, config)."""
    import yaml  # noqa: PLC0415 -- available in the venv (jupyter-book needs it)

    dest = Path(dest)
    if "student" not in str(dest):
        raise ValueError(f"dest ({dest}) must be a folder whose path contains 'student'")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    toc_text = _student_toc((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (dest / "_toc.yml").write_text(toc_text, encoding="utf-8")
    (dest / "_config.yml").write_text(
        _student_config((ROOT / "_config.yml").read_text(encoding="utf-8")), encoding="utf-8")
    config = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    copy_assets(dest, config)
    written = []
    pages = _toc_files(yaml.safe_load(toc_text))
    notebooks = {p.relative_to(ROOT).with_suffix("").as_posix() for p in chapter_notebooks()}
    for page in dict.fromkeys(pages + sorted(notebooks)):
        src = _page_path(page)
        rel = src.relative_to(ROOT)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".ipynb":
            nb = json.loads(src.read_text(encoding="utf-8"))
            target.write_text(json.dumps(student_notebook(nb, str(rel)), indent=1,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            target.write_text(strip_markdown_text(src.read_text(encoding="utf-8"), str(rel)),
                              encoding="utf-8")
        written.append(target)
    (dest / "README.md").write_text(
        "# Student edition (sources)\n\nThe chapters without solutions, as built for the HTML "
        "in `_build/html/`.\nThe handout for students is `handout.zip` (its README.md has the "
        "install line).\n", encoding="utf-8")
    return written


# -- the handout ------------------------------------------------------------------------------

#: The packages a student needs to run the chapters (exact pins from requirements.txt).
HANDOUT_PACKAGES = ("numpy", "scipy", "matplotlib", "torch", "ipywidgets", "ipykernel",
                    "jupyterlab_widgets", "widgetsnbextension")
HANDOUT_README = """# Transposed Convolution, Executed: student edition

The chapters with their exercises, without solutions, and the library they import.

Install (Python 3.11 or later, in a fresh virtual environment):

    pip install -r requirements.txt && pip install .

then open a notebook in `chapters/` and run it top to bottom. Each exercise has an answer cell
that ends with a `tc.check(...)` call: it says "not answered yet" until you replace `...` with
your answer, then ✔ or ✘ with a hint about the mistake it recognises.

This edition holds no solutions and no answers: the checkers of `tconvlib` here keep only
salted digests (fingerprints) of the right answers and of the typical mistakes, so they can
tell right from wrong without being able to say what is right. Exercises where you write a
function compare it with the library's own functions.
"""


def handout_requirements():
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    keep = [line for line in lines if line.split("==")[0].lower() in HANDOUT_PACKAGES]
    return "# Exact pins, from the book's requirements.txt\n" + "\n".join(keep) + "\n"


def write_handout(dest=DEST, salt=None):
    """``dest/handout/``: the student build of tconvlib (tools/student_package.py), its
    pyproject.toml, requirements.txt and README.md. The notebooks are added by
    :func:`zip_handout`, after they have run."""
    import student_package  # noqa: PLC0415

    handout = Path(dest) / "handout"
    if handout.exists():
        shutil.rmtree(handout)
    handout.mkdir(parents=True)
    info = student_package.build(handout, salt)
    (handout / "requirements.txt").write_text(handout_requirements(), encoding="utf-8")
    (handout / "README.md").write_text(HANDOUT_README, encoding="utf-8")
    return handout, info


def zip_handout(dest=DEST):
    """``dest/handout.zip``: ``handout/`` plus the (executed) notebooks in ``chapters/``."""
    import zipfile  # noqa: PLC0415

    dest = Path(dest)
    archive = dest / "handout.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((dest / "handout").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, Path("handout") / path.relative_to(dest / "handout"))
        for path in sorted((dest / "chapters").rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                zf.write(path, Path("handout") / path.relative_to(dest))
    return archive


# -- execution and HTML ------------------------------------------------------------------------

def execute(notebook, timeout=300, pythonpath=None):
    """Run one student notebook top to bottom in a fresh kernel and store its outputs.
    ``pythonpath``: a folder put first on the kernel's import path (the handout's student
    build of tconvlib)."""
    import nbformat  # noqa: PLC0415
    from nbclient import NotebookClient  # noqa: PLC0415

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    saved = os.environ.get("PYTHONPATH")
    if pythonpath:
        os.environ["PYTHONPATH"] = str(pythonpath) + (os.pathsep + saved if saved else "")
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    finally:
        if pythonpath:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, notebook)
    return nb


def build_html(dest=DEST, extra_args=("-W", "-n", "--keep-going")):
    """Build the student HTML into ``dest/_build/html``; returns (returncode, log)."""
    dest = Path(dest)
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("MPLBACKEND", None)
    shutil.rmtree(dest / "_build", ignore_errors=True)
    proc = subprocess.run([str(jb), "build", str(dest), *extra_args], capture_output=True,
                          text=True, env=env, cwd=dest)
    return proc.returncode, proc.stdout + proc.stderr


def main(argv):
    dest = Path(argv[0]).resolve() if argv else DEST
    pages = write_sources(dest)
    notebooks = [p for p in pages if p.suffix == ".ipynb"]
    print(f"[student] wrote {len(pages)} pages ({len(notebooks)} notebooks) to {dest}",
          flush=True)
    handout, info = write_handout(dest)
    print(f"[student] student build of tconvlib in {handout}: {len(info['value'])} value "
          f"exercises as digests, {len(info['code'])} code exercises", flush=True)
    for nb in notebooks:     # with the student build of tconvlib, as a student's would run
        execute(nb, pythonpath=handout)
        print(f"[student] executed {nb.relative_to(dest)}", flush=True)
    rc, log = build_html(dest)
    warnings = [line for line in log.splitlines() if "WARNING:" in line]
    if rc or warnings:
        print(log[-6000:])
        return rc or 1
    archive = zip_handout(dest)
    print(f"[student] the handout is {archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    print(f"[student] the student edition is at {dest / '_build' / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
