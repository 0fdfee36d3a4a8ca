"""Exercise checkers of chapter 5, where checkerboard artifacts come from (`tconvlib/checkers/checkerboard.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
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


def test_checkerboard_answers_agree_with_independent_computations():
    # variance ratio, k = 5, s = 2, 2-D: Monte-Carlo-free count from the overlap map
    m = tc.overlap_count((12, 12), 5, 2)[6:-6, 6:-6]
    assert verdict("checkerboard/variance-ratio", m.max() / m.min())
    holes = tc.overlap_count((12, 12), 2, 3)[3:-2, 3:-2]
    assert verdict("checkerboard/holes", float(np.mean(holes == 0)))
    flat = tc.overlap_count((12, 12), 3, 2)
    assert verdict("checkerboard/flat-score", tc.checkerboard_score(flat, 2, border=4))
