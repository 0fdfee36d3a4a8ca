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
    ((2, 5), "counted without the padding"),     # m from (n - k) // s + 1
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


# -- chapters 4 and 8: equivariance and pixel shuffle -------------------------------------------

def test_equivariance_and_pixel_shuffle_exercises_are_registered():
    assert {"equivariance/output-shift", "equivariance/sub-kernel", "equivariance/smallest-shift",
            "equivariance/one-sample-shift", "equivariance/circular-code"} \
        <= set(exercise_ids("equivariance/"))
    assert {"pixel-shuffle/index", "pixel-shuffle/k-sub", "pixel-shuffle/zeros",
            "pixel-shuffle/unshuffle-code"} <= set(exercise_ids("pixel-shuffle/"))


def test_equivariance_output_shift():
    assert verdict("equivariance/output-shift", (2 * 1, 3 * 2))
    assert_hint("equivariance/output-shift", (1, 2), "input shift")
    assert_hint("equivariance/output-shift", (6, 2), "swapped")
    assert_hint("equivariance/output-shift", (2, 3), "one sample per axis")
    assert_hint("equivariance/output-shift", (3, 5), "multiply")
    assert not verdict("equivariance/output-shift", 6)


def test_equivariance_sub_kernel():
    w = np.array([1., 2., 3., 4., 5.])
    assert verdict("equivariance/sub-kernel", w[1::2])          # (0 + p) % s = 1
    assert_hint("equivariance/sub-kernel", w[0::2], "canvas phase 0")
    assert_hint("equivariance/sub-kernel", w[1::2][::-1], "reversed order")
    assert_hint("equivariance/sub-kernel", w[0::2][::-1], "wrong phase")
    assert not verdict("equivariance/sub-kernel", "w1")


def test_equivariance_smallest_shift():
    assert verdict("equivariance/smallest-shift", 2 * 3)
    assert_hint("equivariance/smallest-shift", 5, "multiplication")
    assert_hint("equivariance/smallest-shift", 3, "every downsampling")
    assert_hint("equivariance/smallest-shift", 36, "never need a multiple")
    assert_hint("equivariance/smallest-shift", 1, "multiples of s")


def test_equivariance_one_sample_shift():
    assert verdict("equivariance/one-sample-shift", "(c)")
    assert_hint("equivariance/one-sample-shift", "a", "1/2")
    assert_hint("equivariance/one-sample-shift", "b", "different")
    assert_hint("equivariance/one-sample-shift", "d", "phase 1")
    assert not verdict("equivariance/one-sample-shift", "e")


def circular_right(x, w, s):
    n = len(x)
    out = np.zeros(s * n)
    for i, v in enumerate(x):
        for a, wa in enumerate(w):
            out[(s * i + a) % (s * n)] += v * wa
    return out


def test_equivariance_circular_code():
    assert verdict("equivariance/circular-code", circular_right)
    assert_hint("equivariance/circular-code",
                lambda x, w, s: tc.conv_transpose1d(x[None], w.reshape(1, 1, -1), stride=s)[0],
                "linear")
    assert_hint("equivariance/circular-code",
                lambda x, w, s: circular_right(x, w[::-1], s), "reversed")
    assert_hint("equivariance/circular-code", lambda x, w, s: np.zeros(5), "s*n samples")
    assert "not implemented" in verdict("equivariance/circular-code",
                                        lambda x, w, s: (_ for _ in ()).throw(
                                            NotImplementedError)).message
    assert "raised ZeroDivisionError" in verdict("equivariance/circular-code",
                                                 lambda x, w, s: 1 / 0).message


