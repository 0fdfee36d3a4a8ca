"""conv_transpose1d/2d: every method, both backends, against torch (float64)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import tconvlib as tc
from conftest import make_arrays, torch_or_none, transposed_configs
from conftest import transposed_kwargs as _kwargs, torch_reference as _reference

TOL = dict(rtol=1e-10, atol=1e-10)


def _ours(cfg):
    return tc.conv_transpose1d if cfg["ndim"] == 1 else tc.conv_transpose2d


@given(cfg=transposed_configs(), method=st.sampled_from(tc.METHODS))
def test_matches_torch_numpy_and_torch_inputs(cfg, method):
    x, w, b = make_arrays(cfg)
    ref = _reference(cfg, x, w, b)
    out = _ours(cfg)(x, w, b, **_kwargs(cfg), method=method)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, **TOL)
    t = _ours(cfg)(torch.as_tensor(x), torch.as_tensor(w), torch_or_none(b), **_kwargs(cfg),
                   method=method)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float64
    np.testing.assert_allclose(t.numpy(), ref, **TOL)


@given(cfg=transposed_configs())
def test_methods_agree_with_each_other(cfg):
    x, w, b = make_arrays(cfg)
    outs = [_ours(cfg)(x, w, b, **_kwargs(cfg), method=m) for m in tc.METHODS]
    for other in outs[1:]:
        np.testing.assert_allclose(other, outs[0], **TOL)


@pytest.mark.parametrize("method", tc.METHODS)
def test_torch_result_stays_on_device_and_dtype(device, method):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 5, 6, generator=g).to(device=device, dtype=torch.float32)
    w = torch.randn(4, 3, 3, 3, generator=g).to(device=device, dtype=torch.float32)
    out = tc.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1, method=method)
    assert out.device.type == device.type and out.dtype == torch.float32
    ref = F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("method", tc.METHODS)
def test_float32_numpy_stays_float32(method):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = rng.standard_normal((2, 2, 3, 3)).astype(np.float32)
    out = tc.conv_transpose2d(x, w, stride=2, method=method)
    assert out.dtype == np.float32
    ref = F.conv_transpose2d(torch.as_tensor(x), torch.as_tensor(w), stride=2).numpy()
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


def test_integer_numpy_input_is_promoted_to_float64():
    out = tc.conv_transpose1d(np.array([[1, 10]]), np.array([[[1, 2, 3]]]), stride=2)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[1, 2, 13, 20, 30]])


@pytest.mark.parametrize("method", tc.METHODS)
def test_gradient_of_conv_is_transposed_conv(method, device):
    """d/dx <conv(x), g> = conv_transpose(g): autograd of torch's conv2d equals our method."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 9, 8, dtype=torch.float64, device=device, requires_grad=True)
    w = torch.randn(4, 3, 3, 2, dtype=torch.float64, device=device)
    y = F.conv2d(x, w, stride=2, padding=1, dilation=(1, 2))
    g = torch.randn_like(y)
    (grad,) = torch.autograd.grad((y * g).sum(), x)
    op = [n - tc.output_size(m, k, 2, 1, 0, d) for n, m, k, d in
          zip(x.shape[2:], y.shape[2:], w.shape[2:], (1, 2))]
    ours = tc.conv_transpose2d(g, w, stride=2, padding=1, output_padding=tuple(op),
                               dilation=(1, 2), method=method)
    torch.testing.assert_close(ours, grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", tc.METHODS)
def test_autograd_through_our_torch_path(method):
    torch.manual_seed(0)
    x = torch.randn(1, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 2, 2, 3, dtype=torch.float64, requires_grad=True)
    fn = lambda x_, w_: tc.conv_transpose2d(x_, w_, stride=2, padding=1, method=method)
    assert torch.autograd.gradcheck(fn, (x, w))


@pytest.mark.parametrize("method", tc.METHODS)
@pytest.mark.parametrize("ndim", [1, 2])
def test_nan_and_inf_in_input_propagate_as_in_torch(method, ndim):
    rng = np.random.default_rng(3)
    size = (7,) if ndim == 1 else (5, 4)
    x = rng.standard_normal((2, 2) + size)
    x[(0, 1) + (3,) * ndim] = np.nan
    x[(1, 0) + (1,) * ndim] = np.inf
    w = rng.standard_normal((2, 3) + (3,) * ndim)
    w[(0, 0) + (1,) * ndim] = 0.0  # inf * 0 must give NaN, as in torch
    kw = dict(stride=2, padding=1)
    ref = (F.conv_transpose1d if ndim == 1 else F.conv_transpose2d)(
        torch.as_tensor(x), torch.as_tensor(w), **kw).numpy()
    fn = tc.conv_transpose1d if ndim == 1 else tc.conv_transpose2d
    out = fn(x, w, **kw, method=method)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    np.testing.assert_array_equal(np.isinf(out), np.isinf(ref))
    finite = np.isfinite(ref)
    np.testing.assert_allclose(out[finite], ref[finite], **TOL)


@pytest.mark.parametrize("method", ["scatter", "matrix"])
def test_nan_in_weight_leaves_holes_at_zero_as_in_torch(method):
    x = np.ones((1, 1, 3))
    w = np.full((1, 1, 1), np.nan)
    ref = F.conv_transpose1d(torch.as_tensor(x), torch.as_tensor(w), stride=2).numpy()
    out = tc.conv_transpose1d(x, w, stride=2, method=method)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(ref))
    np.testing.assert_array_equal(out[~np.isnan(ref)], 0.0)


