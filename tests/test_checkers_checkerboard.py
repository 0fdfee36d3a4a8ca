"""Exercise checkers of chapter 5, where checkerboard artifacts come from (`tconvlib/checkers/checkerboard.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "checkerboard/flat-score",
    "checkerboard/holes",
    "checkerboard/mismatch-period",
    "checkerboard/variance-ratio",
}


def test_checkerboard_exercises_are_registered():
    assert set(exercise_ids("checkerboard/")) == EXERCISES


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


def flat_score_by_hand(counts_1d, dims):
    phases = np.asarray(counts_1d, dtype=float)
    if dims == 2:
        phases = np.outer(phases, phases).ravel()
    return np.sqrt(np.mean((phases - phases.mean()) ** 2)) / np.sqrt(np.mean(phases ** 2))


def test_flat_score_right_and_hints_each_for_its_own_mistake():
    # k = 5, s = 3: taps 0..4 fall on phases 0, 1, 2, 0, 1, so the 1-D counts are (2, 2, 1)
    assert verdict("checkerboard/flat-score", flat_score_by_hand([2, 2, 1], dims=2))
    phases = np.outer([2., 2., 1.], [2., 2., 1.])
    assert_hints_exclusive("checkerboard/flat-score", {
        flat_score_by_hand([2, 2, 1], dims=1): "1-D pattern",
        phases.std() / phases.mean(): "RMS",
        1.7: "between 0 and 1"})


def test_flat_score_uses_the_score_as_it_now_is():
    # the per-channel default and the pooled score agree on one channel: the exercise's image
    img = np.tile(tc.phase_fan_in(5, 3).astype(float), (4, 4))
    for channels in ("mean", "pooled"):
        assert verdict("checkerboard/flat-score", tc.checkerboard_score(img, 3,
                                                                        channels=channels))
        assert verdict("checkerboard/flat-score", tc.checkerboard_score(img[None], 3,
                                                                        channels=channels))


def test_mismatch_period_right_and_hints_each_for_its_own_mistake():
    # decoder stride 6 then encoder stride 4: the encoder's window j starts on decoder phase
    # 4j mod 6 = 0, 4, 2, 0, ...: period 3 encoder outputs (= 6 / gcd(6, 4))
    assert verdict("checkerboard/mismatch-period", 6 // np.gcd(6, 4))
    assert_hints_exclusive("checkerboard/mismatch-period", {
        12: "intermediate", 4: "encoder's stride", 6: "own, upsampled grid",
        2: "same decoder phase", 1: "unevenly"})
    assert_hint("checkerboard/mismatch-period", 2.5, "whole number")


def test_checkerboard_answers_agree_with_independent_computations():
    # variance ratio, k = 5, s = 2, 2-D: Monte-Carlo-free count from the overlap map
    m = tc.overlap_count((12, 12), 5, 2)[6:-6, 6:-6]
    assert verdict("checkerboard/variance-ratio", m.max() / m.min())
    holes = tc.overlap_count((12, 12), 2, 3)[3:-2, 3:-2]
    assert verdict("checkerboard/holes", float(np.mean(holes == 0)))
    flat = tc.overlap_count((18, 18), 5, 3)
    assert verdict("checkerboard/flat-score", tc.checkerboard_score(flat, 3, border=6))
