"""Exercise checkers: right or wrong, with a hint, without giving the answer away.

Each exercise is registered under an id such as ``"matrix-view/shape"``. Its expected answer is
*computed* from the exercise's parameters with tconvlib (never written here as a literal), so
reading this file, the checker call or its arguments does not reveal it. Typical mistakes are
recognised and answered with a matching hint.

Use :func:`check` in a notebook::

    tconvlib.check("matrix-view/shape", (3, 5))

and list the exercises with :func:`exercise_ids`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["check", "exercise_ids", "register", "CheckResult"]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker. Truthy when correct; prints as one line."""

    exercise: str
    correct: bool
    message: str

    def __bool__(self):
        return self.correct

    def __str__(self):
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

NOT_ANSWERED = "not answered yet: replace `...` with your answer and run the cell again."
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
    >>> r = check("matrix-view/shape", (3, 5))
    >>> bool(r)
    True
    >>> bool(check("matrix-view/shape", (5, 3)))
    False
    >>> check("matrix-view/shape", ...)          # a placeholder is not an error
    [matrix-view/shape] ✘ not yet: not answered yet: replace `...` with your answer and run the cell again.
    """
    if exercise_id not in _REGISTRY:
        known = ", ".join(exercise_ids()) or "none"
        raise ValueError(f"exercise_id ({exercise_id!r}) is not a known exercise; known: {known}")
    ex = _REGISTRY[exercise_id]
    if answer is None or answer is Ellipsis:
        return CheckResult(exercise_id, False, NOT_ANSWERED)
    try:
        answer = ex.normalize(answer)
    except NotImplementedError:
        return CheckResult(exercise_id, False, NOT_IMPLEMENTED)
    except (TypeError, ValueError) as exc:
        return CheckResult(exercise_id, False, str(exc))
    expected = ex.solve()
    try:
        correct = ex.compare(answer, expected)
    except NotImplementedError:
        return CheckResult(exercise_id, False, NOT_IMPLEMENTED)
    if correct:
        return CheckResult(exercise_id, True, ex.praise)
    for predicate, hint in ex.hints:
        try:
            if predicate(answer, expected):
                return CheckResult(exercise_id, False, hint)
        except Exception:  # a hint predicate must never turn a wrong answer into a crash
            continue
    return CheckResult(exercise_id, False, ex.fallback)


# ---------------------------------------------------------------------------------------------
# Chapter 1: the matrix view
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed with tconvlib from the exercise's parameters.
import numbers  # noqa: E402

from .matrix import conv_matrix  # noqa: E402
from .shapes import conv_output_size, output_size  # noqa: E402


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


def _matrix_1d(n, w, s=1, p=0):
    """The dense matrix of a 1-channel 1-D convolution of an n-sample input with kernel w."""
    return conv_matrix((1, n), np.asarray(w, dtype=float).reshape(1, 1, -1), stride=s,
                       padding=p, sparse=False)


# -- matrix-view/shape: the shape of A, by hand ------------------------------------------------
_SHAPE_EX = dict(n=5, k=3, s=2, p=1)
register(
    "matrix-view/shape",
    solve=lambda: (conv_output_size(_SHAPE_EX["n"], _SHAPE_EX["k"], _SHAPE_EX["s"],
                                    _SHAPE_EX["p"]), _SHAPE_EX["n"]),
    normalize=_shape_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "rows and columns are swapped: A maps the input (columns) to the output (rows)."),
        (lambda a, e: a[1] == e[1] and abs(a[0] - e[0]) == 1,
         "the number of columns is right; recount the outputs: the floor in "
         "floor((n + 2p - k)/s) + 1 matters."),
        (lambda a, e: a[1] == e[1] + 2 * _SHAPE_EX["p"],
         "the padding zeros are not unknowns: A has one column per *input* sample."),
    ],
    fallback="one row per output sample, one column per input sample.",
)


# -- matrix-view/nnz: predict the number of non-zeros of A -------------------------------------
_NNZ_EX = dict(n=7, k=3, s=2, p=1)


def _nnz(n, k, s, p):
    return int(np.count_nonzero(_matrix_1d(n, np.ones(k), s, p)))


register(
    "matrix-view/nnz",
    solve=lambda: _nnz(**_NNZ_EX),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == conv_output_size(_NNZ_EX["n"], _NNZ_EX["k"], _NNZ_EX["s"],
                                          _NNZ_EX["p"]) * _NNZ_EX["k"],
         "that counts all k taps in every row. Taps that land on the padding have no column "
         "in A (the padding zeros are not unknowns), so those entries are dropped."),
        (lambda a, e: a == _nnz(_NNZ_EX["n"], _NNZ_EX["k"], 1, _NNZ_EX["p"]),
         "that is the count for stride 1: a stride s keeps only every s-th row of the "
         "stride-1 matrix."),
        (lambda a, e: a == _NNZ_EX["n"] * _NNZ_EX["k"],
         "A has one row per *output* sample, not per input sample: count the rows first."),
    ],
    fallback="count the rows, then, row by row, the taps that fall inside the input.",
)


# -- matrix-view/output-padding: which output_padding gives back n samples? --------------------
_OP_EX = dict(n=13, k=4, s=3, p=1)


def _op_parts():
    n, k, s, p = (_OP_EX[key] for key in ("n", "k", "s", "p"))
    m = conv_output_size(n, k, s, p)
    return n, k, s, p, m


def _op_expected():
    n, k, s, p, m = _op_parts()
    return n - output_size(m, k, s, p)


def _op_forgot_crop(a, e):
    n, k, s, p, m = _op_parts()
    return a == n - (s * (m - 1) + k)


def _op_half_crop(a, e):
    n, k, s, p, m = _op_parts()
    return a == n - (s * (m - 1) + k - p)


register(
    "matrix-view/output-padding",
    solve=_op_expected,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a < 0,
         "output_padding is a number of extra samples at the end: it is never negative."),
        (lambda a, e: a >= _OP_EX["s"],
         "torch requires output_padding < stride (or < dilation): recount m with the floor."),
        (_op_forgot_crop,
         "the transposed conv crops p samples from *each* end of the painted canvas: "
         "n_out = s(m - 1) + k - 2p + output_padding."),
        (_op_half_crop,
         "the padding is cropped from both ends: subtract 2p, not p."),
    ],
    fallback="find m = floor((n + 2p - k)/s) + 1, then choose output_padding so that "
             "s(m - 1) + k - 2p + output_padding = n.",
)


# -- matrix-view/gram-row: a row of A^T A (derive) ---------------------------------------------
_GRAM_EX = dict(n=7, w=(1.0, 2.0, 3.0))


def _gram_row(i=None):
    n, w = _GRAM_EX["n"], _GRAM_EX["w"]
    a = _matrix_1d(n, w)
    return (a.T @ a)[n // 2 if i is None else i]


def _gram_convolved(a, e):
    n, w = _GRAM_EX["n"], np.asarray(_GRAM_EX["w"])
    full = np.convolve(w, w)                     # the flipped product: a convolution
    row = np.zeros(n)
    lo = n // 2 - (len(w) - 1)
    row[max(lo, 0): lo + len(full)] = full[max(-lo, 0): n - lo]
    return a.shape == row.shape and np.allclose(a, row)


def _gram_is_row_of_a(a, e):
    mat = _matrix_1d(_GRAM_EX["n"], _GRAM_EX["w"])
    return a.shape == (mat.shape[1],) and any(np.allclose(a, r) for r in mat)


def _gram_is_edge_row(a, e):
    n = _GRAM_EX["n"]
    return a.shape == (n,) and any(np.allclose(a, _gram_row(i)) for i in (0, 1, n - 2, n - 1))


register(
    "matrix-view/gram-row",
    solve=_gram_row,
    normalize=_vector,
    hints=[
        (lambda a, e: a.shape == (conv_output_size(_GRAM_EX["n"], len(_GRAM_EX["w"])),),
         "that has m entries: a row of A A^T (m x m). A^T A is n x n, so its rows have n "
         "entries, one per input sample."),
        (lambda a, e: a.shape != e.shape,
         "a row of A^T A has n entries, one per input sample."),
        (_gram_convolved,
         "you convolved w with itself, which flips one copy. The entries are sums "
         "w_a w_(a+l) over the taps a: a correlation of w with itself, no flip."),
        (_gram_is_row_of_a,
         "that is a row of A itself. Row i of A^T A is the sum over the rows r of A of "
         "A[r, i] * A[r, :]."),
        (_gram_is_edge_row,
         "that is a row near the edge, where fewer windows cover the sample; the exercise "
         "asks for the middle row, i = n // 2."),
    ],
    fallback="column i of A holds the taps that read x_i; (A^T A)[i, j] is the dot product of "
             "columns i and j.",
)


# -- matrix-view/inverse: which product is the identity? (conceptual) --------------------------
_INV_EX = dict(n=6, w=(0.6, 0.8), s=2)
_INV_CHOICES = {"a": "A^T A = I", "b": "A A^T = I", "c": "both", "d": "neither"}


def _inverse_letter():
    a = _matrix_1d(_INV_EX["n"], _INV_EX["w"], _INV_EX["s"])
    left = np.allclose(a.T @ a, np.eye(a.shape[1]))
    right = np.allclose(a @ a.T, np.eye(a.shape[0]))
    return {(True, True): "c", (True, False): "a", (False, True): "b", (False, False): "d"}[
        (left, right)]


def _letter(answer):
    if not isinstance(answer, str) or answer.strip().lower().strip("()") not in _INV_CHOICES:
        raise TypeError(f"answer with one of the letters 'a', 'b', 'c', 'd', got "
                        f"{_describe(answer)}")
    return answer.strip().lower().strip("()")


_INV_RANK_HINT = ("A^T A is n x n but its rank is at most m < n (A has only m rows), so it "
                  "cannot be the identity: A^T does not undo A.")
register(
    "matrix-view/inverse",
    solve=_inverse_letter,
    normalize=_letter,
    hints=[
        (lambda a, e: a in ("a", "c"), _INV_RANK_HINT),
        (lambda a, e: a == "d",
         "compute A A^T: with k = s the kernel's windows do not overlap, so the rows of A are "
         "orthogonal; what is their norm?"),
    ],
    fallback="compare the ranks of A^T A (n x n) and A A^T (m x m) with their sizes.",
)


# -- matrix-view/transpose-code: A^T y without building A (code) -------------------------------
#: (n, k, stride, padding): the conv's input length, kernel size, stride and padding.
_TCODE_CASES = ((7, 3, 1, 0), (8, 3, 2, 1), (13, 4, 3, 1), (6, 2, 2, 0), (10, 5, 2, 2),
                (9, 3, 3, 0))


def _tcode_inputs():
    """Seeded random (y, w, stride, padding, n) for every case; y has the conv's output size."""
    rng = np.random.default_rng(20160323)
    out = []
    for n, k, s, p in _TCODE_CASES:
        m = conv_output_size(n, k, s, p)
        out.append((rng.standard_normal(m), rng.standard_normal(k), s, p, n))
    return out


