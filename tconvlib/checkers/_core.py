"""Exercise checkers: right or wrong, with a hint, without giving the answer away.

Each exercise is registered under an id such as ``"matrix-view/shape"``. Its expected answer is
*computed* from the exercise's parameters with tconvlib (never written here as a literal), so
reading this file, the checker call or its arguments does not reveal it. Typical mistakes are
recognised and answered with a matching hint.

Use :func:`check` in a notebook::

    tconvlib.check("matrix-view/shape", answer)

and list the exercises with :func:`exercise_ids`.
"""

from __future__ import annotations

import linecache
import numbers
import os
import sys
import sysconfig
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["check", "exercise_ids", "register", "CheckResult"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker. Truthy when correct; prints as one line.

    ``answered`` is False when the answer was a placeholder (``...``, ``None``, or a function
    that still raises ``NotImplementedError``): then the line is neutral, ``[id] not answered
    yet: ...``, without a ✘, since nothing was judged (this is what the book shows under
    every exercise's answer cell). A judged answer prints ``[id] ✔ correct: ...`` or
    ``[id] ✘ not yet: <hint>``.
    """

    exercise: str
    correct: bool
    message: str
    answered: bool = True

    def __bool__(self):
        return self.correct

    def __str__(self):
        if not self.answered:
            return f"[{self.exercise}] {self.message}"
        mark = "✔ correct" if self.correct else "✘ not yet"
        return f"[{self.exercise}] {mark}: {self.message}"

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):  # IPython display
        p.text(str(self))


@dataclass
class _Exercise:
    solve: Callable[[], Any]
    compare: Callable[[Any, Any], bool]
    hints: list = field(default_factory=list)   # [(predicate(answer, expected), hint)]
    fallback: str = "compare your answer with the definition and try again."
    praise: str = "well done."
    normalize: Callable[[Any], Any] = staticmethod(lambda a: a)


_REGISTRY: dict[str, _Exercise] = {}

NOT_ANSWERED = ("not answered yet (your answer goes here): replace `...` with your answer and "
                "run the cell again.")
NOT_IMPLEMENTED = ("not implemented yet: your function raised NotImplementedError; write its "
                   "body and run the cell again.")


def register(exercise_id, *, solve, compare=None, hints=(), fallback=None, praise=None,
             normalize=None):
    """Register an exercise.

    Parameters
    ----------
    exercise_id : str
        ``"chapter/name"``.
    solve : callable
        Returns the expected answer, computed (not hard-coded) from the exercise's parameters.
    compare : callable, optional
        ``compare(answer, expected) -> bool``; default: :func:`answers_equal`.
    hints : sequence of (predicate, str)
        ``predicate(answer, expected)`` recognises a typical mistake; the first match's hint
        is shown.
    fallback, praise : str, optional
        Message for an unrecognised wrong answer / for a right one.
    normalize : callable, optional
        Applied to the student's answer first; if it raises ``TypeError`` or ``ValueError``,
        the message is reported as a wrong answer rather than an exception.
    """
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise id {exercise_id!r} is already registered")
    ex = _Exercise(solve=solve, compare=compare or answers_equal, hints=list(hints))
    if fallback:
        ex.fallback = fallback
    if praise:
        ex.praise = praise
    if normalize:
        ex.normalize = normalize
    _REGISTRY[exercise_id] = ex
    return exercise_id


def answers_equal(answer, expected):
    """Exact equality for ints and tuples; ``allclose`` for arrays and floats."""
    if isinstance(expected, (tuple, list)) and not isinstance(answer, np.ndarray):
        return (isinstance(answer, (tuple, list)) and len(answer) == len(expected)
                and all(answers_equal(a, e) for a, e in zip(answer, expected)))
    try:
        a, e = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return answer == expected
    return a.shape == e.shape and bool(np.allclose(a, e, rtol=1e-9, atol=1e-9))


def exercise_ids(prefix=""):
    """The registered exercise ids (those starting with ``prefix``), sorted."""
    return sorted(k for k in _REGISTRY if k.startswith(prefix))


def check(exercise_id, answer):
    """Check ``answer`` for exercise ``exercise_id``; returns a :class:`CheckResult`.

    Examples
    --------
    A made-up exercise (not one of the book's), registered for this example only:

    >>> _ = register("demo/two-plus-two", solve=lambda: 2 + 2, normalize=int,
    ...              hints=[(lambda a, e: a == 22, "that joins the digits; add them.")])
    >>> r = check("demo/two-plus-two", 22)       # a wrong answer: a verdict with a hint
    >>> bool(r), r.message
    (False, 'that joins the digits; add them.')
    >>> check("demo/two-plus-two", ...)          # a placeholder is not an error, nor a ✘
    [demo/two-plus-two] not answered yet (your answer goes here): replace `...` with your answer and run the cell again.
    >>> del _REGISTRY["demo/two-plus-two"]
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
    expected = ex.solve()
    try:
        correct = ex.compare(answer, expected)
    except NotImplementedError:
        return CheckResult(exercise_id, False, NOT_IMPLEMENTED, answered=False)
    except (TypeError, ValueError) as exc:   # e.g. the learner's function returned odd shapes
        return CheckResult(exercise_id, False, f"your answer could not be compared: {exc}")
    if correct:
        return CheckResult(exercise_id, True, ex.praise)
    for predicate, hint in ex.hints:
        try:
            if predicate(answer, expected):
                return CheckResult(exercise_id, False, hint)
        except Exception:  # a hint predicate must never turn a wrong answer into a crash
            continue
    return CheckResult(exercise_id, False, ex.fallback)


# -- answer parsing shared by every chapter --------------------------------------------------
# A normaliser turns the learner's answer into the form a checker compares, or raises TypeError/
# ValueError with a message that says what form is expected (shown as a wrong verdict).


def _describe(answer):
    text = repr(answer)
    return (text[:60] + "...") if len(text) > 60 else text


def _whole_number(value):
    """``value`` as an int if it is a whole number (int, numpy integer or integral float)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"answer with a whole number, got {_describe(value)}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    raise TypeError(f"answer with a whole number, got {_describe(value)}")


def _shape_pair(answer):
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise TypeError(f"answer the shape as a pair (rows, columns), got {_describe(answer)}")
    return tuple(_whole_number(v) for v in answer)


def _vector(answer):
    try:
        v = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"answer with a list or 1-D array of numbers, got {_describe(answer)}") \
            from None
    if v.ndim != 1:
        raise TypeError(f"answer with a list or 1-D array of numbers, got shape {v.shape}")
    return v


def _int_tuple_answer(answer, length, what):
    if not (isinstance(answer, (tuple, list)) and len(answer) == length):
        raise TypeError(f"answer with {what}, got {_describe(answer)}")
    return tuple(_whole_number(v) for v in answer)


def _int_list(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise TypeError(f"answer with a list of whole numbers, got {_describe(answer)}")
    return [_whole_number(v) for v in answer]


def _number(answer):
    """``answer`` as a float (any real number; bools are refused)."""
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        raise TypeError(f"answer with a number, got {_describe(answer)}")
    return float(answer)


def _pair_of(convert, what):
    def normalize(answer):
        if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
            raise TypeError(f"answer with a pair {what}, got {_describe(answer)}")
        return tuple(convert(v) for v in answer)
    return normalize


def _close(tol):
    return lambda a, e: abs(a - e) <= tol


def _array(answer):
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"answer with an array of numbers, got {_describe(answer)}") from None
    return a


def _same_array(a, e):
    return a.shape == np.shape(e) and bool(np.allclose(a, e))



def _letter_choice(letters="abcd"):
    """A normaliser for a multiple-choice answer: one of ``letters``, any case, ``"(b)"``
    accepted."""
    def normalize(answer):
        key = answer.strip().lower().strip("()") if isinstance(answer, str) else None
        if key is None or len(key) != 1 or key not in letters:
            raise TypeError("answer with one of the letters "
                            + ", ".join(repr(letter) for letter in letters)
                            + f", got {_describe(answer)}")
        return key
    return normalize

def _same(outputs, reference):
    """Every output array has its reference's shape and values (code exercises)."""
    return all(a.shape == r.shape and np.allclose(a, r) for a, r in zip(outputs, reference))


# -- running the learner's own code ------------------------------------------------------------
# A code exercise passes the learner's function to ``check``. Whatever it raises (other than
# NotImplementedError, the "not written yet" placeholder) is the learner's bug, not the book's:
# the verdict is a short ✘ that names the exception and the line of *their* code that raised
# it, never a traceback from inside tconvlib.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix,
                                                     sysconfig.get_paths()["stdlib"])})


