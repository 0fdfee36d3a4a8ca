"""Exercise checkers of chapter 8, pixel shuffle (`tconvlib/checkers/pixel_shuffle.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "pixel-shuffle/index",
    "pixel-shuffle/k-sub",
    "pixel-shuffle/unshuffle-code",
    "pixel-shuffle/zeros",
}


def test_pixel_shuffle_exercises_are_registered():
    assert set(exercise_ids("pixel-shuffle/")) == EXERCISES


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
