"""Exercise checkers of chapter 4, equivariance (`tconvlib/checkers/equivariance.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "equivariance/circular-code",
    "equivariance/one-sample-shift",
    "equivariance/output-shift",
    "equivariance/smallest-shift",
    "equivariance/sub-kernel",
}


def test_equivariance_exercises_are_registered():
    assert set(exercise_ids("equivariance/")) == EXERCISES


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
