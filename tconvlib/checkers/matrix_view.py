"""Exercise checkers for chapter 1, the matrix view (``chapters/01_matrix_view.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..matrix import conv_matrix
from ..shapes import conv_output_size, output_size
from ._core import (call_learner, _describe, learner_array, _letter_choice, register, _same,
                    _shape_pair, _vector, _whole_number)


def _matrix_1d(n, w, s=1, p=0):
    """The dense matrix of a 1-channel 1-D convolution of an n-sample input with kernel w."""
    return conv_matrix((1, n), np.asarray(w, dtype=float).reshape(1, 1, -1), stride=s,
                       padding=p, sparse=False)


# -- matrix-view/shape: the shape of A, by hand ------------------------------------------------
_SHAPE_EX = dict(n=11, k=4, s=3, p=2)
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
        (lambda a, e: a[1] == e[1] and abs(a[0] - e[0]) == 1 and a[0] != conv_output_size(
            _SHAPE_EX["n"], _SHAPE_EX["k"], _SHAPE_EX["s"], 0),
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


_INV_RANK_HINT = ("A^T A is n x n but its rank is at most m < n (A has only m rows), so it "
                  "cannot be the identity: A^T does not undo A.")
register(
    "matrix-view/inverse",
    solve=_inverse_letter,
    normalize=_letter_choice("".join(_INV_CHOICES)),
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
        out = call_learner(answer, (y.copy(), w.copy(), s, p, n),
                           f"n={n}, k={len(w)}, stride={s}, padding={p}")
        outputs.append(learner_array(out, "a 1-D array of n numbers"))
    return tuple(outputs)


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
