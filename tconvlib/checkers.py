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
        (lambda a, e: a[1] == e[1] and a[0] != e[0] and a[0] == conv_output_size(
            _SHAPE_EX["n"], _SHAPE_EX["k"], _SHAPE_EX["s"], 0),
         "the number of columns is right, but the rows were counted without the padding: "
         "the windows slide over the padded input, n + 2p samples long."),
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
_INV_EX = dict(n=7, w=(2 / 3, 2 / 3, 1 / 3), s=2)   # unit norm, overlapping windows (k > s)
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
        (lambda a, e: a == "b",
         "A A^T has ones on its diagonal (|w| = 1), but look off the diagonal: do neighbouring "
         "windows of the convolution share a sample when k > s?"),
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
        elif variant == "stride-1":     # stamps at i instead of stride * i
            canvas = _matrix_1d(len(y) + len(w) - 1, w).T @ y
            canvas = np.concatenate([canvas, np.zeros(p + n)])
            res.append(canvas[p: p + n])
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
        (lambda a, e: _same(a, _tcode_reference("stride-1")),
         "the stamps must be spaced by the stride: y_i * w starts at position stride * i of "
         "the canvas, not at i."),
        (lambda a, e: _same(a, _tcode_reference("uncropped")),
         "padding columns are dropped: the first p samples of the painted canvas land on the "
         "padding and must be cropped."),
    ],
    fallback="test your function on a small case against tc.conv_matrix(...).T @ y.",
)


# ---------------------------------------------------------------------------------------------
# Chapters 4 and 8: equivariance (the polyphase view) and pixel shuffle
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed with tconvlib from the exercise's parameters.
from .polyphase import polyphase_kernels, subpixel_geometry, subpixel_weight  # noqa: E402
from .subpixel import pixel_shuffle, pixel_unshuffle  # noqa: E402
from .transposed import conv_transpose1d as _ct1d  # noqa: E402


def _int_tuple_answer(answer, length, what):
    if not (isinstance(answer, (tuple, list)) and len(answer) == length):
        raise TypeError(f"answer with {what}, got {_describe(answer)}")
    return tuple(_whole_number(v) for v in answer)


def _impulse_shift(size, kernel, stride, shift):
    """Where the painted impulse response moves when the input impulse moves by ``shift``:
    found by running the transposed convolution, not by the formula."""
    out = []
    for n_in, k, s, t in zip(size, kernel, stride, shift):
        x0, x1 = np.zeros((1, n_in)), np.zeros((1, n_in))
        x0[0, 0], x1[0, t] = 1.0, 1.0
        w = np.arange(1.0, k + 1).reshape(1, 1, k)
        y0, y1 = _ct1d(x0, w, stride=s)[0], _ct1d(x1, w, stride=s)[0]
        out.append(int(np.flatnonzero(y1)[0] - np.flatnonzero(y0)[0]))
    return tuple(out)


# -- equivariance/output-shift: a 2-D input shift by (tH, tW) ----------------------------------
_SHIFT_EX = dict(size=(6, 6), kernel=(3, 4), stride=(2, 3), shift=(1, 2))
register(
    "equivariance/output-shift",
    solve=lambda: _impulse_shift(**_SHIFT_EX),
    normalize=lambda a: _int_tuple_answer(a, 2, "a pair (rows, columns)"),
    hints=[
        (lambda a, e: a == _SHIFT_EX["shift"],
         "that is the input shift. One input step moves every stamp by the stride."),
        (lambda a, e: a == e[::-1],
         "rows and columns are swapped: each axis is scaled by its own stride."),
        (lambda a, e: a == _SHIFT_EX["stride"],
         "that is the shift for an input shift of one sample per axis; scale by the shift."),
        (lambda a, e: a == tuple(s + t for s, t in zip(_SHIFT_EX["stride"], _SHIFT_EX["shift"])),
         "strides and shifts multiply, they do not add."),
    ],
    fallback="D[T_t x] = T_(s t) D[x], one axis at a time.",
)


# -- equivariance/sub-kernel: the taps that feed output phase 0 --------------------------------
_SUB_EX = dict(w=(1.0, 2.0, 3.0, 4.0, 5.0), s=2, p=1, phase=0)


def _sub_kernel(p=None):
    w = np.asarray(_SUB_EX["w"]).reshape(1, 1, -1)
    p = _SUB_EX["p"] if p is None else p
    return polyphase_kernels(w, _SUB_EX["s"], padding=p)[_SUB_EX["phase"]][0, 0]


register(
    "equivariance/sub-kernel",
    solve=_sub_kernel,
    normalize=_vector,
    hints=[
        (lambda a, e: a.shape == _sub_kernel(0).shape and np.allclose(a, _sub_kernel(0)),
         "that is the sub-kernel of canvas phase 0. Output position o is canvas position "
         "o + p: the padding changes which taps reach output phase 0."),
        (lambda a, e: a.shape == e.shape and np.allclose(a, e[::-1]),
         "right taps, reversed order: list them in the kernel's own order (w[rho], "
         "w[rho + s], ...)."),
        (lambda a, e: a.shape == _sub_kernel(0)[::-1].shape and np.allclose(a, _sub_kernel(0)[::-1]),
         "reversed, and of the wrong phase: output position o is canvas position o + p."),
    ],
    fallback="output phase r receives the taps a with a = (r + p) mod s (mod s).",
)


# -- equivariance/smallest-shift: the shifts a strided encoder-decoder respects ----------------
_NET_EX = dict(encoder=(2, 3), decoder=(3, 2))


def _smallest_shift():
    """Smallest t > 0 that every layer maps to a whole shift: a conv of stride s needs input
    shifts divisible by s (it turns T_(s u) into T_u); a transposed conv accepts any shift."""
    t = 1
    while True:
        u, ok = t, True
        for s in _NET_EX["encoder"]:
            if u % s:
                ok = False
                break
            u //= s
        if ok:
            return t
        t += 1


register(
    "equivariance/smallest-shift",
    solve=_smallest_shift,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == sum(_NET_EX["encoder"]),
         "strides compose by multiplication, not addition."),
        (lambda a, e: a in _NET_EX["encoder"],
         "one strided layer is not enough: the shift must survive every downsampling layer."),
        (lambda a, e: a == int(np.prod(_NET_EX["encoder"])) * int(np.prod(_NET_EX["decoder"])),
         "the transposed convolutions never need a multiple: they accept any input shift "
         "(and multiply it by their stride)."),
        (lambda a, e: a == 1,
         "a stride-s convolution is equivariant only to shifts by multiples of s."),
    ],
    fallback="follow a shift t through the encoder: each stride-s conv needs t divisible by s.",
)


# -- equivariance/one-sample-shift: what a shift by one output sample is (conceptual) ----------
_ONE_CHOICES = ("a", "b", "c", "d")