def _tcode_reference(variant="right"):
    res = []
    for y, w, s, p, n in _tcode_inputs():
        if variant == "flipped":
            res.append(_matrix_1d(n, w[::-1], s, p).T @ y)
        elif variant == "uncropped":    # painted canvas without dropping the padding
            length = s * (len(y) - 1) + len(w)
            canvas = _matrix_1d(length, w, s, 0).T @ y
            res.append(np.concatenate([canvas, np.zeros(max(n - length, 0))])[:n])
        else:
            res.append(_matrix_1d(n, w, s, p).T @ y)
    return tuple(res)


def _run_function(answer):
    if not callable(answer):
        raise TypeError("answer with a function f(y, w, stride, padding, n) that returns "
                        f"A.T @ y, got {_describe(answer)}")
    outputs = []
    for y, w, s, p, n in _tcode_inputs():
        try:
            out = answer(y.copy(), w.copy(), s, p, n)
            outputs.append(np.asarray(out, dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(
                f"your function raised {type(exc).__name__} for n={n}, k={len(w)}, "
                f"stride={s}, padding={p}: {exc}") from None
    return tuple(outputs)


def _same(outputs, reference):
    return all(a.shape == r.shape and np.allclose(a, r) for a, r in zip(outputs, reference))


register(
    "matrix-view/transpose-code",
    solve=_tcode_reference,
    compare=_same,
    normalize=_run_function,
    praise=f"your function equals A.T @ y on {len(_TCODE_CASES)} seeded random cases.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong output shape: return a 1-D array of n samples (the conv's input length). "
         "n is not always s(m - 1) + k - 2p: the floor in the conv's size formula can leave "
         "samples over at the end (what output_padding is for)."),
        (lambda a, e: _same(a, _tcode_reference("flipped")),
         "you computed the transposed conv of the *reversed* kernel. Painting uses w as it "
         "is; only the zero-insertion view correlates with the flipped kernel w[::-1]."),
        (lambda a, e: _same(a, _tcode_reference("uncropped")),
         "padding columns are dropped: the first p samples of the painted canvas land on the "
         "padding and must be cropped."),
    ],
    fallback="test your function on a small case against tc.conv_matrix(...).T @ y.",
)


