"""Remedies (ICNR, blurs, phase regularizer, resize-conv) against torch, both backends."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tconvlib as tc
from tconvlib.remedies import blur_kernel, frequency_response


def _blockwise_constant(y, r):
    """True if every r x r block of y (..., H*r, W*r) is constant."""
    y = np.asarray(y)
    blocks = y.reshape(*y.shape[:-2], y.shape[-2] // r, r, y.shape[-1] // r, r)
    return np.allclose(blocks, blocks[..., :1, :, :1], rtol=0, atol=1e-12)


def _tiled_variant(weight, r):
    """The WRONG ICNR: tile the C filters r**2 times (weight[i] = sub[i % C])."""
    c = weight.shape[0] // (r * r)
    sub = weight[:c].copy()
    weight[...] = np.concatenate([sub] * (r * r))
    return weight


@given(r=st.integers(2, 3), c=st.integers(1, 3), c_in=st.integers(1, 3), k=st.sampled_from([1, 3]),
       seed=st.integers(0, 1000))
@settings(max_examples=30)
def test_icnr_output_is_blockwise_constant_numpy_and_torch(r, c, c_in, k, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, c_in, 4, 5))
    w = rng.standard_normal((c * r * r, c_in, k, k))
    assert tc.icnr_(w, r) is w
    y = tc.pixel_shuffle(tc.conv2d(x, w, padding=k // 2), r)
    assert _blockwise_constant(y, r)
    # torch: a Parameter that requires grad, modified in place, same numbers as numpy
    wt = torch.nn.Parameter(torch.from_numpy(rng.standard_normal(w.shape)))
    assert tc.icnr_(wt, r) is wt and wt.requires_grad
    yt = F.pixel_shuffle(F.conv2d(torch.from_numpy(x), wt, padding=k // 2), r)
    assert _blockwise_constant(yt.detach().numpy(), r)
    assert torch.equal(wt[:: r * r], wt[1:: r * r])


def test_tiled_variant_is_not_blockwise_constant_but_icnr_is():
    rng = np.random.default_rng(1)
    r, c = 2, 3
    x = rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((c * r * r, 2, 3, 3))
    wrong = _tiled_variant(w.copy(), r)
    assert not _blockwise_constant(tc.pixel_shuffle(tc.conv2d(x, wrong, padding=1), r), r)
    right = tc.icnr_(w.copy(), r)
    assert _blockwise_constant(tc.pixel_shuffle(tc.conv2d(x, right, padding=1), r), r)
    # torch, the same comparison
    xt = torch.from_numpy(x)
    wrong_t = torch.from_numpy(wrong)
    right_t = tc.icnr_(torch.from_numpy(w.copy()), r)
    assert not _blockwise_constant(F.pixel_shuffle(F.conv2d(xt, wrong_t, padding=1), r), r)
    assert _blockwise_constant(F.pixel_shuffle(F.conv2d(xt, right_t, padding=1), r), r)


@given(r=st.integers(2, 3), c=st.integers(1, 3), c_in=st.integers(1, 3), k=st.sampled_from([1, 3]),
       seed=st.integers(0, 1000))
@settings(max_examples=30)
def test_icnr_in_both_channel_orders(r, c, c_in, k, seed):
    """ICNR with order=... is blockwise constant after the pixel shuffle of the same order."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, c_in, 4, 5))
    w = rng.standard_normal((c * r * r, c_in, k, k))
    for order in ("CRD", "DCR"):
        wi = tc.icnr_(w.copy(), r, order=order)
        assert _blockwise_constant(tc.pixel_shuffle(tc.conv2d(x, wi, padding=k // 2), r, order=order), r)
        wt = tc.icnr_(torch.from_numpy(w.copy()), r, order=order)
        assert np.array_equal(wt.numpy(), wi)
    # DCR's ICNR is the tiling, and it keeps the filters of sub-position (0, 0): weight[:C]
    assert np.array_equal(tc.icnr_(w.copy(), r, order="DCR"), _tiled_variant(w.copy(), r))
    if c > 1:         # each ICNR is wrong for the other layout
        for made, used in (("CRD", "DCR"), ("DCR", "CRD")):
            wi = tc.icnr_(w.copy(), r, order=made)
            y = tc.pixel_shuffle(tc.conv2d(x, wi, padding=k // 2), r, order=used)
            assert not _blockwise_constant(y, r)


def test_icnr_dcr_with_init_and_bad_order():
    w = tc.icnr_(np.zeros((8, 1, 1, 1)), 2, init=lambda sub: sub + np.arange(2.0).reshape(2, 1, 1, 1),
                 order="DCR")
    assert w.ravel().tolist() == [0, 1] * 4
    with pytest.raises(ValueError, match=r"order \('TF'\) must be one of 'CRD', 'DCR'"):
        tc.icnr_(np.zeros((4, 1, 1, 1)), 2, order="TF")


def test_icnr_with_init_callable_and_keeps_device(device):
    w = torch.zeros(8, 2, 3, 3, dtype=torch.float64, device=device)
    torch.manual_seed(0)
    tc.icnr_(w, 2, init=torch.nn.init.normal_)
    assert w.device == device and w.abs().sum() > 0
    for j in range(4):
        assert torch.equal(w[j], w[0]) and torch.equal(w[4 + j], w[4])
    assert not torch.equal(w[0], w[4])
    # numpy with an init that returns a new array
    a = tc.icnr_(np.zeros((4, 1, 1, 1)), 2, init=lambda sub: sub + 7.0)
    assert np.array_equal(a, np.full((4, 1, 1, 1), 7.0))


def test_icnr_bad_inputs():
    with pytest.raises(ValueError, match=r"weight.shape\[0\] \(6\).*divisible.*2\*\*2 = 4"):
        tc.icnr_(np.zeros((6, 1, 3, 3)), 2)
    with pytest.raises(ValueError, match=r"upscale_factor \(0\)"):
        tc.icnr_(np.zeros((4, 1, 3, 3)), 0)
    with pytest.raises(TypeError, match="upscale_factor must be an int"):
        tc.icnr_(np.zeros((4, 1, 3, 3)), 2.0)
    with pytest.raises(TypeError, match="weight must be a numpy array or a torch tensor"):
        tc.icnr_([[1.0]] * 4, 2)
    with pytest.raises(TypeError, match="init must be None or a callable"):
        tc.icnr_(np.zeros((4, 1)), 2, init=3)
    with pytest.raises(ValueError, match="init returned shape"):
        tc.icnr_(np.zeros((4, 1)), 2, init=lambda sub: np.zeros(3))


# -- blurs -------------------------------------------------------------------------------------

@given(n=st.integers(1, 9), omega=st.floats(0, np.pi))
@settings(max_examples=50)
def test_binomial_response_is_cos_power(n, omega):
    h = blur_kernel("binomial", n)
    assert h.sum() == pytest.approx(1.0)
    assert frequency_response(h, omega) == pytest.approx(abs(np.cos(omega / 2)) ** (n - 1), abs=1e-12)


@given(s=st.integers(2, 5))
@settings(max_examples=10)
def test_box_and_triangle_kill_every_stride_frequency(s):
    freqs = 2 * np.pi * np.arange(1, s) / s
    for kind in ("box", "triangle"):
        h = blur_kernel(kind, stride=s)
        assert frequency_response(h, 0.0) == pytest.approx(1.0)
        np.testing.assert_allclose(frequency_response(h, freqs), 0, atol=1e-12)
    # the binomial [1, 2, 1]/4 kills only pi: for s = 3 the checkerboard frequency survives
    if s == 3:
        assert frequency_response(blur_kernel("binomial"), 2 * np.pi / 3) == pytest.approx(0.25)


def test_frequency_response_matches_fft():
    h = blur_kernel("box", 3)
    n = 12
    want = np.abs(np.fft.fft(h, n))
    np.testing.assert_allclose(frequency_response(h, 2 * np.pi * np.arange(n) / n), want,
                               atol=1e-12)


def test_blur2d_matches_torch_and_removes_the_checkerboard(device):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 7))
    for kind in ("binomial", "box", "triangle"):
        k = np.outer(blur_kernel(kind), blur_kernel(kind))
        xt = torch.from_numpy(x).to(device)
        kt = torch.from_numpy(k).to(device)
        lo_h, lo_w = (k.shape[0] - 1) // 2, (k.shape[1] - 1) // 2
        pads = (lo_w, k.shape[1] - 1 - lo_w, lo_h, k.shape[0] - 1 - lo_h)
        num = F.conv2d(F.pad(xt, pads), kt.expand(3, 1, *k.shape), groups=3)
        den = F.conv2d(F.pad(torch.ones(1, 1, 6, 7, dtype=torch.float64, device=device), pads),
                       kt[None, None])
        got = tc.blur2d(xt, kind)
        assert got.device == xt.device
        torch.testing.assert_close(got, num / den, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(tc.blur2d(x, kind), (num / den).cpu().numpy(), atol=1e-12)
    # a stride-2 checkerboard plus a constant: the binomial blur leaves only the constant
    board = 3.0 + np.indices((8, 8)).sum(0) % 2
    assert tc.checkerboard_score(board, 2) > 0.1
    assert tc.checkerboard_score(tc.blur2d(board[None], "binomial"), 2, border=1) < 1e-12


def test_blur_bad_inputs():
    with pytest.raises(ValueError, match=r"kind \('gauss'\)"):
        blur_kernel("gauss")
    with pytest.raises(ValueError, match=r"size \(4\).*triangle.*2\*stride - 1 = 3"):
        blur_kernel("triangle", 4)
    with pytest.raises(ValueError, match=r"size \(0\)"):
        blur_kernel("box", 0)
    with pytest.raises(ValueError, match="taps must be a non-empty 1-D"):
        frequency_response(np.ones((2, 2)), 0.0)
    with pytest.raises(ValueError, match="x must be 3-D"):
        tc.blur2d(np.ones((4, 4)))


# -- the phase-imbalance regularizer ------------------------------------------------------------

def _flat_response_score(w, s):
    """Checkerboard score of the interior response of conv_transpose2d to a constant input."""
    k = w.shape[-1]
    y = tc.conv_transpose2d(np.ones((w.shape[0], 8, 8)), w, stride=s)
    return tc.checkerboard_score(y, s, border=k)


@given(s=st.integers(1, 3), k=st.integers(1, 6), c_in=st.integers(1, 2), c_out=st.integers(1, 2),
       seed=st.integers(0, 1000))
@settings(max_examples=40)
def test_regularizer_zero_on_balanced_positive_otherwise(s, k, c_in, c_out, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((c_in, c_out, k, k))
    # balance every phase by construction: subtract from each phase its sum's deviation, spread
    # over that phase's taps
    bal = w.copy()
    for a in range(s):
        for b in range(s):
            taps = bal[:, :, a::s, b::s]
            if taps.size:
                taps -= (taps.sum((2, 3), keepdims=True) - w.sum((2, 3), keepdims=True) / s**2) \
                    / (taps.shape[2] * taps.shape[3])
    phases_present = min(k, s) ** 2 == s ** 2
    if phases_present:
        assert tc.phase_imbalance(bal, s) == pytest.approx(0, abs=1e-20)
        assert _flat_response_score(bal, s) == pytest.approx(0, abs=1e-10)
    if s > 1:
        assert tc.phase_imbalance(w, s) > 0       # random weights are never balanced
    else:
        assert tc.phase_imbalance(w, s) == 0      # stride 1 has a single phase
    # torch gives the same number
    assert float(tc.phase_imbalance(torch.from_numpy(w), s)) == pytest.approx(
        float(tc.phase_imbalance(w, s)), rel=1e-12, abs=1e-300)


def test_regularizer_value_and_gradient_by_hand():
    w = np.ones((1, 1, 3, 3))                  # phase sums 4, 2, 2, 1 (mean 9/4)
    want = np.mean((np.array([4, 2, 2, 1]) - 9 / 4) ** 2)
    assert tc.phase_imbalance(w, 2) == pytest.approx(want)
    assert tc.phase_imbalance(np.ones((2, 1, 4)), 2) == 0       # 1-D, k = 4 = 2 s
    assert tc.phase_imbalance(np.ones((1, 1, 3)), 2) == pytest.approx(0.25)   # sums 2 and 1
    t = torch.ones(1, 1, 3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda v: tc.phase_imbalance(v, 2), (t,))
    # a gradient step lowers it
    loss = tc.phase_imbalance(t, 2)
    loss.backward()
    assert float(tc.phase_imbalance(t.detach() - 0.1 * t.grad, 2)) < float(loss.detach())


def test_regularizer_bad_inputs():
    with pytest.raises(ValueError, match="weight must be 3-D"):
        tc.phase_imbalance(np.ones((3, 3)), 2)
    with pytest.raises(ValueError, match=r"stride \(0\)"):
        tc.phase_imbalance(np.ones((1, 1, 3, 3)), 0)


# -- resize-convolution ---------------------------------------------------------------------------

@given(r=st.integers(1, 3), h=st.integers(1, 5), w=st.integers(1, 5),
       mode=st.sampled_from(["nearest", "bilinear"]), seed=st.integers(0, 100))
@settings(max_examples=40)
def test_upsample_matches_torch_interpolate(r, h, w, mode, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w))
    extra = {} if mode == "nearest" else {"align_corners": False}
    want = F.interpolate(torch.from_numpy(x), scale_factor=r, mode=mode, **extra)
    np.testing.assert_allclose(tc.upsample(x, r, mode), want.numpy(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(tc.upsample(torch.from_numpy(x), r, mode), want, rtol=1e-12,
                               atol=1e-12)


def test_resize_conv2d_matches_torch(device):
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2)
    for mode in ("nearest", "bilinear"):
        extra = {} if mode == "nearest" else {"align_corners": False}
        xt, wt, bt = (torch.from_numpy(a).to(device) for a in (x, w, b))
        want = F.conv2d(F.interpolate(xt, scale_factor=2, mode=mode, **extra), wt, bt, padding=1)
        got = tc.resize_conv2d(xt, wt, bt, 2, mode)
        assert got.device == xt.device
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(tc.resize_conv2d(x, w, b, 2, mode), want.cpu().numpy(),
                                   atol=1e-12)
        # a constant input gives a constant interior: no checkerboard whatever the weight
        flat = tc.resize_conv2d(np.ones((1, 3, 6, 6)), w, None, 2, mode)
        assert tc.checkerboard_score(flat, 2, border=1) == pytest.approx(0, abs=1e-12)


def test_resize_bad_inputs():
    with pytest.raises(ValueError, match=r"mode \('bicubic'\)"):
        tc.upsample(np.ones((2, 2)), 2, "bicubic")
    with pytest.raises(ValueError, match=r"scale_factor \(0\)"):
        tc.upsample(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match=r"kernel size \(2, 2\) must be odd"):
        tc.resize_conv2d(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)))
