#!/usr/bin/env python3
"""The student build of ``tconvlib``: the library without a single readable answer.

    python3 tools/student_package.py DEST [--salt SALT]

writes ``DEST/tconvlib/`` (and ``DEST/pyproject.toml``): the library as it is, except
``tconvlib/checkers/``, which is generated from the instructor's checkers:

* **Value exercises** (the answer is a number, a tuple or list of numbers, a small array or a
  letter) keep only their answer *parser* (the chapter's ``normalize``), and a record of salted
  digests: ``sha256(salt | id | canonical(answer))`` of the right answer and of each typical
  mistake the hints recognise, with that hint's text. No ``solve``, no parameters-and-formula
  from which the answer could be recomputed, no literal.
* **Canonical form** (:func:`canonical` in ``tools/student_checkers_core.py``): a letter or
  string lower-cased and stripped; anything numeric as its shape and its values in whole steps
  of a grid, the exercise's tolerance (``_close(tol)``: ``tol``; exact comparisons
  (``answers_equal``, ``allclose``): 1e-6, far finer than any difference between two answers a
  learner may give, which are whole numbers or short fractions). A scalar with a tolerance is
  also tried one step either side, so an answer within the tolerance is always accepted (one
  up to twice the tolerance away may be too: the student build is that much more lenient).
* **Typical mistakes**: the hints are predicates ``(answer, expected)``; the builder
  enumerates candidate wrong answers and keeps, for each one whose instructor verdict is a
  hint, the digest of its canonical form with that hint. Candidates (:func:`candidates`): the
  values each predicate compares the answer with, recorded by running it on a *probe* answer
  that logs every comparison (``a == v``, ``abs(a - v) < t``, ``a[1] == v``, ``a >= v``), the
  right answer's neighbours (± 1, ± 2, doubled, halved, negated, ``1 - e``, swapped, reversed,
  transposed, shortened and lengthened runs), small whole numbers and every letter. A hint
  that the candidates miss degrades to the exercise's general message (still ✘);
  ``tests/test_student_package.py`` checks every mistake the instructor's tests use.
* **Code exercises** (the learner writes a function; the id ends in ``-code``, or the
  checker's comparison is a property rather than equality): their checker module code is kept
  (only the code those exercises need, found by following names from their ``register`` calls)
  and still compares the learner's function with tconvlib's own functions on seeded inputs, as
  in the instructor's build, under the name ``_reference`` instead of ``solve``. Not an answer
  leak: the library is what the chapters teach with; the exercise asks for the code.

The digests cannot be inverted, but a learner can of course call ``check`` in a loop over
guesses: an offline checker is an oracle by design. The handout holds nothing to *read* the
answers from; it does not stop a brute force over a small answer space.
"""

from __future__ import annotations

import ast
import itertools
import secrets
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("student_checkers_core.py")
#: Comparisons that are a property of the answer, not an equality: kept as code exercises.
PROPERTY_COMPARES = {"_same", "_flat_ok", "_plan_aligned", "_nearest_ok"}
#: Tolerances of comparisons written inline in a chapter module (lambda a, e: ...).
TOLERANCES = {"misconceptions/empty-fraction": 5e-4, "gpu/tf32-unit": 1e-12}
EXACT_GRID = 1e-6


def _checkers():
    sys.path.insert(0, str(ROOT))
    import tconvlib.checkers as checkers  # noqa: PLC0415
    return checkers


def is_code_exercise(exercise_id, ex):
    name = getattr(ex.compare, "__name__", "")
    return exercise_id.endswith("-code") or name in PROPERTY_COMPARES


def grid_of(exercise_id, ex):
    """(grid, neighbours): the canonical rounding step and whether to try ± 1 step."""
    core = _checkers()._core
    compare = ex.compare
    if getattr(compare, "__qualname__", "").startswith("_close."):
        return float(compare.__closure__[0].cell_contents), True
    if compare in (core.answers_equal, core._same_array):
        return EXACT_GRID, False
    if exercise_id in TOLERANCES:
        tol = TOLERANCES[exercise_id]
        return tol, tol > EXACT_GRID
    raise ValueError(f"{exercise_id}: say in TOLERANCES how its comparison "
                     f"{getattr(compare, '__qualname__', compare)!r} rounds")


# -- candidate wrong answers -----------------------------------------------------------------

