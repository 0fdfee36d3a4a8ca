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
