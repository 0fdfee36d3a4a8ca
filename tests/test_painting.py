"""The painting helpers against torch: stamps, cropping, projective fields, counts."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import tconvlib as tc


def torch_tconv(x, w, **kw):
    """Single-channel transposed convolution in torch (float64), as numpy."""
    nd = np.ndim(x)
    fn = F.conv_transpose1d if nd == 1 else F.conv_transpose2d
    out = fn(torch.tensor(x)[None, None], torch.tensor(w)[None, None], **kw)
    return out[0, 0].numpy()


dim = st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 3), st.integers(0, 3),
                st.integers(0, 2), st.integers(1, 3))   # n, k, s, p, op, d


def valid(n, k, s, p, op, d):
    return op < max(s, d) and s * (n - 1) + d * (k - 1) + 1 - 2 * p + op >= 1


@settings(max_examples=120)
@given(st.lists(dim, min_size=1, max_size=2), st.integers(0, 2**16))
def test_sum_of_cropped_stamps_is_torch(dims, seed):
    dims = [d_ for d_ in dims if valid(*d_)]
    if not dims:
        return
    n, k, s, p, op, d = (tuple(c) for c in zip(*dims))
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(n), rng.standard_normal(k)
    st_ = tc.stamps(x, w, stride=s, dilation=d)
    assert st_.shape[:len(n)] == n
    canvas = st_.reshape((-1,) + st_.shape[len(n):]).sum(axis=0)
    got = tc.crop_canvas(canvas, padding=p, output_padding=op)
    ref = torch_tconv(x, w, stride=s, padding=p, output_padding=op, dilation=d)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_each_stamp_is_the_response_to_one_impulse():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((2, 3))
    st_ = tc.stamps(x, w, stride=(2, 3), dilation=(1, 2))
    for i, j in np.ndindex(3, 4):
        impulse = np.zeros((3, 4))
        impulse[i, j] = x[i, j]
        np.testing.assert_allclose(st_[i, j], torch_tconv(impulse, w, stride=(2, 3),
                                                          dilation=(1, 2)), atol=1e-14)


@settings(max_examples=120)
@given(dim, st.data())
def test_projective_field_is_the_support_of_an_impulse_response(params, data):
    if not valid(*params):
        return
    n, k, s, p, op, d = params
    i = data.draw(st.integers(0, n - 1))
    impulse = np.zeros(n)
    impulse[i] = 1.0
    response = torch_tconv(impulse, np.ones(k), stride=s, padding=p, output_padding=op,
                           dilation=d)
    assert tc.projective_field(i, n, k, s, p, op, d) == list(np.flatnonzero(response))


@settings(max_examples=120)
@given(st.lists(dim, min_size=1, max_size=2), st.integers(1, 3), st.integers(1, 3))
def test_multiplication_counts_by_brute_force(dims, c_in, c_out):
    dims = [d_ for d_ in dims if valid(*d_)]
    if not dims:
        return
    n, k, s, p, op, d = (tuple(c) for c in zip(*dims))
    nd = len(n)
    args = (n, k, s, p, op, d) if nd == 2 else tuple(v[0] for v in (n, k, s, p, op, d))
    got = tc.multiplication_counts(*args, in_channels=c_in, out_channels=c_out)
    # zero insertion, done for real on a 0/1 mask: the stride-1 conv over the stretched,
    # padded input with an all-ones kernel sums, at each output, the real samples it reads.
    mask = np.ones(n)
    ref_out = torch_tconv(mask, np.ones(k), stride=s, padding=p, output_padding=op, dilation=d)
    n_out = ref_out.shape
    assert got.painting == c_in * c_out * int(np.prod(n)) * int(np.prod(k))
    assert got.zero_insertion == c_in * c_out * int(np.prod(n_out)) * int(np.prod(k))
    assert got.zero_insertion_useful == c_in * c_out * int(ref_out.sum())
    assert got.zero_insertion_useful <= got.painting


def test_ratio_tends_to_stride_power_dimension():
    one = tc.multiplication_counts(1000, 3, 2, 1, 1)
    two = tc.multiplication_counts((100, 100), 3, 2, 1, 1)
    three = tc.multiplication_counts((100, 100), 4, 3)
    assert abs(one.ratio - 2) < 0.01 and abs(two.ratio - 4) < 0.01
    assert abs(three.ratio - 9) < 0.1


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: tc.stamps(np.ones((2, 2, 2)), np.ones((2, 2, 2))), ValueError, "1-D or 2-D"),
    (lambda: tc.stamps([1., 2.], np.ones((2, 2))), ValueError, "as many dimensions"),
    (lambda: tc.stamps([], [1.]), ValueError, "must not be empty"),
    (lambda: tc.stamps([1.], [1.], stride=0), ValueError, "stride"),
    (lambda: tc.crop_canvas([1., 2.], padding=1), ValueError, "nothing"),
    (lambda: tc.crop_canvas([1., 2.], padding=-1), ValueError, "padding"),
    (lambda: tc.projective_field(3, 3, 3), ValueError, r"i \(3\)"),
    (lambda: tc.projective_field(0, 3, 3, stride=2, output_padding=2), ValueError,
     "output_padding"),
    (lambda: tc.multiplication_counts(3, 3, in_channels=0), ValueError, "in_channels"),
    (lambda: tc.multiplication_counts(3, 3.0), TypeError, "kernel_size"),
])
def test_bad_input(call, error, fragment):
    with pytest.raises(error, match=fragment):
        call()


@pytest.mark.parametrize("n_stamps", [0, 1, 3, None])
def test_plot_painting_returns_the_output_so_far(n_stamps):
    from matplotlib.figure import Figure
    x, w = np.array([1., 2., -1.]), np.array([1., 2., 3.])
    ax = Figure().add_subplot()
    got = tc.plot_painting(ax, x, w, stride=2, padding=1, output_padding=1, n_stamps=n_stamps)
    part = x.copy()
    if n_stamps is not None:
        part[n_stamps:] = 0
    np.testing.assert_allclose(got, torch_tconv(part, w, stride=2, padding=1,
                                                output_padding=1), atol=1e-14)
    assert len(ax.get_yticklabels()) == len(x) + 1


def test_plot_painting_bad_input():
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match="n_stamps"):
        tc.plot_painting(ax, [1., 2.], [1.], n_stamps=3)
    with pytest.raises(ValueError, match="1-D"):
        tc.plot_painting(ax, np.ones((2, 2)), np.ones((2, 2)))


def test_plot_painting_redraws_in_place():
    """A second call on the same axes replaces the painting (an explorer's reused figure)."""
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    tc.plot_painting(ax, [1., 2., -1.], [1., 2., 3.], stride=2, padding=1)
    counts = len(ax.texts), len(ax.collections), len(ax.patches), len(ax.lines)
    tc.plot_painting(ax, [1., 2., -1.], [1., 2., 3.], stride=2, padding=1)
    assert (len(ax.texts), len(ax.collections), len(ax.patches), len(ax.lines)) == counts
    got = tc.plot_painting(ax, [3., 1.], [1., 1.], stride=1)          # another shape
    np.testing.assert_allclose(got, [3., 4., 1.])
    assert len(ax.get_yticklabels()) == 3 and ax.get_xlim() == (-0.5, 2.5)
    assert len(ax.patches) == 0                                      # nothing cropped now
    ax.cla()                                       # cleared axes (the referee's case)
    np.testing.assert_allclose(tc.plot_painting(ax, [1.], [1.]), [1.])
    ax.texts[0].remove()                           # one of its artists removed by the caller
    np.testing.assert_allclose(tc.plot_painting(ax, [1.], [2.]), [2.])