def _one_sample_letter():
    """(c): the same input with the kernel shifted by one tap gives T_1 D[x]; verified here."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((1, 7)), rng.standard_normal((1, 1, 3))
    y = _ct1d(x, w, stride=2)[0]
    w_shifted = np.concatenate([np.zeros((1, 1, 1)), w], axis=2)
    y_shifted = _ct1d(x, w_shifted, stride=2)[0]
    return "c" if np.allclose(y_shifted[1:], y) and y_shifted[0] == 0 else "?"


def _letter_choice(answer):
    key = answer.strip().lower().strip("()") if isinstance(answer, str) else None
    if key not in _ONE_CHOICES:
        raise TypeError(f"answer with one of the letters 'a', 'b', 'c', 'd', got "
                        f"{_describe(answer)}")
    return key


register(
    "equivariance/one-sample-shift",
    solve=_one_sample_letter,
    normalize=_letter_choice,
    hints=[
        (lambda a, e: a == "a",
         "an input shift by t moves the output by s*t, a whole number of strides: there is "
         "no input shift by 1/2."),
        (lambda a, e: a == "b",
         "shifting the output by one moves phase 0 into phase 1, where a different "
         "sub-kernel paints; in general no input produces that."),
        (lambda a, e: a == "d",
         "look at the phases: after a one-sample shift, which taps paint phase 1?"),
    ],
    fallback="compare the sub-kernels of w and of w with a zero tap prepended.",
)


# -- equivariance/circular-code: a circular transposed convolution (code) ----------------------
_CIRC_CASES = ((5, 3, 2), (6, 4, 2), (4, 5, 3), (3, 7, 2), (4, 2, 1))   # (n, k, s)


def _circular_reference(x, w, s):
    canvas = _ct1d(x[None], w.reshape(1, 1, -1), stride=s)[0]
    length = s * len(x)
    out = np.zeros(length)
    for start in range(0, len(canvas), length):     # fold the canvas onto the circle
        piece = canvas[start: start + length]
        out[: len(piece)] += piece
    return out


def _circ_inputs():
    rng = np.random.default_rng(2019)
    return [(rng.standard_normal(n), rng.standard_normal(k), s) for n, k, s in _CIRC_CASES]


def _circ_outputs(fn):
    outs = []
    for x, w, s in _circ_inputs():
        try:
            outs.append(np.asarray(fn(x.copy(), w.copy(), s), dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for n={len(x)}, "
                             f"k={len(w)}, s={s}: {exc}") from None
    return tuple(outs)


def _run_circular(answer):
    if not callable(answer):
        raise TypeError("answer with a function f(x, w, s) that returns the circular "
                        f"transposed convolution, got {_describe(answer)}")
    return _circ_outputs(answer)


def _circ_variant(variant):
    outs = []
    for x, w, s in _circ_inputs():
        if variant == "flipped":
            outs.append(_circular_reference(x, w[::-1], s))
        else:   # "linear": the plain transposed convolution, not wrapped
            outs.append(_ct1d(x[None], w.reshape(1, 1, -1), stride=s)[0])
    return tuple(outs)


register(
    "equivariance/circular-code",
    solve=lambda: tuple(_circular_reference(x, w, s) for x, w, s in _circ_inputs()),
    compare=_same,
    normalize=_run_circular,
    praise=f"your function equals the folded canvas on {len(_CIRC_CASES)} seeded cases.",
    hints=[
        (lambda a, e: _same(a, _circ_variant("linear")),
         "that is the ordinary (linear) transposed convolution: wrap the canvas so that its "
         "length is s*n, adding what falls beyond the end to the start."),
        (lambda a, e: _same(a, _circ_variant("flipped")),
         "the kernel is reversed: painting stamps w as it is."),
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "the output of a circular transposed convolution has exactly s*n samples."),
    ],
    fallback="paint every x[i] * w at position s*i, with positions taken modulo s*n.",
)


# -- pixel-shuffle/index: which input value lands on an output pixel ---------------------------
_PS_EX = dict(r=3, c=1, pixel=(7, 5), channels=2, size=(4, 4))


def _ps_source(swap=False):
    """Find (input channel, i, j) by shuffling a tensor that holds its own indices."""
    r, cout = _PS_EX["r"], _PS_EX["channels"]
    h, w = _PS_EX["size"]
    ch, ii, jj = np.meshgrid(np.arange(cout * r * r), np.arange(h), np.arange(w), indexing="ij")
    code = (ch * h + ii) * w + jj
    out = pixel_shuffle(code.astype(np.int64), r)
    y, x = _PS_EX["pixel"]
    value = int((out.transpose(0, 2, 1) if swap else out)[_PS_EX["c"], y, x])
    return (value // (h * w), (value // w) % h, value % w)


def _ps_row_col_swapped(a, e):
    r = _PS_EX["r"]
    (y, x), c = _PS_EX["pixel"], _PS_EX["c"]
    return a == (c * r * r + (x % r) * r + y % r, y // r, x // r)


register(
    "pixel-shuffle/index",
    solve=_ps_source,
    normalize=lambda a: _int_tuple_answer(a, 3, "a triple (input channel, i, j)"),
    hints=[
        (_ps_row_col_swapped,
         "the row offset a = y mod r is the more significant digit: channel c*r^2 + a*r + b."),
        (lambda a, e: a[1:] == e[1:] and a[0] == e[0] - _PS_EX["c"] * _PS_EX["r"] ** 2
         + _PS_EX["c"],
         "each output channel owns a block of r^2 input channels: start at c*r^2, not c."),
        (lambda a, e: a[0] == e[0] and a[1:] != e[1:],
         "right channel; the low-resolution position is (y // r, x // r)."),
    ],
    fallback="write y = r*i + a and x = r*j + b with 0 <= a, b < r.",
)


# -- pixel-shuffle/k-sub: the kernel size of the equivalent stride-1 convolution ---------------
_KSUB_EX = dict(k=7, s=3)
register(
    "pixel-shuffle/k-sub",
    solve=lambda: int(subpixel_weight(np.zeros((1, 1, _KSUB_EX["k"])), _KSUB_EX["s"]).shape[-1]),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _KSUB_EX["k"] // _KSUB_EX["s"],
         "rounded down, the longest phase loses a tap: phase 0 holds taps 0, s, 2s, ..."),
        (lambda a, e: a == _KSUB_EX["k"],
         "at low resolution one step is s output samples: the kernel shrinks by the stride."),
        (lambda a, e: a == _KSUB_EX["k"] * _KSUB_EX["s"],
         "the stride-1 convolution works at low resolution: its kernel is shorter, not longer."),
    ],
    fallback="count the taps of the longest phase, w[0::s].",
)


# -- pixel-shuffle/zeros: parameters of the sub-pixel form that are forced to zero -------------
_ZERO_EX = dict(c_in=16, c_out=8, k=5, s=2)


def _zeros_expected():
    e = _ZERO_EX
    v = subpixel_weight(np.ones((e["c_in"], e["c_out"], e["k"], e["k"])), e["s"])
    return int(v.size - np.count_nonzero(v))


register(
    "pixel-shuffle/zeros",
    solve=_zeros_expected,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _ZERO_EX["c_in"] * _ZERO_EX["c_out"] * _ZERO_EX["k"] ** 2,
         "that is the number of parameters of the transposed convolution; subtract it from "
         "the sub-pixel weight's size."),
        (lambda a, e: a == (_ZERO_EX["s"] * (-(-_ZERO_EX["k"] // _ZERO_EX["s"]))) ** 2
         - _ZERO_EX["k"] ** 2,
         "right per channel pair; multiply by C_in * C_out."),
        (lambda a, e: a == _ZERO_EX["c_in"] * _ZERO_EX["c_out"]
         * ((_ZERO_EX["k"] // _ZERO_EX["s"]) * _ZERO_EX["s"]) ** 2,
         "k_sub is ceil(k / s), not floor."),
    ],
    fallback="the sub-pixel weight has C_out*s^2 * C_in * k_sub^2 entries; the transposed "
             "convolution fills C_in*C_out*k^2 of them.",
)


# -- pixel-shuffle/unshuffle-code: space to depth with reshape and transpose (code) ------------
_UNSH_CASES = ((1, 4, 6, 2), (2, 6, 3, 3), (3, 2, 2, 1), (1, 8, 4, 4))   # (C, H, W, r)


def _unsh_inputs():
    rng = np.random.default_rng(1609)
    return [(rng.standard_normal((c, h, w)), r) for c, h, w, r in _UNSH_CASES]


def _run_unshuffle(answer):
    if not callable(answer):
        raise TypeError(f"answer with a function f(y, r), got {_describe(answer)}")
    outs = []
    for y, r in _unsh_inputs():
        try:
            outs.append(np.asarray(answer(y.copy(), r), dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for shape "
                             f"{y.shape}, r={r}: {exc}") from None
    return tuple(outs)


def _unsh_swapped():
    outs = []
    for y, r in _unsh_inputs():
        c, h, w = y.shape
        outs.append(y.reshape(c, h // r, r, w // r, r).transpose(0, 4, 2, 1, 3)
                    .reshape(c * r * r, h // r, w // r))
    return tuple(outs)


register(
    "pixel-shuffle/unshuffle-code",
    solve=lambda: tuple(pixel_unshuffle(y, r) for y, r in _unsh_inputs()),
    compare=_same,
    normalize=_run_unshuffle,
    praise=f"your function equals pixel_unshuffle on {len(_UNSH_CASES)} seeded cases.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong shape: (C, H, W) becomes (C*r*r, H/r, W/r)."),
        (lambda a, e: _same(a, _unsh_swapped()),
         "the two sub-pixel offsets are in the wrong order: the row offset a is the more "
         "significant one (channel c*r*r + a*r + b)."),
    ],
    fallback="reshape to (C, H/r, r, W/r, r), move the two r axes next to C, reshape.",
)


# ---------------------------------------------------------------------------------------------
# Chapters 2 and 3: the painting view, the shape formula
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed with tconvlib from the exercise's parameters.
from .painting import multiplication_counts, projective_field  # noqa: E402
from .shapes import output_padding_for  # noqa: E402


def _int_list(answer):
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        raise TypeError(f"answer with a list of whole numbers, got {_describe(answer)}")
    return [_whole_number(v) for v in answer]


# -- painting-view/projective-field: which outputs does one input sample paint? ----------------
_PF_EX = dict(i=2, n_in=5, kernel_size=4, stride=2, padding=1)


def _pf(**changes):
    ex = {**_PF_EX, **changes}
    i, n, k, s, p = (ex[key] for key in ("i", "n_in", "kernel_size", "stride", "padding"))
    return [s * i + a - p for a in range(k)]


register(
    "painting-view/projective-field",
    solve=lambda: projective_field(**_PF_EX),
    normalize=_int_list,
    hints=[
        (lambda a, e: a == _pf(padding=0),
         "the stamp starts at s*i on the canvas, but the output is the canvas with p samples "
         "cropped from the front: shift by the padding."),
        (lambda a, e: a == _pf(stride=1),
         "input sample i stamps at s*i, not at i: the stride spaces the stamps."),
        (lambda a, e: len(a) == len(e) and a[0] == e[0] - _PF_EX["kernel_size"] // 2 + 1,
         "the stamp is not centred on s*i: tap a of the kernel lands at s*i + a - p."),
        (lambda a, e: len(a) != _PF_EX["kernel_size"],
         "one stamp covers k consecutive positions here (none of them is cropped)."),
    ],
    fallback="tap a of the kernel lands at output position s*i + d*a - p.",
)


# -- painting-view/flip: when does forgetting the flip not matter? (conceptual) ----------------
_FLIP_CHOICES = {"a": "never", "b": "symmetric kernels", "c": "k <= s", "d": "p = 0"}


def _flip_letter():
    """The letter whose kernels give the same result with and without the flip, computed."""
    from .transposed import conv_transpose1d
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 6))

    def same(w, s=2, p=0):
        w = np.asarray(w, dtype=float).reshape(1, 1, -1)
        return np.allclose(conv_transpose1d(x, w, stride=s, padding=p),
                           conv_transpose1d(x, w[..., ::-1], stride=s, padding=p))

    verdicts = {"b": same([1., 3., 1.]) and same([2., 5., 5., 2.]),
                "c": same([1., 2.], s=2) and same([1., 2.], s=3),
                "d": same([1., 2., 3.], p=0)}
    right = [letter for letter, ok in verdicts.items() if ok]
    return right[0] if len(right) == 1 else "a"


def _flip_choice(answer):
    if not isinstance(answer, str) or answer.strip().lower().strip("()") not in _FLIP_CHOICES:
        raise TypeError(f"answer with one of the letters 'a', 'b', 'c', 'd', got "
                        f"{_describe(answer)}")
    return answer.strip().lower().strip("()")


register(
    "painting-view/flip",
    solve=_flip_letter,
    normalize=_flip_choice,
    hints=[
        (lambda a, e: a == "a",
         "try a kernel that reads the same backwards, e.g. (1, 3, 1): what does the flip do "
         "to it?"),
        (lambda a, e: a == "c",
         "with k <= s the stamps do not overlap, but each stamp is still the kernel, reversed "
         "or not: paint (1, 2) with stride 2 both ways."),
        (lambda a, e: a == "d",
         "padding only crops the canvas; it does not change the orientation of the stamps."),
    ],
    fallback="paint an impulse with and without the flip and compare the stamps.",
)


# -- painting-view/multiplications: count both algorithms (compute by hand) --------------------
_MUL_EX = dict(n_in=(16, 16), kernel_size=4, stride=2, padding=1, in_channels=8,
               out_channels=4)


def _mul_expected():
    c = multiplication_counts(**_MUL_EX)
    return (c.painting, c.zero_insertion)


def _mul_1d():
    ex = dict(_MUL_EX, n_in=_MUL_EX["n_in"][0])
    c = multiplication_counts(**ex)
    return (c.painting, c.zero_insertion)


def _mul_no_channels():
    c = multiplication_counts(**dict(_MUL_EX, in_channels=1, out_channels=1))
    return (c.painting, c.zero_insertion)


def _mul_stretched_only():
    # zero insertion counted over the stretched input without the border padding
    (h, _), k, s = _MUL_EX["n_in"], _MUL_EX["kernel_size"], _MUL_EX["stride"]
    c = _MUL_EX["in_channels"] * _MUL_EX["out_channels"]
    side = s * (h - 1) + 1 - k + 1
    return side * side * k * k * c


register(
    "painting-view/multiplications",
    solve=_mul_expected,
    normalize=_shape_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "the pair is (painting, zero insertion): zero insertion is the larger one."),
        (lambda a, e: a == _mul_no_channels(),
         "every product is done for each pair (input channel, output channel): multiply by "
         "C_in * C_out."),
        (lambda a, e: a == _mul_1d(),
         "that is the count along one dimension; a 2-D layer has k*k taps and H*W samples."),
        (lambda a, e: a[0] == e[0] and a[1] == _mul_stretched_only(),
         "the stride-1 convolution runs over the stretched input *padded* by d(k-1) - p on "
         "each side, and produces one dot product per output pixel."),
        (lambda a, e: a[0] == e[0],
         "the painting count is right; zero insertion computes one full k x k dot product per "
         "output pixel and channel pair."),
    ],
    fallback="painting: one product per input pixel, tap and channel pair; zero insertion: one "
             "per output pixel, tap and channel pair.",
)


# -- painting-view/paint2d: painting in 2-D (code) ----------------------------------------------
#: (H, W, kH, kW, stride, padding)
_PAINT_CASES = ((3, 3, 3, 3, 2, 1), (2, 4, 2, 3, 2, 0), (4, 3, 4, 4, 2, 1), (3, 2, 3, 2, 3, 1),
                (1, 1, 3, 3, 1, 1), (5, 5, 2, 2, 1, 0))


def _paint_inputs():
    rng = np.random.default_rng(20161017)
    return [(rng.standard_normal((h, w)), rng.standard_normal((kh, kw)), s, p)
            for h, w, kh, kw, s, p in _PAINT_CASES]


def _paint_reference(variant="right"):
    from .transposed import conv_transpose2d
    out = []
    for x, w, s, p in _paint_inputs():
        if variant == "flipped":
            w = w[::-1, ::-1]
        if variant == "uncropped":
            p = 0
        out.append(conv_transpose2d(x[None], w[None, None], stride=s, padding=p)[0])
    return tuple(out)


def _run_paint(answer):
    if not callable(answer):
        raise TypeError("answer with a function paint2d(x, w, stride, padding), got "
                        f"{_describe(answer)}")
    outs = []
    for x, w, s, p in _paint_inputs():
        try:
            outs.append(np.asarray(answer(x.copy(), w.copy(), s, p), dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for x of shape "
                             f"{x.shape}, w of shape {w.shape}, stride={s}, padding={p}: "
                             f"{exc}") from None
    return tuple(outs)


register(
    "painting-view/paint2d",
    solve=_paint_reference,
    compare=_same,
    normalize=_run_paint,
    praise=f"your painter equals conv_transpose2d on {len(_PAINT_CASES)} seeded random cases.",
    hints=[
        (lambda a, e: _same(a, _paint_reference("uncropped")),
         "the canvas is right but not cropped: drop p rows and columns on every side."),
        (lambda a, e: _same(a, _paint_reference("flipped")),
         "your stamps are the kernel rotated by 180 degrees: painting uses w as it is."),
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong output shape: the canvas is s(H-1) + kH by s(W-1) + kW before cropping p "
         "from each side."),
    ],
    fallback="paint x[i, j] * w at (s*i, s*j) on a zero canvas, then crop p from each side.",
)


# -- shape-formula/size: the output size by hand -----------------------------------------------
_SIZE_EX = dict(n_in=7, kernel_size=3, stride=3, padding=2, output_padding=1, dilation=2)


def _size(**changes):
    ex = {**_SIZE_EX, **changes}
    n, k, s, p, op, d = (ex[key] for key in ("n_in", "kernel_size", "stride", "padding",
                                             "output_padding", "dilation"))
    return s * (n - 1) + d * (k - 1) + 1 - 2 * p + op


register(
    "shape-formula/size",
    solve=lambda: output_size(**_SIZE_EX),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _size(dilation=1),
         "the kernel's footprint is d(k-1) + 1 samples with dilation d, not k."),
        (lambda a, e: a == _size() + _SIZE_EX["stride"],
         "n_in stamps have n_in - 1 gaps of s between their starts (fence posts), not n_in."),
        (lambda a, e: a == _size() + _SIZE_EX["padding"],
         "padding crops from both ends: subtract 2p, not p."),
        (lambda a, e: a == _size() + 2 * _SIZE_EX["padding"],
         "the padding crops the canvas: subtract 2p."),
        (lambda a, e: a == _size() - _SIZE_EX["output_padding"],
         "output_padding adds op samples at the end."),
    ],
    fallback="n_out = s(n_in - 1) + d(k - 1) + 1 - 2p + op.",
)


# -- shape-formula/decoder-op: output_padding of a 2-D decoder layer ---------------------------
_DOP_EX = dict(input_size=(37, 50), kernel_size=3, stride=2, padding=1)


def _dop_expected():
    (h, w), k, s, p = (_DOP_EX[key] for key in ("input_size", "kernel_size", "stride",
                                                "padding"))
    return tuple(output_padding_for(conv_output_size(n, k, s, p), n, k, s, p) for n in (h, w))


register(
    "shape-formula/decoder-op",
    solve=_dop_expected,
    normalize=_shape_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "the pair is (height, width) = (37, 50): each dimension has its own output_padding."),
        (lambda a, e: a[0] == a[1],
         "the two dimensions need different output_padding: one of 37 and 50 is odd."),
        (lambda a, e: any(v < 0 or v >= _DOP_EX["stride"] for v in a),
         "output_padding is between 0 and stride - 1 here (dilation is 1)."),
    ],
    fallback="for each dimension: m = floor((n + 2p - k)/s) + 1, then op = n - (s(m-1) + k - 2p).",
)


# -- shape-formula/reachable: which sizes can one layer reach? (predict, then check) -----------
_REACH_EX = dict(n_in=4, kernel_size=3, stride=1, padding=0, dilation=3)


def _reachable(limit=None):
    ex = _REACH_EX
    n, k, s, p, d = (ex[key] for key in ("n_in", "kernel_size", "stride", "padding", "dilation"))
    out = []
    for target in range(1, 4 * (s * n + d * k)):
        try:
            op = output_padding_for(n, target, k, s, p, d)
        except ValueError:
            continue
        if limit is None or op < limit:
            out.append(target)
    return out


register(
    "shape-formula/reachable",
    solve=_reachable,
    normalize=lambda a: sorted(set(_int_list(a))),
    hints=[
        (lambda a, e: a == _reachable(limit=_REACH_EX["stride"]),
         "torch's rule is output_padding < stride *or* < dilation: here the dilation allows "
         "more."),
        (lambda a, e: a == [v + 1 for v in e] or a == [v - 1 for v in e],
         "off by one: the kernel's footprint is d(k-1) + 1."),
        (lambda a, e: len(a) == len(e) + 1,
         "output_padding must be *smaller* than max(stride, dilation)."),
    ],
    fallback="list s(n-1) + d(k-1) + 1 - 2p + op for every op that torch accepts.",
)


# -- shape-formula/decoder-code: output_padding for a whole decoder (code) ----------------------
#: (input size, [(k, s, p), ...] encoder layers, first to last)
_DEC_CASES = ((28, [(3, 2, 1), (3, 2, 1), (3, 2, 1)]), (64, [(4, 2, 1), (4, 2, 1)]),
              (50, [(5, 3, 2), (3, 2, 0)]), (37, [(3, 1, 1), (2, 2, 0), (3, 2, 1)]),
              (100, [(7, 4, 3), (5, 3, 1), (3, 2, 1)]))


def _decoder_ops(size, layers):
    sizes = [size]
    for k, s, p in layers:
        sizes.append(conv_output_size(sizes[-1], k, s, p))
    ops = []
    for (k, s, p), n_small, n_big in zip(layers[::-1], sizes[::-1], sizes[-2::-1]):
        ops.append(output_padding_for(n_small, n_big, k, s, p))
    return ops


def _dec_reference(variant="right"):
    out = []
    for size, layers in _DEC_CASES:
        ops = _decoder_ops(size, layers)
        out.append(ops[::-1] if variant == "encoder-order" else ops)
    return tuple(out)


def _run_decoder(answer):
    if not callable(answer):
        raise TypeError("answer with a function decoder_output_paddings(input_size, layers), "
                        f"got {_describe(answer)}")
    outs = []
    for size, layers in _DEC_CASES:
        try:
            got = answer(size, [tuple(layer) for layer in layers])
            outs.append([_whole_number(v) for v in got])
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for input size "
                             f"{size} and layers {layers}: {exc}") from None
    return tuple(outs)


register(
    "shape-formula/decoder-code",
    solve=_dec_reference,
    compare=lambda a, e: list(map(list, a)) == list(map(list, e)),
    normalize=_run_decoder,
    praise=f"your function restores every size on {len(_DEC_CASES)} encoders.",
    hints=[
        (lambda a, e: list(map(list, a)) == list(map(list, _dec_reference("encoder-order"))),
         "right values, wrong order: the decoder runs the layers backwards, so its first layer "
         "mirrors the encoder's last."),
        (lambda a, e: any(len(x) != len(r) for x, r in zip(a, e)),
         "return one output_padding per layer."),
        (lambda a, e: any(v < 0 for x in a for v in x),
         "output_padding is never negative: recompute the encoder's sizes with the floor."),
    ],
    fallback="run the encoder's sizes forward with the floor, then for each layer (last first) "
             "choose op so that the transposed conv returns the size that layer received.",
)


# ---------------------------------------------------------------------------------------------
# Chapter 7: remedies for checkerboard artifacts; chapter 9: alignment and padding
# ---------------------------------------------------------------------------------------------

# -- remedies/phase-sums: the phase sums of a 3x3 all-ones kernel at stride 2 (by hand) ---------
def _phase_sums(w, s):
    w = np.asarray(w, dtype=float)
    return np.array([[w[a::s, b::s].sum() for b in range(s)] for a in range(s)])


register(
    "remedies/phase-sums",
    solve=lambda: _phase_sums(np.ones((3, 3)), 2),
    normalize=lambda a: np.asarray(a, dtype=float),
    hints=[
        (lambda a, e: np.shape(a) == (2, 2) and np.allclose(a, e[::-1, ::-1]),
         "right numbers, wrong places: phase (0, 0) collects the taps whose row AND column "
         "indices are even (counting from 0)."),
        (lambda a, e: np.shape(a) == (2, 2) and np.allclose(a, np.full((2, 2), 9 / 4)),
         "that is the balanced ideal (the mean). Count the taps of each phase separately."),
        (lambda a, e: np.shape(a) != (2, 2),
         "answer with a 2x2 array: entry [a, b] is the sum of the taps w[u, v] with "
         "u % 2 == a and v % 2 == b."),
    ],
    fallback="entry [a, b] sums the taps w[u, v] with u % 2 == a and v % 2 == b.",
)


# -- remedies/binomial-stride3: response of [1, 2, 1]/4 at the stride-3 frequency (derive) --------
def _binomial_at_third():
    from .remedies import blur_kernel, frequency_response

    return float(frequency_response(blur_kernel("binomial", 3), 2 * np.pi / 3))


register(
    "remedies/binomial-stride3",
    solve=_binomial_at_third,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a) < 1e-9,
         "the binomial [1, 2, 1]/4 has a zero only where cos(w/2) = 0. Is w = 2*pi/3 such a "
         "frequency?"),
        (lambda a, e: abs(a - np.sqrt(e)) < 1e-9,
         "|H(w)| for [1, 2, 1]/4 is a *square*: (1 + cos w)/2 = cos(w/2)**2."),
        (lambda a, e: abs(a - 1.0) < 1e-9,
         "1 is the response at w = 0 (a constant); evaluate at w = 2*pi/3."),
    ],
    fallback="write H(w) = (1/4)(1 + 2 e^{-iw} + e^{-2iw}) = e^{-iw} (1 + cos w)/2.",
)


# -- remedies/icnr-code: ICNR written by the student (code) --------------------------------------
_ICNR_CASES = ((2, 3, 2, 3, 11), (3, 2, 1, 1, 12), (2, 1, 3, 5, 13))    # r, C, C_in, k, seed


def _icnr_reference(variant="right"):
    from .remedies import icnr_

    out = []
    for r, c, c_in, k, seed in _ICNR_CASES:
        w = np.random.default_rng(seed).standard_normal((c * r * r, c_in, k, k))
        if variant == "tiled":
            w[...] = np.concatenate([w[::r * r]] * (r * r))
        else:
            icnr_(w, r)
        out.append(w)
    return tuple(out)


def _run_icnr(answer):
    if not callable(answer):
        raise TypeError(f"answer with your function my_icnr, not {_describe(answer)}")
    outputs = []
    for r, c, c_in, k, seed in _ICNR_CASES:
        w = np.random.default_rng(seed).standard_normal((c * r * r, c_in, k, k))
        try:
            got = answer(w.copy(), r)
        except NotImplementedError:
            raise
        except Exception as exc:
            raise ValueError(f"your function raised {type(exc).__name__} for r={r}, "
                             f"shape {w.shape}: {exc}") from None
        got = np.asarray(got, dtype=float)
        if got.shape != w.shape:
            raise ValueError(f"your function returned shape {got.shape} for a weight of shape "
                             f"{w.shape}; return the initialized weight, same shape")
        outputs.append(got)
    return tuple(outputs)


register(
    "remedies/icnr-code",
    solve=_icnr_reference,
    compare=_same,
    normalize=_run_icnr,
    praise=f"your initialization equals tc.icnr_ on {len(_ICNR_CASES)} seeded weights.",
    hints=[
        (lambda a, e: _same(a, _icnr_reference("tiled")),
         "you tiled the filters (weight[i] = sub[i % C]). pixel_shuffle takes the r*r channels "
         "of one output channel from *consecutive* input channels c*r*r ... c*r*r + r*r - 1."),
    ],
    fallback="the r*r filters of each group c*r*r ... c*r*r + r*r - 1 must all equal the "
             "group's first filter; run pixel_shuffle(conv2d(x, w), r) and look at a block.",
)


# -- remedies/macs: multiply-adds of sub-pixel conv vs resize-conv (by hand) ----------------------
_MACS_EX = dict(c=8, k=3, r=2, h=8)


def _macs_pair():
    c, k, r, h = (_MACS_EX[n] for n in "ckrh")
    subpixel = (h * h) * (c * r * r) * c * k * k       # conv at low resolution, C*r*r outputs
    resize = (h * r) ** 2 * c * c * k * k               # conv at high resolution, C outputs
    return (subpixel, resize)


register(
    "remedies/macs",
    solve=_macs_pair,
    normalize=lambda a: tuple(_whole_number(v) for v in a),
    hints=[
        (lambda a, e: a[0] == e[0] // (_MACS_EX["r"] ** 2),
         "the sub-pixel conv has C*r*r output channels, not C."),
        (lambda a, e: a[1] == e[1] // (_MACS_EX["r"] ** 2),
         "the resize-conv runs at the *upsampled* resolution (h*r) x (h*r)."),
    ],
    fallback="multiply-adds of a conv = output pixels x output channels x C_in x k x k.",
)


# -- alignment/offset: grid offset of k = 3, s = 2, p = 1 (by hand) -------------------------------
def _grid_offset_ex():
    from .alignment import grid_offset

    return grid_offset(3, 2, 1)


register(
    "alignment/offset",
    solve=_grid_offset_ex,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a + e) < 1e-9,
         "wrong sign, or the padding left out: padding p crops p positions at the start, "
         "moving every stamp p positions earlier; a positive offset means later."),
        (lambda a, e: abs(a) < 1e-9,
         "the stamp's centre is at 2i + (k-1)/2 - p; the block of input pixel i is 2i, 2i+1, "
         "whose centre is 2i + 1/2, not 2i."),
    ],
    fallback="offset = (k - 1)/2 - p - (s - 1)/2 output pixels.",
)


# -- alignment/output-padding: output_padding for n = 14 and n = 13 (by hand) -----------------------
def _op_pair():
    from .alignment import decoder_plan

    return (decoder_plan(14).output_padding, decoder_plan(13).output_padding)


register(
    "alignment/output-padding",
    solve=_op_pair,
    normalize=lambda a: tuple(_whole_number(v) for v in a),
    hints=[
        (lambda a, e: a == e[::-1],
         "swapped: n = 14 first, then n = 13."),
        (lambda a, e: a == (0, 0) or a == (1, 1),
         "the two sizes differ: both go to m = 7 at low resolution, but the transposed conv "
         "returns 2(m - 1) - 2p + k = 13 without output_padding."),
    ],
    fallback="compute m = floor((n + 2 - 3)/2) + 1, then what the transposed conv returns.",
)


# -- alignment/pix2pix-shift: predict the shift of a k=4 decoder after a k=3 encoder ---------------
def _pix2pix_shift():
    from .alignment import DecoderPlan, grid_shift

    return grid_shift(20, DecoderPlan(4, 2, 1, 0, (0, 0), 10, 20))


register(
    "alignment/pix2pix-shift",
    solve=_pix2pix_shift,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a + e) < 1e-9,
         "the magnitude is right; the sign says which way: compare where the encoder centres "
         "pixel j (2j) with where the decoder paints it (2j + (4-1)/2 - 1)."),
        (lambda a, e: abs(a) < 1e-9,
         "the sizes match (20 -> 10 -> 20), but do the grids? Equal sizes do not mean aligned "
         "pixels."),
    ],
    fallback="the shift is the decoder's stamp centre minus the encoder's window centre.",
)


# -- alignment/plan-code: output_padding for any n (code) --------------------------------------------
_PLAN_SIZES = tuple(range(9, 41))


def _run_plan(answer):
    if not callable(answer):
        raise TypeError(f"answer with your function up_params, not {_describe(answer)}")
    out = []
    for n in _PLAN_SIZES:
        try:
            got = answer(n)
        except NotImplementedError:
            raise
        except Exception as exc:
            raise ValueError(f"your function raised {type(exc).__name__} for n={n}: {exc}") \
                from None
        try:
            out.append(tuple(int(v) for v in got))
        except TypeError:
            raise ValueError(f"return (kernel_size, padding, output_padding), got {got!r}") \
                from None
    return tuple(out)


def _plan_reference():
    from .alignment import decoder_plan

    return tuple((p.kernel_size, p.padding, p.output_padding)
                 for p in (decoder_plan(n) for n in _PLAN_SIZES))


def _plan_sizes_ok(a):
    from .shapes import output_size

    try:
        return all(len(t) == 3 and t[0] > 0 and t[1] >= 0 and 0 <= t[2] < 2
                   and output_size((n + 1) // 2, t[0], 2, t[1], t[2]) == n
                   for n, t in zip(_PLAN_SIZES, a))
    except ValueError:
        return False


def _plan_aligned(a, e=None):
    """Right size for every n and zero grid shift (any kernel that achieves both is right)."""
    from .alignment import DecoderPlan, grid_shift

    if not _plan_sizes_ok(a):
        return False
    return all(grid_shift(n, DecoderPlan(t[0], 2, t[1], t[2], (0, 0), (n + 1) // 2, n)) == 0
               for n, t in zip(_PLAN_SIZES, a) if n >= 2 * (3 + t[0]) + 2)


register(
    "alignment/plan-code",
    solve=_plan_reference,
    compare=_plan_aligned,
    normalize=_run_plan,
    praise=f"right size and zero shift for every n in {_PLAN_SIZES[0]}..{_PLAN_SIZES[-1]}.",
    hints=[
        (lambda a, e: all(t[2] == 0 for t in a),
         "with output_padding always 0, even sizes come back one short."),
        (lambda a, e: _plan_sizes_ok(a),
         "the sizes are right but the decoder grid is shifted (by half a pixel): after a k=3 "
         "encoder, an even decoder kernel cannot line up, whatever the padding."),
    ],
    fallback="use the encoder's kernel and padding; output_padding makes up what the floor "
             "in the encoder's size formula dropped.",
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


# -- gpu/macs: the benchmark layer's multiply-adds ----------------------------------------------
_GPU_MACS = dict(batch=8, c_in=64, c_out=32, n=32, k=4, s=2, p=1)


def _gpu_macs(kind="painting", batch=None):
    from .painting import multiplication_counts
    e = _GPU_MACS
    counts = multiplication_counts((e["n"], e["n"]), e["k"], e["s"], e["p"],
                                   in_channels=e["c_in"], out_channels=e["c_out"])
    return getattr(counts, kind) * (e["batch"] if batch is None else batch)


register(
    "gpu/macs",
    solve=_gpu_macs,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _gpu_macs("zero_insertion"),
         "that counts the zero-insertion version, whose products include the inserted zeros; "
         "count the painting: each input value times each kernel tap."),
        (lambda a, e: a == _gpu_macs(batch=1),
         "that is one image; the benchmark runs a batch."),
        (lambda a, e: a * _GPU_MACS["k"] == e or a * _GPU_MACS["k"] ** 2 == e,
         "a 2-D kernel has k * k taps, and every one of them meets every input value."),
        (lambda a, e: a * _GPU_MACS["c_out"] == e or a * _GPU_MACS["c_in"] == e,
         "every input channel paints into every output channel: both channel counts count."),
    ],
    fallback="painting: batch * C_in * H * W input values, each times C_out * k * k taps.",
)


# -- gpu/order: the order of a float32 sum (predict, then check) --------------------------------
_GPU_ORDER = dict(x=1e8, y=-1e8, z=1.0)


def _gpu_order(dtype=np.float32):
    x, y, z = (dtype(_GPU_ORDER[key]) for key in "xyz")
    return (float((x + y) + z), float(x + (y + z)))


register(
    "gpu/order",
    solve=_gpu_order,
    normalize=_pair_of(_number, "of numbers ((x + y) + z, x + (y + z))"),
    hints=[
        (lambda a, e: tuple(a) == _gpu_order(np.float64),
         "that is the exact (and float64) result; float32 has 24 significant bits, so near "
         "1e8 its neighbouring numbers are 8 apart."),
        (lambda a, e: tuple(a) == tuple(reversed(e)),
         "right values, swapped: the first entry is (x + y) + z."),
    ],
    fallback="round after every addition: what is the float32 number nearest to 1e8 + 1?",
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


def _app_subpixel_kernel():
    r, k = _APP_SUB["r"], _APP_SUB["k"]
    c = k // 2
    taps = {a + r * (k - 1 - c) + r * (c - t) for a in range(r) for t in range(k)}
    return max(taps) - min(taps) + 1


register(
    "applications/subpixel-kernel",
    solve=_app_subpixel_kernel,
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


# ---------------------------------------------------------------------------------------------
# Chapters 5 and 6: where checkerboard artifacts come from; initialization
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed with tconvlib (or torch) from the exercise's parameters.
from .artifacts import checkerboard_score  # noqa: E402
from .initialization import bilinear_kernel, he_std, phase_fan_in  # noqa: E402
from .overlap import overlap_count  # noqa: E402


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


# -- checkerboard/variance-ratio: most vs least covered phase at init (2-D) --------------------
_VR_EX = dict(k=5, s=2)


def _vr(dims=2, k=None):
    fan = phase_fan_in(k or _VR_EX["k"], _VR_EX["s"], dims=dims)
    return float(fan.max() / fan.min())


register(
    "checkerboard/variance-ratio",
    solve=_vr,
    normalize=_number,
    compare=_close(1e-3),
    hints=[
        (lambda a, e: abs(a - _vr(dims=1)) < 1e-3,
         "that is the ratio along one axis. In 2-D a phase's tap count is the product of the "
         "two axes' counts."),
        (lambda a, e: abs(a - 1.0) < 1e-3,
         "k is not a multiple of s here, so the phases do not receive the same number of taps."),
        (lambda a, e: abs(a - _vr(k=3)) < 1e-3,
         "that is the ratio for k = 3; count the taps of each phase for this k."),
    ],
    fallback="count, per axis, the taps a with a = r (mod s) for each phase r; variances are "
             "proportional to the 2-D counts.",
)


# -- checkerboard/holes: fraction of interior positions that no stamp reaches ------------------
_HOLES_EX = dict(k=2, s=3)


def _covered_fraction_1d():
    fan = phase_fan_in(_HOLES_EX["k"], _HOLES_EX["s"], dims=1)
    return float(np.mean(fan > 0))


def _holes():
    fan = phase_fan_in(_HOLES_EX["k"], _HOLES_EX["s"])
    return float(np.mean(fan == 0))


register(
    "checkerboard/holes",
    solve=_holes,
    normalize=_number,
    compare=_close(5e-4),
    hints=[
        (lambda a, e: abs(a - (1 - _covered_fraction_1d())) < 5e-4,
         "that is the fraction along one axis. In 2-D a position is a hole when *either* of "
         "its coordinates falls in a hole of its axis."),
        (lambda a, e: abs(a - (1 - _covered_fraction_1d()) ** 2) < 5e-4,
         "that counts only positions that are holes along *both* axes; one axis missing is "
         "enough."),
        (lambda a, e: abs(a - (1 - e)) < 5e-4,
         "that is the fraction of positions that *are* covered."),
    ],
    fallback="the 2-D overlap map is the outer product of two 1-D maps: a zero in either "
             "factor gives a zero.",
)


# -- checkerboard/flat-score: the score of the 2-D overlap pattern -----------------------------
_FS_EX = dict(k=3, s=2)


def _flat(dims=2):
    fan = phase_fan_in(_FS_EX["k"], _FS_EX["s"], dims=dims)
    tile = np.tile(fan, (4,) * dims)
    return checkerboard_score(tile, _FS_EX["s"], dims=dims)


def _mean_normalised():
    fan = phase_fan_in(_FS_EX["k"], _FS_EX["s"]).astype(float)
    return float(fan.std() / fan.mean())


register(
    "checkerboard/flat-score",
    solve=_flat,
    normalize=_number,
    compare=_close(1e-3),
    hints=[
        (lambda a, e: abs(a - _flat(dims=1)) < 1e-3,
         "that is the score of the 1-D pattern 2, 1, 2, 1; the 2-D phases hold 4, 2, 2, 1."),
        (lambda a, e: abs(a - _mean_normalised()) < 1e-3,
         "the score divides by the RMS of the signal, sqrt(mean(x**2)), not by its mean."),
        (lambda a, e: a > 1 or a < 0,
         "the score lies between 0 and 1."),
    ],
    fallback="score = sqrt(mean over phases of (mu_phase - mu)**2) / sqrt(mean(x**2)).",
)


# -- checkerboard/mismatch-period: encoder stride 3, decoder stride 2 --------------------------
_MM_EX = dict(k_enc=3, s_enc=3, k_dec=3, s_dec=2, n=72, seed=6)


def _row_energy(s_enc=None, s_dec=None):
    """Per-output variance of decoder(encoder(x)) for white x and fixed random kernels."""
    from .matrix import conv_matrix

    e = _MM_EX
    rng = np.random.default_rng(e["seed"])
    w_enc = rng.standard_normal((1, 1, e["k_enc"]))
    w_dec = rng.standard_normal((1, 1, e["k_dec"]))
    enc = conv_matrix((1, e["n"]), w_enc, stride=s_enc or e["s_enc"])
    m = enc.shape[0]
    dec_t = conv_matrix((1, (s_dec or e["s_dec"]) * (m - 1) + e["k_dec"]), w_dec,
                        stride=s_dec or e["s_dec"])        # the decoder is its transpose
    return ((dec_t.T @ enc) ** 2).sum(axis=1)


def _smallest_period(v, margin=6):
    inner = v[margin:len(v) - margin]
    for t in range(1, len(inner) // 2):
        if np.allclose(inner[t:], inner[:-t]):
            return t
    raise ValueError("no period found")


def _mm_expected():
    return _smallest_period(_row_energy())


register(
    "checkerboard/mismatch-period",
    solve=_mm_expected,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == int(np.lcm(_MM_EX["s_enc"], _MM_EX["s_dec"])),
         "that is the claim under test. Measure it: the encoder computes every one of its "
         "outputs in the same way, so where can a pattern in the decoder's output come from?"),
        (lambda a, e: a == _MM_EX["s_enc"],
         "3 is the period measured in *input* samples; the question asks in output samples."),
        (lambda a, e: a == 1,
         "the decoder alone already paints its phases unevenly."),
    ],
    fallback="compute the variance of every output of decoder(encoder(x)) for white x and "
             "look for the smallest shift that leaves it unchanged.",
)


# -- initialization/fan-in: per-phase fan-in of a 2-D transposed conv --------------------------
_FI_EX = dict(k=5, s=2, p=1, c_in=8)


def _fi(p=None, c_in=None):
    e = _FI_EX
    return phase_fan_in(e["k"], e["s"], e["p"] if p is None else p,
                        in_channels=e["c_in"] if c_in is None else c_in)


register(
    "initialization/fan-in",
    solve=_fi,
    normalize=_array,
    compare=_same_array,
    hints=[
        (lambda a, e: _same_array(a, _fi(p=0)),
         "those are the counts for even padding. With p = 1, output o is painted by taps "
         "a with a = o + 1 (mod s): which phase gets the most taps moves."),
        (lambda a, e: _same_array(a, _fi(c_in=1)),
         "each tap contributes one product per input channel: multiply by C_in."),
        (lambda a, e: a.shape == (_FI_EX["s"],),
         "answer with the 2-D array (s x s), one entry per phase (row phase, column phase)."),
        (lambda a, e: a.shape == (2, 2) and np.ptp(a) == 0,
         "k is not a multiple of s, so the phases differ."),
    ],
    fallback="per axis count the taps of each phase, take the outer product, times C_in.",
)


# -- initialization/torch-fan: what torch.nn.init computes for a ConvTranspose2d ---------------
_TF_EX = dict(c_in=24, c_out=12, k=4, s=2, groups=3)


def _torch_fans():
    import torch

    e = _TF_EX
    layer = torch.nn.ConvTranspose2d(e["c_in"], e["c_out"], e["k"], stride=e["s"],
                                     groups=e["groups"])
    return tuple(int(v) for v in torch.nn.init._calculate_fan_in_and_fan_out(layer.weight))


def _fan_pair(answer):
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise TypeError(f"answer with a pair (fan_in, fan_out), got {_describe(answer)}")
    return tuple(_whole_number(v) for v in answer)


register(
    "initialization/torch-fan",
    solve=_torch_fans,
    normalize=_fan_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "swapped: torch reads the weight's dimension 1 as fan-in, whatever the layer."),
        (lambda a, e: a[0] == _TF_EX["c_out"] * _TF_EX["k"] ** 2,
         "the weight's dimension 1 is C_out / groups, not C_out."),
        (lambda a, e: a[0] == e[0] // _TF_EX["s"] ** 2,
         "torch does not know the stride: it reads only the weight's shape."),
    ],
    fallback="write down the weight's shape (C_in, C_out/groups, k, k) and apply "
             "fan_in = size(1) * k * k, fan_out = size(0) * k * k.",
)


# -- initialization/kaiming-ratio: torch's kaiming on a transposed conv, derived ---------------
_KR_EX = dict(c_in=64, c_out=32, k=4, s=2)


def _kr(swap=False, no_stride=False):
    e = _KR_EX
    c_in, c_out = (e["c_out"], e["c_in"]) if swap else (e["c_in"], e["c_out"])
    torch_fan = c_out * e["k"] ** 2
    true_fan = phase_fan_in(e["k"], 1 if no_stride else e["s"], in_channels=c_in).mean()
    return float(true_fan / torch_fan)


register(
    "initialization/kaiming-ratio",
    solve=_kr,
    normalize=_number,
    compare=_close(1e-6),
    hints=[
        (lambda a, e: abs(a - _kr(no_stride=True)) < 1e-6,
         "each output receives only k*k/s**2 taps per input channel on average, not k*k."),
        (lambda a, e: abs(a - _kr(swap=True)) < 1e-6,
         "C_in and C_out are swapped: torch reads dimension 1 (C_out) as fan-in."),
        (lambda a, e: abs(a - 1 / e) < 1e-6,
         "you computed the inverse ratio: intended over actual."),
    ],
    fallback="actual variance = (mean fan-in) * 2 / (torch's fan-in); divide by 2.",
)


# -- initialization/bilinear-border: where bilinear tconv and interpolate differ --------------
_BB_EX = dict(factor=4, n=8, seed=4)


def _bb_diff():
    import torch
    import torch.nn.functional as F

    e = _BB_EX
    f = e["factor"]
    k = bilinear_kernel(f, dims=1)
    x = torch.as_tensor(np.random.default_rng(e["seed"]).standard_normal((1, 1, e["n"])))
    y = F.conv_transpose1d(x, torch.as_tensor(k).reshape(1, 1, -1), stride=f,
                           padding=(len(k) - f) // 2)
    ref = F.interpolate(x, scale_factor=f, mode="linear", align_corners=False)
    return ~np.isclose(y[0, 0].numpy(), ref[0, 0].numpy(), rtol=0, atol=1e-12)


register(
    "initialization/bilinear-border",
    solve=lambda: int(_bb_diff().sum()),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == e // 2, "count both ends of the signal."),
        (lambda a, e: a == 0,
         "at the ends interpolate clamps its source coordinate, the transposed convolution "
         "pads with zeros: they cannot agree everywhere."),
        (lambda a, e: a == 2 * (_BB_EX["factor"] - 1) or a == 2 * _BB_EX["factor"],
         "fewer: only outputs whose source coordinate (o + 0.5)/f - 0.5 is below 0 (or above "
         "n - 1) are affected."),
    ],
    fallback="an output differs when interpolate's source coordinate (o + 0.5)/f - 0.5 falls "
             "outside [0, n - 1].",
)


# -- initialization/he-code: per-tap standard deviations (code) --------------------------------
#: (k, s, p, c_in, gain)
_HC_CASES = ((3, 2, 0, 16, 2 ** 0.5), (3, 2, 1, 4, 1.0), (5, 3, 1, 8, 2 ** 0.5),
             (4, 2, 1, 2, 1.0), (2, 3, 0, 3, 2 ** 0.5), (1, 1, 0, 5, 1.0))


def _run_tap_std(answer):
    if not callable(answer):
        raise TypeError("answer with a function tap_std(k, s, p, c_in, gain) that returns a "
                        f"(k, k) array, got {_describe(answer)}")
    outs = []
    for k, s, p, c, g in _HC_CASES:
        try:
            outs.append(np.asarray(answer(k, s, p, c, g), dtype=float))
        except NotImplementedError:
            raise
        except Exception as exc:  # the learner's code: any failure is a wrong answer
            raise ValueError(f"your function raised {type(exc).__name__} for k={k}, s={s}, "
                             f"p={p}, c_in={c}, gain={g:.3f}: {exc}") from None
    return tuple(outs)


def _hc_reference(per_phase=True, channels=True):
    return tuple(he_std(k, s, p, in_channels=c if channels else 1, gain=g, per_phase=per_phase)
                 for k, s, p, c, g in _HC_CASES)


register(
    "initialization/he-code",
    solve=_hc_reference,
    compare=_same,
    normalize=_run_tap_std,
    praise=f"your stds equalise every phase on {len(_HC_CASES)} configurations.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "return one standard deviation per kernel tap: a (k, k) array."),
        (lambda a, e: _same(a, _hc_reference(per_phase=False)),
         "that is the mean fan-in: right on average, but the phases still differ. Use the "
         "fan-in of each tap's own phase."),
        (lambda a, e: _same(a, _hc_reference(channels=False)),
         "every tap multiplies c_in input values: include the channels in the fan-in."),
        (lambda a, e: _same(tuple(np.sqrt(np.abs(x)) for x in a), e),
         "those are variances; return standard deviations, gain / sqrt(fan-in)."),
    ],
    fallback="the variance of phase (r, c) is c_in * sum of the variances of its taps; make "
             "it gain**2 for every phase.",
)
