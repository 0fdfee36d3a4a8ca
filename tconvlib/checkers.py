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