class _Probe:
    """An answer that records what a hint predicate compares it with."""

    def __init__(self, log, truth, pos=None, base=None):
        self._log, self._truth, self._pos, self._base = log, truth, pos, base

    def _rec(self, other, spread=(0,)):
        try:
            if self._base is None:
                for d in spread:
                    self._log.append((self._pos, other + d if d else other))
            else:   # (a - base) compared with other: a = base, base +/- other
                self._log += [(self._pos, self._base), (self._pos, self._base + other),
                              (self._pos, self._base - other)]
        except TypeError:
            self._log.append((self._pos, other))
        return self._truth

    def __eq__(self, other):
        return self._rec(other)

    def __ne__(self, other):
        self._rec(other)
        return not self._truth

    def __lt__(self, other):
        return self._rec(other, (-1, 0, 1))

    __le__ = __gt__ = __ge__ = __lt__

    def __sub__(self, other):
        return _Probe(self._log, self._truth, self._pos, other)

    def __rsub__(self, other):
        return _Probe(self._log, self._truth, self._pos, other)

    def __abs__(self):
        return self

    def __neg__(self):
        return self

    def __getitem__(self, i):
        return _Probe(self._log, self._truth, i, self._base)

    def __hash__(self):
        return id(self)

    def __iter__(self):
        raise TypeError("a probe is not iterable")

    def __bool__(self):
        return self._truth


def _probe_values(ex, expected):
    log = []
    for truth in (True, False):
        for predicate, _ in ex.hints:
            try:
                predicate(_Probe(log, truth), expected)
            except Exception:
                pass
    return log


