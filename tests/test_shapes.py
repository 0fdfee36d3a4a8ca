"""output_size and conv_output_size against torch, exhaustively on a grid."""

import itertools

import pytest
import torch
import torch.nn.functional as F

import tconvlib as tc


def test_output_size_matches_torch_on_a_grid():
    checked = 0
    for n, k, s, p, d in itertools.product(range(1, 6), range(1, 5), range(1, 4), range(3),
                                           range(1, 3)):
        for op in range(max(s, d)):
            try:
                ref = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s,
                                         padding=p, output_padding=op, dilation=d).shape[-1]
            except RuntimeError:
                with pytest.raises(ValueError, match="output would be empty"):
                    tc.output_size(n, k, s, p, op, d)
                continue
            assert tc.output_size(n, k, s, p, op, d) == ref
            checked += 1
    assert checked > 700


def test_conv_output_size_matches_torch_on_a_grid():
    for n, k, s, p, d in itertools.product(range(1, 8), range(1, 5), range(1, 4), range(3),
                                           range(1, 3)):
        try:
            ref = F.conv1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s, padding=p,
                           dilation=d).shape[-1]
        except RuntimeError:
            with pytest.raises(ValueError, match="output would be empty"):
                tc.conv_output_size(n, k, s, p, d)
            continue
        assert tc.conv_output_size(n, k, s, p, d) == ref


def test_the_classic_wrong_six_by_six():
    # 3x3 input, 3x3 kernel, stride 2, padding 1 gives 5, not 6; op=1 gives 6
    assert tc.output_size(3, 3, stride=2, padding=1) == 5
    assert tc.output_size(3, 3, stride=2, padding=1, output_padding=1) == 6


def test_floor_makes_conv_sizes_ambiguous():
    assert {tc.conv_output_size(n, 3, 2, 1) for n in (5, 6)} == {3}


# -- output_padding_for: the solver -------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def torch_sizes(n, k, s, p, d):
    """{output size: output_padding} for every output_padding that torch accepts."""
    sizes = {}
    for op in range(0, max(s, d) + 2):
        try:
            out = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s,
                                     padding=p, output_padding=op, dilation=d).shape[-1]
        except RuntimeError:
            continue
        sizes[out] = op
    return sizes


params_1d = st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(1, 4), st.integers(0, 4),
                      st.integers(1, 3))


@settings(max_examples=150)
@given(params_1d, st.integers(1, 30))
def test_output_padding_for_matches_torch(params, target):
    n, k, s, p, d = params
    reachable = torch_sizes(n, k, s, p, d)
    if target in reachable:
        assert tc.output_padding_for(n, target, k, s, p, d) == reachable[target]
    else:
        with pytest.raises(ValueError, match="no output_padding reaches target"):
            tc.output_padding_for(n, target, k, s, p, d)


def test_torch_accepts_output_padding_below_stride_or_dilation_only():
    # the rule the solver relies on: op < max(stride, dilation)
    for s, d in itertools.product(range(1, 4), range(1, 4)):
        accepted = set(torch_sizes(4, 3, s, 0, d).values())
        assert accepted == set(range(max(s, d)))


def test_output_padding_for_pairs():
    assert tc.output_padding_for((3, 4), (6, 7), kernel_size=3, stride=2, padding=1) == (1, 0)
    assert tc.output_padding_for((3,), (6,), kernel_size=(3,), stride=2, padding=1) == (1,)
    with pytest.raises(ValueError, match="in dimension 1"):
        tc.output_padding_for((3, 4), (6, 9), kernel_size=3, stride=2, padding=1)


@pytest.mark.parametrize("target, fragment", [(4, "1 too small"), (7, "1 too large"),
                                              (12, "6 too large")])
def test_output_padding_for_explains_why(target, fragment):
    with pytest.raises(ValueError, match="reachable sizes are 5..6") as err:
        tc.output_padding_for(3, target, kernel_size=3, stride=2, padding=1)
    assert fragment in str(err.value)


