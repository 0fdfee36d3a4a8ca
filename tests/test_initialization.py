"""Tests for tconvlib.initialization: torch is the oracle for the layers, Monte Carlo for the
variance formula."""

import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tconvlib as tc


# -- phase_fan_in ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), s=st.integers(1, 4), p=st.integers(0, 4), d=st.integers(1, 3))
def test_phase_fan_in_is_the_interior_of_the_overlap_map(k, s, p, d):
    n = 12
    counts = tc.overlap_count(n, k, s, p, dilation=d)
    span = d * (k - 1)
    # interior outputs: every tap of every phase lands on an existing input
    lo, hi = span, len(counts) - span - 1
    fan = tc.phase_fan_in(k, s, p, d, dims=1)
    assert fan.sum() == k
    for o in range(max(lo, 0), hi):
        assert counts[o] == fan[(o) % s]


def test_phase_fan_in_2d_is_outer_product_times_channels():
    fan = tc.phase_fan_in((3, 4), (2, 3), (1, 0), in_channels=6, groups=2)
    rows = tc.phase_fan_in(3, 2, 1, dims=1)
    cols = tc.phase_fan_in(4, 3, 0, dims=1)
    np.testing.assert_array_equal(fan, 3 * np.outer(rows, cols))
    full = tc.overlap_count((9, 9), (3, 4), (2, 3), (1, 0))
    np.testing.assert_array_equal(full[4:10, 6:12], np.tile(rows[:, None] * cols, (3, 2)))


def test_phase_fan_in_counts_products_through_torch():
    # An all-ones weight and all-ones input through torch: interior output = fan-in.
    c_in, groups, k, s, p = 6, 3, 3, 2, 1
    w = torch.ones(c_in, 2, k, k, dtype=torch.float64)
    y = F.conv_transpose2d(torch.ones(1, c_in, 8, 8, dtype=torch.float64), w, stride=s,
                           padding=p, groups=groups)
    fan = tc.phase_fan_in(k, s, p, in_channels=c_in, groups=groups)
    inner = y[0, 0, 2:12, 2:12].numpy()
    for r in range(2):
        for c in range(2):
            assert (inner[r::2, c::2] == fan[r, c]).all()


@pytest.mark.parametrize("kwargs, exc, text", [
    (dict(kernel_size=0, stride=2), ValueError, "kernel_size (0)"),
    (dict(kernel_size=3, stride=0), ValueError, "stride (0)"),
    (dict(kernel_size=3, stride=2, padding=-1), ValueError, "padding (-1)"),
    (dict(kernel_size=3, stride=2, in_channels=5, groups=2), ValueError, "divisible by groups"),
    (dict(kernel_size=3, stride=2, dims=3), ValueError, "dims (3)"),
    (dict(kernel_size=2.5, stride=2), TypeError, "kernel_size"),
    (dict(kernel_size=(3, 3, 3), stride=2), ValueError, "kernel_size"),
])
def test_phase_fan_in_bad_input(kwargs, exc, text):
    with pytest.raises(exc, match=None) as info:
        tc.phase_fan_in(**kwargs)
    assert text in str(info.value)


# -- phase_variance against Monte Carlo ---------------------------------------------------------
@pytest.mark.parametrize("k, s, p, c_in, mean", [(3, 2, 0, 4, 0.0), (3, 2, 1, 3, 0.5),
                                                 (5, 3, 1, 2, 0.0), (4, 2, 1, 3, 1.0)])
def test_phase_variance_matches_monte_carlo(k, s, p, c_in, mean):
    """Tolerance: 5 % relative. Each phase's variance is estimated from >= 20 000 outputs
    (weights redrawn for every sample), so the standard error is about 1 %."""
    gen = torch.Generator().manual_seed(1234)
    n_samples, n = 2000, 10
    x = mean + 0.7 * torch.randn(n_samples, c_in, n, n, generator=gen, dtype=torch.float64)
    w = 0.3 * torch.randn(n_samples, c_in, 1, k, k, generator=gen, dtype=torch.float64)
    # one weight per sample: a grouped transposed convolution over the batch
    y = F.conv_transpose2d(x.reshape(1, n_samples * c_in, n, n),
                           w.reshape(n_samples * c_in, 1, k, k), stride=s, padding=p,
                           groups=n_samples).reshape(n_samples, -1)
    side = int(math.isqrt(y.shape[1]))
    y = y.reshape(n_samples, side, side)
    lo = k  # well inside the borders
    hi = side - k
    inner = y[:, lo:hi, lo:hi]
    predicted = tc.phase_variance(k, s, p, in_channels=c_in, weight_var=0.09, input_var=0.49,
                                  input_mean=mean)
    measured = np.empty((s, s))
    for r in range(s):
        for c in range(s):
            rr, cc = (r - lo) % s, (c - lo) % s
            measured[r, c] = inner[:, rr::s, cc::s].var().item()
    np.testing.assert_allclose(measured, predicted, rtol=0.05)


