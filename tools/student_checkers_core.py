"""The student build's registry and ``check`` (template: tools/student_package.py appends this
file to the student copy of ``tconvlib/checkers/_core.py``; it is not imported in the
instructor's build).

A *value* exercise (a number, a tuple, a letter, a small array) is registered with
:func:`register_hashed`: the package holds only salted SHA-256 digests of the canonical form of
its right answer and of the typical mistakes its hints recognise, never the answer. ``check``
normalises the learner's answer (the chapter's own parser), puts it in canonical form, hashes it
and compares digests: it can say right, wrong and which mistake, not what is right.

A *code* exercise (the learner writes a function) is registered with :func:`register`: its
checker runs the learner's function on seeded inputs and compares with tconvlib's own functions
(``_reference``), exactly as the instructor's build does. That is no answer leak: the library is
what the chapters teach with, and the exercise asks for the code, not for a value.
"""

import hashlib as _hashlib


class _HashedExercise:
    """A value exercise in the student build: digests only (no ``solve``)."""

    __slots__ = ("normalize", "grid", "neighbours", "digest", "mistakes", "fallback", "praise")

    def __init__(self, normalize, grid, neighbours, digest, mistakes, fallback, praise):
        self.normalize = normalize
        self.grid = grid
        self.neighbours = neighbours
        self.digest = digest
        self.mistakes = mistakes
        self.fallback = fallback
        self.praise = praise


class _CodeExercise:
    """A code exercise in the student build: compared with tconvlib's own functions."""

    __slots__ = ("_reference", "compare", "hints", "fallback", "praise", "normalize")

    def __init__(self, reference, compare, hints, fallback, praise, normalize):
        self._reference = reference
        self.compare = compare
        self.hints = hints
        self.fallback = fallback
        self.praise = praise
        self.normalize = normalize


def canonical(value, grid):
    """The canonical form of a normalised answer: a letter or string lower-cased and stripped;
    anything numeric (int, float, tuple, list, array) as its shape and its values rounded to
    ``grid`` (the exercise's tolerance) as whole numbers of grid steps."""
    if isinstance(value, str):
        return ("s", " ".join(value.strip().lower().split()))
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError("not a finite number")
    steps = np.rint(arr / grid).astype(np.int64)
    return ("a", tuple(arr.shape), tuple(int(v) for v in steps.ravel()))


def shifted(canon, d):
    """``canon`` of a scalar moved by ``d`` grid steps (tolerance windows straddle a step)."""
    kind, shape, steps = canon
    return (kind, shape, (steps[0] + d,))


def digest(salt, exercise_id, canon):
    text = f"{salt}|{exercise_id}|{canon!r}"
    return _hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def register_hashed(exercise_id, *, normalize, grid, neighbours, digest, mistakes, fallback,
                    praise):
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise id {exercise_id!r} is already registered")
    _REGISTRY[exercise_id] = _HashedExercise(normalize or (lambda a: a), grid, neighbours,
                                             digest, dict(mistakes), fallback, praise)
    return exercise_id


def register(exercise_id, *, reference, compare=None, hints=(), fallback=None, praise=None,
             normalize=None):
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise id {exercise_id!r} is already registered")
    _REGISTRY[exercise_id] = _CodeExercise(
        reference, compare or answers_equal, list(hints),
        fallback or "compare your answer with the definition and try again.",
        praise or "well done.", normalize or (lambda a: a))
    return exercise_id


def _judge_hashed(exercise_id, ex, answer):
    canon = canonical(answer, ex.grid)
    order = [canon]
    if ex.neighbours and canon[0] == "a" and len(canon[2]) == 1:
        order += [shifted(canon, -1), shifted(canon, 1)]
    keys = [digest(_SALT, exercise_id, c) for c in order]
    if ex.digest in keys:
        return CheckResult(exercise_id, True, ex.praise)
    keys.append(digest(_SALT, exercise_id, ("shape", canon[1])))  # a hint on the form
    for key in keys:
        if key in ex.mistakes:
            return CheckResult(exercise_id, False, ex.mistakes[key])
    return CheckResult(exercise_id, False, ex.fallback)


def check(exercise_id, answer):
    """Check ``answer`` for exercise ``exercise_id``; returns a :class:`CheckResult`.

    Prints ``[id] ✔ correct: ...`` for a right answer, ``[id] ✘ not yet: <hint>`` for a
    wrong one, and ``[id] not answered yet: ...`` for the placeholder ``...``.
    """
    if exercise_id not in _REGISTRY:
        known = ", ".join(exercise_ids()) or "none"
        raise ValueError(f"exercise_id ({exercise_id!r}) is not a known exercise; known: {known}")
    ex = _REGISTRY[exercise_id]
    if answer is None or answer is Ellipsis:
        return CheckResult(exercise_id, False, NOT_ANSWERED, answered=False)
    try:
        answer = ex.normalize(answer)
    except NotImplementedError:
        return CheckResult(exercise_id, False, NOT_IMPLEMENTED, answered=False)
    except (TypeError, ValueError) as exc:
        return CheckResult(exercise_id, False, str(exc))
    if isinstance(ex, _HashedExercise):
        try:
            return _judge_hashed(exercise_id, ex, answer)
        except (TypeError, ValueError, OverflowError):
            return CheckResult(exercise_id, False, ex.fallback)
    try:
        correct = ex.compare(answer, ex._reference())
    except NotImplementedError:
        return CheckResult(exercise_id, False, NOT_IMPLEMENTED, answered=False)
    except (TypeError, ValueError) as exc:
        return CheckResult(exercise_id, False, f"your answer could not be compared: {exc}")
    if correct:
        return CheckResult(exercise_id, True, ex.praise)
    expected = ex._reference()
    for predicate, hint in ex.hints:
        try:
            if predicate(answer, expected):
                return CheckResult(exercise_id, False, hint)
        except Exception:
            continue
    return CheckResult(exercise_id, False, ex.fallback)