# ---------------------------------------------------------------------------------------------
# Chapters 10, 11 and 12: applications, misconceptions tested, running on a GPU
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed from the exercise's parameters with tconvlib (or, for
# the code exercises, by running the learner's function against tconvlib / torch).
from .artifacts import checkerboard_score  # noqa: E402
from .transposed import conv_transpose1d, conv_transpose2d  # noqa: E402


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


# -- misconceptions/size: output size and the output_padding that gives 8 ---------------------
_MC_SIZE = dict(n=4, k=3, s=2, p=1, target=8)


def _mc_size():
    e = _MC_SIZE
    size = output_size(e["n"], e["k"], e["s"], e["p"])
    return size, e["target"] - size


register(
    "misconceptions/size",
    solve=_mc_size,
    normalize=_pair_of(_whole_number, "(size, output_padding)"),
    hints=[
        (lambda a, e: a[0] == e[0] + 4 * _MC_SIZE["p"],
         "padding crops a transposed convolution's output, it does not add to it: subtract "
         "2p, do not add it."),
        (lambda a, e: a[0] == _MC_SIZE["s"] * _MC_SIZE["n"],
         "the output is not simply s times the input: use s(n - 1) + k - 2p + output_padding."),
        (lambda a, e: a[0] == e[0] and a[1] != e[1],
         "the size is right; output_padding adds samples at the end to reach the target."),
        (lambda a, e: a[1] == _MC_SIZE["target"] - a[0] and a[0] != e[0],
         "your output_padding is consistent with your size, but the size is not right: "
         "s(n - 1) + k - 2p."),
    ],
    fallback="n_out = s(n - 1) + k - 2p + output_padding.",
)


