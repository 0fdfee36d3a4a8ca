"""Exercise checkers of chapter 6, initialization (`tconvlib/checkers/initialization.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "initialization/bilinear-border",
    "initialization/fan-in",
    "initialization/he-code",
    "initialization/kaiming-ratio",
    "initialization/torch-fan",
}


def test_initialization_exercises_are_registered():
    assert set(exercise_ids("initialization/")) == EXERCISES


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
    # ConvTranspose2d(80, 32, 4, stride=2): C_in / (C_out s^2) = 0.625
    assert verdict("initialization/kaiming-ratio", 80 / (32 * 4))
    assert_hints_exclusive("initialization/kaiming-ratio", {
        80 / 32: "k*k/s**2", 32 / (80 * 4): "swapped", 32 * 4 / 80: "inverse ratio"})
    assert_hint("initialization/kaiming-ratio", 0.3, "actual variance")


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


def test_initialization_answers_agree_with_independent_computations():
    import torch

    fan = tc.overlap_count((12, 12), 5, 2, 1)[6:8, 6:8] * 8
    assert verdict("initialization/fan-in", fan)
    w = torch.empty(24, 4, 4, 4)
    assert verdict("initialization/torch-fan", (4 * 16, 24 * 16))
    assert w.shape[1] * 16 == 64
    assert verdict("initialization/kaiming-ratio", (80 * 16 / 4) / (32 * 16))
    u = (np.arange(32) + 0.5) / 4 - 0.5
    assert verdict("initialization/bilinear-border", int(np.sum((u < 0) | (u > 7))))