def test_phase_variance_bad_input():
    with pytest.raises(ValueError, match=r"weight_var \(-1.0\)"):
        tc.phase_variance(3, 2, weight_var=-1)
    with pytest.raises(TypeError, match="input_var"):
        tc.phase_variance(3, 2, input_var="big")
    with pytest.raises(ValueError, match="input_mean"):
        tc.phase_variance(3, 2, input_mean=float("nan"))


# -- he_std / he_init_ -----------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(k=st.integers(1, 6), s=st.integers(1, 3), p=st.integers(0, 3), c=st.integers(1, 8),
       gain=st.sampled_from([1.0, math.sqrt(2.0)]))
def test_he_std_equalises_every_phase(k, s, p, c, gain):
    std = tc.he_std(k, s, p, in_channels=c, gain=gain)
    var_taps = std ** 2
    # variance of phase (r, q) = C_in * sum of the tap variances of that phase
    phase = (np.arange(k) - p) % s
    for r in range(s):
        for q in range(s):
            taps = var_taps[np.ix_(phase == r, phase == q)]
            if taps.size:
                assert math.isclose(c * taps.sum(), gain ** 2, rel_tol=1e-12)


def test_he_std_mean_mode_is_right_on_average():
    k, s, c = 3, 2, 16
    std = tc.he_std(k, s, in_channels=c, per_phase=False)
    assert np.ptp(std) == 0
    var = tc.phase_variance(k, s, in_channels=c, weight_var=std[0, 0] ** 2)
    assert math.isclose(var.mean(), 2.0, rel_tol=1e-12)
    assert var.max() / var.min() == pytest.approx(4.0)


def test_he_init_numpy_and_torch_give_the_predicted_output_variance():
    c_in, c_out, k, s = 32, 8, 3, 2
    w_np = tc.he_init_(np.zeros((c_in, c_out, k, k)), s, generator=np.random.default_rng(0))
    w_t = tc.he_init_(torch.zeros(c_in, c_out, k, k, dtype=torch.float64), s,
                      generator=torch.Generator().manual_seed(0))
    for w in (torch.as_tensor(w_np), w_t):
        x = torch.randn(64, c_in, 12, 12, generator=torch.Generator().manual_seed(1),
                        dtype=torch.float64)
        y = F.conv_transpose2d(x, w, stride=s)[..., 4:20, 4:20]
        means = tc.phase_means(y ** 2, s)
        np.testing.assert_allclose(means, 2.0, rtol=0.15)   # one weight draw: ~5 % spread


def test_he_init_is_in_place_and_keeps_device_dtype():
    w = torch.zeros(4, 2, 3, 3, dtype=torch.float32)
    out = tc.he_init_(w, 2)
    assert out is w and w.dtype == torch.float32 and w.abs().sum() > 0
    w1 = np.zeros((4, 2, 5))
    assert tc.he_init_(w1, 2, generator=3) is w1 and w1.any()
    np.testing.assert_array_equal(w1, tc.he_init_(np.zeros((4, 2, 5)), 2, generator=3))


@pytest.mark.parametrize("weight, kwargs, exc, text", [
    (np.zeros((4, 4)), {}, ValueError, "shape"),
    (np.zeros((4, 2, 3, 3), dtype=int), {}, TypeError, "floating-point"),
    ([[[0.0]]], {}, TypeError, "numpy array or a torch tensor"),
    (np.zeros((4, 2, 3, 3)), dict(generator="seed"), TypeError, "generator"),
    (np.zeros((5, 2, 3, 3)), dict(groups=2), ValueError, "divisible by groups"),
    (torch.zeros(4, 2, 3, 3), dict(generator=0), TypeError, "torch.Generator"),
])
def test_he_init_bad_input(weight, kwargs, exc, text):
    with pytest.raises(exc) as info:
        tc.he_init_(weight, 2, **kwargs)
    assert text in str(info.value)