def test_output_padding_for_when_every_output_is_empty():
    with pytest.raises(ValueError, match="empty for every allowed op"):
        tc.output_padding_for(1, 1, kernel_size=1, stride=2, padding=2)


@pytest.mark.parametrize("kwargs, error, fragment", [
    (dict(n_in=3.0), TypeError, "n_in must be an int"),
    (dict(target=0), ValueError, r"target \(0\) must be a positive integer"),
    (dict(stride=0), ValueError, r"stride \(0\) must be a positive integer"),
    (dict(padding=-1), ValueError, r"padding \(-1\) must be a non-negative"),
    (dict(kernel_size=(3, 3, 3)), ValueError, "same length, 1 or 2"),
    (dict(n_in=(3, 3), target=(6, 6, 6)), ValueError, "same length"),
])
def test_output_padding_for_bad_input(kwargs, error, fragment):
    args = dict(n_in=3, target=6, kernel_size=3, stride=2, padding=1)
    args.update(kwargs)
    with pytest.raises(error, match=fragment):
        tc.output_padding_for(**args)


# -- conv_input_sizes: the families -------------------------------------------------------------

@settings(max_examples=100)
@given(st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.integers(0, 3),
       st.integers(1, 3))
def test_conv_input_sizes_match_torch(m, k, s, p, d):
    family = []
    for n in range(1, s * m + d * k + 2):
        if n + 2 * p < d * (k - 1) + 1:
            continue
        out = F.conv1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=s, padding=p,
                       dilation=d).shape[-1]
        if out == m:
            family.append(n)
    assert list(tc.conv_input_sizes(m, k, s, p, d)) == family
    for op, n in enumerate(tc.conv_input_sizes(m, k, s, p, d)):
        assert op < s
        if tc.conv_input_sizes(m, k, s, p, d).start == s * (m - 1) + d * (k - 1) + 1 - 2 * p:
            assert tc.output_size(m, k, s, p, op, d) == n


def test_conv_input_sizes_bad_input():
    with pytest.raises(ValueError, match=r"n_out \(0\)"):
        tc.conv_input_sizes(0, 3)
    with pytest.raises(TypeError, match="kernel_size"):
        tc.conv_input_sizes(2, "3")


# -- decoder_params: undo an encoder's shapes ---------------------------------------------------

@settings(max_examples=100)
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(1, 4), st.integers(1, 3),
                          st.integers(0, 2), st.integers(1, 2)), min_size=2, max_size=2))
