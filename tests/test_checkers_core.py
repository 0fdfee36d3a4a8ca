"""The checkers' shared core: the registry, `check`, `CheckResult` and the answer
normalisers; unknown ids raise, placeholders are "not answered yet"."""

import numpy as np  # noqa: F401
import pytest

import tconvlib as tc
from checker_tools import verdict


def test_unknown_id_raises_value_error():
    with pytest.raises(ValueError, match="not a known exercise"):
        tc.check("matrix-view/no-such-exercise", 1)


def test_result_prints_as_one_line():
    right = tc.checkers._REGISTRY["matrix-view/shape"].solve()
    assert str(verdict("matrix-view/shape", right)).startswith("[matrix-view/shape] ✔")
    assert str(verdict("matrix-view/shape", right[::-1])).startswith("[matrix-view/shape] ✘")


@pytest.mark.parametrize("exercise", tc.checkers.exercise_ids())
@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholders_are_not_answered_yet(exercise, placeholder):
    r = tc.check(exercise, placeholder)
    assert not r and r.message == tc.checkers.NOT_ANSWERED


def test_unwritten_function_is_not_implemented_yet():
    def transpose_conv(y, w, stride, padding, n):
        raise NotImplementedError("replace this line with your code")

    r = tc.check("matrix-view/transpose-code", transpose_conv)
    assert not r and r.message == tc.checkers.NOT_IMPLEMENTED


def test_no_name_is_defined_twice_in_the_checkers_package():
    """A helper written again in a second chapter module is a copy that can drift (and, if a
    chapter module imports the other's names, silently replaces it): every top-level function,
    class or variable of the package is defined in exactly one module."""
    import ast
    import collections
    from pathlib import Path

    seen = collections.defaultdict(list)
    for path in sorted(Path(tc.checkers.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                seen[node.name].append(f"{path.name}:{node.lineno}")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id != "__all__":
                        seen[target.id].append(f"{path.name}:{node.lineno}")
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


def test_every_chapter_module_is_imported_by_the_package():
    """A chapter module the package does not import would register nothing."""
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(tc.checkers.__path__)} - {"_core", "_common"}
    assert modules and all(hasattr(tc.checkers, m) for m in modules), modules


@pytest.mark.parametrize("placeholder", [None, ...])
def test_a_placeholder_prints_neutrally(placeholder):
    """Under every exercise, the book shows the answer cell run with its placeholder: that must
    not read as a failure (no ✘), and must say where the answer goes."""
    line = str(tc.check("matrix-view/shape", placeholder))
    assert line.startswith("[matrix-view/shape] not answered yet (your answer goes here)")
    assert "✘" not in line and "✔" not in line


def test_an_unwritten_function_prints_neutrally_and_a_wrong_answer_with_its_mark():
    def transpose_conv(y, w, stride, padding, n):
        raise NotImplementedError

    r = tc.check("matrix-view/transpose-code", transpose_conv)
    assert not r and not r.answered and "✘" not in str(r) and "not implemented yet" in str(r)
    wrong = tc.check("matrix-view/shape", (1, 1))
    assert wrong.answered and str(wrong).startswith("[matrix-view/shape] ✘ not yet: ")


def test_no_message_repeats_a_phrase():
    """Chapter 4's fallback read 'a = (r + p) mod s (mod s)': no checker message may repeat a
    parenthesised phrase or a word back to back."""
    import re

    doubled = re.compile(r"(\([^()]+\))\s*\1|\b([a-z]{3,}) \2\b")
    for exercise in tc.checkers.exercise_ids():
        ex = tc.checkers._REGISTRY[exercise]
        for message in [ex.fallback, ex.praise] + [hint for _, hint in ex.hints]:
            assert not doubled.search(message), f"{exercise}: {message!r}"


# -- an exception inside the learner's own function ---------------------------------------------

def _buggy_transpose_conv(y, w, stride, padding, n):
    canvas = np.zeros(n)
    for i, v in enumerate(y):
        canvas[stride * i + len(w)] += v * w[0]          # the learner's bug: out of range
    return canvas


def test_a_learners_exception_is_a_short_wrong_verdict_pointing_at_their_line():
    r = tc.check("matrix-view/transpose-code", _buggy_transpose_conv)
    assert not r and r.answered
    message = r.message
    assert message.startswith("your function raised IndexError: index ")
    assert "at line " in message and "(in _buggy_transpose_conv)" in message
    assert "`canvas[stride * i + len(w)] += v * w[0]`" in message      # their line, quoted
    assert "(for n=" in message                                        # the case that failed
    assert "\n" not in str(r) and "Traceback" not in message and "tconvlib" not in message
    assert len(str(r)) < 400


def test_a_learners_exception_deep_inside_numpy_still_points_at_their_line():
    def up_params(n):
        sizes = np.arange(3)
        return 3, 1, int(np.reshape(sizes, (2, 2))[0, 0])   # numpy raises inside reshape

    message = tc.check("alignment/plan-code", up_params).message
    assert message.startswith("your function raised ValueError: cannot reshape array")
    assert "(in up_params): `return 3, 1, int(np.reshape(sizes, (2, 2))[0, 0])`" in message
    assert "(for n=9)" in message


@pytest.mark.parametrize("exercise, bad", [
    ("matrix-view/transpose-code", lambda y, w, stride, padding, n: 1 / 0),
    ("painting-view/paint2d", lambda x, w, stride, padding: 1 / 0),
    ("shape-formula/decoder-code", lambda size, layers: 1 / 0),
    ("equivariance/circular-code", lambda x, w, s: 1 / 0),
    ("initialization/he-code", lambda k, s, p, c_in, gain: 1 / 0),
    ("remedies/icnr-code", lambda w, r: 1 / 0),
    ("pixel-shuffle/unshuffle-code", lambda y, r: 1 / 0),
    ("alignment/plan-code", lambda n: 1 / 0),
    ("applications/nearest-weight", lambda c: 1 / 0),
    ("misconceptions/gather", lambda x, w, s, p, n_out: 1 / 0),
])
def test_every_code_exercise_reports_the_learners_exception_in_one_line(exercise, bad):
    r = tc.check(exercise, bad)
    assert not r and r.answered
    assert r.message.startswith("your function raised ZeroDivisionError: division by zero "
                                "at line "), r.message
    assert "1 / 0" in r.message and "\n" not in r.message


def test_the_learners_wrong_signature_is_reported_without_a_line():
    r = tc.check("alignment/plan-code", lambda: (3, 1, 0))
    assert r.message.startswith("your function raised TypeError: ")
    assert "at line" not in r.message and "(for n=9)" in r.message
