"""The matrix view: A @ x is the convolution; A.T @ y is the transposed convolution."""

import numpy as np
import pytest
import scipy.sparse
import torch
import torch.nn.functional as F
from hypothesis import given

import tconvlib as tc
import tconvlib.matrix as tm
from conftest import transposed_configs


def _conv_and_matrix(cfg):
    rng = np.random.default_rng(cfg["seed"])
    ndim = cfg["ndim"]
    w = rng.standard_normal((cfg["c_out"], cfg["c_in"] // cfg["groups"]) + tuple(cfg["kernel"]))
    kw = dict(stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"],
              groups=cfg["groups"])
    shape = (cfg["c_in"],) + tuple(cfg["size"])
    conv = tc.conv1d if ndim == 1 else tc.conv2d
    try:
        a = tc.conv_matrix(shape, w, **kw)
    except ValueError as exc:
        assert "output would be empty" in str(exc)
        return None
    return rng, w, kw, shape, conv, a


@given(cfg=transposed_configs())
def test_matrix_is_the_convolution_and_its_transpose_the_transposed_convolution(cfg):
    made = _conv_and_matrix(cfg)
    if made is None:
        return
    rng, w, kw, shape, conv, a = made
    x = rng.standard_normal(shape)
    y = conv(x, w, **kw)
    np.testing.assert_allclose(a @ x.ravel(), y.ravel(), rtol=1e-10, atol=1e-10)
    # A.T y equals torch's transposed conv with the SAME weight tensor
    g = rng.standard_normal(y.shape)
    ndim = cfg["ndim"]
    as_t = lambda v: tuple(v) if isinstance(v, tuple) else (v,) * ndim
    op = tuple(n - (s * (m - 1) + d * (k - 1) + 1 - 2 * p) for n, m, k, s, p, d in zip(
        shape[1:], y.shape[1:], cfg["kernel"], as_t(kw["stride"]), as_t(kw["padding"]),
        as_t(kw["dilation"])))
    ref_fn = F.conv_transpose1d if ndim == 1 else F.conv_transpose2d
    ref = ref_fn(torch.as_tensor(g)[None], torch.as_tensor(w), stride=kw["stride"],
                 padding=kw["padding"], dilation=kw["dilation"], groups=kw["groups"],
                 output_padding=op)[0].numpy()
    np.testing.assert_allclose(a.T @ g.ravel(), ref.ravel(), rtol=1e-10, atol=1e-10)
    # adjointness <Ax, g> = <x, A.T g>
    np.testing.assert_allclose(np.dot(a @ x.ravel(), g.ravel()), np.dot(x.ravel(), a.T @ g.ravel()),
                               rtol=1e-10, atol=1e-10)


def test_small_example_and_shapes():
    a = tc.conv_matrix((1, 5), np.array([[[1.0, 2.0, 3.0]]]), stride=2)
    np.testing.assert_array_equal(a, [[1, 2, 3, 0, 0], [0, 0, 1, 2, 3]])
    a2 = tc.conv_matrix((2, 4, 4), np.ones((3, 2, 3, 3)), padding=1)
    assert a2.shape == (3 * 16, 2 * 16)


def test_large_matrix_is_sparse_and_correct():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 3, 3, 3))
    a = tc.conv_matrix((3, 40, 40), w, padding=1)      # 6400 x 4800 > dense limit
    assert scipy.sparse.issparse(a)
    assert a.nnz <= 4 * 3 * 9 * 1600
    x = rng.standard_normal((3, 40, 40))
    np.testing.assert_allclose(a @ x.ravel(), tc.conv2d(x, w, padding=1).ravel(), rtol=1e-10,
                               atol=1e-10)


def test_sparse_flag_and_torch_backend(device):
    w = torch.arange(1.0, 10.0, dtype=torch.float64, device=device).reshape(1, 1, 3, 3)
    dense = tc.conv_matrix((1, 4, 4), w, stride=1)
    sparse = tc.conv_matrix((1, 4, 4), w, stride=1, sparse=True)
    assert isinstance(dense, torch.Tensor) and dense.layout == torch.strided
    assert sparse.layout == torch.sparse_coo and sparse.device.type == device.type
    torch.testing.assert_close(sparse.to_dense(), dense)
    x = torch.arange(16.0, dtype=torch.float64, device=device).reshape(1, 4, 4)
    torch.testing.assert_close(dense @ x.reshape(-1), F.conv2d(x, w).reshape(-1))
    np_sparse = tc.conv_matrix((1, 4, 4), w.cpu().numpy(), sparse=True)
    assert scipy.sparse.issparse(np_sparse)
    np.testing.assert_array_equal(np_sparse.toarray(), dense.cpu().numpy())


def test_explicit_zero_weights_are_stored():
    """A weight that is 0 is still an entry of A, so 0 * inf = nan as in a direct conv."""
    a = tc.conv_matrix((1, 4), np.array([[[0.0, 1.0]]]), sparse=True)
    assert a.nnz == 6


def test_dense_too_large_fails_at_once():
    with pytest.raises(ValueError, match=r"dense .* matrix .* sparse=True"):
        tc.conv_matrix((64, 128, 128), np.ones((64, 64, 3, 3), dtype=np.float32), sparse=False)


def test_even_sparse_too_large_fails_at_once(monkeypatch):
    import tconvlib._validate as v
    with pytest.raises(ValueError, match="sparse .* non-zeros .* GiB"):
        tc.conv_matrix((256, 512, 512), np.ones((256, 256, 3, 3), dtype=np.float32))
    monkeypatch.setattr(v, "MAX_BYTES", 10_000)
    with pytest.raises(ValueError, match="limit"):
        tc.conv_matrix((2, 20, 20), np.ones((2, 2, 3, 3)), sparse=True)


def test_dense_limit_constant_is_used(monkeypatch):
    monkeypatch.setattr(tm, "DENSE_MAX_ENTRIES", 10)
    assert scipy.sparse.issparse(tc.conv_matrix((1, 5), np.ones((1, 1, 3))))


def test_bad_input_shape():
    with pytest.raises(ValueError, match=r"input_shape \(1, 5, 5\) must be \(C_in, L\)"):
        tc.conv_matrix((1, 5, 5), np.ones((1, 1, 3)))
    with pytest.raises(TypeError, match="input_shape must be a tuple"):
        tc.conv_matrix(5, np.ones((1, 1, 3)))
    with pytest.raises(ValueError, match="input has 2 channels but weight expects C_in"):
        tc.conv_matrix((2, 5), np.ones((1, 1, 3)))
