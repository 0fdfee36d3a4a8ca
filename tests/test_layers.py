"""The torch upsampling modules: shapes, ICNR at init, blur, gradients, multiply-adds."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tconvlib as tc
from conftest import run_fresh_python


def test_layers_are_lazy_and_listed():
    code = ("import sys, tconvlib; assert 'torch' not in sys.modules; "
            "assert 'SubPixelConv2d' in tconvlib.__all__; "
            "assert 'SubPixelConv2d' in dir(tconvlib); "
            "L = tconvlib.SubPixelConv2d; print('torch' in sys.modules)")
    assert run_fresh_python(code) == "True"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        tc.Nope


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_resize_conv_shape_and_values(mode, device):
    torch.manual_seed(0)
    layer = tc.ResizeConv2d(3, 2, kernel_size=5, scale_factor=3, mode=mode).double().to(device)
    x = torch.randn(2, 3, 4, 5, dtype=torch.float64, device=device)
    y = layer(x)
    assert y.shape == (2, 2, 12, 15) and y.device == x.device
    want = tc.resize_conv2d(x, layer.conv.weight, layer.conv.bias, 3, mode)
    torch.testing.assert_close(y, want, rtol=1e-12, atol=1e-12)


def test_subpixel_is_blockwise_constant_at_init_and_learns(device):
    torch.manual_seed(0)
    layer = tc.SubPixelConv2d(3, 2, kernel_size=3, upscale_factor=2).double().to(device)
    x = torch.randn(2, 3, 5, 6, dtype=torch.float64, device=device)
    y = layer(x)
    assert y.shape == (2, 2, 10, 12)
    blocks = y.reshape(2, 2, 5, 2, 6, 2)
    assert torch.equal(blocks, blocks[:, :, :, :1, :, :1].expand_as(blocks))
    # at init it equals: conv with one filter per group, then nearest upsampling
    sub_w, sub_b = layer.conv.weight[::4], layer.conv.bias[::4]
    want = F.interpolate(F.conv2d(x, sub_w, sub_b, padding=1), scale_factor=2, mode="nearest")
    torch.testing.assert_close(y, want, rtol=1e-12, atol=1e-12)
    y.square().sum().backward()
    assert layer.conv.weight.grad is not None and layer.conv.weight.grad.abs().sum() > 0


def test_subpixel_dcr_order_is_blockwise_constant_at_init():
    torch.manual_seed(0)
    layer = tc.SubPixelConv2d(2, 3, kernel_size=3, upscale_factor=2, order="DCR").double()
    assert "order='DCR'" in repr(layer)
    x = torch.randn(1, 2, 5, 4, dtype=torch.float64)
    y = layer(x).detach()
    blocks = y.reshape(1, 3, 5, 2, 4, 2)
    assert torch.equal(blocks, blocks[:, :, :, :1, :, :1].expand_as(blocks))
    v = layer.conv.weight.detach()
    assert torch.equal(v[:3], v[3:6])                      # DCR: the 3 filters tiled 4 times
    want = tc.pixel_shuffle(F.conv2d(x, v, layer.conv.bias.detach(), padding=1), 2, order="DCR")
    assert torch.equal(y, want)
    with pytest.raises(ValueError, match="order"):
        tc.SubPixelConv2d(1, 1, order="NHWC")


@pytest.mark.parametrize("blur", ["binomial", "box", "triangle"])
def test_blurred_conv_transpose_shape_and_flat_response(blur):
    torch.manual_seed(0)
    layer = tc.BlurredConvTranspose2d(2, 3, kernel_size=3, stride=2, padding=1, output_padding=1,
                                      blur=blur).double()
    plain = torch.nn.ConvTranspose2d(2, 3, 3, 2, padding=1, output_padding=1).double()
    plain.load_state_dict(layer.conv.state_dict())
    x = torch.ones(1, 2, 8, 8, dtype=torch.float64)
    y, y0 = layer(x), plain(x)
    assert y.shape == y0.shape == (1, 3, 16, 16)
    # the blur equals tconvlib's blur2d on the transposed conv's output
    torch.testing.assert_close(y, tc.blur2d(y0, blur), rtol=1e-12, atol=1e-12)
    # the plain layer's flat response has a checkerboard, the blurred one has none inside
    assert tc.checkerboard_score(y0, 2, border=3) > 0.01
    assert tc.checkerboard_score(y, 2, border=3) < 1e-12


def test_learnable_blur_gets_gradients_and_custom_taps():
    torch.manual_seed(0)
    layer = tc.BlurredConvTranspose2d(2, 2, 4, 2, padding=1, learnable=True)
    assert isinstance(layer.blur, torch.nn.Parameter)
    layer(torch.randn(1, 2, 4, 4)).square().sum().backward()
    assert layer.blur.grad is not None and layer.conv.weight.grad is not None
    custom = tc.BlurredConvTranspose2d(1, 1, 2, 2, blur=[1.0, 1.0])
    assert torch.allclose(custom.blur, torch.full((2, 2), 0.25))
    assert "blur=" in repr(custom)


def test_gradients_flow_through_every_layer():
    torch.manual_seed(0)
    for layer in (tc.ResizeConv2d(2, 2), tc.ResizeConv2d(2, 2, mode="bilinear"),
                  tc.SubPixelConv2d(2, 2), tc.BlurredConvTranspose2d(2, 2, 4, 2, 1)):
        x = torch.randn(1, 2, 5, 5, requires_grad=True)
        out = layer(x)
        assert out.shape[-2:] == (10, 10)
        out.sum().backward()
        assert x.grad is not None and x.grad.abs().sum() > 0
        assert all(p.grad is not None for p in layer.parameters())


def test_multiply_adds_by_hand():
    x = torch.zeros(1, 4, 6, 6)
    assert tc.multiply_adds(tc.ResizeConv2d(4, 2), x) == 12 * 12 * 2 * 4 * 9
    assert tc.multiply_adds(tc.SubPixelConv2d(4, 2), x) == 6 * 6 * 8 * 4 * 9
    assert tc.multiply_adds(torch.nn.ConvTranspose2d(4, 2, 4, 2, 1), x) == 6 * 6 * 4 * 2 * 16
    blurred = tc.BlurredConvTranspose2d(4, 2, 4, 2, 1)
    assert tc.multiply_adds(blurred, x) == 6 * 6 * 4 * 2 * 16 + 12 * 12 * 2 * 9
    assert tc.multiply_adds(torch.nn.Linear(3, 5), torch.zeros(2, 3)) == 30
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        tc.multiply_adds(lambda t: t, x)


def test_layer_bad_arguments():
    with pytest.raises(ValueError, match=r"kernel_size \(4\) must be odd"):
        tc.ResizeConv2d(1, 1, kernel_size=4)
    with pytest.raises(ValueError, match=r"mode \('area'\)"):
        tc.ResizeConv2d(1, 1, mode="area")
    with pytest.raises(ValueError, match=r"upscale_factor \(0\)"):
        tc.SubPixelConv2d(1, 1, upscale_factor=0)
    with pytest.raises(TypeError, match="in_channels must be an int"):
        tc.SubPixelConv2d(1.5, 1)
    with pytest.raises(ValueError, match=r"output_padding \(2\) must be smaller than stride \(2\)"):
        tc.BlurredConvTranspose2d(1, 1, 3, 2, output_padding=2)
    with pytest.raises(ValueError, match=r"blur \('gauss'\)"):
        tc.BlurredConvTranspose2d(1, 1, 3, 2, blur="gauss")
    with pytest.raises(ValueError, match="blur taps must be"):
        tc.BlurredConvTranspose2d(1, 1, 3, 2, blur=[1.0, -1.0])
