"""output_size and conv_output_size against torch, exhaustively on a grid."""

import itertools

import pytest
import torch
import torch.nn.functional as F

import tconvlib as tc


def test_output_size_matches_torch_on_a_grid():
    checked = 0
    for n, k, s, p, d in itertools.product(range(1, 6), range(1, 5), range(1, 4), range(3),
                                           range(1, 3)):
        for op in range(max(s, d)):
            try:
                ref = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s,
                                         padding=p, output_padding=op, dilation=d).shape[-1]
            except RuntimeError:
                with pytest.raises(ValueError, match="output would be empty"):
                    tc.output_size(n, k, s, p, op, d)
                continue
            assert tc.output_size(n, k, s, p, op, d) == ref
            checked += 1
    assert checked > 700


def test_conv_output_size_matches_torch_on_a_grid():
    for n, k, s, p, d in itertools.product(range(1, 8), range(1, 5), range(1, 4), range(3),
                                           range(1, 3)):
        try:
            ref = F.conv1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s, padding=p,
                           dilation=d).shape[-1]
        except RuntimeError:
            with pytest.raises(ValueError, match="output would be empty"):
                tc.conv_output_size(n, k, s, p, d)
            continue
        assert tc.conv_output_size(n, k, s, p, d) == ref


def test_the_classic_wrong_six_by_six():
    # 3x3 input, 3x3 kernel, stride 2, padding 1 gives 5, not 6; op=1 gives 6
    assert tc.output_size(3, 3, stride=2, padding=1) == 5
    assert tc.output_size(3, 3, stride=2, padding=1, output_padding=1) == 6


def test_floor_makes_conv_sizes_ambiguous():
    assert {tc.conv_output_size(n, 3, 2, 1) for n in (5, 6)} == {3}
