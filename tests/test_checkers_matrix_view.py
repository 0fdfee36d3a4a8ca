"""Exercise checkers of chapter 1, the matrix view (`tconvlib/checkers/matrix_view.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "matrix-view/gram-row",
    "matrix-view/inverse",
    "matrix-view/nnz",
    "matrix-view/output-padding",
    "matrix-view/shape",
    "matrix-view/transpose-code",
}


def test_matrix_view_exercises_are_registered():
    assert set(exercise_ids("matrix-view/")) == EXERCISES


def ones_matrix(n, k, s, p):
    return tc.conv_matrix((1, n), np.ones((1, 1, k)), stride=s, padding=p)


def test_expected_answers_agree_with_an_independent_computation():
    assert verdict("matrix-view/shape", ones_matrix(11, 4, 3, 2).shape)
    assert verdict("matrix-view/nnz", np.count_nonzero(ones_matrix(7, 3, 2, 1)))
    m = tc.conv_output_size(13, 4, 3, 1)
    assert verdict("matrix-view/output-padding", 13 - tc.output_size(m, 4, 3, 1))
    A = tc.conv_matrix((1, 7), np.array([[[1., 2., 3.]]]))
    assert verdict("matrix-view/gram-row", (A.T @ A)[3])


def test_shape_right():
    # n = 11, k = 4, s = 3, p = 2: m = (11 + 4 - 4) // 3 + 1 = 4
    assert verdict("matrix-view/shape", (4, 11))
    assert verdict("matrix-view/shape", [np.int64(4), 11.0])


def test_shape_hints_each_for_its_own_mistake():
    assert_hints_exclusive("matrix-view/shape", {
        (11, 4): "swapped",
        (3, 11): "counted without the padding",     # m from (n - k) // s + 1
        (5, 11): "floor",
        (4, 15): "one column per *input* sample",   # n + 2p columns
    })
    assert_hint("matrix-view/shape", (9, 9), "one row per output sample")


@pytest.mark.parametrize("answer", ["3x5", 15, (3,), (3, 5, 1), ("a", "b"), (3.5, 5), {"rows": 3}])
def test_shape_wrong_type(answer):
    assert_hint("matrix-view/shape", answer, "answer")


def test_nnz_right():
    assert verdict("matrix-view/nnz", 10)
    assert verdict("matrix-view/nnz", np.int32(10))
    assert verdict("matrix-view/nnz", 10.0)


@pytest.mark.parametrize("answer, fragment", [
    (12, "padding zeros are not unknowns"),        # m * k: forgot the dropped taps
    (19, "stride 1"),                              # the stride-1 count
    (21, "one row per *output* sample"),           # n * k
    (7, "count the rows"),                         # unrecognised: fallback
])
def test_nnz_hints(answer, fragment):
    assert_hint("matrix-view/nnz", answer, fragment)


@pytest.mark.parametrize("answer", ["10", 10.5, True, [10], {10}])
def test_nnz_wrong_type(answer):
    assert_hint("matrix-view/nnz", answer, "whole number")


def test_output_padding_right():
    assert verdict("matrix-view/output-padding", 2)


@pytest.mark.parametrize("answer, fragment", [
    (0, "from *each* end"),         # forgot the crop of 2p
    (1, "subtract 2p, not p"),      # cropped p once
    (3, "output_padding < stride"),  # not below the stride
    (-1, "never negative"),
])
def test_output_padding_hints(answer, fragment):
    assert_hint("matrix-view/output-padding", answer, fragment)


@pytest.mark.parametrize("answer", ["2", (2,), 2.5, {2}])
def test_output_padding_wrong_type(answer):
    assert_hint("matrix-view/output-padding", answer, "whole number")


def test_gram_row_right():
    A = tc.conv_matrix((1, 7), np.array([[[1., 2., 3.]]]))
    assert verdict("matrix-view/gram-row", list((A.T @ A)[3]))


def test_gram_row_hints():
    A = tc.conv_matrix((1, 7), np.array([[[1., 2., 3.]]]))
    G = A.T @ A
    row_conv = np.zeros(7)
    row_conv[1:6] = np.convolve([1., 2., 3.], [1., 2., 3.])     # flipped: a convolution
    assert_hint("matrix-view/gram-row", (A @ A.T)[2], "A A^T")      # m entries
    assert_hint("matrix-view/gram-row", np.ones(4), "n entries")
    assert_hint("matrix-view/gram-row", row_conv, "no flip")
    assert_hint("matrix-view/gram-row", A[1], "row of A itself")
    assert_hint("matrix-view/gram-row", G[1], "near the edge")
    assert_hint("matrix-view/gram-row", G[3] + 1, "dot product of columns")


@pytest.mark.parametrize("answer", ["0 3 8 14 8 3 0", np.eye(7), {0: 1}, [[1, 2], [3]], 5])
def test_gram_row_wrong_type(answer):
    assert_hint("matrix-view/gram-row", answer, "answer with a list or 1-D array")


@pytest.mark.parametrize("answer", ["d", "D", " (d) "])
def test_inverse_right(answer):
    assert verdict("matrix-view/inverse", answer)


@pytest.mark.parametrize("answer, fragment", [
    ("a", "rank is at most m < n"),
    ("c", "rank is at most m < n"),
    ("b", "neighbouring windows"),      # true only without overlap (k <= s)
])
def test_inverse_hints(answer, fragment):
    assert_hint("matrix-view/inverse", answer, fragment)


def test_inverse_expected_answer_agrees_with_the_matrix():
    A = tc.conv_matrix((1, 7), np.array([[[2 / 3, 2 / 3, 1 / 3]]]), stride=2)
    assert not np.allclose(A.T @ A, np.eye(7)) and not np.allclose(A @ A.T, np.eye(3))
    assert verdict("matrix-view/inverse", "d")


@pytest.mark.parametrize("answer", ["e", 2, {"b"}, ["b"]])
def test_inverse_wrong_type(answer):
    assert_hint("matrix-view/inverse", answer, "one of the letters")


def paint(y, w, stride, padding, n):
    """A correct answer: paint y_i * w at stride * i, crop the padding."""
    k = len(w)
    canvas = np.zeros(max(stride * (len(y) - 1) + k, padding + n))
    for i, v in enumerate(y):
        canvas[stride * i: stride * i + k] += v * w
    return canvas[padding: padding + n]


def test_transpose_code_right():
    assert verdict("matrix-view/transpose-code", paint)

    def via_library(y, w, stride, padding, n):
        A = tc.conv_matrix((1, n), w.reshape(1, 1, -1), stride=stride, padding=padding)
        return A.T @ y
    assert verdict("matrix-view/transpose-code", via_library)


def test_transpose_code_hints():
    def flipped(y, w, stride, padding, n):
        return paint(y, w[::-1], stride, padding, n)

    def uncropped(y, w, stride, padding, n):
        return paint(y, w, stride, 0, n)

    def stride_ignored(y, w, stride, padding, n):        # stamps at i, not stride * i
        return paint(y, w, 1, padding, n)

    def zero_insert_unflipped(y, w, stride, padding, n):  # zero insertion without the flip
        z = np.zeros(stride * (len(y) - 1) + 1)
        z[::stride] = y
        k = len(w)
        z = np.concatenate([np.zeros(k - 1), z, np.zeros(k - 1 + n)])
        full = np.array([z[j: j + k] @ w for j in range(len(z) - k + 1)])
        return full[padding: padding + n]

    def no_output_padding(y, w, stride, padding, n):     # the formula's length, not n
        return paint(y, w, stride, padding, n)[:stride * (len(y) - 1) + len(w) - 2 * padding]

    def as_row(y, w, stride, padding, n):
        return paint(y, w, stride, padding, n)[None, :]

    def off(y, w, stride, padding, n):
        return paint(y, w, stride, padding, n) + 1

    assert_hint("matrix-view/transpose-code", flipped, "*reversed* kernel")
    assert_hint("matrix-view/transpose-code", uncropped, "must be cropped")
    assert_hint("matrix-view/transpose-code", stride_ignored, "spaced by the stride")
    assert_hint("matrix-view/transpose-code", zero_insert_unflipped, "*reversed* kernel")
    assert_hint("matrix-view/transpose-code", no_output_padding, "output_padding")
    assert_hint("matrix-view/transpose-code", as_row, "wrong output shape")
    assert_hint("matrix-view/transpose-code", off, "test your function")


def test_transpose_code_does_not_let_the_answer_mutate_the_cases():
    def mutating(y, w, stride, padding, n):
        out = paint(y, w, stride, padding, n)
        y[:] = 0
        w[:] = 0
        return out
    assert verdict("matrix-view/transpose-code", mutating)
    assert verdict("matrix-view/transpose-code", paint)


@pytest.mark.parametrize("answer", [{1: 2}, 3, "paint", np.zeros(7)])
def test_transpose_code_not_a_function(answer):
    assert_hint("matrix-view/transpose-code", answer, "answer with a function")


def test_transpose_code_failing_function_is_a_wrong_verdict():
    def boom(y, w, stride, padding, n):
        raise NotImplementedError("not yet")
    assert_hint("matrix-view/transpose-code", boom, "raised NotImplementedError")

    def wrong_signature(y, w):
        return y
    assert_hint("matrix-view/transpose-code", wrong_signature, "raised TypeError")

    def returns_text(y, w, stride, padding, n):
        return "hello"
    assert_hint("matrix-view/transpose-code", returns_text,
                "your function returned 'hello', not a 1-D array of n numbers")
