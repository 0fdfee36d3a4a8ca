"""The student edition (tools/student_edition.py, ``python3 tasks.py student``).

1. The stripper, on small notebooks made here: gated solutions across cells, text kept before
   and after the directives, non-gated ``{solution}`` blocks, ``solution`` tags, outputs.
2. Leak test, for every chapter: the student notebook has the same exercises and no solution
   directive, tag, solution code, solution prose or stored output of a solution cell, and no
   checker call whose argument is the right answer.
3. Run test, for every chapter: the student notebook runs top to bottom, and every checker call
   in it answers "not answered yet" / "not implemented yet" (never "correct").
4. The student HTML builds (warnings are errors) and its pages contain no solution either.

The notebooks are executed once per test run (by nbval, on the instructor's chapters), not once
more here. A student notebook is the instructor's notebook minus whole solution cells, and each
kept cell is the same cell with the same id, so its outputs are the instructor's stored outputs
(which nbval proves equal a fresh run) *provided no kept cell depends on a solution cell*. That
proviso is checked statically: no name that only a removed solution cell defines is read by a
kept code cell after it. ``TCONV_STUDENT_EXECUTE=1`` executes the student notebooks for real,
with the handout's student build of tconvlib (``python3 tasks.py student`` always does); that
build's verdicts are compared with the instructor's in tests/test_student_package.py.
"""

import ast
import builtins
import copy
import json
import os

import pytest
from bs4 import BeautifulSoup

import tconvlib as tc
from exercise_tools import (CORRECT_MARK, PLACEHOLDER_MESSAGES, ROOT, check_ids,
                            distinctive_solution_lines, exercises, inline_code_spans,
                            literal_check_calls, normalise, output_text, se, source)

CHAPTERS = se.chapter_notebooks()
STEMS = [p.stem for p in CHAPTERS]


# -- 1. the stripper ----------------------------------------------------------------------------

def md(text, **meta):
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def code(text, outputs=(), tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)} if tags else {},
            "source": text, "execution_count": 3, "outputs": list(outputs)}


def notebook(*cells):
    return {"cells": list(cells), "metadata": {"widgets": {"state": 1}}, "nbformat": 4,
            "nbformat_minor": 5}


def texts(nb):
    return [source(c) for c in nb["cells"]]


SOLVED = notebook(
    md("# Title"),
    md("```{exercise-start} E (★, code)\n:label: ex-t\n```\nDo it."),
    code("answer = ...\ntc.check('x', answer)", outputs=[{"output_type": "stream",
                                                         "name": "stdout", "text": "nope"}]),
    md("```{exercise-end}\n```\n\n```{solution-start} ex-t\n:class: dropdown\n```\nSecret."),
    code("secret = 42\ntc.check('x', secret)"),
    md("More secret prose."),
    md("```{solution-end}\n```\nAfter the solution."),
    md("## Summary"),
)


def test_gated_solution_is_removed_across_cells():
    out = se.student_notebook(SOLVED)
    assert texts(out) == ["# Title", "```{exercise-start} E (★, code)\n:label: ex-t\n```\nDo it.",
                          "answer = ...\ntc.check('x', answer)", "```{exercise-end}\n```",
                          "After the solution.", "## Summary"]


def test_outputs_counts_and_widget_state_are_removed():
    out = se.student_notebook(SOLVED)
    student_cell = out["cells"][2]
    assert student_cell["outputs"] == [] and student_cell["execution_count"] is None
    assert "widgets" not in out["metadata"]
    assert SOLVED["cells"][2]["outputs"], "the input notebook must not be modified"


@pytest.mark.parametrize("fence", ["```", "````", ":::"])
def test_non_gated_solution_block_is_removed(fence):
    text = (f"Before.\n{fence}{{solution}} ex-t\n:class: dropdown\nThe answer is 42.\n"
            f"```python\nprint(42)\n```\n{fence}\nAfter.") if fence != "```" else (
        "Before.\n```{solution} ex-t\n:class: dropdown\nThe answer is 42.\n```\nAfter.")
    out = se.student_notebook(notebook(md(text)))
    assert texts(out) == ["Before.\nAfter."]


def test_tagged_cells_are_removed():
    nb = notebook(md("Keep."), code("x = 42", tags=["solution"]),
                  md("Secret.", tags=["solution-cell"]), code("y = 1", tags=["remove-cell"]))
    assert texts(se.student_notebook(nb)) == ["Keep.", "y = 1"]


def test_one_line_solution_end():
    nb = notebook(md("```{solution-start} ex-t\n```\nSecret.\n```{solution-end}```\nAfter."))
    assert texts(se.student_notebook(nb)) == ["After."]


