"""Exercise checkers of the GPU appendix (`tconvlib/checkers/gpu.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "gpu/macs",
    "gpu/order",
    "gpu/switch",
    "gpu/tf32-unit",
}


def test_gpu_exercises_are_registered():
    assert set(exercise_ids("gpu/")) == EXERCISES


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


def test_gpu_macs():
    from tconvlib.checkers.gpu import _gpu_macs
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