def test_decoder_params_undo_the_encoder_in_torch(dims):
    (h, kh, sh, ph, dh), (w_, kw, sw, pw, dw) = dims
    if h + 2 * ph < dh * (kh - 1) + 1 or w_ + 2 * pw < dw * (kw - 1) + 1:
        with pytest.raises(ValueError, match="output would be empty"):
            tc.decoder_params((h, w_), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
        return
    enc = torch.nn.Conv2d(1, 2, (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    params = tc.decoder_params((h, w_), (kh, kw), (sh, sw), (ph, pw), (dh, dw))
    dec = torch.nn.ConvTranspose2d(2, 1, **params)
    x = torch.ones(1, 1, h, w_)
    assert dec(enc(x)).shape == x.shape


def test_decoder_params_1d():
    assert tc.decoder_params(6, kernel_size=3, stride=2, padding=1) == dict(
        kernel_size=3, stride=2, padding=1, output_padding=1, dilation=1)
    assert tc.decoder_params(5, kernel_size=3, stride=2, padding=1)["output_padding"] == 0


def test_decoder_params_bad_input():
    with pytest.raises(ValueError, match="output would be empty"):
        tc.decoder_params(2, kernel_size=5)
    with pytest.raises(TypeError, match="stride"):
        tc.decoder_params(6, kernel_size=3, stride=1.5)


# -- upsampling_recipes -------------------------------------------------------------------------

@pytest.mark.parametrize("scale, dilation", [(1, 1), (2, 1), (3, 1), (4, 1), (2, 2), (3, 2)])
def test_upsampling_recipes_are_exactly_the_configs_that_scale(scale, dilation):
    kmax = 2 * scale + 1
    found = set()
    for k, p, op in itertools.product(range(1, kmax + 1), range(0, kmax + 1),
                                      range(max(scale, dilation))):
        ok = True
        for n in (1, 2, 5):
            try:
                out = F.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, k), stride=scale,
                                         padding=p, output_padding=op,
                                         dilation=dilation).shape[-1]
            except RuntimeError:
                ok = False
                break
            ok = ok and out == scale * n
        if ok:
            found.add((k, scale, p, op, dilation))
    recipes = tc.upsampling_recipes(scale, dilation=dilation)
    assert {r[:5] for r in recipes} == found
    assert len(found) > 0


@pytest.mark.parametrize("scale, dilation", [(2, 1), (3, 1), (4, 1), (2, 3), (4, 2)])
def test_upsampling_recipes_even_flag_matches_the_overlap_map(scale, dilation):
    for r in tc.upsampling_recipes(scale, max_kernel_size=3 * scale, dilation=dilation):
        counts = tc.overlap_count(40, r.kernel_size, r.stride, r.padding, r.output_padding,
                                  r.dilation)
        margin = r.dilation * (r.kernel_size - 1) + r.padding + scale   # away from borders
        interior = counts[margin: -margin]
        assert len(interior) >= 2 * scale
        assert sorted(set(interior)) == sorted(set(r.taps_per_phase))
        # phase by phase, in output coordinates: output o belongs to phase o mod s
        for o in range(margin, len(counts) - margin):
            assert counts[o] == r.taps_per_phase[o % scale], (r, o)
        assert r.even == (len(set(interior)) == 1)
        assert r.holes == (0 in set(interior))
        assert tc.output_size(5, **r.kwargs()) == 5 * scale


def test_upsampling_recipes_phases_follow_the_padding():
    # k = 3, s = 2: canvas phase 0 gets taps w0, w2 and phase 1 gets w1; p = 1 crops one
    # sample, so output phase 0 is canvas phase 1 (one tap) and output phase 1 gets two
    by_kp = {(r.kernel_size, r.padding): r for r in tc.upsampling_recipes(2)}
    assert by_kp[3, 1].taps_per_phase == (1, 2)
    assert by_kp[5, 2].taps_per_phase == (3, 2)          # p = 2: back to canvas order
    assert by_kp[1, 0].holes and not by_kp[2, 0].holes and not by_kp[3, 1].holes
    three = {(r.kernel_size, r.padding): r for r in tc.upsampling_recipes(3)}
    assert three[2, 0].taps_per_phase == (1, 1, 0) and three[2, 0].holes
    assert three[4, 1].taps_per_phase == (1, 1, 2)


def test_upsampling_recipes_include_the_classics():
    two = {(r.kernel_size, r.padding, r.output_padding) for r in tc.upsampling_recipes(2)}
    assert {(4, 1, 0), (3, 1, 1), (2, 0, 0)} <= two
    for s in (2, 4, 6):     # k = 2s, p = s/2 for even s
        assert any(r.kernel_size == 2 * s and r.padding == s // 2 and r.output_padding == 0
                   for r in tc.upsampling_recipes(s, max_kernel_size=2 * s))


@pytest.mark.parametrize("kwargs, error", [(dict(scale=0), ValueError),
                                           (dict(scale=2.0), TypeError),
                                           (dict(scale=2, dilation=0), ValueError),
                                           (dict(scale=2, max_kernel_size=0), ValueError)])
def test_upsampling_recipes_bad_input(kwargs, error):
    with pytest.raises(error):
        tc.upsampling_recipes(**kwargs)