@pytest.mark.parametrize("cells, message", [
    ([md("```{solution-start} ex-t\n```\nSecret.")], "without a solution-end"),
    ([md("```{solution-end}\n```")], "without a solution-start"),
    ([md("```{solution-start} a\n```"), md("```{solution-start} b\n```")], "inside an open"),
    ([md("```{solution} a\nSecret.")], "unclosed"),
])
def test_broken_solution_syntax_is_an_error(cells, message):
    with pytest.raises(se.SolutionSyntaxError, match=message):
        se.student_notebook(notebook(*cells))


def test_destination_must_say_student(tmp_path):
    with pytest.raises(ValueError, match="must be a folder whose path contains 'student'"):
        se.write_sources(tmp_path / "handout")


def test_config_and_toc_are_adapted():
    config = se._student_config((ROOT / "_config.yml").read_text())
    assert '"off"' in config and "(student edition)" in config
    toc = se._student_toc("parts:\n  - chapters:\n      - file: chapters/01_x\n"
                          "      - file: instructors_guide\n      - file: bibliography\n")
    assert "instructors_guide" not in toc and "bibliography" in toc and "01_x" in toc


# -- the edition, written once per test session -----------------------------------------------

@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    dest = tmp_path_factory.mktemp("student-edition")
    se.write_sources(dest)
    se.write_handout(dest)        # the notebooks run with the handout's student tconvlib
    return dest


_RUNS = {}


def _python(src):
    """A cell's source as Python: IPython magics and shell lines become comments."""
    return "\n".join("#" + line if line.lstrip().startswith(("%", "!")) else line
                     for line in src.splitlines())


def _names(src):
    """(names the cell reads before defining them, names it defines) of one code cell."""
    tree = ast.parse(_python(src))
    defined, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    return read, defined


def solution_dependencies(nb):
    """Kept code cells that read a name only a removed solution cell defined before them:
    ``[(cell index, name)]``. Empty when the student notebook runs like the instructor's."""
    kept_defs, solution_defs, problems = set(dir(builtins)), set(), []
    for index, (cell, role, _) in enumerate(se.split_cells(nb)):
        if cell["cell_type"] != "code":
            continue
        read, defined = _names(source(cell))
        if role == "solution":
            solution_defs |= defined - kept_defs
            continue
        problems += [(index, name)
                     for name in sorted((read - defined) & solution_defs - kept_defs)]
        kept_defs |= defined
    return problems