class LearnerError(ValueError):
    """The learner's function raised; the message says what and where (a wrong verdict)."""


def _is_learner_frame(filename):
    path = os.path.abspath(filename)
    return not (path.startswith(_PACKAGE_DIR + os.sep) or path.startswith(_LIBRARY_DIRS)
                or filename.startswith("<frozen"))


def _where_in_learner_code(exc):
    """``" at line N of your code: `source line`"`` for the innermost frame of the learner's
    own code in ``exc``'s traceback ('' when it raised before entering it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_learner_frame(f.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    code, hash_, _ = line.partition("  #")
    if hash_ and code.count('"') % 2 == 0 and code.count("'") % 2 == 0:
        line = code.rstrip()                                 # drop a trailing comment
    where = f" at line {frame.lineno} of your code"
    if frame.name not in ("<module>", "<lambda>"):
        where += f" (in {frame.name})"
    return where + (f": `{line[:80]}`" if line else "")


def call_learner(function, args, case=""):
    """``function(*args)`` for the learner's ``function``.

    ``NotImplementedError`` passes through (the checker answers "not implemented yet"). Any
    other exception becomes a :class:`LearnerError` whose one-line message names the exception,
    its text, the line of the learner's code that raised it and the ``case`` being run, e.g.
    ``your function raised IndexError: index 7 is out of bounds ... at line 4 of your code:
    `canvas[i] += v` (for n=7, k=3)``.
    """
    try:
        return function(*args)
    except NotImplementedError:
        raise
    except Exception as exc:  # the learner's code: any failure is a wrong answer
        text = " ".join(str(exc).split())
        text = (text[:200] + "...") if len(text) > 200 else text
        raise LearnerError(f"your function raised {type(exc).__name__}"
                           + (f": {text}" if text else "") + _where_in_learner_code(exc)
                           + (f" (for {case})" if case else "")) from None


def learner_array(value, what="an array of numbers"):
    """The learner's returned ``value`` as a float array, or a wrong verdict saying what came
    back instead."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"your function returned {_describe(value)}, not {what}") from None
