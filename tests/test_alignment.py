"""Grid alignment: impulse responses, offsets, and U-Net decoder plans on odd and even sizes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tconvlib as tc


def test_impulse_response_matches_torch_and_padding_shifts():
    for p in (0, 1):
        for op in (0, 1):
            y = tc.impulse_response(5, 2, 3, 2, padding=p, output_padding=op)
            x = torch.zeros(1, 1, 5, dtype=torch.float64)
            x[0, 0, 2] = 1
            want = F.conv_transpose1d(x, torch.ones(1, 1, 3, dtype=torch.float64), stride=2,
                                      padding=p, output_padding=op)[0, 0].numpy()
            np.testing.assert_array_equal(y, want)
    # p = 1 moves the stamp one output pixel toward the start
    com0 = tc.center_of_mass(tc.impulse_response(5, 2, 3, 2, padding=0))
    com1 = tc.center_of_mass(tc.impulse_response(5, 2, 3, 2, padding=1))
    assert com0 - com1 == 1 == tc.painted_center(3, 2, 0) - tc.painted_center(3, 2, 1)
    # output_padding appends at the end only: everything before is unchanged
    a = tc.impulse_response(5, 2, 3, 2, padding=1, output_padding=0)
    b = tc.impulse_response(5, 2, 3, 2, padding=1, output_padding=1)
    assert b.size == a.size + 1 and np.array_equal(b[:-1], a)


@given(k=st.integers(1, 6), s=st.integers(1, 3), p=st.integers(0, 2), i=st.integers(0, 4),
       seed=st.integers(0, 99))
@settings(max_examples=60)
def test_painted_center_is_the_impulse_centre_of_mass(k, s, p, i, seed):
    w = np.random.default_rng(seed).uniform(0.1, 1.0, k)
    y = tc.impulse_response(5, i, w, s, padding=0)
    # with padding p, output index o corresponds to unpadded index o + p
    assert tc.center_of_mass(y) - p == pytest.approx(s * i + tc.painted_center(w, s, p))
    assert tc.grid_offset(w, s, p) == pytest.approx(tc.painted_center(w, s, p) - (s - 1) / 2)


@pytest.mark.parametrize("down", [(3, 2, 1), (4, 2, 1), (2, 2, 0), (3, 2, 0), (5, 2, 2),
                                  (3, 3, 1), (1, 2, 0)])
@pytest.mark.parametrize("n", list(range(24, 34)))        # odd and even sizes
def test_decoder_plan_gives_skip_size_and_zero_shift(down, n):
    kd, s, pd = down
    plan = tc.decoder_plan(n, kd, s, pd)
    assert plan.size_in == tc.conv_output_size(n, kd, s, pd) and plan.size_out == n
    assert plan.crop == (0, 0) and plan.padding == pd and 0 <= plan.output_padding < s
    assert plan.output_padding == (n + 2 * pd - kd) % s
    assert tc.grid_shift(n, plan, kd, pd) == 0.0
    # the same sizes in torch, 2-D, with different odd/even height and width
    ph, pw = tc.decoder_plan(n, kd, s, pd), tc.decoder_plan(n + 1, kd, s, pd)
    x = torch.zeros(1, 1, n, n + 1, dtype=torch.float64)
    low = F.conv2d(x, torch.ones(1, 1, kd, kd, dtype=torch.float64), stride=s, padding=pd)
    up = F.conv_transpose2d(low, torch.ones(1, 1, kd, kd, dtype=torch.float64), stride=s,
                            padding=pd, output_padding=(ph.output_padding, pw.output_padding))
    assert up.shape == x.shape


@pytest.mark.parametrize("n", [24, 25, 30, 31])
@pytest.mark.parametrize("kd,pd,ku", [(3, 1, 5), (3, 1, 1), (4, 1, 2), (4, 1, 6), (2, 0, 4),
                                      (3, 0, 1)])
def test_other_up_kernels_align_with_crop_or_padding(n, kd, pd, ku):
    plan = tc.decoder_plan(n, kd, 2, pd, up_kernel=ku)
    assert plan.kernel_size == ku
    assert tc.grid_shift(n, plan, kd, pd) == 0.0
    # and the torch pipeline gives the skip's size
    x = torch.zeros(1, 1, n, n, dtype=torch.float64)
    low = F.conv2d(x, torch.ones(1, 1, kd, kd, dtype=torch.float64), stride=2, padding=pd)
    up = F.conv_transpose2d(low, torch.ones(1, 1, ku, ku, dtype=torch.float64), stride=2,
                            padding=plan.padding, output_padding=plan.output_padding)
    assert tc.crop_or_pad(up, plan.crop).shape == x.shape


def test_misaligned_decoder_is_detected():
    # pix2pix decoder (k=4, p=1) after a k=3, p=1 encoder: half a pixel off
    bad = tc.DecoderPlan(4, 2, 1, 0, (0, 0), 10, 20)
    assert tc.grid_shift(20, bad) == 0.5
    # the right sizes but the wrong padding: one whole pixel off
    wrong = tc.DecoderPlan(3, 2, 0, 0, (1, 0), 10, 20)
    assert tc.grid_shift(20, wrong) == 0.0
    shifted = tc.DecoderPlan(3, 2, 0, 0, (0, 1), 10, 20)
    assert tc.grid_shift(20, shifted) == 1.0
    with pytest.raises(ValueError, match=r"up_kernel \(4\) and down_kernel \(3\) must have the "
                                         r"same parity"):
        tc.decoder_plan(20, 3, 2, 1, up_kernel=4)


@pytest.mark.parametrize("n", [64, 65, 100, 101, 37])
def test_unet_plan_any_size(n):
    plans = tc.unet_plan(n, 4)
    size = n
    for plan in plans:
        assert plan.size_out == size
        size = tc.conv_output_size(size, 3, 2, 1)
        assert plan.size_in == size
        up = tc.output_size(plan.size_in, plan.kernel_size, plan.stride, plan.padding,
                            plan.output_padding)
        assert up == plan.size_out


def test_crop_or_pad_numpy_torch(device):
    x = torch.arange(16.0, device=device).reshape(1, 4, 4)
    y = tc.crop_or_pad(x, (1, 0))
    assert y.device == x.device and torch.equal(y, x[:, 1:, 1:])
    z = tc.crop_or_pad(np.ones((3, 3)), (-1, 0))
    assert z.shape == (4, 4) and z[0].sum() == 0 and z[1:, 1:].sum() == 9


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"position \(5\)"):
        tc.impulse_response(5, 5, 3, 2)
    with pytest.raises(ValueError, match=r"output_padding \(2\) must be smaller than stride"):
        tc.impulse_response(5, 0, 3, 2, output_padding=2)
    with pytest.raises(ValueError, match="sums to zero"):
        tc.center_of_mass([1.0, -1.0])
    with pytest.raises(ValueError, match=r"kernel \(0\)"):
        tc.grid_offset(0, 2)
    with pytest.raises(ValueError, match=r"depth \(0\)"):
        tc.unet_plan(10, 0)
    with pytest.raises(TypeError, match="plan must be a DecoderPlan"):
        tc.grid_shift(20, (3, 2, 1, 1))
    with pytest.raises(ValueError, match="removes everything"):
        tc.crop_or_pad(np.ones((2, 2)), (1, 1))
