"""The instructor's guide is in the book (back matter, before the bibliography), and its worked
example works: the checker registers, its test passes, the student cell says "not answered yet",
the solution cell says "correct", and the exercise follows the conventions."""

import re

import pytest
import yaml

import tconvlib as tc
from exercise_tools import ROOT, TITLE, exercises, solutions

GUIDE = ROOT / "instructors_guide.md"
EXAMPLE_ID = "my-course/length"


def blocks(lang):
    text = GUIDE.read_text(encoding="utf-8")
    if lang == "md":
        return re.findall(r"^````md\n(.*?)^````$", text, flags=re.S | re.M)
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.S | re.M)


def block_with(fragment, lang="python"):
    found = [b for b in blocks(lang) if fragment in b]
    assert len(found) == 1, f"expected one {lang} block with {fragment!r}, found {len(found)}"
    return found[0]


def test_guide_is_in_the_back_matter_before_the_bibliography():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    back = [part for part in toc["parts"] if part["caption"] == "Back matter"]
    assert back, "_toc.yml has no 'Back matter' part"
    files = [c["file"] for c in back[0]["chapters"]]
    assert "instructors_guide" in files and "bibliography" in files
    assert files.index("instructors_guide") < files.index("bibliography")


def test_guide_names_the_student_command_and_every_planned_chapter():
    text = GUIDE.read_text(encoding="utf-8")
    assert "python3 tasks.py student" in text and "make student" in text
    for name in ("matrix view", "painting view", "shape formula", "equivariance",
                 "checkerboard origins", "initialization", "remedies", "pixel shuffle",
                 "alignment", "applications", "misconceptions", "GPU appendix"):
        assert name in text, name
    linked = set(re.findall(r"\]\((chapters/[^)#]+)", text))
    for target in linked:
        assert (ROOT / target).exists(), f"the guide links to a missing page: {target}"


@pytest.fixture
def example_checker():
    namespace = {}
    exec(compile(block_with("register("), "guide-checker", "exec"), namespace)
    try:
        yield namespace
    finally:
        tc.checkers._REGISTRY.pop(EXAMPLE_ID, None)


def test_worked_example_checker_and_its_test(example_checker):
    assert EXAMPLE_ID in tc.checkers.exercise_ids()
    namespace = {}
    exec(compile(block_with("def test_length_checker"), "guide-test", "exec"), namespace)
    namespace["test_length_checker"]()


def test_worked_example_cells(example_checker):
    student = {"tc": tc}
    exec(compile(block_with("answer = ..."), "guide-student", "exec"), student)
    source = block_with("answer = ...").strip().splitlines()
    result = eval(source[-1], student)
    assert not result and "not answered yet" in result.message
    solution = {"tc": tc}
    lines = block_with("length = s * (n - 1)").strip().splitlines()
    exec("\n".join(lines[:-1]), solution)
    assert eval(lines[-1], solution)


def test_worked_example_follows_the_conventions():
    statement = block_with("{exercise-start}", "md")
    closing = block_with("{solution-start}", "md")
    found = exercises({"cells": [{"cell_type": "markdown", "source": statement}]})
    assert len(found) == 1 and TITLE.search(found[0][0]) and found[0][1] == "ex-guide-length"
    sols = solutions({"cells": [{"cell_type": "markdown", "source": closing}]})
    assert sols == [("ex-guide-length", {"class": "dropdown"})]