def test_pixel_shuffle_index():
    r, c, (y, x) = 3, 1, (7, 5)
    a, b = y % r, x % r
    assert verdict("pixel-shuffle/index", (c * r * r + a * r + b, y // r, x // r))
    assert_hint("pixel-shuffle/index", (c * r * r + b * r + a, y // r, x // r),
                "more significant")
    assert_hint("pixel-shuffle/index", (c + a * r + b, y // r, x // r), "block of r^2")
    assert_hint("pixel-shuffle/index", (c * r * r + a * r + b, y, x), "low-resolution")
    assert not verdict("pixel-shuffle/index", (1, 2))


def test_pixel_shuffle_k_sub():
    assert verdict("pixel-shuffle/k-sub", -(-7 // 3))
    assert_hint("pixel-shuffle/k-sub", 7 // 3, "rounded down")
    assert_hint("pixel-shuffle/k-sub", 7, "shrinks")
    assert_hint("pixel-shuffle/k-sub", 21, "shorter")


def test_pixel_shuffle_zeros():
    c_in, c_out, k, s = 16, 8, 5, 2
    k_sub = -(-k // s)
    assert verdict("pixel-shuffle/zeros", c_in * c_out * ((s * k_sub) ** 2 - k * k))
    assert_hint("pixel-shuffle/zeros", c_in * c_out * k * k, "subtract")
    assert_hint("pixel-shuffle/zeros", (s * k_sub) ** 2 - k * k, "per channel pair")
    assert_hint("pixel-shuffle/zeros", c_in * c_out * (k // s * s) ** 2, "ceil")


def test_pixel_shuffle_unshuffle_code():
    def right(y, r):
        c, h, w = y.shape
        return y.reshape(c, h // r, r, w // r, r).transpose(0, 2, 4, 1, 3).reshape(
            c * r * r, h // r, w // r)

    def swapped(y, r):
        c, h, w = y.shape
        return y.reshape(c, h // r, r, w // r, r).transpose(0, 4, 2, 1, 3).reshape(
            c * r * r, h // r, w // r)

    assert verdict("pixel-shuffle/unshuffle-code", right)
    assert_hint("pixel-shuffle/unshuffle-code", swapped, "wrong order")
    assert_hint("pixel-shuffle/unshuffle-code", lambda y, r: y, "wrong shape")
    assert not verdict("pixel-shuffle/unshuffle-code", 3)


# -- chapters 2 and 3: the painting view, the shape formula -----------------------------------
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PAINTING_AND_SHAPES = {
    "painting-view/projective-field", "painting-view/flip", "painting-view/multiplications",
    "painting-view/paint2d", "shape-formula/size", "shape-formula/decoder-op",
    "shape-formula/reachable", "shape-formula/decoder-code",
}


def test_painting_and_shape_exercises_are_registered():
    assert PAINTING_AND_SHAPES <= set(exercise_ids())


def test_painting_and_shape_answers_agree_with_torch():
    # projective field of sample 2 (n=5, k=4, s=2, p=1): the support of an impulse response
    e = torch.zeros(1, 1, 5, dtype=torch.float64)
    e[..., 2] = 1
    resp = F.conv_transpose1d(e, torch.ones(1, 1, 4, dtype=torch.float64), stride=2, padding=1)
    assert verdict("painting-view/projective-field", torch.nonzero(resp[0, 0]).ravel().tolist())
    # output size: n=7, k=3, s=3, p=2, op=1, d=2
    n_out = F.conv_transpose1d(torch.ones(1, 1, 7), torch.ones(1, 1, 3), stride=3, padding=2,
                               output_padding=1, dilation=2).shape[-1]
    assert verdict("shape-formula/size", n_out)
    # decoder output_padding for a 37 x 50 input, k=3, s=2, p=1
    enc = F.conv2d(torch.ones(1, 1, 37, 50), torch.ones(1, 1, 3, 3), stride=2, padding=1)
    ops = tuple(n - (2 * (m - 1) + 3 - 2) for n, m in zip((37, 50), enc.shape[-2:]))
    assert verdict("shape-formula/decoder-op", ops)
    # reachable sizes: every op that torch accepts (n=4, k=3, s=1, d=3)
    sizes = []
    for op in range(5):
        try:
            sizes.append(F.conv_transpose1d(torch.ones(1, 1, 4), torch.ones(1, 1, 3),
                                            output_padding=op, dilation=3).shape[-1])
        except RuntimeError:
            pass
    assert verdict("shape-formula/reachable", sizes)
    # multiplications: painting = input pixels * taps * channels; zero insertion = output
    # pixels * taps * channels
    out = F.conv_transpose2d(torch.ones(1, 8, 16, 16), torch.ones(8, 4, 4, 4), stride=2,
                             padding=1)
    taps = 4 * 4 * 8 * 4
    assert verdict("painting-view/multiplications", (16 * 16 * taps, out.shape[-2] *
                                                      out.shape[-1] * taps))


@pytest.mark.parametrize("answer, fragment", [
    ([4, 5, 6, 7], "cropped from the front"),
    ([1, 2, 3, 4], "stride spaces"),
    ([2, 3, 4, 5], "not centred"),
    ([3, 4, 5], "k consecutive"),
    ("3456", "list of whole numbers"),
    ([3.5, 4, 5, 6], "whole number"),
])
def test_projective_field_hints(answer, fragment):
    assert_hint("painting-view/projective-field", answer, fragment)


@pytest.mark.parametrize("answer, fragment", [
    ("a", "reads the same backwards"), ("c", "do not overlap"), ("d", "only crops"),
    ("e", "letters"), (2, "letters"),
])
def test_flip_hints(answer, fragment):
    assert_hint("painting-view/flip", answer, fragment)


def test_flip_right():
    assert verdict("painting-view/flip", "(B)")


@pytest.mark.parametrize("answer, fragment", [
    ((524288, 131072), "zero insertion is the larger"),
    ((4096, 16384), "C_in * C_out"),
    ((16 * 4 * 32, 32 * 4 * 32), "along one dimension"),
    ((131072, 28 * 28 * 16 * 32), "*padded*"),
    ((131072, 1), "painting count is right"),
    ((1, 1), "one product per input pixel"),
])
def test_multiplications_hints(answer, fragment):
    assert_hint("painting-view/multiplications", answer, fragment)


def good_paint2d(x, w, stride, padding):
    kh, kw = w.shape
    canvas = np.zeros((stride * (x.shape[0] - 1) + kh, stride * (x.shape[1] - 1) + kw))
    for i, j in np.ndindex(*x.shape):
        canvas[stride * i: stride * i + kh, stride * j: stride * j + kw] += x[i, j] * w
    return canvas[padding: canvas.shape[0] - padding, padding: canvas.shape[1] - padding]


def test_paint2d_right_and_wrong():
    assert verdict("painting-view/paint2d", good_paint2d)
    assert_hint("painting-view/paint2d",
                lambda x, w, s, p: good_paint2d(x, w[::-1, ::-1], s, p), "rotated by 180")
    assert_hint("painting-view/paint2d", lambda x, w, s, p: good_paint2d(x, w, s, 0),
                "not cropped")
    assert_hint("painting-view/paint2d", lambda x, w, s, p: good_paint2d(x, w, s, p)[1:],
                "wrong output shape")
    assert_hint("painting-view/paint2d", lambda x, w, s, p: 1 / 0, "ZeroDivisionError")
    assert_hint("painting-view/paint2d", 3, "answer with a function")

    def unfinished(x, w, s, p):
        raise NotImplementedError
    assert_hint("painting-view/paint2d", unfinished, "not implemented yet")


@pytest.mark.parametrize("answer, fragment", [
    (18, "footprint"), (23, "fence posts"), (22, "not p"), (24, "subtract 2p"),
    (19, "adds op samples"), (0, "n_out = s(n_in - 1)"), ("20", "whole number"),
])
def test_size_hints(answer, fragment):
    assert_hint("shape-formula/size", answer, fragment)


@pytest.mark.parametrize("answer, fragment", [
    ((1, 0), "(height, width)"), ((1, 1), "different output_padding"),
    ((0, 2), "between 0 and stride - 1"), ((0, 1, 0), "pair"),
])
def test_decoder_op_hints(answer, fragment):
    assert_hint("shape-formula/decoder-op", answer, fragment)


@pytest.mark.parametrize("answer, fragment", [
    ([10], "*or*"), ([11, 12, 13], "off by one"), ([9, 10, 11], "off by one"),
    ([10, 11, 12, 13], "*smaller*"), ([5], "for every op"), ("10", "list of whole numbers"),
])
def test_reachable_hints(answer, fragment):
    assert_hint("shape-formula/reachable", answer, fragment)


def test_reachable_accepts_any_order():
    assert verdict("shape-formula/reachable", (12, 10, 11))


def good_decoder(size, layers):
    sizes = [size]
    for k, s, p in layers:
        sizes.append((sizes[-1] + 2 * p - k) // s + 1)
    ops = []
    for idx in range(len(layers) - 1, -1, -1):
        k, s, p = layers[idx]
        ops.append(sizes[idx] - (s * (sizes[idx + 1] - 1) + k - 2 * p))
    return ops


def test_decoder_code_right_and_wrong():
    assert verdict("shape-formula/decoder-code", good_decoder)
    assert_hint("shape-formula/decoder-code", lambda n, layers: good_decoder(n, layers)[::-1],
                "wrong order")
    assert_hint("shape-formula/decoder-code", lambda n, layers: good_decoder(n, layers)[1:],
                "one output_padding per layer")
    assert_hint("shape-formula/decoder-code", lambda n, layers: [-1] * len(layers),
                "never negative")
    assert_hint("shape-formula/decoder-code", lambda n, layers: [0] * len(layers),
                "run the encoder's sizes forward")
    assert_hint("shape-formula/decoder-code", "ops", "answer with a function")


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


# -- chapters 10, 11 and 12: applications, misconceptions, GPU --------------------------------

CHAPTERS_10_12 = {
    "applications/unet-op", "applications/generator-size", "applications/subpixel-kernel",
    "applications/nearest-weight", "misconceptions/size", "misconceptions/phase-sums",
    "misconceptions/flat-kernel", "misconceptions/empty-fraction", "misconceptions/gather",
    "gpu/tf32-unit", "gpu/switch", "gpu/macs", "gpu/order",
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


def test_no_helper_is_defined_twice_in_checkers():
    """Every chapter appends its own section to checkers.py; a helper name reused by a later
    section would silently replace an earlier chapter's helper (and change its answers)."""
    import ast
    import collections
    from pathlib import Path

    tree = ast.parse(Path(tc.checkers.__file__).read_text(encoding="utf-8"))
    seen = collections.defaultdict(list)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            seen[node.name].append(node.lineno)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    seen[target.id].append(node.lineno)
    assert {name: lines for name, lines in seen.items() if len(lines) > 1} == {}


def test_gpu_macs():
    from tconvlib.checkers import _gpu_macs
    right = 8 * 64 * 32 * 32 * 32 * 4 * 4          # batch * C_in * H * W * C_out * k * k
    assert _gpu_macs() == right and verdict("gpu/macs", right)
    assert_hint("gpu/macs", 4 * right, "zero-insertion")     # (2 * 32)^2 outputs * k^2: 4x
    assert_hint("gpu/macs", right // 8, "one image")
    assert_hint("gpu/macs", right // 16, "k * k taps")
    assert_hint("gpu/macs", right // 32, "both channel counts")
    assert not verdict("gpu/macs", "many")


def test_gpu_order():
    assert verdict("gpu/order", (1.0, 0.0))
    assert_hint("gpu/order", (1.0, 1.0), "float32 has 24 significant bits")
    assert_hint("gpu/order", (0.0, 1.0), "swapped")
    assert not verdict("gpu/order", (2.0, 0.0))


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