def _with_stored_outputs(path, stem):
    """The written student notebook with each kept cell's outputs from the instructor's."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    stored = {c.get("id"): c for c in instructor(stem)["cells"] if c["cell_type"] == "code"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            original = stored[cell["id"]]
            cell["outputs"] = copy.deepcopy(original.get("outputs", []))
            cell["execution_count"] = original.get("execution_count")
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return nb


def run_student(edition, stem):
    """The student notebook with its outputs (cached); returns (notebook, error or None).

    Outputs are the instructor's stored ones (see the module docstring), unless
    ``TCONV_STUDENT_EXECUTE=1`` asks for a real execution in a fresh kernel."""
    if stem not in _RUNS:
        path = edition / "chapters" / f"{stem}.ipynb"
        try:
            if os.environ.get("TCONV_STUDENT_EXECUTE") == "1":
                _RUNS[stem] = (se.execute(path, pythonpath=edition / "handout"), None)
            else:
                problems = solution_dependencies(instructor(stem))
                if problems:
                    raise RuntimeError(f"kept cells read names defined only by solution "
                                       f"cells (cell index, name): {problems}")
                _RUNS[stem] = (_with_stored_outputs(path, stem), None)
        except Exception as exc:  # reported by the run test, with the cell's error
            _RUNS[stem] = (json.loads(path.read_text(encoding="utf-8")), exc)
    return _RUNS[stem]


def test_a_kept_cell_that_needs_a_solution_is_caught():
    nb = notebook(md("```{solution-start} ex-a\n:class: dropdown\n```"),
                  code("secret = 42"),
                  md("```{solution-end}\n```"),
                  code("print(secret)"), code("import numpy as np\nx = np.ones(3)"),
                  code("%matplotlib inline\nprint(x, len(x))"),
                  code("secret = 7\nprint(secret)"))           # defines before it reads: fine
    assert solution_dependencies(nb) == [(3, "secret")]
    nb["cells"].insert(3, code("secret = 1"))          # defined again by a kept cell: fine
    assert solution_dependencies(nb) == []


def instructor(stem):
    return json.loads((ROOT / "chapters" / f"{stem}.ipynb").read_text(encoding="utf-8"))


def test_edition_has_every_chapter_and_no_instructor_page(edition):
    assert sorted(p.stem for p in (edition / "chapters").glob("*.ipynb")) == sorted(STEMS)
    assert "instructors_guide" not in (edition / "_toc.yml").read_text()
    assert not list(edition.rglob("instructors_guide*"))


# -- 3. run test --------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_student_notebook_runs_and_exercises_say_not_yet(edition, stem):
    nb, error = run_student(edition, stem)
    assert error is None, f"{stem}: the student notebook stops with an error:\n{error}"[:3000]
    checked = 0
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        shown = output_text(cell)
        assert CORRECT_MARK not in shown, f"{stem}, cell {index}: shows a correct answer"
        if check_ids(source(cell)):
            checked += 1
            assert any(msg in shown for msg in PLACEHOLDER_MESSAGES), (
                f"{stem}, cell {index}: an exercise cell must answer 'not answered yet' or "
                f"'not implemented yet' until the student fills it in; it shows {shown[:300]!r}")


# -- 2. leak test -------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_no_solution_leaks_into_the_student_notebook(edition, stem):
    nb, _ = run_student(edition, stem)         # executed if it runs: its outputs are checked too
    assert exercises(nb) == exercises(instructor(stem)), f"{stem}: exercises were lost"
    sources = [source(c) for c in nb["cells"]]
    outputs = [output_text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    for index, cell in enumerate(nb["cells"]):
        assert not se.SOLUTION_MARKERS.search(source(cell)), \
            f"{stem}, cell {index}: a solution directive is left"
        tags = set(cell.get("metadata", {}).get("tags", []))
        assert not tags & se.SOLUTION_TAGS, f"{stem}, cell {index}: a solution tag is left"
    blob = "\n".join(normalise(line) for text in sources + outputs for line in text.splitlines())
    secret = distinctive_solution_lines(instructor(stem))
    for kind, lines in secret.items():
        leaked = [line for line in lines if line in blob]
        assert not leaked, f"{stem}: solution {kind} in the student notebook: {leaked[:5]}"
    for index, cell in enumerate(nb["cells"]):
        codes = ([source(cell)] if cell["cell_type"] == "code"
                 else inline_code_spans(source(cell)))
        for snippet in codes:
            for exercise, value in literal_check_calls(snippet):
                assert not tc.check(exercise, value), \
                    f"{stem}, cell {index}: check({exercise!r}, {value!r}) gives the answer away"


def test_distinctive_lines_are_found_in_chapter_one():
    """The leak test has teeth: chapter 1's solutions have distinctive code, prose, outputs."""
    secret = distinctive_solution_lines(instructor("01_matrix_view"))
    assert any("canvas[stride * i: stride * i + k] += v * w" in ln for ln in secret["code"])
    assert any("autocorrelation" in ln for ln in secret["prose"])
    assert any(ln.startswith("predicted:") for ln in secret["output"])


def test_leak_test_catches_a_solution_left_behind():
    nb = instructor("01_matrix_view")
    leaky = copy.deepcopy(nb)
    kept = se.student_notebook(leaky)
    solution_cells = [c for c, role, _ in se.split_cells(nb) if role == "solution"
                      and c["cell_type"] == "code"]
    kept["cells"].append(copy.deepcopy(solution_cells[-1]))
    blob = "\n".join(normalise(line) for c in kept["cells"] for line in source(c).splitlines())
    secret = distinctive_solution_lines(nb)["code"]
    assert any(line in blob for line in secret)


# -- 4. the student HTML ------------------------------------------------------------------------

@pytest.mark.slow
def test_student_html_builds_and_has_no_solutions(edition):
    for stem in STEMS:                          # the HTML shows the student run's outputs
        _, error = run_student(edition, stem)
        assert error is None, f"{stem} does not run; see its run test"
    rc, log = se.build_html(edition)
    warnings = [line for line in log.splitlines() if "WARNING:" in line]
    assert rc == 0 and not warnings, "\n".join(warnings) or log[-6000:]
    html = edition / "_build" / "html"
    assert "(student edition)" in (html / "intro.html").read_text(encoding="utf-8")
    for stem in STEMS:
        page = (html / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(page, "html.parser")
        main = soup.find("main") or soup
        assert not main.select(".solution, #solution-content"), f"{stem}.html has a solution block"
        n_exercises = len(exercises(instructor(stem)))
        assert len(main.select("div.exercise")) == n_exercises, f"{stem}.html lost exercises"
        text = normalise(main.get_text(" "))
        raw = normalise(main.get_text())
        assert CORRECT_MARK not in raw, f"{stem}.html shows a correct answer"
        secret = distinctive_solution_lines(instructor(stem))
        for kind in ("code", "output"):
            leaked = [line for line in secret[kind] if line in raw or line in text]
            assert not leaked, f"{stem}.html shows solution {kind}: {leaked[:5]}"
