"""Exercise checkers of chapter 11, misconceptions (`tconvlib/checkers/misconceptions.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "misconceptions/empty-fraction",
    "misconceptions/flat-kernel",
    "misconceptions/gather",
    "misconceptions/phase-sums",
    "misconceptions/size",
}


def test_misconceptions_exercises_are_registered():
    assert set(exercise_ids("misconceptions/")) == EXERCISES


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
