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


# -- chapters 10, 11 and 12: applications, misconceptions, GPU --------------------------------

CHAPTERS_10_12 = {
    "applications/unet-op", "applications/generator-size", "applications/subpixel-kernel",
    "applications/nearest-weight", "misconceptions/size", "misconceptions/phase-sums",
    "misconceptions/flat-kernel", "misconceptions/empty-fraction", "misconceptions/gather",
    "gpu/tf32-unit", "gpu/switch",
}


def test_chapters_10_12_exercises_are_registered():
    assert CHAPTERS_10_12 <= set(exercise_ids())


@pytest.mark.parametrize("exercise", sorted(CHAPTERS_10_12))
def test_chapters_10_12_placeholders_are_not_errors(exercise):
    assert "not answered yet" in verdict(exercise, ...).message


def test_unet_op():
    def enc(n):
        return (n - 1) // 2 + 1                       # ceil(n / 2), computed independently
    n1, n2 = enc(38), enc(enc(38))
    ops = (n1 - (2 * (n2 - 1) + 1), 38 - (2 * (n1 - 1) + 1))
    assert verdict("applications/unet-op", ops)
    assert_hint("applications/unet-op", ops[::-1], "wrong order")
    assert_hint("applications/unet-op", (1, 1), "ceil(n/2)")
    assert not verdict("applications/unet-op", 3)


def test_generator_size():
    import torch
    layers = [torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p)
              for k, s, p in ((4, 1, 0), (3, 2, 1), (3, 2, 1), (4, 2, 1))]
    side = torch.nn.Sequential(*layers)(torch.zeros(1, 1, 1, 1)).shape[-1]
    assert verdict("applications/generator-size", side)
    assert_hint("applications/generator-size", 32, "does not always double")
    assert not verdict("applications/generator-size", 26.5)


def test_subpixel_kernel():
    # build the equivalent transposed conv for random sub-kernels and measure its size
    rng = np.random.default_rng(0)
    sub = rng.standard_normal((2, 3))
    w = np.zeros(6)
    for a in range(2):
        for t in range(3):
            w[a + 2 + 2 * (1 - t)] = sub[a, t]
    x = rng.standard_normal(7)
    phases = [tc.conv1d(x[None], sub[a][None, None], padding=1)[0] for a in range(2)]
    ref = np.stack(phases, axis=-1).reshape(-1)
    np.testing.assert_allclose(tc.conv_transpose1d(x[None], w[None, None], stride=2,
                                                   padding=2)[0], ref, atol=1e-12)
    assert verdict("applications/subpixel-kernel", len(w))
    assert_hint("applications/subpixel-kernel", 3, "every phase")
    assert_hint("applications/subpixel-kernel", 5, "span of one phase")


def test_nearest_weight():
    right = lambda c: np.eye(c)[:, :, None, None] * np.ones((1, 1, 2, 2))  # noqa: E731
    assert verdict("applications/nearest-weight", right)
    assert_hint("applications/nearest-weight", lambda c: np.ones((c, c, 2, 2)), "sums every")
    assert_hint("applications/nearest-weight", lambda c: 0.5 * right(c), "copied unchanged")
    assert not verdict("applications/nearest-weight", lambda c: np.ones((c, c, 3, 3)))
    assert "not implemented" in verdict("applications/nearest-weight", _raises).message


def _raises(*args):
    raise NotImplementedError


def test_misconceptions_size():
    size = tc.output_size(4, 3, stride=2, padding=1)
    assert verdict("misconceptions/size", (size, 8 - size))
    assert_hint("misconceptions/size", (size + 4, 8 - size - 4), "crops")
    assert_hint("misconceptions/size", (8, 0), "not simply s times")
    assert_hint("misconceptions/size", (size, 0), "output_padding adds")