# -- bilinear --------------------------------------------------------------------------------------
@pytest.mark.parametrize("factor", [1, 2, 3, 4, 5])
def test_bilinear_transposed_conv_is_interpolate_in_the_interior(factor):
    w = torch.zeros(2, 1, 2 * factor - factor % 2, 2 * factor - factor % 2,
                    dtype=torch.float64)
    tc.bilinear_init_(w, factor)
    k = w.shape[-1]
    x = torch.randn(1, 2, 7, 9, generator=torch.Generator().manual_seed(factor),
                    dtype=torch.float64)
    y = F.conv_transpose2d(x, w, stride=factor, padding=(k - factor) // 2, groups=2)
    ref = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert y.shape == ref.shape
    b = (factor - 1 + 1) // 2          # ceil((f - 1) / 2) output rows per side are borders
    inner = (Ellipsis, slice(b, y.shape[-2] - b), slice(b, y.shape[-1] - b))
    torch.testing.assert_close(y[inner], ref[inner], rtol=0, atol=1e-12)
    if b:
        assert not torch.allclose(y[..., :b, :], ref[..., :b, :])


def test_bilinear_kernel_properties():
    for f in range(1, 7):
        k1 = tc.bilinear_kernel(f, dims=1)
        assert len(k1) == 2 * f - f % 2
        # each phase's taps sum to 1: a flat input stays flat (interior)
        pad = (len(k1) - f) // 2
        sums = np.bincount((np.arange(len(k1)) - pad) % f, weights=k1, minlength=f)
        np.testing.assert_allclose(sums, 1.0)
        np.testing.assert_allclose(tc.bilinear_kernel(f), np.outer(k1, k1))


def test_bilinear_init_dense_and_1d():
    w = np.full((3, 3, 4, 4), 7.0)
    tc.bilinear_init_(w, 2)
    for a in range(3):
        for b in range(3):
            np.testing.assert_array_equal(w[a, b], tc.bilinear_kernel(2) if a == b else 0)
    w1 = torch.empty(2, 1, 5, dtype=torch.float64)
    tc.bilinear_init_(w1, 3)
    np.testing.assert_allclose(w1[1, 0].numpy(), tc.bilinear_kernel(3, dims=1))


@pytest.mark.parametrize("weight, factor, exc, text", [
    (np.zeros((2, 2, 3, 3)), 2, ValueError, "must be (4, 4)"),
    (np.zeros((2, 3, 4, 4)), 2, ValueError, "depthwise"),
    (np.zeros((2, 2, 4, 4)), 0, ValueError, "factor (0)"),
    (np.zeros((2, 2, 4, 4)), 2.0, TypeError, "factor"),
])
def test_bilinear_init_bad_input(weight, factor, exc, text):
    with pytest.raises(exc) as info:
        tc.bilinear_init_(weight, factor)
    assert text in str(info.value)


def test_init_helpers_keep_the_tensor_on_its_device(device):
    w = torch.zeros(8, 4, 3, 3, device=device, dtype=torch.float32)
    gen = torch.Generator(device=device).manual_seed(0)
    assert tc.he_init_(w, 2, generator=gen) is w
    assert w.device.type == torch.device(device).type and w.dtype == torch.float32
    assert bool((w != 0).all())
    wb = torch.zeros(3, 1, 4, 4, device=device)
    tc.bilinear_init_(wb, 2)
    assert wb.device.type == torch.device(device).type
    np.testing.assert_allclose(wb[2, 0].cpu().numpy(), tc.bilinear_kernel(2), rtol=1e-7)


# -- the mean fan-in needs no condition on k, s or d ----------------------------------------------
@settings(max_examples=60, deadline=None)
@given(k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 3),
       c=st.integers(1, 6))
def test_mean_fan_in_is_c_k2_over_s2_for_any_k_s_d(k, s, p, d, c):
    fan = tc.phase_fan_in(k, s, p, d, in_channels=c)
    assert fan.mean() == pytest.approx(c * k * k / s ** 2, rel=1e-12)
    std = tc.he_std(k, s, p, d, in_channels=c, gain=1.0, per_phase=False)
    np.testing.assert_allclose(std, 1 / math.sqrt(c * k * k / s ** 2), rtol=1e-12)


@pytest.mark.parametrize("k, s, d", [(2, 3, 1), (1, 2, 1), (3, 4, 1), (3, 2, 2), (5, 2, 2),
                                     (4, 3, 2), (3, 4, 3)])
def test_mean_fan_in_counted_by_torch_with_holes_and_dilation(k, s, d):
    """k < s and d > 1 included: the interior of an all-ones layer, averaged over whole periods."""
    c = 3
    y = F.conv_transpose2d(torch.ones(1, c, 16, 16, dtype=torch.float64),
                           torch.ones(c, 1, k, k, dtype=torch.float64), stride=s, dilation=d)
    b = s * math.ceil(d * (k - 1) / s)
    counted = tc.phase_means(y[0, 0], s, border=b)
    np.testing.assert_array_equal(counted, tc.phase_fan_in(k, s, 0, d, in_channels=c))
    assert counted.mean() == pytest.approx(c * k * k / s ** 2, rel=1e-12)


