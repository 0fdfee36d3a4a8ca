"""tools/lab_metadata.py: solutions collapsed in Jupyter (cell metadata), nothing else changed."""

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_metadata  # noqa: E402
import student_edition  # noqa: E402


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text):
    return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [],
            "execution_count": None}


NB = {"cells": [
    _md("# Title\n"),
    _md("```{exercise-start} Shape (★, compute)\n:label: ex-a\n```\nWhat is the shape?"),
    _code('answer = ...\ntc.check("a", answer)'),
    _md("```{exercise-end}\n```\n\n```{solution-start} ex-a\n:class: dropdown\n```\nIt is 4x11."),
    _code('tc.check("a", (4, 11))'),
    _md("```{solution-end}\n```"),
    _md("Text after.\n"),
    {**_code("x = 1"), "metadata": {"tags": ["solution"], "jupyter": {"source_hidden": False}}},
    {**_code("y = 2"), "metadata": {"jupyter": {"source_hidden": True}}},     # stale: cleared
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_collapses_exactly_the_solutions():
    nb = copy.deepcopy(NB)
    assert lab_metadata.solution_cells(nb) == [4, 7]
    assert lab_metadata.solution_cells(nb, markdown=True) == [3, 4, 5, 7]
    changed = lab_metadata.collapse_solutions(nb)
    assert changed == 3
    hidden = [i for i, c in enumerate(nb["cells"])
              if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert hidden == [4, 7]
    assert nb["cells"][4]["metadata"]["jupyter"]["outputs_hidden"] is True
    assert "jupyter" not in nb["cells"][8]["metadata"]
    assert nb["cells"][7]["metadata"]["tags"] == ["solution"]
    # sources untouched; a second run changes nothing
    assert [c["source"] for c in nb["cells"]] == [c["source"] for c in NB["cells"]]
    assert lab_metadata.collapse_solutions(nb) == 0


def test_exercise_text_is_never_hidden():
    # exercise text and solution in one cell: the exercise must stay visible
    nb = {"cells": [_md("```{exercise-start} T\n:label: ex-b\n```\nDo it.\n```{exercise-end}\n"
                        "```\n```{solution-start} ex-b\n```\nDone.\n```{solution-end}\n```")]}
    assert lab_metadata.solution_cells(nb, markdown=True) == []


def test_chapter_one_matches_the_student_edition(tmp_path):
    """On a real chapter: every cell the student edition drops is collapsed, and every cell it
    keeps whole is not."""
    path = ROOT / "chapters" / "01_matrix_view.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    roles = [role for _, role, _ in student_edition.split_cells(nb)]
    hidden = set(lab_metadata.solution_cells(nb))
    assert hidden and all(roles[i] == "solution" for i in hidden)
    assert all(i in hidden for i, r in enumerate(roles)
               if r == "solution" and nb["cells"][i]["cell_type"] == "code")
    copy_path = tmp_path / path.name
    copy_path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert lab_metadata.main([str(copy_path)]) == 0
    assert lab_metadata.main(["--check", str(copy_path)]) == 0     # now up to date
    after = json.loads(copy_path.read_text(encoding="utf-8"))
    assert [c["source"] for c in after["cells"]] == [c["source"] for c in nb["cells"]]
    assert [c.get("outputs") for c in after["cells"]] == [c.get("outputs") for c in nb["cells"]]