def test_zero_insert_nan_weight_reaches_inserted_zeros_as_documented():
    out = tc.conv_transpose1d(np.ones((1, 1, 3)), np.full((1, 1, 1), np.nan), stride=2,
                              method="zero_insert")
    assert np.isnan(out).all()


@pytest.mark.parametrize("method", tc.METHODS)
def test_empty_batch(method):
    out = tc.conv_transpose2d(np.zeros((0, 3, 4, 4)), np.ones((3, 2, 3, 3)), stride=2,
                              method=method)
    assert out.shape == (0, 2, 9, 9)
    t = tc.conv_transpose2d(torch.zeros(0, 3, 4, 4), torch.ones(3, 2, 3, 3), stride=2,
                            method=method)
    assert tuple(t.shape) == (0, 2, 9, 9)


def test_unbatched_equals_batch_of_one():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 2, 3, 3))
    np.testing.assert_array_equal(tc.conv_transpose2d(x, w, stride=2),
                                  tc.conv_transpose2d(x[None], w, stride=2)[0])


def test_output_padding_beyond_the_painted_canvas_is_bias_only():
    # s=1, d=2, op=1: the last row is never painted; torch leaves it at the bias
    x, w, b = np.ones((1, 1, 2)), np.ones((1, 1, 2)), np.array([0.5])
    for m in tc.METHODS:
        out = tc.conv_transpose1d(x, w, b, stride=1, dilation=2, output_padding=1, method=m)
        ref = F.conv_transpose1d(torch.as_tensor(x), torch.as_tensor(w), torch.as_tensor(b),
                                 stride=1, dilation=2, output_padding=1).numpy()
        np.testing.assert_allclose(out, ref, **TOL)
        assert out[0, 0, -1] == 0.5


def test_painting_large_stride_and_holes():
    """k < s leaves holes that receive nothing: the painting picture, exactly."""
    out = tc.conv_transpose1d(np.array([[1., 2., 3.]]), np.array([[[1., 1.]]]), stride=3)
    np.testing.assert_array_equal(out, [[1, 1, 0, 2, 2, 0, 3, 3]])


@pytest.mark.parametrize("method", tc.METHODS)
def test_non_contiguous_inputs(method):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 6, 10))[:, :, ::-1, ::2]      # negative and step strides
    w = np.asfortranarray(rng.standard_normal((3, 2, 3, 3)))
    ref = F.conv_transpose2d(torch.as_tensor(x.copy()), torch.as_tensor(w.copy()), stride=2,
                             padding=1).numpy()
    np.testing.assert_allclose(tc.conv_transpose2d(x, w, stride=2, padding=1, method=method),
                               ref, **TOL)
    xt = torch.as_tensor(x.copy()).transpose(2, 3)                  # a transposed view
    ref_t = F.conv_transpose2d(xt, torch.as_tensor(w), stride=2, padding=1)
    torch.testing.assert_close(
        tc.conv_transpose2d(xt, torch.as_tensor(w), stride=2, padding=1, method=method),
        ref_t, rtol=1e-10, atol=1e-10)


@given(cfg=transposed_configs())
def test_stamp_by_stamp_painting_matches_torch(cfg):
    """The fallback painter (used for non-finite weights) is exact for any weights."""
    from tconvlib._validate import check_transposed
    from tconvlib.transposed import _scatter_stamps

    x, w, b = make_arrays(cfg)
    kw = _kwargs(cfg)
    spec = check_transposed(x, w, b, kw["stride"], kw["padding"], kw["output_padding"],
                            kw["groups"], kw["dilation"], cfg["ndim"])
    np.testing.assert_allclose(spec.finish(_scatter_stamps(spec)), _reference(cfg, x, w, b),
                               **TOL)
