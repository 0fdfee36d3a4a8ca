"""The exercise checkers: right answers pass, typical mistakes get their specific hint, wrong
types give a wrong verdict (never an exception), unknown ids raise."""

import numpy as np
import pytest

import tconvlib as tc
from tconvlib.checkers import CheckResult, exercise_ids

CHAPTER_1 = {
    "matrix-view/shape", "matrix-view/nnz", "matrix-view/output-padding",
    "matrix-view/gram-row", "matrix-view/inverse", "matrix-view/transpose-code",
}


def verdict(exercise, answer):
    result = tc.check(exercise, answer)
    assert isinstance(result, CheckResult)
    return result


def assert_hint(exercise, answer, fragment):
    result = verdict(exercise, answer)
    assert not result, f"{answer!r} was accepted"
    assert fragment in result.message, result.message


# -- the framework ----------------------------------------------------------------------------

def test_chapter_1_exercises_are_registered():
    assert CHAPTER_1 <= set(exercise_ids("matrix-view/"))


def test_unknown_id_raises_value_error():
    with pytest.raises(ValueError, match="not a known exercise"):
        tc.check("matrix-view/no-such-exercise", 1)


def test_result_prints_as_one_line():
    assert str(verdict("matrix-view/shape", (3, 5))).startswith("[matrix-view/shape] ✔")
    assert str(verdict("matrix-view/shape", (5, 3))).startswith("[matrix-view/shape] ✘")


# -- the exercises' parameters, recomputed independently --------------------------------------

def ones_matrix(n, k, s, p):
    return tc.conv_matrix((1, n), np.ones((1, 1, k)), stride=s, padding=p)


def test_expected_answers_agree_with_an_independent_computation():
    assert verdict("matrix-view/shape", ones_matrix(5, 3, 2, 1).shape)
    assert verdict("matrix-view/nnz", np.count_nonzero(ones_matrix(7, 3, 2, 1)))
    m = tc.conv_output_size(13, 4, 3, 1)
    assert verdict("matrix-view/output-padding", 13 - tc.output_size(m, 4, 3, 1))
    A = tc.conv_matrix((1, 7), np.array([[[1., 2., 3.]]]))
    assert verdict("matrix-view/gram-row", (A.T @ A)[3])


# -- matrix-view/shape --------------------------------------------------------------------------

def test_shape_right():
    assert verdict("matrix-view/shape", (3, 5))
    assert verdict("matrix-view/shape", [np.int64(3), 5.0])


@pytest.mark.parametrize("answer, fragment", [
    ((5, 3), "swapped"),
    ((2, 5), "floor"),
    ((4, 5), "floor"),
    ((3, 7), "one column per *input* sample"),
    ((9, 9), "one row per output sample"),
])
def test_shape_hints(answer, fragment):
    assert_hint("matrix-view/shape", answer, fragment)


@pytest.mark.parametrize("answer", ["3x5", 15, (3,), (3, 5, 1), ("a", "b"), (3.5, 5), {"rows": 3}])
def test_shape_wrong_type(answer):
    assert_hint("matrix-view/shape", answer, "answer")


# -- matrix-view/nnz ----------------------------------------------------------------------------

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


# -- matrix-view/output-padding -----------------------------------------------------------------

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


# -- matrix-view/gram-row -----------------------------------------------------------------------

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


# -- matrix-view/inverse ------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["b", "B", " (b) "])
def test_inverse_right(answer):
    assert verdict("matrix-view/inverse", answer)


@pytest.mark.parametrize("answer, fragment", [
    ("a", "rank is at most m < n"),
    ("c", "rank is at most m < n"),
    ("d", "orthogonal"),
])
def test_inverse_hints(answer, fragment):
    assert_hint("matrix-view/inverse", answer, fragment)


@pytest.mark.parametrize("answer", ["e", 2, {"b"}, ["b"]])
def test_inverse_wrong_type(answer):
    assert_hint("matrix-view/inverse", answer, "one of the letters")


# -- matrix-view/transpose-code -----------------------------------------------------------------

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

    def no_output_padding(y, w, stride, padding, n):     # the formula's length, not n
        return paint(y, w, stride, padding, n)[:stride * (len(y) - 1) + len(w) - 2 * padding]

    def as_row(y, w, stride, padding, n):
        return paint(y, w, stride, padding, n)[None, :]

    def off(y, w, stride, padding, n):
        return paint(y, w, stride, padding, n) + 1

    assert_hint("matrix-view/transpose-code", flipped, "*reversed* kernel")
    assert_hint("matrix-view/transpose-code", uncropped, "must be cropped")
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
    assert_hint("matrix-view/transpose-code", returns_text, "raised ValueError")


@pytest.mark.parametrize("exercise", tc.checkers.exercise_ids())
@pytest.mark.parametrize("placeholder", [None, ...])
def test_placeholders_are_not_answered_yet(exercise, placeholder):
    r = tc.check(exercise, placeholder)
    assert not r and r.message == tc.checkers.NOT_ANSWERED


