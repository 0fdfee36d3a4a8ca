"""pixel_shuffle / pixel_unshuffle against torch, both backends."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import tconvlib as tc


@given(r=st.integers(1, 4), c=st.integers(1, 3), h=st.integers(1, 4), w=st.integers(1, 4),
       lead=st.lists(st.integers(1, 2), max_size=2))
def test_shuffle_matches_torch_numpy_and_torch(r, c, h, w, lead):
    x = np.arange(np.prod(lead, dtype=int) * c * r * r * h * w).reshape(*lead, c * r * r, h, w)
    want = F.pixel_shuffle(torch.from_numpy(x), r).numpy()
    got = tc.pixel_shuffle(x, r)
    assert got.dtype == x.dtype and np.array_equal(got, want)
    t = torch.from_numpy(x).double()
    assert torch.equal(tc.pixel_shuffle(t, r), F.pixel_shuffle(t, r))
    # and back
    assert np.array_equal(tc.pixel_unshuffle(got, r), x)
    assert np.array_equal(tc.pixel_unshuffle(got, r), F.pixel_unshuffle(torch.from_numpy(got), r).numpy())


def test_index_formula():
    r, c = 3, 2
    x = np.random.default_rng(0).normal(size=(c * r * r, 4, 5))
    y = tc.pixel_shuffle(x, r)
    for ch in range(c):
        for i, j, a, b in [(0, 0, 0, 0), (1, 2, 2, 1), (3, 4, 1, 2)]:
            assert y[ch, r * i + a, r * j + b] == x[ch * r * r + a * r + b, i, j]


def test_unshuffle_matches_torch_on_torch_tensors(device):
    if True:
        t = torch.arange(2 * 3 * 6 * 4, dtype=torch.float64, device=device).reshape(2, 3, 6, 4)
        got = tc.pixel_unshuffle(t, 2)
        assert got.device == t.device and torch.equal(got, F.pixel_unshuffle(t, 2))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: tc.pixel_shuffle(np.zeros((3, 2, 2)), 2), ValueError, r"channel count \(3\).*divisible by upscale_factor\*\*2 \(2\*\*2 = 4\)"),
    (lambda: tc.pixel_shuffle(np.zeros((4, 2)), 2), ValueError, "at least 3 dimensions"),
    (lambda: tc.pixel_shuffle(np.zeros((4, 2, 2)), 0), ValueError, r"upscale_factor \(0\) must be a positive"),
    (lambda: tc.pixel_shuffle(np.zeros((4, 2, 2)), 2.0), TypeError, "upscale_factor must be an int"),
    (lambda: tc.pixel_unshuffle(np.zeros((1, 5, 4)), 2), ValueError, r"spatial size \(5, 4\).*divisible by downscale_factor \(2\)"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# -- channel layouts: CRD (PyTorch, ONNX mode="CRD") and DCR (TensorFlow, ONNX default) -------

def _onnx_depth_to_space(x, r, mode):
    """numpy transcription of the ONNX DepthToSpace operator definition (batch N, C, H, W)."""
    n, c, h, w = x.shape
    if mode == "DCR":
        tmp = x.reshape(n, r, r, c // (r * r), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        tmp = x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3)
    return tmp.reshape(n, c // (r * r), h * r, w * r)


def _onnx_space_to_depth(y, r):
    """numpy transcription of ONNX SpaceToDepth (the inverse of DepthToSpace in DCR mode)."""
    n, c, h, w = y.shape
    tmp = y.reshape(n, c, h // r, r, w // r, r).transpose(0, 3, 5, 1, 2, 4)
    return tmp.reshape(n, c * r * r, h // r, w // r)


@given(r=st.integers(1, 4), c=st.integers(1, 3), h=st.integers(1, 4), w=st.integers(1, 4),
       n=st.integers(1, 2), seed=st.integers(0, 2 ** 16))
def test_crd_matches_torch_in_float64(r, c, h, w, n, seed):
    x = np.random.default_rng(seed).standard_normal((n, c * r * r, h, w))
    t = torch.from_numpy(x)
    assert np.array_equal(tc.pixel_shuffle(x, r, order="CRD"), F.pixel_shuffle(t, r).numpy())
    assert torch.equal(tc.pixel_shuffle(t, r, order="CRD"), F.pixel_shuffle(t, r))
    assert np.array_equal(tc.pixel_shuffle(x, r, order="CRD"), _onnx_depth_to_space(x, r, "CRD"))
    y = F.pixel_shuffle(t, r)
    assert torch.equal(tc.pixel_unshuffle(y, r, order="CRD"), F.pixel_unshuffle(y, r))


@given(r=st.integers(1, 4), c=st.integers(1, 3), h=st.integers(1, 4), w=st.integers(1, 4),
       n=st.integers(1, 2), seed=st.integers(0, 2 ** 16))
def test_dcr_matches_the_onnx_definition(r, c, h, w, n, seed):
    x = np.random.default_rng(seed).standard_normal((n, c * r * r, h, w))
    want = _onnx_depth_to_space(x, r, "DCR")
    got = tc.pixel_shuffle(x, r, order="DCR")
    assert got.dtype == x.dtype and np.array_equal(got, want)
    assert torch.equal(tc.pixel_shuffle(torch.from_numpy(x), r, order="DCR"), torch.from_numpy(want))
    # the inverse, against ONNX SpaceToDepth, and the round trip
    back = tc.pixel_unshuffle(want, r, order="DCR")
    assert np.array_equal(back, _onnx_space_to_depth(want, r)) and np.array_equal(back, x)
    assert torch.equal(tc.pixel_unshuffle(torch.from_numpy(want), r, order="DCR"), torch.from_numpy(x))


def test_dcr_index_formula_and_unbatched():
    r, c = 3, 2
    x = np.random.default_rng(0).normal(size=(c * r * r, 4, 5))
    y = tc.pixel_shuffle(x, r, order="DCR")
    for ch in range(c):
        for i, j, a, b in [(0, 0, 0, 0), (1, 2, 2, 1), (3, 4, 1, 2)]:
            assert y[ch, r * i + a, r * j + b] == x[(a * r + b) * c + ch, i, j]
    # for one output channel the two layouts coincide; for more they differ
    one = x[: r * r]
    assert np.array_equal(tc.pixel_shuffle(one, r, order="DCR"), tc.pixel_shuffle(one, r))
    assert not np.array_equal(y, tc.pixel_shuffle(x, r))


def test_dcr_keeps_device_and_dtype(device):
    t = torch.arange(2 * 8 * 3 * 2, dtype=torch.float32, device=device).reshape(2, 8, 3, 2)
    got = tc.pixel_shuffle(t, 2, order="DCR")
    assert got.device == t.device and got.dtype == t.dtype
    assert torch.equal(tc.pixel_unshuffle(got, 2, order="DCR"), t)


@pytest.mark.parametrize("fn", [tc.pixel_shuffle, tc.pixel_unshuffle])
@pytest.mark.parametrize("order", ["crd", "NCHW", None, 1])
def test_bad_order(fn, order):
    with pytest.raises(ValueError, match=r"order \(.*\) must be one of 'CRD', 'DCR'"):
        fn(np.zeros((1, 4, 2, 2)), 2, order=order)