def test_misconceptions_phase_sums():
    resp = tc.conv_transpose1d(np.ones((1, 10)), np.array([[[1., 2., 3., 4.]]]), stride=2,
                               padding=1)[0]
    even, odd = resp[4], resp[5]
    assert verdict("misconceptions/phase-sums", (even, odd))
    assert_hint("misconceptions/phase-sums", (odd, even), "swapped")
    assert_hint("misconceptions/phase-sums", (5.0, 5.0), "number* of taps")
    assert_hint("misconceptions/phase-sums", (3.0, 7.0), "s apart")


def test_misconceptions_flat_kernel():
    assert verdict("misconceptions/flat-kernel", [0.25, 1.0, 0.75])
    assert verdict("misconceptions/flat-kernel", [-1.0, 1.0, 2.0])
    assert_hint("misconceptions/flat-kernel", [0.5, 1.0, 0.5], "symmetric")
    assert_hint("misconceptions/flat-kernel", [1.0, 2.0, 1.0], "fixes w1")
    assert_hint("misconceptions/flat-kernel", [0.2, 1.0, 0.3], "still alternates")
    assert not verdict("misconceptions/flat-kernel", [1.0, 1.0])


def test_misconceptions_empty_fraction():
    import torch
    out = torch.nn.functional.conv_transpose2d(torch.ones(1, 1, 10, 10), torch.ones(1, 1, 1, 1),
                                               stride=3)
    fraction = (out == 0).double().mean().item()
    assert verdict("misconceptions/empty-fraction", fraction)
    assert_hint("misconceptions/empty-fraction", 8 / 9, "infinite image")
    assert_hint("misconceptions/empty-fraction", 2 / 3, "1-D fraction")
    assert_hint("misconceptions/empty-fraction", 1 - fraction, "*do* receive")
    assert not verdict("misconceptions/empty-fraction", 1.5)


def _gather_right(x, w, s, p, n_out):
    y = np.zeros(n_out)
    for o in range(n_out):
        for a in range(len(w)):
            i, r = divmod(o + p - a, s)
            if r == 0 and 0 <= i < len(x):
                y[o] += w[a] * x[i]
    return y


def test_misconceptions_gather():
    assert verdict("misconceptions/gather", _gather_right)

    def strided(x, w, s, p, n_out):
        y = np.zeros(n_out)
        for h in range(n_out):
            for a in range(len(w)):
                j = s * (h - p) + a
                if 0 <= j < len(x):
                    y[h] += x[j] * w[a]
        return y

    assert_hint("misconceptions/gather", strided, "strided forward convolution")
    assert_hint("misconceptions/gather",
                lambda x, w, s, p, n: _gather_right(x, w[::-1], s, p, n), "reversed")
    assert_hint("misconceptions/gather", lambda x, w, s, p, n: np.zeros(n + 1), "shape")
    assert "raised" in verdict("misconceptions/gather", lambda *a: 1 / 0).message
    assert not verdict("misconceptions/gather", 3)


def test_gpu_tf32_unit():
    import torch
    # the largest rounding of float32 numbers to 10 mantissa bits, measured
    x = torch.linspace(1, 2, 100001, dtype=torch.float32)
    bits = x.view(torch.int32)
    rounded = (((bits + (1 << 12) - 1 + ((bits >> 13) & 1)) >> 13) << 13).view(torch.float32)
    measured = ((rounded.double() - x.double()).abs() / x.double()).max().item()
    assert verdict("gpu/tf32-unit", 2.0 ** -11)
    assert measured <= 2.0 ** -11 < 1.01 * measured
    assert_hint("gpu/tf32-unit", 2.0 ** -10, "half the gap")
    assert_hint("gpu/tf32-unit", 2.0 ** -24, "float32's")
    assert_hint("gpu/tf32-unit", 2.0 ** -12, "close")


def test_gpu_switch():
    assert verdict("gpu/switch", "b")
    assert verdict("gpu/switch", "(B)")
    for letter in "acd":
        assert_hint("gpu/switch", letter, "order")
    assert not verdict("gpu/switch", "e")
