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
# Chapters 5 and 6: where checkerboard artifacts come from; initialization
# ---------------------------------------------------------------------------------------------
# Every expected answer below is computed with tconvlib (or torch) from the exercise's parameters.
from .artifacts import checkerboard_score  # noqa: E402
from .initialization import bilinear_kernel, he_std, phase_fan_in  # noqa: E402
from .overlap import overlap_count  # noqa: E402


def _real(answer):
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        raise TypeError(f"answer with a number, got {_describe(answer)}")
    return float(answer)


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
    normalize=_real,
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
    normalize=_real,
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
    normalize=_real,
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
    normalize=_real,
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
