"""Exercise checkers of chapter 7, remedies (`tconvlib/checkers/remedies.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "remedies/binomial-stride3",
    "remedies/icnr-code",
    "remedies/macs",
    "remedies/phase-sums",
}


def test_remedies_exercises_are_registered():
    assert set(exercise_ids("remedies/")) == EXERCISES


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
    dcr = lambda w, r: np.concatenate([w[:w.shape[0] // (r * r)]] * (r * r))    # DCR recipe
    assert not verdict("remedies/icnr-code", dcr)
    assert_hint("remedies/icnr-code", dcr, "DCR layout")
    first_c = lambda w, r: np.repeat(w[:w.shape[0] // (r * r)], r * r, axis=0)
    assert not verdict("remedies/icnr-code", first_c)
    assert_hint("remedies/icnr-code", first_c, "wrong filters")
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
