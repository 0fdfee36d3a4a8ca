"""The otter-grader release (tools/grade_release.py, ``python3 tasks.py grade-release``), end to
end on chapter 1, locally and without Docker (``otter run``):

* the release has a test per answer cell, points (1 per value exercise, 2 per code exercise),
  an autograder zip, and a student notebook that contains no solution;
* a submission filled with the solutions gets full marks; an empty one (every answer ``...``)
  gets 0 and does not crash; one with typical mistakes gets partial marks, and its feedback is
  the checker's hint.

To keep the run short, each submission is the chapter's setup and answer cells (and, for the
solutions, the solution cells) without the chapter's demonstrations: the same submit/check
path, graded by the same autograder, without re-running every figure three times.
"""

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import tconvlib as tc
from exercise_tools import PLACEHOLDER_MESSAGES, ROOT, distinctive_solution_lines, se, source

import otter  # noqa: E402,F401 -- pinned in requirements.txt: a missing otter is a broken environment, not a skip
sys.path.insert(0, str(ROOT / "tools"))
import grade_release as gr  # noqa: E402

CHAPTER = ROOT / "chapters" / "01_matrix_view.ipynb"
#: Typical mistakes for the partial submission: exercise -> (answer source, hint fragment).
MISTAKES = {
    "matrix-view/shape": ("(11, 4)", "rows and columns are swapped"),
    "matrix-view/nnz": ("12", "counts all k taps in every row"),
}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    dest = tmp_path_factory.mktemp("grading")
    info = gr.release(CHAPTER, dest)
    return dest / CHAPTER.stem, info


def _trim(nb, keep_solutions):
    """Title, setup, import cells and answer cells (and the solutions' code cells)."""
    cells = [nb["cells"][0], nb["cells"][1]]
    for cell, role, _ in se.split_cells(nb):
        if cell["cell_type"] != "code" or cell is nb["cells"][1]:
            continue
        text = source(cell)
        if ("import " in text and "submit(" not in text) or "submit(" in text:
            cells.append(cell)
        elif role == "solution" and keep_solutions:
            cells.append(cell)
    return {**nb, "cells": cells}


def _fill(nb, answers):
    cells = []
    for cell in nb["cells"]:
        new = dict(cell)
        text = source(cell)
        for ex, (value, _) in answers.items():
            if f'submit("{ex}", answer)' in text:
                text = text.replace("answer = ...", f"answer = {value}", 1)
        new["source"] = text
        cells.append(new)
    return {**nb, "cells": cells}


def _grade(release_dir, nb, tmp_path, name):
    path = release_dir / "student" / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / name
    out.mkdir()
    zip_path = release_dir / "autograder" / f"{CHAPTER.stem}-autograder.zip"
    proc = subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a",
                           str(zip_path), "-o", str(out), str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {t["name"]: t for t in results["tests"] if "max_score" in t}


def test_the_release_has_tests_points_and_no_solution(release):
    out, info = release
    nb = json.loads(CHAPTER.read_text(encoding="utf-8"))
    exercises = gr.answer_exercises(se.student_notebook(nb))
    assert list(info["points"]) == exercises and len(exercises) == 6
    assert info["points"]["matrix-view/transpose-code"] == 2
    assert info["points"]["matrix-view/shape"] == 1
    for ex in exercises:
        assert (out / "tests" / f"{gr.question_name(ex)}.py").exists()
        assert (out / "student" / "tests" / f"{gr.question_name(ex)}.py").exists()
    assert (out / "autograder" / f"{CHAPTER.stem}-autograder.zip").stat().st_size > 0
    student = (out / "student" / CHAPTER.name).read_text(encoding="utf-8")
    assert not se.SOLUTION_MARKERS.search(student)
    secret = distinctive_solution_lines(nb)
    leaked = [line for line in secret["code"] if line in student]
    assert not leaked, leaked[:5]
    for text in (student, *(p.read_text() for p in (out / "tests").glob("*.py"))):
        assert ".solve(" not in text


def test_grading_end_to_end(release, tmp_path):
    out, info = release
    student = json.loads((out / "student" / CHAPTER.name).read_text(encoding="utf-8"))
    solutions = json.loads((out / "solutions" / CHAPTER.name).read_text(encoding="utf-8"))
    total = info["total"]
    start = time.perf_counter()

    right = {ex: (repr(tc.checkers._REGISTRY[ex].solve()), None)
             for ex in ("matrix-view/output-padding", "matrix-view/inverse")}
    # the three submissions are independent `otter run`s (each its own notebook, output folder
    # and kernel): graded side by side, they take the time of the slowest on two cores
    submissions = {"solutions": _trim(solutions, keep_solutions=True),
                   "empty": _trim(student, keep_solutions=False),
                   "mistakes": _fill(_trim(student, keep_solutions=False),
                                     {**MISTAKES, **right})}
    with ThreadPoolExecutor(len(submissions)) as pool:
        graded = {name: pool.submit(_grade, out, nb, tmp_path, name)
                  for name, nb in submissions.items()}
        full, empty, partial = (graded[name].result() for name in submissions)

    assert sum(t["score"] for t in full.values()) == total, full

    assert sum(t["score"] for t in empty.values()) == 0
    assert all(any(m in t["output"] for m in PLACEHOLDER_MESSAGES)
               for t in empty.values()), empty

    score = sum(t["score"] for t in partial.values())
    assert score == len(right), partial
    for ex, (_, hint) in MISTAKES.items():
        feedback = " ".join(partial[gr.question_name(ex)]["output"].split())
        assert hint in feedback and "✘" in feedback, feedback
    print(f"three submissions graded in {time.perf_counter() - start:.1f} s")


def test_grading_end_to_end_is_in_the_test_command():
    text = (ROOT / "tasks.py").read_text(encoding="utf-8")
    assert '"grade-release"' in text
