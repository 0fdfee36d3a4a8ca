#!/usr/bin/env python3
"""An otter-grader assignment release for each chapter, from the same sources as the book.

    python3 tasks.py grade-release [CHAPTER ...]      (or: make grade-release)

For every chapter (default: every chapter with checkable exercises; ``CHAPTER`` is a notebook
path or a stem such as ``01_matrix_view``) writes ``_build/grading/<stem>/``:

``student/<stem>.ipynb``
    the student notebook (``tools/student_edition.py``: no solutions, no outputs) with one
    setup cell added after the title (``grader = otter.Notebook(...)`` and ``submit``) and each
    answer cell's ``tc.check("id", answer)`` turned into ``submit("id", answer)``, which records
    the answer under its exercise id (the cells reuse the name ``answer``) and checks it as
    before; ``student/tests/``: the tests, so that ``grader.check("...")`` works for the learner.
``solutions/<stem>.ipynb``
    the instructor's notebook, solutions included, transformed the same way (instructor only:
    a submission filled with the solutions, for checking the release).
``autograder/<stem>-autograder.zip``
    ``otter generate``'s autograder: the tests and a copy of ``tconvlib`` (the instructor's
    build: the autograder is not handed out), for ``otter run`` and Gradescope.
``tests/``
    one exception-based otter test file per exercise: it passes when
    ``tconvlib.check(id, ANSWERS[id])`` is ✔, and fails with the checker's own line (✘ and its
    hint, or "not answered yet") as the feedback. Points: 1 per exercise with a value answer,
    2 per code exercise. The tests are public (not hidden): they hold no answer, only the call
    to the checker, which says right or wrong and which mistake.
``points.json``
    ``{exercise id: points}`` and the total.

The release needs otter-grader (pinned in requirements.txt) for ``otter generate``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
import student_edition as se  # noqa: E402
import student_package as sp  # noqa: E402

DEST = ROOT / "_build" / "grading"
CHECK_CALL = re.compile(r"(?<![\w.])(?:tc|tconvlib|checkers)\.check\(")
CHECK_ID = re.compile(r"(?<![\w.])(?:(?:tc|tconvlib|checkers)\.)?check\(\s*[\"']([^\"']+)[\"']")
SETUP = '''# Autograding (otter-grader): submit(id, answer) records your answer for grading and checks it.
import otter
grader = otter.Notebook(tests_dir="tests")
ANSWERS = {}


def submit(exercise_id, answer):
    import tconvlib
    ANSWERS[exercise_id] = answer
    return tconvlib.check(exercise_id, answer)
'''
TEST = '''OK_FORMAT = False

from otter.test_files import test_case

name = {name!r}
points = {points}


@test_case(points={points}, hidden=False)
def test_checker(ANSWERS):
    """{exercise}: passes when tconvlib.check says it is right; the feedback is its hint."""
    import tconvlib
    answer = (ANSWERS or {{}}).get({exercise!r}, ...)
    result = tconvlib.check({exercise!r}, answer)
    assert result.correct, str(result)
'''


def question_name(exercise_id):
    return re.sub(r"\W", "_", exercise_id.replace("/", "__"))


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def answer_exercises(student_nb):
    """The exercise ids of the answer cells of a student notebook, in order."""
    found = []
    for cell in student_nb["cells"]:
        if cell["cell_type"] == "code":
            for ex in CHECK_ID.findall(_source(cell)):
                if ex not in found:
                    found.append(ex)
    return found


def graded_notebook(nb):
    """``nb`` with the setup cell after its first cell and ``tc.check(`` as ``submit(``."""
    cells = []
    for cell in nb["cells"]:
        new = dict(cell)
        if cell["cell_type"] == "code":
            new["source"] = CHECK_CALL.sub("submit(", _source(cell))
            new["outputs"], new["execution_count"] = [], None
        cells.append(new)
    setup = {"cell_type": "code", "id": "otter-setup", "metadata": {"tags": ["otter-setup"]},
             "source": SETUP, "outputs": [], "execution_count": None}
    cells.insert(1, setup)
    meta = {k: v for k, v in nb.get("metadata", {}).items() if k != "widgets"}
    return {**nb, "cells": cells, "metadata": meta}


def points_of(exercises):
    checkers = sp._checkers()
    return {ex: 2 if sp.is_code_exercise(ex, checkers._REGISTRY[ex]) else 1
            for ex in exercises}


def _write_nb(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def release(chapter, dest=DEST, python=None, autograder=True):
    """Write the release of one chapter notebook; returns its ``points.json`` content."""
    chapter = Path(chapter)
    nb = json.loads(chapter.read_text(encoding="utf-8"))
    student = se.student_notebook(nb, chapter.name)
    exercises = answer_exercises(student)
    if not exercises:
        return None
    out = Path(dest) / chapter.stem
    if out.exists():
        shutil.rmtree(out)
    points = points_of(exercises)
    tests = out / "tests"
    tests.mkdir(parents=True)
    for ex, pts in points.items():
        (tests / f"{question_name(ex)}.py").write_text(
            TEST.format(name=question_name(ex), points=pts, exercise=ex), encoding="utf-8")
    _write_nb(graded_notebook(student), out / "student" / chapter.name)
    shutil.copytree(tests, out / "student" / "tests")
    solutions = {**nb, "cells": [c for c in nb["cells"]]}
    _write_nb(graded_notebook(solutions), out / "solutions" / chapter.name)
    for extra in sorted((ROOT / "chapters").iterdir()):       # includes, data next to chapters
        if extra.is_dir() and not extra.name.startswith("."):
            for side in ("student", "solutions"):
                shutil.copytree(extra, out / side / extra.name)
    info = {"chapter": chapter.stem, "points": points, "total": sum(points.values())}
    (out / "points.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    if autograder:
        build_autograder(out, python)
    return info


def build_autograder(out, python=None):
    """``otter generate``: ``autograder/<stem>-autograder.zip`` with the tests and tconvlib."""
    python = python or sys.executable
    work = out / "autograder"
    work.mkdir()
    shutil.copytree(ROOT / "tconvlib", work / "tconvlib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    reqs = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
            if re.match(r"(numpy|scipy|matplotlib|torch)==", line)]
    (work / "requirements.txt").write_text("\n".join(reqs) + "\n", encoding="utf-8")
    zip_path = work / f"{out.name}-autograder.zip"
    proc = subprocess.run([python, "-m", "otter", "generate", "-t", str(out / "tests"),
                           "-r", "requirements.txt", "--no-config", "--no-environment",
                           "-o", zip_path.name, "tconvlib"],
                          cwd=work, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"otter generate failed:\n{proc.stdout}\n{proc.stderr}")
    shutil.rmtree(work / "tconvlib")
    return zip_path


def main(argv):
    chapters = []
    for arg in argv:
        path = Path(arg)
        if not path.exists():
            path = ROOT / "chapters" / (arg if arg.endswith(".ipynb") else arg + ".ipynb")
        chapters.append(path)
    chapters = chapters or se.chapter_notebooks()
    total = {}
    for chapter in chapters:
        info = release(chapter)
        if info:
            total[info["chapter"]] = info["total"]
            print(f"[grade-release] {info['chapter']}: {len(info['points'])} exercises, "
                  f"{info['total']} points -> {DEST / info['chapter']}", flush=True)
    print(f"[grade-release] {sum(total.values())} points in {len(total)} chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