# -- misconceptions/phase-sums: the two interior values of a k=4, s=2 response ------------------
_MC_PHASE = dict(w=(1.0, 2.0, 3.0, 4.0), s=2, p=1, n=10)


def _mc_phase_response(p=None):
    e = _MC_PHASE
    w = np.asarray(e["w"]).reshape(1, 1, -1)
    resp = conv_transpose1d(np.ones((1, e["n"])), w, stride=e["s"],
                            padding=e["p"] if p is None else p)[0]
    return resp


def _mc_phase():
    resp = _mc_phase_response()
    mid = len(resp) // 2 - (len(resp) // 2) % 2          # an even index in the interior
    return float(resp[mid]), float(resp[mid + 1])


register(
    "misconceptions/phase-sums",
    solve=_mc_phase,
    normalize=_pair_of(_number, "(value at even outputs, value at odd outputs)"),
    hints=[
        (lambda a, e: a == e[::-1],
         "the two values are right but swapped: the crop by p = 1 shifts every output index "
         "by one position of the painted canvas."),
        (lambda a, e: a[0] == a[1],
         "k divisible by s makes the *number* of taps per phase equal, not their values: "
         "which taps land on even outputs, which on odd?"),
        (lambda a, e: sorted(a) == sorted([sum(_MC_PHASE["w"][:2]), sum(_MC_PHASE["w"][2:])]),
         "taps of one phase are s apart, not adjacent: phase sums are w[0::s] and w[1::s]."),
    ],
    fallback="input i paints tap a at canvas position s*i + a; output o is canvas position "
             "o + p. Sum the taps per phase.",
)


# -- misconceptions/flat-kernel: a size-3 kernel flat at stride 2 --------------------------------
_MC_FLAT = dict(k=3, s=2, w1=1.0, n=12)


def _flat_kernel(answer):
    try:
        w = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"answer with a list of 3 numbers, got {_describe(answer)}") from None
    if w.shape != (_MC_FLAT["k"],):
        raise TypeError(f"answer with a list of {_MC_FLAT['k']} numbers, got shape {w.shape}")
    return w


def _flat_score(w):
    e = _MC_FLAT
    resp = conv_transpose1d(np.ones((1, e["n"])), w.reshape(1, 1, -1), stride=e["s"])[0]
    return checkerboard_score(resp, e["s"], dims=1, border=e["k"])