def test_unwritten_function_is_not_implemented_yet():
    def transpose_conv(y, w, stride, padding, n):
        raise NotImplementedError("replace this line with your code")

    r = tc.check("matrix-view/transpose-code", transpose_conv)
    assert not r and r.message == tc.checkers.NOT_IMPLEMENTED


# -- chapters 7 (remedies) and 9 (alignment) ----------------------------------------------------

def test_remedies_and_alignment_exercises_are_registered():
    assert {"remedies/phase-sums", "remedies/binomial-stride3", "remedies/icnr-code",
            "remedies/macs"} <= set(exercise_ids("remedies/"))
    assert {"alignment/offset", "alignment/output-padding", "alignment/pix2pix-shift",
            "alignment/plan-code"} <= set(exercise_ids("alignment/"))


def test_remedies_phase_sums():
    w = np.ones((3, 3))
    right = np.array([[w[a::2, b::2].sum() for b in range(2)] for a in range(2)])
    assert verdict("remedies/phase-sums", right)
    assert_hint("remedies/phase-sums", right[::-1, ::-1], "wrong places")
    assert_hint("remedies/phase-sums", np.full((2, 2), 2.25), "balanced ideal")
    assert_hint("remedies/phase-sums", [1, 2, 3], "2x2 array")
    assert not verdict("remedies/phase-sums", "four")


def test_remedies_binomial_stride3():
    w = 2 * np.pi / 3
    right = abs(np.cos(w / 2)) ** 2          # independent closed form
    assert verdict("remedies/binomial-stride3", right)
    assert_hint("remedies/binomial-stride3", 0.0, "zero only where")
    assert_hint("remedies/binomial-stride3", np.sqrt(right), "square")
    assert_hint("remedies/binomial-stride3", 1.0, "w = 0")


def test_remedies_icnr_code():
    def right(w, r):
        return np.repeat(w[:: r * r], r * r, axis=0)

    def tiled(w, r):
        return np.concatenate([w[:: r * r]] * (r * r))

    def broken(w, r):
        raise RuntimeError("oops")

    def todo(w, r):
        raise NotImplementedError

    assert verdict("remedies/icnr-code", right)
    assert_hint("remedies/icnr-code", tiled, "tiled the filters")
    assert_hint("remedies/icnr-code", broken, "raised RuntimeError")
    assert_hint("remedies/icnr-code", lambda w, r: w[:1], "returned shape")
    assert not verdict("remedies/icnr-code", todo)
    assert not verdict("remedies/icnr-code", 3)


def test_remedies_macs():
    c, k, r, h = 8, 3, 2, 8
    right = (h * h * c * r * r * c * k * k, (h * r) ** 2 * c * c * k * k)
    assert verdict("remedies/macs", right)
    assert_hint("remedies/macs", (right[0] // 4, right[1]), "C*r*r output channels")
    assert_hint("remedies/macs", (right[0], right[1] // 4), "upsampled")


def test_alignment_offset():
    right = (3 - 1) / 2 - 1 - (2 - 1) / 2
    assert verdict("alignment/offset", right)
    assert_hint("alignment/offset", 0, "centre is 2i + 1/2")
    assert_hint("alignment/offset", right + 1, "crops p positions")   # padding left out


def test_alignment_output_padding():
    right = tuple(n - tc.output_size(tc.conv_output_size(n, 3, 2, 1), 3, 2, 1) for n in (14, 13))
    assert verdict("alignment/output-padding", right)
    assert_hint("alignment/output-padding", right[::-1], "swapped")
    assert_hint("alignment/output-padding", (0, 0), "the two sizes differ")


def test_alignment_pix2pix_shift():
    right = (4 - 1) / 2 - 1 - ((3 - 1) / 2 - 1)       # decoder centre minus encoder centre
    assert verdict("alignment/pix2pix-shift", right)
    assert_hint("alignment/pix2pix-shift", -right, "which way")
    assert_hint("alignment/pix2pix-shift", 0.0, "Equal sizes")


def test_alignment_plan_code():
    def right(n):
        return 3, 1, (n + 2 - 3) % 2

    assert verdict("alignment/plan-code", right)
    assert_hint("alignment/plan-code", lambda n: (3, 1, 0), "even sizes come back one short")
    assert verdict("alignment/plan-code", lambda n: (5, 2, (n + 1) % 2))   # another aligned plan
    assert_hint("alignment/plan-code", lambda n: (4, 1, 0) if n % 2 == 0 else (4, 2, 1),
                "half a pixel")
    assert not verdict("alignment/plan-code", lambda n: (3, 1, 1))
    assert_hint("alignment/plan-code", lambda n: 1 / 0, "raised ZeroDivisionError")