# -- torch's own default init of ConvTranspose2d (through reset_parameters) ----------------------
def _forward_backward_ratios(layer, c_in, s, seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(16, c_in, 12, 12, generator=gen, dtype=torch.float64, requires_grad=True)
    y = layer(x)
    y.backward(torch.randn(y.shape, generator=gen, dtype=torch.float64))
    b = 2 * s * math.ceil(layer.kernel_size[0] / s)
    fwd = tc.phase_means(y.detach() ** 2, s, border=b).mean()
    bwd = x.grad[..., 3:-3, 3:-3].pow(2).mean().item()
    return fwd, bwd


@pytest.mark.parametrize("c_in, c_out, k, s, groups", [(32, 32, 4, 2, 1), (32, 16, 4, 2, 1),
                                                        (16, 32, 3, 2, 1), (27, 18, 6, 3, 1),
                                                        (32, 32, 4, 2, 4), (24, 24, 3, 1, 1)])
def test_torch_default_init_uses_the_backward_fan_in(c_in, c_out, k, s, groups):
    """nn.ConvTranspose2d's default init (reset_parameters, kaiming_uniform_ with a = sqrt(5)):
    weight variance 1/(3 * (C_out/g) k^2), torch's fan_in being the backward fan-in. So the
    gradient ratio is 1/3 for every stride, and the forward ratio is C_in / (3 C_out s^2)."""
    torch.manual_seed(0)
    layer = nn.ConvTranspose2d(c_in, c_out, k, stride=s, groups=groups, bias=False,
                               dtype=torch.float64)
    layer.reset_parameters()
    back_fan = (c_out // groups) * k * k
    assert nn.init._calculate_fan_in_and_fan_out(layer.weight)[0] == back_fan
    bound = 1 / math.sqrt(back_fan)
    assert layer.weight.abs().max().item() <= bound
    assert layer.weight.var().item() == pytest.approx(1 / (3 * back_fan), rel=0.1)
    fwd, bwd = _forward_backward_ratios(layer, c_in, s)
    mean_fwd_fan = tc.phase_fan_in(k, s, in_channels=c_in, groups=groups).mean()
    assert fwd == pytest.approx(mean_fwd_fan / (3 * back_fan), rel=0.15)
    assert fwd == pytest.approx(c_in / (3 * c_out * s * s), rel=0.15)
    assert bwd == pytest.approx(1 / 3, rel=0.15)


def test_he_init_keeps_forward_torch_kaiming_keeps_backward():
    c_in, c_out, k, s = 32, 16, 4, 2
    ratios = {}
    for name in ("he", "kaiming"):
        torch.manual_seed(1)
        layer = nn.ConvTranspose2d(c_in, c_out, k, stride=s, padding=1, bias=False,
                                   dtype=torch.float64)
        if name == "he":
            tc.he_init_(layer.weight, s, padding=1)
        else:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        ratios[name] = _forward_backward_ratios(layer, c_in, s)
    assert ratios["he"][0] == pytest.approx(2.0, rel=0.1)                 # forward kept
    assert ratios["he"][1] == pytest.approx(2.0 * c_out * s * s / c_in, rel=0.1)
    assert ratios["kaiming"][1] == pytest.approx(2.0, rel=0.1)            # backward kept
    assert ratios["kaiming"][0] == pytest.approx(2.0 * c_in / (c_out * s * s), rel=0.1)


@pytest.mark.parametrize("k, s, d, n_holes", [(2, 3, 1, 5), (3, 2, 2, 3), (1, 2, 1, 3),
                                              (3, 4, 2, 12)])
def test_he_init_with_holes_gives_reached_phases_the_target_and_holes_zero(k, s, d, n_holes):
    """k < s or gcd(d, s) > 1: phases without taps output exactly 0, the others gain**2."""
    c = 32
    w = tc.he_init_(torch.empty(c, c, k, k, dtype=torch.float64), s, dilation=d,
                    generator=torch.Generator().manual_seed(0))
    x = torch.randn(32, c, 12, 12, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    y = F.conv_transpose2d(x, w, stride=s, dilation=d)
    v = tc.phase_means(y ** 2, s, border=s * math.ceil(d * (k - 1) / s))
    empty = tc.phase_fan_in(k, s, 0, d) == 0
    assert int(empty.sum()) == n_holes
    assert (v[empty] == 0).all()
    np.testing.assert_allclose(v[~empty], 2.0, rtol=0.15)
    # the per-tap variances: C_in * (sum of the tap variances of a reached phase) = gain**2
    std = tc.he_std(k, s, 0, d, in_channels=c)
    phase = (d * np.arange(k)) % s
    for r in range(s):
        for q in range(s):
            taps = std[np.ix_(phase == r, phase == q)] ** 2
            assert (taps.size == 0) == bool(empty[r, q])
            if taps.size:
                assert math.isclose(c * taps.sum(), 2.0, rel_tol=1e-12)