def _flat_ok(w, expected_stride):
    return (abs(w[1] - _MC_FLAT["w1"]) < 1e-9 and abs(w[0] - w[2]) > 1e-9
            and _flat_score(w) < 1e-9)


register(
    "misconceptions/flat-kernel",
    solve=lambda: _MC_FLAT["s"],
    compare=_flat_ok,
    normalize=_flat_kernel,
    praise="its interior response to a constant is flat (checkerboard score 0), with "
           "uneven overlap.",
    hints=[
        (lambda a, e: abs(a[1] - _MC_FLAT["w1"]) > 1e-9, "the exercise fixes w1 = 1."),
        (lambda a, e: abs(a[0] - a[2]) < 1e-9,
         "that is symmetric (w0 = w2); the exercise asks for w0 != w2 — which condition on "
         "w0 and w2 really matters?"),
        (lambda a, e: _flat_score(a) > 1e-9,
         "its response still alternates between two values. Which taps land on the same "
         "output phase at stride 2, and what must their sums satisfy?"),
    ],
    fallback="compare the sums of the taps that land on each output phase.",
)


# -- misconceptions/empty-fraction: 1x1 kernel, stride 3 ------------------------------------------
_MC_EMPTY = dict(n=10, s=3)


def _mc_empty(n=None, s=None):
    n = _MC_EMPTY["n"] if n is None else n
    s = _MC_EMPTY["s"] if s is None else s
    out = conv_transpose2d(np.ones((1, n, n)), np.ones((1, 1, 1, 1)), stride=s)
    return float(np.mean(out == 0))


def _fraction(answer):
    v = _number(answer)
    if not 0 <= v <= 1:
        raise ValueError(f"answer with a fraction between 0 and 1, got {v}")
    return v


register(
    "misconceptions/empty-fraction",
    solve=_mc_empty,
    normalize=_fraction,
    compare=lambda a, e: abs(a - e) < 5e-4,
    hints=[
        (lambda a, e: abs(a - (1 - 1 / _MC_EMPTY["s"] ** 2)) < 5e-3,
         "1 - 1/s^2 holds for an infinite image. Count the output size, s(n - 1) + k, and the "
         "painted pixels exactly: the borders matter."),
        (lambda a, e: abs(a - (1 - 1 / _MC_EMPTY["s"])) < 5e-3,
         "that is the 1-D fraction (for an infinite signal); in 2-D a pixel is painted only if "
         "both its row and its column are."),
        (lambda a, e: abs(a - (1 - e)) < 5e-4,
         "that is the fraction of pixels that *do* receive an input."),
    ],
    fallback="output size s(n - 1) + 1 per side; painted pixels: one per input pixel.",
)


# -- misconceptions/gather: the gather form of the transposed convolution (code) ------------------
#: (input length, kernel size, stride, padding)
_MC_GATHER_CASES = ((5, 3, 2, 0), (4, 3, 2, 1), (6, 4, 2, 1), (5, 5, 3, 2), (7, 2, 2, 0),
                    (3, 1, 3, 0))


def _gather_inputs():
    rng = np.random.default_rng(20240611)
    cases = []
    for n, k, s, p in _MC_GATHER_CASES:
        cases.append((rng.standard_normal(n), rng.standard_normal(k), s, p,
                      output_size(n, k, s, p)))
    return cases


def _gather_reference(variant="right"):
    res = []
    for x, w, s, p, n_out in _gather_inputs():
        if variant == "strided":     # the claimed formula: a strided forward gather
            y = np.zeros(n_out)
            for h in range(n_out):
                for a in range(len(w)):
                    j = s * (h - p) + a
                    if 0 <= j < len(x):
                        y[h] += x[j] * w[a]
            res.append(y)
        elif variant == "flipped":
            res.append(conv_transpose1d(x[None], w[::-1].reshape(1, 1, -1), stride=s,
                                        padding=p)[0])
        else:
            res.append(conv_transpose1d(x[None], w.reshape(1, 1, -1), stride=s, padding=p)[0])
    return tuple(res)


