"""The exercise conventions, on every chapter notebook (CONTRIBUTING.md, "Exercises"):

- at least 4 exercises, of at least two kinds, each titled "... (★|★★|★★★, kind)" with a
  label ``ex-...`` that is unique in the book;
- each exercise has exactly one solution, hidden in a dropdown, after the exercise;
- every ``tc.check("id", ...)`` id used is registered, and every registered checker is used;
- in the stored outputs, each checker call inside a solution says "✔ correct", and none outside
  a solution does (the instructor's book shows no correct answer outside a dropdown);
- the statements never show a checker call with the right answer as a literal.
"""

import json
from collections import Counter

import pytest

import tconvlib as tc
from exercise_tools import (CORRECT_MARK, TITLE, check_ids, exercises, inline_code_spans,
                            literal_check_calls, output_text, se, solutions, source)

CHAPTERS = se.chapter_notebooks()


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request):
    return request.param.stem, load(request.param)


def test_there_are_chapters():
    assert CHAPTERS, "no chapter notebooks found in chapters/"


def test_at_least_four_exercises_of_mixed_kinds(chapter):
    name, nb = chapter
    found = exercises(nb)
    assert len(found) >= 4, f"{name}: {len(found)} exercises, at least 4 are required"
    bad = [title for title, _ in found if not TITLE.search(title)]
    assert not bad, (f"{name}: titles must end with '(★|★★|★★★, kind)', kind one of the "
                     f"CONTRIBUTING kinds: {bad}")
    kinds = {TITLE.search(title).group(2) for title, _ in found}
    assert len(kinds) >= 2, f"{name}: all exercises are of one kind ({kinds})"


def test_labels_are_present_and_unique_in_the_book():
    labels = [label for path in CHAPTERS for _, label in exercises(load(path))]
    assert all(label and label.startswith("ex-") for label in labels), labels
    dupes = [label for label, n in Counter(labels).items() if n > 1]
    assert not dupes, f"exercise labels used twice: {dupes}"


def test_every_exercise_has_one_hidden_solution(chapter):
    name, nb = chapter
    labels = [label for _, label in exercises(nb)]
    sols = solutions(nb)
    counts = Counter(label for label, _ in sols)
    missing = [label for label in labels if counts[label] == 0]
    assert not missing, f"{name}: exercises without a solution: {missing}"
    extra = [label for label in counts if counts[label] > 1 or label not in labels]
    assert not extra, f"{name}: solutions that are doubled or have no exercise: {extra}"
    shown = [label for label, opts in sols if "dropdown" not in opts.get("class", "").split()]
    assert not shown, f"{name}: solutions not hidden (add ':class: dropdown'): {shown}"
    # each solution comes after its exercise: walk the markdown in order
    order = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            order += [("ex", label) for _, label in exercises({"cells": [cell]})]
            order += [("sol", label) for label, _ in solutions({"cells": [cell]})]
    for label in labels:
        assert order.index(("ex", label)) < order.index(("sol", label)), \
            f"{name}: the solution of {label} comes before the exercise"


def test_checker_ids_are_registered_and_used():
    registered = set(tc.checkers.exercise_ids())
    used = set()
    for path in CHAPTERS:
        nb = load(path)
        ids = {i for cell in nb["cells"] for i in check_ids(source(cell))}
        unknown = ids - registered
        assert not unknown, f"{path.stem}: checker ids not registered in tconvlib: {unknown}"
        used |= ids
    orphans = registered - used
    assert not orphans, f"registered checkers no chapter uses: {sorted(orphans)}"


def test_stored_checker_outputs(chapter):
    """Solutions pass their own checker; nothing outside a solution shows a correct answer."""
    name, nb = chapter
    for index, (cell, role, _) in enumerate(se.split_cells(nb, name)):
        if cell["cell_type"] != "code" or not check_ids(source(cell)):
            continue
        shown = output_text(cell)
        if role == "solution":
            assert CORRECT_MARK in shown, (
                f"{name}, cell {index}: a solution cell must end with a tc.check(...) call that "
                f"shows '{CORRECT_MARK}'; its stored output is {shown[:200]!r}")
        else:
            assert CORRECT_MARK not in shown, (
                f"{name}, cell {index}: a correct answer is shown outside a solution")


def test_statements_show_no_literal_right_answer(chapter):
    name, nb = chapter
    for index, (cell, role, kept) in enumerate(se.split_cells(nb, name)):
        if role == "solution":
            continue
        codes = [kept] if cell["cell_type"] == "code" else inline_code_spans(kept)
        for code in codes:
            for exercise, value in literal_check_calls(code):
                assert not tc.check(exercise, value), (
                    f"{name}, cell {index}: the call check({exercise!r}, {value!r}) outside "
                    f"the solution gives the answer away")
