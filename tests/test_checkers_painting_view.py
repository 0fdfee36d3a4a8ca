"""Exercise checkers of chapter 2, the painting view (`tconvlib/checkers/painting_view.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "painting-view/flip",
    "painting-view/multiplications",
    "painting-view/paint2d",
    "painting-view/projective-field",
}


def test_painting_view_exercises_are_registered():
    assert set(exercise_ids("painting-view/")) == EXERCISES


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


def test_flip_hints_each_for_its_own_mistake():
    assert_hints_exclusive("painting-view/flip", {
        "b": "other axis", "c": "half turn", "d": "[[1, 2], [3, 4]]"})
    for answer in ("e", 2):
        assert_hint("painting-view/flip", answer, "letters")


def test_flip_right_and_the_reason():
    assert verdict("painting-view/flip", "(A)")
    # zero insertion correlates with the flipped kernel; w[::-1] reverses the rows only, which
    # paints with w[:, ::-1]: right exactly for kernels whose rows read the same backwards
    x = np.random.default_rng(0).standard_normal((1, 4, 5))
    w = np.array([[1., 2., 1.], [3., 5., 3.], [0., 4., 0.]])[None, None]
    w_bad = np.array([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])[None, None]
    for kernel, harmless in ((w, True), (w_bad, False)):
        right = tc.conv_transpose2d(x, kernel, stride=2)
        buggy = tc.conv_transpose2d(x, kernel[..., :, ::-1], stride=2)
        assert np.allclose(right, buggy) == harmless


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


def test_painting_answers_agree_with_torch():
    import torch
    import torch.nn.functional as F

    # projective field of sample 2 (n=5, k=4, s=2, p=1): the support of an impulse response
    e = torch.zeros(1, 1, 5, dtype=torch.float64)
    e[..., 2] = 1
    resp = F.conv_transpose1d(e, torch.ones(1, 1, 4, dtype=torch.float64), stride=2, padding=1)
    assert verdict("painting-view/projective-field", torch.nonzero(resp[0, 0]).ravel().tolist())
    # multiplications: painting = input pixels * taps * channels; zero insertion = output
    # pixels * taps * channels
    out = F.conv_transpose2d(torch.ones(1, 8, 16, 16), torch.ones(8, 4, 4, 4), stride=2,
                             padding=1)
    taps = 4 * 4 * 8 * 4
    assert verdict("painting-view/multiplications", (16 * 16 * taps, out.shape[-2] *
                                                      out.shape[-1] * taps))