def _run_gather(answer):
    if not callable(answer):
        raise TypeError("answer with a function gather(x, w, s, p, n_out), got "
                        f"{_describe(answer)}")
    outputs = []
    for x, w, s, p, n_out in _gather_inputs():
        try:
            outputs.append(np.asarray(answer(x.copy(), w.copy(), s, p, n_out), dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for n={len(x)}, "
                             f"k={len(w)}, s={s}, p={p}: {exc}") from None
    return tuple(outputs)


register(
    "misconceptions/gather",
    solve=_gather_reference,
    compare=_same,
    normalize=_run_gather,
    praise=f"your gather equals torch's conv_transpose1d on {len(_MC_GATHER_CASES)} seeded "
           f"random cases.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong output shape: return n_out samples."),
        (lambda a, e: _same(a, _gather_reference("strided")),
         "that reads the input at s * (output index): a strided forward convolution. The "
         "input index is (o + p - a) / s, when that is a whole number."),
        (lambda a, e: _same(a, _gather_reference("flipped")),
         "you used the kernel reversed: output o gets tap a from input i when s*i + a = o + p."),
    ],
    fallback="for each output o and tap a, input i = (o + p - a) / s contributes if it is a "
             "whole number inside the input.",
)


# -- gpu/tf32-unit: the unit roundoff of TF32 -----------------------------------------------------
_GPU_TF32 = dict(mantissa_bits=10)

register(
    "gpu/tf32-unit",
    solve=lambda: 2.0 ** -(_GPU_TF32["mantissa_bits"] + 1),
    normalize=_number,
    compare=lambda a, e: a == e,
    hints=[
        (lambda a, e: a == 2 * e,
         "that is the gap between neighbouring TF32 numbers relative to 2^e; rounding to the "
         "*nearest* one moves a number by at most half the gap."),
        (lambda a, e: a in (2.0 ** -24, 2.0 ** -23),
         "that is float32's: TF32 keeps fewer mantissa bits."),
        (lambda a, e: a in (2.0 ** -10, 2.0 ** -11, 2.0 ** -12) and a != e,
         "close: count the gap between neighbours in [2^e, 2^(e+1)) with 10 stored bits, "
         "then take half of it, relative to 2^e."),
    ],
    fallback="with t stored mantissa bits, neighbours in [2^e, 2^(e+1)) are 2^(e-t) apart.",
)


# -- gpu/switch: precision or order? (conceptual) -------------------------------------------------
_GPU_SWITCH = {"a": "cudnn.deterministic", "b": "cudnn.allow_tf32", "c": "cudnn.benchmark",
               "d": "use_deterministic_algorithms"}


def _gpu_letter(answer):
    if not isinstance(answer, str) or answer.strip().lower().strip("()") not in _GPU_SWITCH:
        raise TypeError(f"answer with one of the letters 'a', 'b', 'c', 'd', got "
                        f"{_describe(answer)}")
    return answer.strip().lower().strip("()")


def _gpu_switch():
    # an error of TF32's size, identical on every run, is precision: the TF32 switch
    return next(k for k, v in _GPU_SWITCH.items() if v == "cudnn.allow_tf32")


register(
    "gpu/switch",
    solve=_gpu_switch,
    normalize=_gpu_letter,
    hints=[
        (lambda a, e: a in ("a", "c", "d"),
         "that switch controls the *order* of floating-point sums, whose effect is near 1e-7 "
         "and varies from run to run. An error of 3e-4, identical on every run, is a "
         "precision effect."),
    ],
    fallback="is the error a rounding precision or a run-to-run variation?",
)


# -- applications/unet-op: output paddings in a two-level U-Net --------------------------------
_APP_UNET = dict(n=38, k=3, s=2, p=1)


def _unet_ops():
    e = _APP_UNET
    n1 = conv_output_size(e["n"], e["k"], e["s"], e["p"])
    n2 = conv_output_size(n1, e["k"], e["s"], e["p"])
    return (n1 - output_size(n2, e["k"], e["s"], e["p"]),
            e["n"] - output_size(n1, e["k"], e["s"], e["p"]))


register(
    "applications/unet-op",
    solve=_unet_ops,
    normalize=_pair_of(_whole_number, "(op_deep, op_top)"),
    hints=[
        (lambda a, e: a == e[::-1],
         "right values, wrong order: the first is the deeper layer (the one that starts from "
         "the smallest map)."),
        (lambda a, e: a == (1, 1),
         "a stride-2 encoder maps n to ceil(n/2): only odd sizes lose a pixel; check each "
         "level separately."),
        (lambda a, e: a == (0, 0),
         "the decoder returns 2m - 1 samples without output_padding; compare with the skip "
         "connection's size at each level."),
    ],
    fallback="encoder: n -> ceil(n/2); decoder: m -> 2(m - 1) + 3 - 2 + op.",
)


