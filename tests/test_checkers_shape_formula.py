"""Exercise checkers of chapter 3, the shape formula (`tconvlib/checkers/shape_formula.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "shape-formula/decoder-code",
    "shape-formula/decoder-op",
    "shape-formula/reachable",
    "shape-formula/size",
}


def test_shape_formula_exercises_are_registered():
    assert set(exercise_ids("shape-formula/")) == EXERCISES


@pytest.mark.parametrize("answer, fragment", [
    (18, "footprint"), (23, "fence posts"), (22, "not p"), (24, "subtract 2p"),
    (19, "adds op samples"), (0, "n_out = s(n_in - 1)"), ("20", "whole number"),
])
def test_size_hints(answer, fragment):
    assert_hint("shape-formula/size", answer, fragment)


@pytest.mark.parametrize("answer, fragment", [
    ((1, 0), "(height, width)"), ((1, 1), "different output_padding"),
    ((0, 2), "between 0 and stride - 1"), ((0, 1, 0), "pair"),
])
def test_decoder_op_hints(answer, fragment):
    assert_hint("shape-formula/decoder-op", answer, fragment)


def test_reachable_hints_each_for_its_own_mistake():
    # n = 5, k = 4, s = 2, p = 1, d = 3: 2*4 + 3*3 + 1 - 2 = 16, op < max(2, 3)
    assert_hints_exclusive("shape-formula/reachable", {
        (16, 17): "*or*", (17, 18, 19): "off by one", (16, 17, 18, 19): "*smaller*"})
    assert_hint("shape-formula/reachable", [15, 16, 17], "off by one")
    assert_hint("shape-formula/reachable", [5], "for every op")
    assert_hint("shape-formula/reachable", "16", "list of whole numbers")


def test_reachable_accepts_any_order():
    assert verdict("shape-formula/reachable", (18, 16, 17))


def good_decoder(size, layers):
    sizes = [size]
    for k, s, p in layers:
        sizes.append((sizes[-1] + 2 * p - k) // s + 1)
    ops = []
    for idx in range(len(layers) - 1, -1, -1):
        k, s, p = layers[idx]
        ops.append(sizes[idx] - (s * (sizes[idx + 1] - 1) + k - 2 * p))
    return ops


def test_decoder_code_right_and_wrong():
    assert verdict("shape-formula/decoder-code", good_decoder)
    assert_hint("shape-formula/decoder-code", lambda n, layers: good_decoder(n, layers)[::-1],
                "wrong order")
    assert_hint("shape-formula/decoder-code", lambda n, layers: good_decoder(n, layers)[1:],
                "one output_padding per layer")
    assert_hint("shape-formula/decoder-code", lambda n, layers: [-1] * len(layers),
                "never negative")
    assert_hint("shape-formula/decoder-code", lambda n, layers: [0] * len(layers),
                "run the encoder's sizes forward")
    assert_hint("shape-formula/decoder-code", "ops", "answer with a function")


def test_shape_answers_agree_with_torch():
    import torch
    import torch.nn.functional as F

    # output size: n=7, k=3, s=3, p=2, op=1, d=2
    n_out = F.conv_transpose1d(torch.ones(1, 1, 7), torch.ones(1, 1, 3), stride=3, padding=2,
                               output_padding=1, dilation=2).shape[-1]
    assert verdict("shape-formula/size", n_out)
    # decoder output_padding for a 37 x 50 input, k=3, s=2, p=1
    enc = F.conv2d(torch.ones(1, 1, 37, 50), torch.ones(1, 1, 3, 3), stride=2, padding=1)
    ops = tuple(n - (2 * (m - 1) + 3 - 2) for n, m in zip((37, 50), enc.shape[-2:]))
    assert verdict("shape-formula/decoder-op", ops)
    # reachable sizes: every op that torch accepts (n=5, k=4, s=2, p=1, d=3)
    sizes = []
    for op in range(6):
        try:
            sizes.append(F.conv_transpose1d(torch.ones(1, 1, 5), torch.ones(1, 1, 4), stride=2,
                                            padding=1, output_padding=op,
                                            dilation=3).shape[-1])
        except RuntimeError:
            pass
    assert verdict("shape-formula/reachable", sizes)
