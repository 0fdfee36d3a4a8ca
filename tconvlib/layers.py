"""Upsampling layers without (or with fewer) checkerboard artifacts, as ``torch.nn`` modules.

This module imports torch; ``import tconvlib`` does not (the names are loaded lazily on first
use, so numpy-only users never import torch).

- :class:`ResizeConv2d`: nearest/bilinear upsampling, then a stride-1 convolution.
- :class:`SubPixelConv2d`: a stride-1 convolution to ``C * r**2`` channels, then pixel shuffle,
  ICNR-initialized (:func:`tconvlib.remedies.icnr_`).
- :class:`BlurredConvTranspose2d`: a transposed convolution followed by a fixed (or learnable)
  depthwise low-pass filter.
- :func:`multiply_adds`: multiply-add count of a model on one input, from forward hooks.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._validate import as_int, positive_int as _positive
from .remedies import BLUR_KINDS, UPSAMPLE_MODES, blur_kernel, icnr_
from .subpixel import channel_order, pixel_shuffle

__all__ = ["ResizeConv2d", "SubPixelConv2d", "BlurredConvTranspose2d", "multiply_adds"]


def _odd_kernel(kernel_size):
    k = _positive("kernel_size", kernel_size)
    if k % 2 == 0:
        raise ValueError(f"kernel_size ({k}) must be odd so that 'same' padding is symmetric "
                         f"(an even kernel shifts the output by half a pixel)")
    return k


class ResizeConv2d(nn.Module):
    """Resize-convolution: upsample by ``scale_factor``, then a stride-1 ``k x k`` convolution.

    The output is ``(N, out_channels, H * r, W * r)``; the convolution uses 'same' zero padding
    ``k // 2`` (odd ``k``). Bilinear upsampling uses ``align_corners=False``.

    Examples
    --------
    >>> import torch
    >>> layer = ResizeConv2d(4, 2)
    >>> layer(torch.zeros(1, 4, 5, 7)).shape
    torch.Size([1, 2, 10, 14])
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, scale_factor=2, mode="nearest"):
        super().__init__()
        in_channels = _positive("in_channels", in_channels)
        out_channels = _positive("out_channels", out_channels)
        k = _odd_kernel(kernel_size)
        self.scale_factor = _positive("scale_factor", scale_factor)
        if mode not in UPSAMPLE_MODES:
            raise ValueError(f"mode ({mode!r}) must be one of "
                             f"{', '.join(map(repr, UPSAMPLE_MODES))}")
        self.mode = mode
        self.conv = nn.Conv2d(in_channels, out_channels, k, padding=k // 2)

    def forward(self, x):
        extra = {} if self.mode == "nearest" else {"align_corners": False}
        x = F.interpolate(x, scale_factor=self.scale_factor, mode=self.mode, **extra)
        return self.conv(x)

    def extra_repr(self):
        return f"scale_factor={self.scale_factor}, mode={self.mode!r}"


class SubPixelConv2d(nn.Module):
    """Sub-pixel convolution: conv to ``out_channels * r**2`` channels, then pixel shuffle.

    The ``k x k`` convolution (stride 1, 'same' padding ``k // 2``, odd ``k``) runs at the *input*
    resolution; :func:`torch.nn.functional.pixel_shuffle` then moves each group of ``r**2``
    channels into an ``r x r`` block. The weight is ICNR-initialized (each group holds ``r**2``
    copies of one filter, initialized by PyTorch's default conv init) and the bias is made equal
    within each group too, so at initialization the output is constant on every ``r x r`` block:
    exactly "conv in low resolution, then nearest-neighbour upsampling".

    ``order="DCR"`` uses TensorFlow's / ONNX's default channel layout for the shuffle (see
    :func:`tconvlib.pixel_shuffle`) and the ICNR that matches it; the default ``"CRD"`` is
    PyTorch's.

    Examples
    --------
    >>> import torch
    >>> layer = SubPixelConv2d(3, 2, upscale_factor=3)
    >>> y = layer(torch.randn(1, 3, 4, 4))
    >>> y.shape
    torch.Size([1, 2, 12, 12])
    >>> bool((y[..., :3, :3] == y[..., :1, :1]).all())   # one constant 3x3 block
    True
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, upscale_factor=2, order="CRD"):
        super().__init__()
        self.order = channel_order(order)
        in_channels = _positive("in_channels", in_channels)
        out_channels = _positive("out_channels", out_channels)
        k = _odd_kernel(kernel_size)
        self.upscale_factor = r = _positive("upscale_factor", upscale_factor)
        self.conv = nn.Conv2d(in_channels, out_channels * r * r, k, padding=k // 2)
        self.reset_parameters()

    def reset_parameters(self):
        """Default conv init for one filter per group, then ICNR (weight and bias)."""
        self.conv.reset_parameters()
        icnr_(self.conv.weight, self.upscale_factor, order=self.order)
        icnr_(self.conv.bias, self.upscale_factor, order=self.order)

    def forward(self, x):
        if self.order == "CRD":
            return F.pixel_shuffle(self.conv(x), self.upscale_factor)
        return pixel_shuffle(self.conv(x), self.upscale_factor, order=self.order)

    def extra_repr(self):
        extra = "" if self.order == "CRD" else f", order={self.order!r}"
        return f"upscale_factor={self.upscale_factor}{extra}"


class BlurredConvTranspose2d(nn.Module):
    """A transposed convolution followed by a depthwise low-pass filter (same output size).

    ``blur`` names the filter (see :func:`tconvlib.remedies.blur_kernel`; sizes default to the
    ``stride``): ``'binomial'`` (``[1, 2, 1] / 4``, zero at the stride-2 checkerboard frequency),
    ``'box'`` (width ``stride``, zero at every stride-``s`` checkerboard frequency),
    ``'triangle'`` (box convolved with itself) or 1-D taps. With ``learnable=True`` the 2-D
    filter (shared by all channels, initialized from ``blur``) is a parameter, renormalized to
    sum 1 at every call. The blur pads with *normalized* zeros (see
    :func:`tconvlib.remedies.blur2d`), so a constant image stays constant up to the border.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, stride, padding, output_padding
        As in :class:`torch.nn.ConvTranspose2d` (ints).
    blur : {'binomial', 'box', 'triangle'} or 1-D taps
    blur_size : int, optional
        Number of taps of a named blur.
    learnable : bool

    Examples
    --------
    >>> import torch
    >>> layer = BlurredConvTranspose2d(4, 2, kernel_size=3, stride=2, padding=1, output_padding=1)
    >>> layer(torch.zeros(1, 4, 5, 5)).shape
    torch.Size([1, 2, 10, 10])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding=0,
                 output_padding=0, blur="binomial", *, blur_size=None, learnable=False):
        super().__init__()
        in_channels = _positive("in_channels", in_channels)
        out_channels = _positive("out_channels", out_channels)
        kernel_size = _positive("kernel_size", kernel_size)
        stride = _positive("stride", stride)
        padding, output_padding = as_int("padding", padding), as_int("output_padding",
                                                                     output_padding)
        if padding < 0 or output_padding < 0:
            raise ValueError(f"padding ({padding}) and output_padding ({output_padding}) must "
                             f"be non-negative")
        if output_padding >= stride:
            raise ValueError(f"output_padding ({output_padding}) must be smaller than stride "
                             f"({stride})")
        if isinstance(blur, str):
            if blur not in BLUR_KINDS:
                raise ValueError(f"blur ({blur!r}) must be one of "
                                 f"{', '.join(map(repr, BLUR_KINDS))} or 1-D taps")
            taps = blur_kernel(blur, blur_size, stride)
        else:
            taps = np.asarray(blur, dtype=np.float64)
            if taps.ndim != 1 or taps.size == 0 or not np.isfinite(taps).all() \
                    or abs(taps.sum()) < 1e-12:
                raise ValueError(f"blur taps must be a finite non-empty 1-D array with a "
                                 f"non-zero sum, got {taps!r}")
            taps = taps / taps.sum()
        self.blur_name = blur if isinstance(blur, str) else "custom"
        self.conv = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride,
                                       padding=padding, output_padding=output_padding)
        k2 = torch.as_tensor(np.outer(taps, taps), dtype=torch.get_default_dtype())
        if learnable:
            self.blur = nn.Parameter(k2)
        else:
            self.register_buffer("blur", k2)
        self.learnable = bool(learnable)

    def forward(self, x):
        y = self.conv(x)
        k = self.blur / self.blur.sum()
        c = y.shape[1]
        kh, kw = k.shape
        pads = ((kw - 1) // 2, kw // 2, (kh - 1) // 2, kh // 2)     # 'same': left, right, top, bottom
        weight = k.to(y.dtype).expand(c, 1, kh, kw)
        out = F.conv2d(F.pad(y, pads), weight, groups=c)
        ones = torch.ones((1, 1) + tuple(y.shape[-2:]), dtype=y.dtype, device=y.device)
        norm = F.conv2d(F.pad(ones, pads), weight[:1])
        return out / norm

    def extra_repr(self):
        return f"blur={self.blur_name!r}, learnable={self.learnable}"


def multiply_adds(model, x):
    """Multiply-adds of one forward pass of ``model`` on ``x``, counted by forward hooks.

    Counts ``nn.Conv2d`` (``N * C_out * H_out * W_out * C_in/groups * kH * kW``),
    ``nn.ConvTranspose2d`` (``N * C_in * H_in * W_in * C_out/groups * kH * kW``: every input
    pixel paints a full kernel), ``nn.Linear``, and the depthwise blur of
    :class:`BlurredConvTranspose2d` (``N * C * H * W * kH * kW``). Interpolation, activations,
    bias additions and pixel shuffle are not counted (they are not multiply-adds, or only a few
    per output pixel).

    Examples
    --------
    >>> import torch
    >>> multiply_adds(torch.nn.Conv2d(2, 3, 3, padding=1), torch.zeros(1, 2, 4, 4))
    864
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    total = [0]

    def hook(module, inputs, output):
        inp = inputs[0]
        if isinstance(module, nn.ConvTranspose2d):
            kh, kw = module.kernel_size
            total[0] += inp.numel() * (module.out_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            total[0] += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            total[0] += output.numel() * module.in_features
        elif isinstance(module, BlurredConvTranspose2d):
            total[0] += output.numel() * module.blur.numel()

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return int(total[0])