# -- applications/generator-size: the side of a generator's image ------------------------------
_APP_GEN = ((4, 1, 0), (3, 2, 1), (3, 2, 1), (4, 2, 1))


def _gen_side(layers=_APP_GEN, op=0):
    n = 1
    for k, s, p in layers:
        n = output_size(n, k, s, p, output_padding=op if s > 1 else 0)
    return n


register(
    "applications/generator-size",
    solve=_gen_side,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == 4 * 2 ** (len(_APP_GEN) - 1),
         "a stride-2 layer does not always double: with k=3, p=1 it gives 2n - 1."),
        (lambda a, e: a == _gen_side(op=1),
         "the exercise has no output_padding."),
    ],
    fallback="apply s(n - 1) + k - 2p layer by layer, starting from n = 1.",
)


# -- applications/subpixel-kernel: kernel size of the equivalent transposed conv ---------------
_APP_SUB = dict(r=2, k=3)


def _sub_kernel():
    r, k = _APP_SUB["r"], _APP_SUB["k"]
    c = k // 2
    taps = {a + r * (k - 1 - c) + r * (c - t) for a in range(r) for t in range(k)}
    return max(taps) - min(taps) + 1


register(
    "applications/subpixel-kernel",
    solve=_sub_kernel,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _APP_SUB["k"],
         "each phase has its own 3 taps; the transposed convolution's kernel holds the taps "
         "of every phase, interleaved."),
        (lambda a, e: a == _APP_SUB["r"] * (_APP_SUB["k"] - 1) + 1,
         "close: that counts the span of one phase's taps at stride r; the other phases fill "
         "in the taps in between and beyond."),
        (lambda a, e: a == _APP_SUB["k"] * _APP_SUB["r"] ** 2,
         "that is the number of weights of a 2-D sub-pixel filter group; in 1-D, count the "
         "distinct tap indices q = a + p + r(1 - t)."),
    ],
    fallback="write o = r*i' + a and i = i' + t - 1 in y_o = sum_i W[o + p - r*i] x_i and "
             "count the tap indices.",
)


# -- applications/nearest-weight: nearest-neighbour upsampling as a transposed conv ------------
_APP_NEAREST = dict(C=3, n=4)


def _nearest_inputs():
    rng = np.random.default_rng(20160311)
    return rng.standard_normal((2, _APP_NEAREST["C"], _APP_NEAREST["n"], _APP_NEAREST["n"]))


def _nearest_expected():
    x = _nearest_inputs()
    return np.repeat(np.repeat(x, 2, axis=-1), 2, axis=-2)


def _run_nearest(answer):
    if not callable(answer):
        raise TypeError(f"answer with a function nearest_weight(C), got {_describe(answer)}")
    c = _APP_NEAREST["C"]
    try:
        w = np.asarray(answer(c), dtype=float)
    except NotImplementedError:
        raise
    except Exception as exc:  # the learner's code: any failure is a wrong answer
        raise ValueError(f"your function raised {type(exc).__name__} for C={c}: {exc}") from None
    if w.shape != (c, c, 2, 2):
        raise ValueError(f"the weight must have shape (C, C, 2, 2) = {(c, c, 2, 2)}, "
                         f"got {w.shape}")
    return w


def _nearest_ok(w, expected):
    out = conv_transpose2d(_nearest_inputs(), w, stride=2)
    return out.shape == expected.shape and bool(np.allclose(out, expected))


register(
    "applications/nearest-weight",
    solve=_nearest_expected,
    compare=_nearest_ok,
    normalize=_run_nearest,
    praise="your transposed convolution equals nearest-neighbour upsampling.",
    hints=[
        (lambda a, e: np.allclose(a, 1.0),
         "all ones sums every input channel into every output channel: channel c must paint "
         "only into channel c."),
        (lambda a, e: np.allclose(a, np.eye(a.shape[0])[:, :, None, None] * a[0, 0]) and
         not np.allclose(a[0, 0], 1.0),
         "the channels are right; each input pixel must be copied unchanged into all four "
         "pixels of its 2x2 block."),
    ],
    fallback="input pixel (i, j) of channel c paints w[c, :, :, :] at (2i, 2j): which stamp "
             "copies it into a 2x2 block of channel c?",
)
