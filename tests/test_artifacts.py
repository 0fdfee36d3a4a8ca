"""The checkerboard score: known values, invariances, Parseval, both backends, bad input."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import tconvlib as tc


def test_known_values():
    assert tc.checkerboard_score(np.ones((8, 8)), 2) == 0.0
    assert tc.checkerboard_score(np.zeros((8, 8)), 2) == 0.0
    board = np.indices((8, 8)).sum(0) % 2 * 2 - 1.0            # +1/-1 checkerboard
    assert tc.checkerboard_score(board, 2) == pytest.approx(1.0)
    # the overlap map of k=3, s=2, p=1 in 2-D: with p odd, the even phases get 1 and odd 4
    overlap = tc.overlap_count((16, 16), 3, 2, 1, output_padding=1).astype(float)
    np.testing.assert_allclose(tc.phase_means(overlap, 2, border=2), [[1, 2], [2, 4]])
    assert 0.3 < tc.checkerboard_score(overlap, 2) < 0.5
    # k divisible by s: even overlap in the interior
    even = tc.overlap_count((16, 16), 4, 2, 1).astype(float)
    assert tc.checkerboard_score(even, 2, border=1) == 0.0


@given(seed=st.integers(0, 2**16), s=st.integers(2, 4), scale=st.floats(0.1, 10))
def test_scale_invariant_and_parseval(seed, s, scale):
    rng = np.random.default_rng(seed)
    n = 4 * s
    x = rng.normal(size=(n, n)) + np.tile(rng.normal(size=(s, s)), (4, 4))
    score = tc.checkerboard_score(x, s)
    assert 0 <= score <= 1
    assert tc.checkerboard_score(scale * x, s) == pytest.approx(score)
    # numerator^2 = energy at the s-periodic frequencies (without DC), per sample (Parseval)
    spec = np.fft.fft2(x)
    mask = np.zeros((n, n), bool)
    mask[:: n // s, :: n // s] = True
    mask[0, 0] = False
    periodic = (np.abs(spec[mask]) ** 2).sum() / (n * n) ** 2
    rms = np.sqrt(np.mean(x * x))
    assert score == pytest.approx(np.sqrt(periodic) / rms, rel=1e-9)


def test_batch_average_and_1d():
    rng = np.random.default_rng(0)
    pattern = np.tile([1.0, -1.0], 8)
    batch = (rng.normal(size=(64, 16)) + pattern)[:, None, :]        # (N, C=1, L)
    # the shared pattern survives the batch average; each row alone is noisier
    assert tc.checkerboard_score(batch, 2, dims=1) > 0.6
    assert tc.checkerboard_score(rng.normal(size=(64, 1, 16)), 2, dims=1) < 0.05
    # the same rows read as 64 channels (torch's unbatched (C, L)) are scored one by one
    noisy = tc.checkerboard_score(batch[:, 0], 2, dims=1, channels="each")
    assert noisy.shape == (64,) and noisy.std() > 0.01


def test_torch_tensor_any_device(device):
    x = torch.tensor([[2.0, 1.0, 2.0, 1.0]], device=device)
    assert tc.checkerboard_score(x, 2, dims=1) == pytest.approx(np.sqrt(0.25 / 2.5))


@pytest.mark.parametrize("kw, exc, match", [
    (dict(x=np.ones(4), stride=2, dims=3), ValueError, r"dims \(3\)"),
    (dict(x=np.ones(4), stride=0, dims=1), ValueError, r"stride \(0\)"),
    (dict(x=np.ones(4), stride=2, dims=1, border=-1), ValueError, r"border \(-1\)"),
    (dict(x=np.ones(4), stride=2), ValueError, "at least dims=2"),
    (dict(x=np.ones((4, 4)), stride=3, border=1), ValueError, r"at least stride \(3\)"),
    (dict(x=np.ones(4), stride=1.5, dims=1), TypeError, "stride must be an int"),
    (dict(x=["a", "b"], stride=1, dims=1), TypeError, "real numbers"),
])
def test_bad_input(kw, exc, match):
    with pytest.raises(exc, match=match):
        tc.checkerboard_score(**kw)


def test_score_of_a_periodic_pattern_does_not_depend_on_the_crop():
    tile = np.tile(np.array([[4.0, 2.0], [2.0, 1.0]]), (9, 9))     # 18 x 18
    expected = np.sqrt(np.mean((tile[:2, :2] - 2.25) ** 2)) / 2.5
    for size in (17, 16, 15, 18):
        assert tc.checkerboard_score(tile[:size, :size], 2) == pytest.approx(expected, rel=1e-12)
    assert tc.checkerboard_score(tile[1:18, 1:18], 2) == pytest.approx(expected, rel=1e-12)


def test_per_channel_is_the_default_and_pooling_cancels():
    board = np.indices((8, 8)).sum(0) % 2 * 2 - 1.0
    x = np.stack([board, -board])[None]                               # (1, 2, 8, 8)
    assert tc.checkerboard_score(x, 2) == pytest.approx(1.0)
    assert tc.checkerboard_score(x, 2, channels="pooled") == pytest.approx(0.0)
    np.testing.assert_allclose(tc.checkerboard_score(x, 2, channels="each"), [1.0, 1.0])
    # a channel without pattern and an all-zero channel lower the mean
    y = np.stack([board, np.ones((8, 8)), np.zeros((8, 8))])          # unbatched (C, H, W)
    np.testing.assert_allclose(tc.checkerboard_score(y, 2, channels="each"), [1, 0, 0],
                               atol=1e-12)
    assert tc.checkerboard_score(y, 2) == pytest.approx(1 / 3)


@given(seed=st.integers(0, 2**16), c=st.integers(1, 4), s=st.integers(2, 3))
def test_each_channel_is_the_single_channel_score(seed, c, s):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, c, 2 * s, 3 * s)) + rng.normal(size=(1, c, 1, 1))
    each = tc.checkerboard_score(x, s, channels="each")
    for ch in range(c):
        assert each[ch] == pytest.approx(tc.checkerboard_score(x[:, ch:ch + 1], s), rel=1e-12)
    assert tc.checkerboard_score(x, s) == pytest.approx(each.mean(), rel=1e-12)
    v = tc.checkerboard_variance_score(x, s, channels="each")
    assert v.shape == (c,) and np.all((0 <= v) & (v <= 1 + 1e-12))


def test_variance_score_sees_what_the_mean_score_cannot():
    # equal phase means (0) but unequal phase energies: invisible to the first-moment score
    rng = np.random.default_rng(1)
    amp = np.tile(np.array([[1.0, 3.0], [2.0, 0.5]]), (8, 8))
    x = rng.choice([-1.0, 1.0], size=(256, 1, 16, 16)) * amp
    assert tc.checkerboard_score(x, 2) < 0.02
    m2 = np.array([1.0, 9.0, 4.0, 0.25])
    expected = np.sqrt(np.mean((m2 - m2.mean()) ** 2)) / (m2.mean() * np.sqrt(3))
    assert tc.checkerboard_variance_score(x, 2) == pytest.approx(expected, rel=1e-12)
    # all energy in one phase scores 1; equal energies 0; scale does not matter
    one = np.zeros((4, 4)); one[::2, ::2] = 5.0
    assert tc.checkerboard_variance_score(one, 2) == pytest.approx(1.0)
    assert tc.checkerboard_variance_score(np.ones((4, 4)), 2) == 0.0
    assert tc.checkerboard_variance_score(np.zeros((4, 4)), 2) == 0.0
    assert tc.checkerboard_variance_score(7 * x, 2) == pytest.approx(
        tc.checkerboard_variance_score(x, 2))


def test_channels_mode_is_validated():
    with pytest.raises(ValueError, match=r"channels \('all'\) must be one of"):
        tc.checkerboard_score(np.ones((4, 4)), 2, channels="all")
    with pytest.raises(ValueError, match=r"channels \('x'\)"):
        tc.checkerboard_variance_score(np.ones((4, 4)), 2, channels="x")
