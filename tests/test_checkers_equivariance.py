"""Exercise checkers of chapter 4, equivariance (`tconvlib/checkers/equivariance.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
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
    w = np.arange(1., 8.)                                       # s = 3, p = 2
    assert verdict("equivariance/sub-kernel", w[2::3])          # (0 + p) % s = 2
    assert_hints_exclusive("equivariance/sub-kernel", {
        tuple(w[0::3]): "canvas phase 0", tuple(w[2::3][::-1]): "reversed order",
        tuple(w[0::3][::-1]): "wrong phase", tuple(w[1::3]): "not o - p"})
    assert not verdict("equivariance/sub-kernel", "w1")


def test_equivariance_smallest_shift():
    assert verdict("equivariance/smallest-shift", 2 * 3)
    assert_hint("equivariance/smallest-shift", 5, "multiplication")
    assert_hint("equivariance/smallest-shift", 3, "every downsampling")
    assert_hint("equivariance/smallest-shift", 36, "never need a multiple")
    assert_hint("equivariance/smallest-shift", 1, "multiples of s")


def test_equivariance_one_sample_shift():
    assert verdict("equivariance/one-sample-shift", "(c)")
    assert_hints_exclusive("equivariance/one-sample-shift", {
        "a": "*later*", "b": "dropping taps", "d": "multiple of the stride"})
    assert not verdict("equivariance/one-sample-shift", "e")


def test_one_sample_shift_answer_independently():
    # stride 3, output moved 2 samples earlier = moved 3 earlier (input x[i + 1]) and 1 later
    # (a zero tap prepended)
    rng = np.random.default_rng(0)
    x = np.concatenate([[0.], rng.standard_normal(5), [0.]])
    w = rng.standard_normal(4)
    y = tc.conv_transpose1d(x[None], w[None, None], stride=3)[0]
    z = tc.conv_transpose1d(np.append(x[1:], 0.)[None], np.append(0., w)[None, None],
                            stride=3)[0]
    np.testing.assert_allclose(z[:len(y) - 2], y[2:])


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


def test_sub_kernel_fallback_states_the_rule_once():
    message = verdict("equivariance/sub-kernel", [9., 9.]).message
    assert message == "output phase r receives the taps a with a = (r + p) mod s."
