"""The student build of tconvlib (tools/student_package.py): nothing to read the answers from.

1. For every exercise with a value answer, no file of the student package (every ``.py``, and
   the records of digests) contains a recognisable form of the answer (the leak test's
   detector, ``tests/test_answer_leaks.py``, run on the files' text), and no file defines or
   calls ``solve``.
2. ``check`` in the student build gives the instructor build's verdict for every answer the
   instructor's checker tests submit (recorded by running tests/test_checkers_*.py with a
   wrapper around ``tc.check``): ✔ for the right answers, ✘ with the *same hint* for each typical
   mistake (except the few in ``GENERIC``, answered with the exercise's general message), ✘ for
   other wrong answers, "not answered yet" for ``...``.
3. No ``solve`` is reachable from the student registry, nor any instructor ``_Exercise``.
"""

import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tconvlib as tc
from exercise_tools import ROOT, se
from test_answer_leaks import answer_forms, _answer

sys.path.insert(0, str(ROOT / "tools"))
import student_package as sp  # noqa: E402

#: (exercise, start of a hint) -> why the student build answers that typical mistake with the
#: exercise's general message (still ✘) where the instructor build gives this hint: the
#: candidate enumeration of tools/student_package.py does not find its value. 14 of the
#: instructor tests' typical mistakes; the other hinted mistakes get the same hint.
GENERIC = {
    ('checkerboard/flat-score', 'the score lies between 0 and 1.'):
        'a range hint (a > 1 or a < 0), not a value: digests recognise values, not ranges',
    ('equivariance/sub-kernel', 'that is the sub-kernel of canvas phase 0'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('equivariance/sub-kernel', 'reversed, and of the wrong phase'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('gpu/macs', 'a 2-D kernel has k * k taps'):
        'the predicate computes with the answer (products, ratios, per-entry rules) before it compares; the probe sees no value to try',
    ('gpu/macs', 'every input channel paints into every output'):
        'the predicate computes with the answer (products, ratios, per-entry rules) before it compares; the probe sees no value to try',
    ('initialization/fan-in', 'each tap contributes one product per input'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('initialization/fan-in', 'k is not a multiple of s, so the phases differ.'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('matrix-view/gram-row', 'you convolved w with itself'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('matrix-view/gram-row', 'that is a row of A itself.'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('matrix-view/gram-row', 'that is a row near the edge'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
    ('misconceptions/size', "padding crops a transposed convolution's output"):
        'the predicate computes with the answer (products, ratios, per-entry rules) before it compares; the probe sees no value to try',
    ('misconceptions/phase-sums', 'taps of one phase are s apart'):
        'the predicate computes with the answer (products, ratios, per-entry rules) before it compares; the probe sees no value to try',
    ('pixel-shuffle/index', 'right channel; the low-resolution position'):
        'the predicate computes with the answer (products, ratios, per-entry rules) before it compares; the probe sees no value to try',
    ('remedies/phase-sums', 'that is the balanced ideal (the mean).'):
        'an array-valued mistake (np.allclose with another array): the probe records scalar comparisons only and the generic array candidates (reversed, transposed, scaled) miss it',
}

#: (exercise, form, file name) -> why that form may appear in that file of the student package.
ALLOWED = {
    ("alignment/pix2pix-shift", "value", "_records.py"):
        "0.5 is the half-pixel of every align_corners formula; a hint of another exercise "
        "(alignment/offset) quotes the formula (o + 0.5)/f - 0.5",
    ("alignment/pix2pix-shift", "value", "initialization.py"):
        "2 ** 0.5, the gain of a kaiming case in the he-code exercise's seeded cases",
    ("gpu/tf32-unit", "value", "_records.py"):
        "0.0005 is the tolerance grid of checkerboard/holes; 2^-11 = 0.000488 rounds to it "
        "at 4 decimals (the detector's precision), not the other way round",
}

RECORDER = '''
import pickle, numpy as np, pytest, tconvlib, tconvlib.checkers as ck
import checker_tools
RECORD = []
_check = tconvlib.check
def recording(exercise, answer):
    result = _check(exercise, answer)
    try:
        pickle.dumps(answer)
        RECORD.append((exercise, answer, result.correct, result.answered, result.message))
    except Exception:
        pass
    return result
tconvlib.check = recording
checker_tools.tc.check = recording
def pytest_sessionfinish(session):
    with open(OUT, "wb") as f:
        pickle.dump(RECORD, f)
'''


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The student edition's sources and handout (not executed: that is test_student_edition's
    run test, which runs every notebook with this same student build)."""
    dest = tmp_path_factory.mktemp("student_edition")
    se.write_sources(dest)
    handout, info = se.write_handout(dest)
    return dest, handout, info


@pytest.fixture(scope="module")
def build(edition):
    _, handout, info = edition
    return handout, info


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """Every (exercise, answer, verdict) the instructor's checker tests produce."""
    work = tmp_path_factory.mktemp("recorder")
    out = work / "record.pkl"
    (work / "record_checks.py").write_text(f"OUT = {str(out)!r}\n" + RECORDER)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(work), str(ROOT / "tests"),
                                                       str(ROOT)]))
    tests = sorted(str(p) for p in (ROOT / "tests").glob("test_checkers_*.py"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "record_checks", "-p",
                           "no:cacheprovider", "-x", *tests], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    with open(out, "rb") as f:
        return pickle.load(f)


def _student_verdicts(dest, cases):
    data = dest / "cases.pkl"
    with open(data, "wb") as f:
        pickle.dump(cases, f)
    script = textwrap.dedent(f'''
        import pickle, json, tconvlib as tc
        assert tc.__file__.startswith({str(dest)!r}), tc.__file__
        cases = pickle.load(open({str(data)!r}, "rb"))
        out = []
        for ex, answer in cases:
            r = tc.check(ex, answer)
            out.append([r.correct, r.answered, r.message])
        reg = tc.checkers._REGISTRY
        out.append(sorted(k for k, v in reg.items() if hasattr(v, "solve")))
        out.append(hasattr(tc.checkers, "_Exercise") or hasattr(tc.checkers._core, "_Exercise"))
        print(json.dumps(out))
    ''')
    env = dict(os.environ, PYTHONPATH=str(dest))
    proc = subprocess.run([sys.executable, "-c", script], cwd=dest, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def _value_exercises(info):
    return [ex for ex in info["value"] if _answer(ex) is not None]


def test_the_package_files_hold_no_answer(build):
    dest, info = build
    files = sorted((dest / "tconvlib" / "checkers").rglob("*.py"))
    text = {p: p.read_text(encoding="utf-8") for p in files}
    leaks = []
    for ex in _value_exercises(info):
        for form, rx in answer_forms(ex, _answer(ex)):
            for path, body in text.items():
                m = rx.search(body)
                if m and (ex, form, path.name) not in ALLOWED:
                    leaks.append(f"{ex} [{form}] {path.relative_to(dest)}: "
                                 f"...{body[max(0, m.start() - 50): m.end() + 30]}...")
    assert not leaks, "\n".join(leaks[:30])
    for path, body in text.items():
        if "checkers" in path.parts:
            assert "solve=" not in body and ".solve(" not in body and "def solve" not in body, path
    assert len(info["value"]) + len(info["code"]) == len(tc.checkers._REGISTRY)


def test_the_checks_agree_with_the_instructor_build(build, recorded):
    dest, info = build
    value = set(info["value"])
    cases = [(ex, a) for ex, a, *_ in recorded if ex in value]
    cases += [(ex, ...) for ex in sorted(value)]
    cases += [(ex, tc.checkers._REGISTRY[ex].solve()) for ex in sorted(value)]
    expected = [r[2:] for r in recorded if r[0] in value]
    expected += [[False, False, tc.checkers.NOT_ANSWERED]] * len(value)
    expected += [[True, True, tc.checkers._REGISTRY[ex].praise] for ex in sorted(value)]
    *verdicts, with_solve, has_exercise_class = _student_verdicts(dest, cases)
    assert with_solve == [] and not has_exercise_class
    wrong = []
    for (ex, answer), (i_ok, i_answered, i_msg), (s_ok, s_answered, s_msg) in zip(
            cases, expected, verdicts):
        hints = {h for _, h in tc.checkers._REGISTRY[ex].hints}
        if (i_ok, i_answered) != (s_ok, s_answered):
            wrong.append(f"{ex} {answer!r}: instructor {i_ok, i_msg[:40]}, student {s_ok}")
        elif i_msg in hints and s_msg != i_msg and not any(
                ex == g_ex and i_msg.startswith(g_hint) for g_ex, g_hint in GENERIC):
            wrong.append(f"{ex} {answer!r}: hint {i_msg[:50]!r} became {s_msg[:50]!r}")
        elif i_ok and s_msg != i_msg:
            wrong.append(f"{ex} {answer!r}: praise differs")
    n_hints = sum(1 for (ex, _), e in zip(cases, expected)
                  if e[2] in {h for _, h in tc.checkers._REGISTRY[ex].hints})
    assert n_hints > 60, n_hints
    assert not wrong, f"{len(wrong)} of {len(cases)} verdicts differ:\n" + "\n".join(wrong[:40])


def test_other_wrong_answers_are_wrong(build):
    dest, info = build
    cases = []
    for ex in info["value"]:
        e = tc.checkers._REGISTRY[ex].solve()
        if isinstance(e, str):
            continue
        bumped = np.asarray(e, dtype=float) + 7.25
        cases.append((ex, bumped.tolist() if bumped.ndim else float(bumped)))
    *verdicts, _, _ = _student_verdicts(dest, cases)
    assert not any(v[0] for v in verdicts)
    assert all(v[1] for v in verdicts)


def test_the_handout_zip(edition):
    import zipfile

    dest, handout, _ = edition
    archive = se.zip_handout(dest)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        for name in ("handout/README.md", "handout/requirements.txt", "handout/pyproject.toml",
                     "handout/tconvlib/__init__.py", "handout/tconvlib/checkers/_records.py",
                     "handout/chapters/01_matrix_view.ipynb"):
            assert name in names, name
        readme = zf.read("handout/README.md").decode()
        assert "pip install -r requirements.txt && pip install ." in readme
        reqs = zf.read("handout/requirements.txt").decode().splitlines()
        assert "torch==2.13.0" in reqs and all("==" in r for r in reqs if not r.startswith("#"))
        for name in names:
            if name.endswith((".py", ".ipynb", ".md")):
                assert not se.SOLUTION_MARKERS.search(zf.read(name).decode()), name
    assert sum(1 for n in names if n.endswith(".ipynb")) == len(se.chapter_notebooks())