def _num(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _scalar_neighbours(e):
    out = {e, e + 1, e - 1, e + 2, e - 2, 2 * e, e / 2, -e, 1 - e, e * e, 0, 1}
    if float(e).is_integer():
        out |= set(range(0, 33)) | {int(e) * k for k in range(2, 9)}
        out |= {int(e) // k for k in range(2, 9)}
    return out


def candidates(ex, expected):
    """Candidate wrong answers, in the normalised form hint predicates receive."""
    log = _probe_values(ex, expected)
    whole = [v for pos, v in log if pos is None]
    out = []
    if isinstance(expected, str):
        return [chr(c) for c in range(ord("a"), ord("z") + 1)] + [v for v in whole
                                                                  if isinstance(v, str)]
    if _num(expected):
        values = _scalar_neighbours(expected) | {v for v in whole if _num(v)}
        for v in list(values):
            if _num(v) and float(v).is_integer():
                values |= {v - 1, v + 1}
        return sorted((float(v) if isinstance(expected, float) else v) for v in values
                      if _num(v))
    if isinstance(expected, (tuple, list)) and all(_num(v) for v in expected):
        seq = type(expected)
        n = len(expected)
        per = [set() for _ in range(n)]
        for i, e in enumerate(expected):
            per[i] |= {e, e + 1, e - 1, 0, 1, 2 * e}
        for pos, v in log:
            if isinstance(pos, int) and -n <= pos < n and _num(v):
                per[pos] |= {v, v - 1, v + 1}
            if pos is None and isinstance(v, (tuple, list)):
                out.append(seq(v))
            if pos is None and _num(v):
                for i in range(n):
                    per[i].add(v)
        for i in range(n):
            per[i] |= set(expected)
        combos = itertools.product(*[sorted(p) for p in per])
        out += [seq(c) for c in itertools.islice(combos, 3000)]
        out += [seq(p) for p in itertools.permutations(expected)]
        ex_list = list(expected)
        if n >= 2:
            out += [seq(ex_list[:-1]), seq(ex_list[1:])]
        out += [seq(ex_list + [ex_list[-1] + 1]), seq([ex_list[0] - 1] + ex_list),
                seq([v * 2 for v in ex_list]), seq([v // 2 if isinstance(v, int) else v / 2
                                                    for v in ex_list])]
        return out
    if isinstance(expected, np.ndarray):
        e = expected
        out = [e[::-1], e + 1, e - 1, 2 * e, e / 2, -e, np.zeros_like(e), np.ones_like(e)]
        if e.ndim == 2:
            out += [e.T, e[:, ::-1], e[::-1, ::-1], e / e.sum(), e / e.max()]
        if e.ndim == 1:
            out += [e[:-1], e[1:], np.convolve(e, [1])]
        out += [np.asarray(v, dtype=float) for v in whole if isinstance(v, np.ndarray)]
        return out
    return out


def shape_table(exercise_id, ex, salt, digest_fn):
    """``{digest of ("shape", shape): hint}`` for an exercise whose answer is an array: the
    hints the instructor gives to *any* array of a given wrong shape (three random ones agree)."""
    checkers = _checkers()
    expected = ex.solve()
    if not isinstance(expected, np.ndarray):
        return {}
    hints = {hint for _, hint in ex.hints}
    shapes = [(n,) for n in range(1, 17)] + [(r, c) for r in range(1, 5) for c in range(1, 5)]
    rng = np.random.default_rng(0)
    table = {}
    for shape in shapes:
        if shape == expected.shape:
            continue
        messages = {checkers.check(exercise_id, rng.standard_normal(shape) + 0.123).message
                    for _ in range(3)}
        if len(messages) == 1 and (msg := messages.pop()) in hints:
            table[digest_fn(salt, exercise_id, ("shape", shape))] = msg
    return table


def mistake_table(exercise_id, ex, salt, digest_fn, canonical_fn):
    """``{digest: hint}`` for the candidates whose instructor verdict is a hint."""
    checkers = _checkers()
    expected = ex.solve()
    grid, _ = grid_of(exercise_id, ex)
    hints = {hint for _, hint in ex.hints}
    table = {}
    for cand in candidates(ex, expected):
        try:
            normalised = ex.normalize(cand)
            verdict = checkers.check(exercise_id, cand)
        except Exception:
            continue
        if verdict.correct or not verdict.answered or verdict.message not in hints:
            continue
        try:
            key = digest_fn(salt, exercise_id, canonical_fn(normalised, grid))
        except (TypeError, ValueError, OverflowError):
            continue
        table.setdefault(key, verdict.message)
    return table


# -- rewriting the chapter modules ------------------------------------------------------------

def _names(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _defined(stmt):
    if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, ast.Assign):
        return set().union(*(_names(t) for t in stmt.targets))
    if isinstance(stmt, ast.AnnAssign):
        return _names(stmt.target)
    return set()


def _register_id(stmt):
    if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "register"):
        first = stmt.value.args[0]
        if not isinstance(first, ast.Constant):
            raise ValueError(f"register call with a non-literal id at line {stmt.lineno}")
        return first.value
    return None


def student_module(source, code_ids):
    """The student version of one chapter module's source (see the module docstring)."""
    tree = ast.parse(source)
    body, roots = [], []
    for stmt in tree.body:
        ex_id = _register_id(stmt)
        if ex_id is None:
            body.append(stmt)
            continue
        call = stmt.value
        if ex_id in code_ids:
            for kw in call.keywords:
                if kw.arg == "solve":
                    kw.arg = "reference"
            new = stmt
        else:
            norm = next((kw.value for kw in call.keywords if kw.arg == "normalize"), None)
            keywords = [ast.keyword(arg="normalize", value=norm or ast.Constant(None)),
                        ast.keyword(arg=None, value=ast.Subscript(
                            value=ast.Name("_RECORDS", ast.Load()),
                            slice=ast.Constant(ex_id), ctx=ast.Load()))]
            new = ast.Expr(ast.Call(func=ast.Name("register_hashed", ast.Load()),
                                    args=[ast.Constant(ex_id)], keywords=keywords))
        body.append(new)
        roots.append(new)
    needed = set().union(*(_names(r) for r in roots)) if roots else set()
    defs = [(s, _defined(s)) for s in body if _defined(s)]
    changed = True
    while changed:
        changed = False
        for stmt, names in defs:
            if names & needed:
                more = _names(stmt) - needed
                if more:
                    needed |= more
                    changed = True
    kept = []
    for index, stmt in enumerate(body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            kept.append(stmt)
        elif index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            kept.append(ast.Expr(ast.Constant(
                stmt.value.value.split("\n")[0] + "\n\nStudent build (generated by "
                "tools/student_package.py): value exercises hold salted digests only; code "
                "exercises compare\nwith tconvlib's own functions.\n")))
        elif stmt in roots:
            kept.append(stmt)
        elif _defined(stmt) & needed:
            kept.append(stmt)
        elif not _defined(stmt) and not isinstance(stmt, ast.Expr):
            raise ValueError(f"unexpected top-level statement at line {stmt.lineno}")
    kept.insert(1, ast.ImportFrom(module="_core", names=[ast.alias("register_hashed")],
                                  level=1))
    kept.insert(2, ast.ImportFrom(module="_records", names=[ast.alias("RECORDS", "_RECORDS")],
                                  level=1))
    tree.body = kept
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def student_core(source):
    """The instructor's ``_core.py`` without ``_Exercise``, ``register`` and ``check``, plus the
    student registry and ``check`` (tools/student_checkers_core.py)."""
    tree = ast.parse(source)
    drop = {"_Exercise", "register", "check"}
    body = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) and stmt.name in drop:
            continue
        if isinstance(stmt, ast.AnnAssign) and _names(stmt.target) == {"_REGISTRY"}:
            stmt = ast.Assign(targets=[ast.Name("_REGISTRY", ast.Store())],
                              value=ast.Dict(keys=[], values=[]))
        body.append(stmt)
    template = ast.parse(TEMPLATE.read_text(encoding="utf-8"))
    body += [s for s in template.body[1:]]          # without the template's docstring
    body.append(ast.parse("from ._records import SALT as _SALT").body[0])
    tree.body = body
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


STUDENT_INIT = '''"""Exercise checkers (student build): right or wrong, with a hint, without the answers.

``tconvlib.check(exercise_id, answer)`` prints ``✔ correct``, ``✘ not yet: <hint>`` or ``not
answered yet``. This build holds no answers: a value exercise is checked against a salted
digest of its canonical answer, and its typical mistakes are recognised the same way; a code
exercise runs your function and compares it with tconvlib's own functions.
"""

from . import ({modules})  # noqa: F401
from ._core import (NOT_ANSWERED, NOT_IMPLEMENTED, _REGISTRY, CheckResult,  # noqa: F401
                    LearnerError, answers_equal, check, exercise_ids)

__all__ = ["check", "exercise_ids", "CheckResult", "answers_equal", "NOT_ANSWERED",
           "NOT_IMPLEMENTED"]
'''


def build(dest, salt=None):
    """Write the student ``tconvlib`` to ``dest/tconvlib`` (and ``dest/pyproject.toml``).

    Returns ``{"value": [...], "code": [...], "mistakes": n}``.
    """
    dest = Path(dest)
    checkers = _checkers()
    core_ns = {"np": np, "_REGISTRY": {}, "__name__": "template"}
    exec(compile(TEMPLATE.read_text(encoding="utf-8"), str(TEMPLATE), "exec"),  # noqa: S102
         core_ns)
    canonical_fn, digest_fn = core_ns["canonical"], core_ns["digest"]
    salt = salt or secrets.token_hex(16)
    registry = checkers._REGISTRY
    code_ids = {k for k, ex in registry.items() if is_code_exercise(k, ex)}
    records, n_mistakes = {}, 0
    for exercise_id, ex in sorted(registry.items()):
        if exercise_id in code_ids:
            continue
        grid, neighbours = grid_of(exercise_id, ex)
        expected = ex.solve()
        mistakes = mistake_table(exercise_id, ex, salt, digest_fn, canonical_fn)
        mistakes.update(shape_table(exercise_id, ex, salt, digest_fn))
        n_mistakes += len(mistakes)
        records[exercise_id] = dict(
            grid=grid, neighbours=neighbours,
            digest=digest_fn(salt, exercise_id, canonical_fn(expected, grid)),
            mistakes=mistakes, fallback=ex.fallback, praise=ex.praise)
    target = dest / "tconvlib"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "tconvlib", target,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "checkers"))
    out = target / "checkers"
    out.mkdir()
    src = ROOT / "tconvlib" / "checkers"
    modules = []
    for path in sorted(src.glob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "_core.py":
            (out / "_core.py").write_text(student_core(text), encoding="utf-8")
            continue
        modules.append(path.stem)
        (out / path.name).write_text(student_module(text, code_ids), encoding="utf-8")
    (out / "_records.py").write_text(
        '"""Salted digests of the answers and typical mistakes (generated; see '
        'tools/student_package.py)."""\n\n'
        f"SALT = {salt!r}\n\nRECORDS = {records!r}\n", encoding="utf-8")
    (out / "__init__.py").write_text(STUDENT_INIT.replace("{modules}", ", ".join(modules)),
                                     encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = pyproject.split("[tool.pytest.ini_options]")[0]
    pyproject = pyproject.replace('readme = "README.md"\n', "")
    (dest / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return {"value": sorted(records), "code": sorted(code_ids), "mistakes": n_mistakes}


if __name__ == "__main__":
    args = sys.argv[1:]
    salt = None
    if "--salt" in args:
        i = args.index("--salt")
        salt = args[i + 1]
        del args[i:i + 2]
    info = build(Path(args[0]) if args else ROOT / "_build" / "student" / "handout", salt)
    print(f"[student-package] {len(info['value'])} value exercises (digests, "
          f"{info['mistakes']} mistakes), {len(info['code'])} code exercises")
