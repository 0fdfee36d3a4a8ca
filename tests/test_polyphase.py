"""The polyphase view and the sub-pixel form of a transposed convolution, against torch."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tconvlib as tc
from conftest import make_arrays, run_fresh_python, torch_or_none, transposed_configs
from conftest import transposed_kwargs as _kwargs, torch_reference as _reference

TOL = dict(rtol=1e-10, atol=1e-10)


@settings(max_examples=100)
@given(cfg=transposed_configs(),
       fn=st.sampled_from([tc.conv_transpose_polyphase, tc.conv_transpose_subpixel]))
def test_matches_torch_numpy_and_torch_inputs(cfg, fn):
    x, w, b = make_arrays(cfg)
    ref = _reference(cfg, x, w, b)
    out = fn(x, w, b, **_kwargs(cfg))
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == ref.shape
    np.testing.assert_allclose(out, ref, **TOL)
    t = fn(torch.as_tensor(x), torch.as_tensor(w), torch_or_none(b), **_kwargs(cfg))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float64
    np.testing.assert_allclose(t.numpy(), ref, **TOL)


@pytest.mark.parametrize("fn", [tc.conv_transpose_polyphase, tc.conv_transpose_subpixel])
def test_torch_result_stays_on_device_and_dtype(device, fn):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 5, 6, generator=g).to(device=device, dtype=torch.float32)
    w = torch.randn(4, 3, 3, 3, generator=g).to(device=device, dtype=torch.float32)
    out = fn(x, w, stride=2, padding=1, output_padding=1)
    assert out.device.type == device.type and out.dtype == torch.float32
    ref = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)
    v = tc.subpixel_weight(w, 2)
    assert v.device.type == device.type and tc.transposed_weight(v, 2).device.type == device.type


@settings(max_examples=60)
@given(k=st.integers(1, 7), s=st.integers(1, 4), p=st.integers(0, 3), d=st.integers(1, 2),
       n=st.integers(1, 6), seed=st.integers(0, 999))
def test_each_output_phase_is_a_shifted_stride_1_convolution(k, s, p, d, n, seed):
    """y[s q + r] = (x conv w_r)[q + (r + p) // s]: the docstring's formula, via torch."""
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((1, 2, n)), rng.standard_normal((2, 3, k))
    if s * (n - 1) + d * (k - 1) + 1 - 2 * p < 1:
        return
    y = F.conv_transpose1d(torch.as_tensor(x), torch.as_tensor(w), stride=s, padding=p,
                           dilation=d).numpy()
    subs = tc.polyphase_kernels(w, s, padding=p, dilation=d)
    assert len(subs) == s
    big_k = d * (k - 1) + 1
    for r, sub in enumerate(subs):
        assert sub.shape[2] == len(range((r + p) % s, big_k, s))
        assert sub.shape[2] in (big_k // s, math.ceil(big_k / s))
        phase = y[..., r::s]
        if sub.shape[2] == 0:
            assert not phase.any()
            continue
        full = F.conv_transpose1d(torch.as_tensor(x), torch.as_tensor(np.ascontiguousarray(sub))
                                  ).numpy()
        shift = (r + p) // s
        want = np.zeros_like(phase)
        avail = max(0, min(phase.shape[-1], full.shape[-1] - shift))
        want[..., :avail] = full[..., shift: shift + avail]
        np.testing.assert_allclose(phase, want, **TOL)


def test_polyphase_kernels_2d_layout_and_values():
    w = np.arange(2 * 3 * 5 * 4.).reshape(2, 3, 5, 4)
    grid = tc.polyphase_kernels(w, (2, 3), padding=(1, 0))
    assert len(grid) == 2 and all(len(row) == 3 for row in grid)
    np.testing.assert_array_equal(grid[0][0], w[:, :, 1::2, 0::3])   # output phase 0 <- canvas 1
    np.testing.assert_array_equal(grid[1][2], w[:, :, 0::2, 2::3])
    t = tc.polyphase_kernels(torch.as_tensor(w), 2)
    assert torch.equal(t[1][1], torch.as_tensor(w)[:, :, 1::2, 1::2])


@settings(max_examples=60)
@given(k=st.integers(1, 7), s=st.integers(1, 4), d=st.integers(1, 3),
       n=st.integers(1, 5), p=st.integers(0, 3), c_in=st.integers(1, 3),
       c_out=st.integers(1, 3), seed=st.integers(0, 999))
def test_subpixel_weight_with_torch_conv_and_pixel_shuffle(k, s, d, n, p, c_in, c_out, seed):
    """crop(F.pixel_shuffle(F.conv2d(x, w_sub, padding=k_sub - 1), s)) == F.conv_transpose2d."""
    if s * (n - 1) + d * (k - 1) + 1 - 2 * p < 1:
        return
    rng = np.random.default_rng(seed)
    x = torch.as_tensor(rng.standard_normal((2, c_in, n, n + 1)))
    w = torch.as_tensor(rng.standard_normal((c_in, c_out, k, k)))
    ref = F.conv_transpose2d(x, w, stride=s, padding=p, dilation=d)
    v = tc.subpixel_weight(w, s, dilation=d)
    k_sub = math.ceil((d * (k - 1) + 1) / s)
    assert tuple(v.shape) == (c_out * s * s, c_in, k_sub, k_sub)
    up = F.pixel_shuffle(F.conv2d(x, v, padding=k_sub - 1), s)
    h_out, w_out = ref.shape[-2:]
    torch.testing.assert_close(up[..., p:p + h_out, p:p + w_out], ref, rtol=1e-10, atol=1e-10)
    geo = tc.subpixel_geometry(n, k, s, p, 0, d)
    assert geo.k_sub == k_sub and geo.pad_end == geo.pad_start == k_sub - 1
    assert geo.shuffled == up.shape[-2] and geo.crop_stop - geo.crop_start == h_out


def test_subpixel_weight_1d_groups_and_channel_order():
    rng = np.random.default_rng(3)
    w = rng.standard_normal((4, 3, 5))               # groups 2: C_in 4, C_out 6
    v = tc.subpixel_weight(w, 2, groups=2)
    assert v.shape == (12, 2, 3)
    subs = tc.polyphase_kernels(w, 2)
    for c in range(6):
        grp, o = divmod(c, 3)
        for r in range(2):
            sub = subs[r][2 * grp: 2 * grp + 2, o]            # (C_in/g, len)
            got = v[2 * c + r][:, ::-1]                          # back in painting order
            np.testing.assert_array_equal(got[:, :sub.shape[1]], sub)
            assert not got[:, sub.shape[1]:].any()


@given(s=st.integers(1, 3), k_sub=st.integers(1, 3), groups=st.integers(1, 2),
       seed=st.integers(0, 999), nd=st.sampled_from([1, 2]))
def test_transposed_weight_inverts_subpixel_weight(s, k_sub, groups, seed, nd):
    rng = np.random.default_rng(seed)
    c_out, c_per = 2 * groups, 2
    v = rng.standard_normal((c_out * s ** nd, c_per) + (k_sub,) * nd)
    w = tc.transposed_weight(v, s, groups=groups)
    assert w.shape == (c_per * groups, c_out // groups) + (s * k_sub,) * nd
    np.testing.assert_array_equal(tc.subpixel_weight(w, s, groups=groups), v)
    # and the sub-pixel convolution is that transposed convolution
    x = rng.standard_normal((1, c_per * groups) + (4,) * nd)
    conv, shuffle = (F.conv1d, None) if nd == 1 else (F.conv2d, F.pixel_shuffle)
    low = conv(torch.as_tensor(x), torch.as_tensor(v), padding=k_sub - 1, groups=groups)
    if nd == 1:
        up = low.reshape(1, c_out, s, -1).transpose(2, 3).reshape(1, c_out, -1)
    else:
        up = shuffle(low, s)
    ref = tc.conv_transpose_polyphase(x, w, stride=s, groups=groups)
    np.testing.assert_allclose(up.numpy()[(Ellipsis,) + (slice(0, ref.shape[-1]),) * nd], ref,
                               **TOL)


def test_geometry_with_output_padding_beyond_the_canvas():
    # k = 2 = s, op = 1: the painted canvas is 2n long, the output 2n + 1: one more low-res step
    g = tc.subpixel_geometry(3, 2, 2, padding=0, output_padding=1)
    assert (g.k_sub, g.pad_start, g.pad_end, g.low_res, g.crop_stop, g.n_out) == \
        (1, 0, 1, 4, 7, 7)
    x, w = np.ones((1, 1, 3)), np.ones((1, 1, 2))
    np.testing.assert_array_equal(tc.conv_transpose_subpixel(x, w, stride=2, output_padding=1),
                                  [[[1, 1, 1, 1, 1, 1, 0]]])


def test_numpy_only_use_does_not_import_torch():
    code = ("import numpy as np, sys, tconvlib as tc;"
            "tc.conv_transpose_polyphase(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2);"
            "tc.conv_transpose_subpixel(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2);"
            "print('torch' in sys.modules)")
    assert run_fresh_python(code) == "False"


@pytest.mark.parametrize("call, exc, match", [
    (lambda: tc.polyphase_kernels(np.ones((2, 2)), 2), ValueError, "weight must be 3-D or 4-D"),
    (lambda: tc.polyphase_kernels(np.ones((1, 1, 3)), 0), ValueError, r"stride \(0\) must be a positive"),
    (lambda: tc.polyphase_kernels(np.ones((1, 1, 3)), 2, padding=-1), ValueError,
     r"padding \(-1\) must be a non-negative"),
    (lambda: tc.polyphase_kernels(np.array([["a"]], dtype=object)[None], 2), TypeError,
     "weight must hold numbers"),
    (lambda: tc.conv_transpose_polyphase(np.ones((1, 1, 3)), np.ones((1, 1, 3)), stride=2,
                                         output_padding=2), ValueError,
     r"output_padding \(2\) must be smaller than stride \(2\)"),
    (lambda: tc.conv_transpose_polyphase(np.ones((2, 3)), np.ones((1, 1, 3))), ValueError,
     "input has 2 channels but weight expects C_in = 1"),
    (lambda: tc.conv_transpose_subpixel(np.ones((1, 3)), np.ones((1, 1, 3)), padding=3),
     ValueError, "output would be empty"),
    (lambda: tc.subpixel_weight(np.ones((3, 1, 3)), 2, groups=2), ValueError,
     r"groups \(2\) must divide the weight's first dimension C_in \(3\)"),
    (lambda: tc.transposed_weight(np.ones((3, 1, 3)), 2), ValueError,
     r"first dimension \(3\) must be divisible by the number of phases \(2\)"),
    (lambda: tc.subpixel_geometry(4, 3, 2, output_padding=2), ValueError,
     r"output_padding \(2\) must be smaller"),
    (lambda: tc.subpixel_geometry(4, 3.0, 2), TypeError, "kernel_size must be an int"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
