#!/usr/bin/env python3
"""Keep the solutions collapsed when a chapter is opened in Jupyter (issue 14).

    python tools/lab_metadata.py [NOTEBOOK ...]        (default: every chapter)
    python tools/lab_metadata.py --check [NOTEBOOK ...] (exit 1 if a notebook needs it)

The book hides solutions in the HTML with ``:class: dropdown``; JupyterLab does not read that.
It does read the standard cell metadata ``metadata.jupyter.source_hidden`` (the cell's input is
collapsed to a "..." bar that a click expands) and ``metadata.jupyter.outputs_hidden``. This
tool sets both on every code cell that belongs to a solution, found exactly as the student
edition finds them (``tools/student_edition.split_cells``: code cells inside a gated
``{solution-start}`` .. ``{solution-end}``, and cells tagged ``solution``), and removes them
from every other cell that has them. The solution's prose needs nothing: jupyterlab-myst shows
``{solution-start}`` with ``:class: dropdown`` as a closed dropdown (checked in JupyterLab
4.6.6 with jupyterlab-myst 2.7.0; collapsing those markdown cells too showed their raw first
line instead, so :func:`solution_cells` does that only when asked). Sources
and outputs are untouched, so nbval and the book build see no difference; the cells still run
with Run All (the instructor's edition must show that its solutions pass their checkers).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_edition import split_cells  # noqa: E402

#: lines that carry no reader-visible content of their own (fences, exercise-end, blank)
_DIRECTIVE_ONLY = re.compile(r"^\s*(`{3,}|:{3,})(\{exercise-end\})?\s*$|^\s*$")


def _only_directives(text):
    return all(_DIRECTIVE_ONLY.match(line) for line in text.splitlines())


def solution_cells(nb, where="notebook", *, markdown=False):
    """Indices of the cells to collapse: the code cells of solutions. With ``markdown=True``
    also whole solution markdown cells and a markdown cell cut by the student edition whose
    remaining text is only directive fences. The default leaves markdown alone: jupyterlab-myst
    renders ``{solution-start}`` with ``:class: dropdown`` as a closed dropdown already, and a
    collapsed markdown cell shows its raw first line (```` ```{exercise-end} ... ````) instead."""
    out = []
    for index, (cell, role, kept) in enumerate(split_cells(nb, where)):
        if cell["cell_type"] == "code":
            if role == "solution":
                out.append(index)
        elif markdown and (role == "solution" or (role == "cut" and _only_directives(kept))):
            out.append(index)
    return out


def collapse_solutions(nb, where="notebook"):
    """Set (or clear) ``jupyter.source_hidden``/``outputs_hidden``; returns the number of
    cells changed."""
    hide = set(solution_cells(nb, where))
    changed = 0
    for index, cell in enumerate(nb["cells"]):
        meta = cell.setdefault("metadata", {})
        before = json.dumps(meta, sort_keys=True)
        jup = dict(meta.get("jupyter", {}))
        if index in hide:
            jup["source_hidden"] = True
            if cell["cell_type"] == "code":
                jup["outputs_hidden"] = True
        else:
            jup.pop("source_hidden", None)
            jup.pop("outputs_hidden", None)
        if jup:
            meta["jupyter"] = jup
        else:
            meta.pop("jupyter", None)
        changed += json.dumps(meta, sort_keys=True) != before
    return changed


def main(argv):
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or sorted(
        (ROOT / "chapters").glob("[0-9]*.ipynb"))
    need = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        n = collapse_solutions(nb, str(path))
        if not n:
            continue
        need += 1
        if check:
            print(f"[lab_metadata] {path}: {n} cells need their solution metadata")
        else:
            # the layout nbformat writes (indent 1, keys sorted, non-ASCII kept)
            path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            print(f"[lab_metadata] {path}: {n} cells updated")
    return 1 if (check and need) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
