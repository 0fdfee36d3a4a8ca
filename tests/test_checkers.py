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


# -- chapters 5 and 6: checkerboard origins, initialization --------------------------------------

CHAPTERS_5_6 = {
    "checkerboard/variance-ratio", "checkerboard/holes", "checkerboard/flat-score",
    "checkerboard/mismatch-period", "initialization/fan-in", "initialization/torch-fan",
    "initialization/kaiming-ratio", "initialization/bilinear-border", "initialization/he-code",
}


def test_chapters_5_6_exercises_are_registered():
    assert CHAPTERS_5_6 <= set(exercise_ids())


def test_chapters_5_6_expected_answers_agree_with_independent_computations():
    import torch

    # variance ratio, k = 5, s = 2, 2-D: Monte-Carlo-free count from the overlap map
    m = tc.overlap_count((12, 12), 5, 2)[6:-6, 6:-6]
    assert verdict("checkerboard/variance-ratio", m.max() / m.min())
    holes = tc.overlap_count((12, 12), 2, 3)[3:-2, 3:-2]
    assert verdict("checkerboard/holes", float(np.mean(holes == 0)))
    flat = tc.overlap_count((12, 12), 3, 2)
    assert verdict("checkerboard/flat-score", tc.checkerboard_score(flat, 2, border=4))
    fan = tc.overlap_count((12, 12), 5, 2, 1)[6:8, 6:8] * 8
    assert verdict("initialization/fan-in", fan)
    w = torch.empty(24, 4, 4, 4)
    assert verdict("initialization/torch-fan", (4 * 16, 24 * 16))
    assert w.shape[1] * 16 == 64
    assert verdict("initialization/kaiming-ratio", (64 * 16 / 4) / (32 * 16))
    u = (np.arange(32) + 0.5) / 4 - 0.5
    assert verdict("initialization/bilinear-border", int(np.sum((u < 0) | (u > 7))))


def test_variance_ratio_hints():
    assert_hint("checkerboard/variance-ratio", 1.5, "one axis")
    assert_hint("checkerboard/variance-ratio", 1, "not a multiple")
    assert_hint("checkerboard/variance-ratio", 4.0, "k = 3")
    assert_hint("checkerboard/variance-ratio", 7.0, "count, per axis")
    assert_hint("checkerboard/variance-ratio", "big", "answer with a number")


def test_holes_hints():
    assert verdict("checkerboard/holes", 5 / 9)
    assert verdict("checkerboard/holes", 0.5556)
    assert_hint("checkerboard/holes", 1 / 3, "one axis")
    assert_hint("checkerboard/holes", 1 / 9, "*both* axes")
    assert_hint("checkerboard/holes", 4 / 9, "*are* covered")


def test_flat_score_hints():
    assert_hint("checkerboard/flat-score", 0.3162, "1-D pattern")
    assert_hint("checkerboard/flat-score", np.std([4, 2, 2, 1]) / 2.25, "RMS")
    assert_hint("checkerboard/flat-score", 1.7, "between 0 and 1")


def test_mismatch_period_hints():
    assert verdict("checkerboard/mismatch-period", 2)
    assert_hint("checkerboard/mismatch-period", 6, "claim under test")
    assert_hint("checkerboard/mismatch-period", 3, "*input* samples")
    assert_hint("checkerboard/mismatch-period", 1, "unevenly")
    assert_hint("checkerboard/mismatch-period", 2.5, "whole number")


def test_fan_in_hints():
    assert_hint("initialization/fan-in", [[72, 48], [48, 32]], "even padding")
    assert_hint("initialization/fan-in", [[4, 6], [6, 9]], "multiply by C_in")
    assert_hint("initialization/fan-in", [40, 60], "2-D array")
    assert_hint("initialization/fan-in", [[50, 50], [50, 50]], "not a multiple")
    assert_hint("initialization/fan-in", "many", "array of numbers")


def test_torch_fan_hints():
    assert_hint("initialization/torch-fan", (384, 64), "swapped")
    assert_hint("initialization/torch-fan", (192, 384), "C_out / groups")
    assert_hint("initialization/torch-fan", (16, 384), "stride")
    assert_hint("initialization/torch-fan", 64, "pair (fan_in, fan_out)")


def test_kaiming_ratio_hints():
    assert_hint("initialization/kaiming-ratio", 2.0, "k*k/s**2")
    assert_hint("initialization/kaiming-ratio", 0.125, "swapped")
    assert_hint("initialization/kaiming-ratio", 0.3, "actual variance")
    # 1 / 0.5 = 2 is also the no-stride answer; the inverse hint is reachable for other values
    assert not verdict("initialization/kaiming-ratio", 0.25)


def test_bilinear_border_hints():
    assert_hint("initialization/bilinear-border", 2, "both ends")
    assert_hint("initialization/bilinear-border", 0, "clamps")
    assert_hint("initialization/bilinear-border", 6, "fewer")
    assert_hint("initialization/bilinear-border", 8, "fewer")


def _tap_std(k, s, p, c_in, gain):
    phase = (np.arange(k) - p) % s
    n = np.bincount(phase, minlength=s)[phase]
    return gain / np.sqrt(c_in * np.outer(n, n))


def test_he_code_right_and_typical_mistakes():
    assert verdict("initialization/he-code", _tap_std)

    def mean_fan(k, s, p, c_in, gain):
        return np.full((k, k), gain / np.sqrt(c_in * k * k / s ** 2))

    def no_channels(k, s, p, c_in, gain):
        return _tap_std(k, s, p, 1, gain)

    def variances(k, s, p, c_in, gain):
        return _tap_std(k, s, p, c_in, gain) ** 2

    def one_d(k, s, p, c_in, gain):
        return _tap_std(k, s, p, c_in, gain)[0]

    def wrong(k, s, p, c_in, gain):
        return _tap_std(k, s, p, c_in, gain) * 1.1

    def crashes(k, s, p, c_in, gain):
        return 1 / 0

    assert_hint("initialization/he-code", mean_fan, "mean fan-in")
    assert_hint("initialization/he-code", no_channels, "include the channels")
    assert_hint("initialization/he-code", variances, "those are variances")
    assert_hint("initialization/he-code", one_d, "(k, k) array")
    assert_hint("initialization/he-code", wrong, "the variance of phase")
    assert_hint("initialization/he-code", crashes, "raised ZeroDivisionError")
    assert_hint("initialization/he-code", 3, "answer with a function")
