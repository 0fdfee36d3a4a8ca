"""Where the output grid of a transposed convolution sits, and U-Net skip alignment.

Input pixel ``i`` of a stride-``s`` transposed convolution paints the kernel onto output
positions ``s*i - p + t``, ``t = 0 .. k-1``. The centre of mass of that stamp,

.. math::  s\\,i + c, \\qquad c = \\operatorname{com}(w) - p \\quad(\\operatorname{com} = (k-1)/2
           \\text{ for a symmetric kernel}),

says where input pixel ``i`` lands on the output grid. With half-pixel centres (the convention
of ``F.interpolate(..., align_corners=False)``) input pixel ``i`` covers output pixels
``s*i .. s*i + s - 1``, whose centre is ``s*i + (s-1)/2``; :func:`grid_offset` is the difference
``c - (s-1)/2`` in output pixels. Padding moves the grid (each unit of ``p`` shifts it by one
output pixel toward the start); ``output_padding`` moves nothing, it only appends positions at
the end.

A U-Net decoder lines up with its encoder when it puts low-resolution pixel ``j`` back where
the encoder took it from: the encoder conv ``(k_d, s, p_d)`` centres pixel ``j`` at input
position ``s*j + (k_d - 1)/2 - p_d``. :func:`decoder_plan` picks padding, output_padding (or a
crop/pad) so that the decoder output has the skip's size and that centre, for any input size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._backend import get_backend, is_torch
from ._validate import as_int, scalar_params
from .conv import conv1d, pad_or_crop
from .shapes import conv_output_size
from .transposed import conv_transpose1d

__all__ = ["impulse_response", "center_of_mass", "painted_center", "grid_offset", "DecoderPlan",
           "decoder_plan", "unet_plan", "crop_or_pad", "grid_shift"]


def _kernel(kernel):
    """An int size (uniform kernel of ones) or explicit 1-D taps -> numpy taps."""
    if isinstance(kernel, (int, np.integer)) and not isinstance(kernel, bool):
        k = as_int("kernel", kernel)
        if k < 1:
            raise ValueError(f"kernel ({k}) must be a positive integer or 1-D taps")
        return np.ones(k)
    taps = np.asarray(kernel, dtype=np.float64)
    if taps.ndim != 1 or taps.size == 0:
        raise ValueError(f"kernel must be a positive integer or non-empty 1-D taps, got "
                         f"shape {taps.shape}")
    return taps


def impulse_response(n_in, position, kernel, stride, padding=0, output_padding=0):
    """1-D output of ``conv_transpose1d`` for a unit impulse at input ``position``.

    Parameters
    ----------
    n_in : int
        Input length.
    position : int
        Where the impulse is, ``0 <= position < n_in``.
    kernel : int or 1-D taps
        A size (uniform kernel of ones) or explicit taps.
    stride, padding, output_padding : int

    Returns
    -------
    numpy.ndarray of the output length ``(n_in-1)*s - 2p + k + output_padding``.

    Examples
    --------
    >>> impulse_response(3, 1, 3, 2, padding=0)
    array([0., 0., 1., 1., 1., 0., 0.])
    >>> impulse_response(3, 1, 3, 2, padding=1)      # p = 1 crops one position at each end
    array([0., 1., 1., 1., 0.])
    """
    taps = _kernel(kernel)
    n_in, k, s, p, d, op = scalar_params(n_in, taps.size, stride, padding, 1, output_padding)
    position = as_int("position", position)
    if not 0 <= position < n_in:
        raise ValueError(f"position ({position}) must satisfy 0 <= position < n_in ({n_in})")
    x = np.zeros((1, n_in))
    x[0, position] = 1.0
    return conv_transpose1d(x, taps[None, None], stride=s, padding=p, output_padding=op)[0]


def center_of_mass(y):
    """Centre of mass ``sum(o * y[o]) / sum(y)`` of a 1-D response (index units).

    Examples
    --------
    >>> center_of_mass([0., 1., 1., 1., 0.])
    2.0
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    total = y.sum()
    if total == 0:
        raise ValueError("y sums to zero: its centre of mass is undefined")
    return float((np.arange(y.size) * y).sum() / total)


def painted_center(kernel, stride, padding=0):
    """``c`` such that input pixel ``i`` paints a stamp centred at output position ``s*i + c``.

    ``c = com(kernel) - padding``; the stride does not enter (it is checked only).

    Examples
    --------
    >>> painted_center(4, 2, 1), painted_center(3, 2, 1), painted_center(3, 2, 0)
    (0.5, 0.0, 1.0)
    """
    taps = _kernel(kernel)
    _, _, _, p, _ = scalar_params(1, taps.size, stride, padding, 1)
    return center_of_mass(taps) - p


def grid_offset(kernel, stride, padding=0):
    """Offset (output pixels) of input pixel ``i``'s stamp from the centre of its block.

    ``painted_center - (s - 1)/2``: 0 means the output grid is the half-pixel-centred
    upsampling of the input grid (as ``F.interpolate(..., align_corners=False)``); ``+0.5``
    means everything sits half an output pixel too far toward the end.

    Examples
    --------
    >>> grid_offset(4, 2, 1), grid_offset(3, 2, 1), grid_offset(3, 2, 0), grid_offset(2, 2, 0)
    (0.0, -0.5, 0.5, 0.0)
    """
    _, _, s, _, _ = scalar_params(1, 1, stride, 0, 1)
    return painted_center(kernel, stride, padding) - (s - 1) / 2


@dataclass(frozen=True)
class DecoderPlan:
    """Arguments of one decoder upsampling step, and its effect.

    ``kernel_size, stride, padding, output_padding`` go to ``ConvTranspose`` (per dimension);
    ``crop = (lo, hi)`` is removed from the start/end of its output afterwards (negative: zero
    padding is added); ``(0, 0)`` when padding and output_padding suffice. ``size_in`` is the
    low-resolution size, ``size_out`` the skip's size that the result has.
    """

    kernel_size: int
    stride: int
    padding: int
    output_padding: int
    crop: tuple
    size_in: int
    size_out: int


def decoder_plan(n, down_kernel=3, down_stride=2, down_padding=1, up_kernel=None):
    """How to upsample so that the decoder lines up with an encoder skip of size ``n``.

    The encoder maps ``n`` to ``m = floor((n + 2 p_d - k_d)/s) + 1`` with a conv
    ``(k_d, s, p_d)``; low-resolution pixel ``j`` is centred at ``s*j + (k_d-1)/2 - p_d``. The
    decoder is a transposed conv with kernel ``k_u`` (default ``k_d``) and stride ``s``. With
    ``padding = 0`` it centres pixel ``j`` at ``s*j + (k_u-1)/2``, so we must remove
    ``lo = (k_u - k_d)/2 + p_d`` positions at the start and whatever exceeds ``n`` at the end
    (``hi``). When ``0 <= lo - hi < s`` this is exactly ``padding = lo``, ``output_padding =
    lo - hi``; otherwise the plan uses ``padding = max(0, min(lo, hi))`` and a crop/pad for the
    rest. For ``k_u = k_d`` it gives the familiar ``padding = p_d``, ``output_padding =
    (n + 2 p_d - k_d) mod s``.

    Parameters
    ----------
    n : int
        The skip connection's size (the encoder input size along this dimension).
    down_kernel, down_stride, down_padding : int
        The encoder's downsampling convolution.
    up_kernel : int, optional
        The decoder's transposed-conv kernel size (default ``down_kernel``); ``k_u - k_d`` must
        be even, otherwise the decoder is off by half a pixel whatever the padding.

    Returns
    -------
    DecoderPlan

    Examples
    --------
    >>> p = decoder_plan(13)          # conv k=3, s=2, p=1 takes 13 -> 7
    >>> (p.size_in, p.kernel_size, p.padding, p.output_padding, p.crop)
    (7, 3, 1, 0, (0, 0))
    >>> decoder_plan(14).output_padding
    1
    >>> decoder_plan(14, 4, 2, 1).padding     # pix2pix: k = 4 both ways
    1
    """
    n, k_d, s, p_d, _ = scalar_params(n, down_kernel, down_stride, down_padding, 1)
    k_u = k_d if up_kernel is None else as_int("up_kernel", up_kernel)
    if k_u < 1:
        raise ValueError(f"up_kernel ({k_u}) must be a positive integer")
    if (k_u - k_d) % 2:
        raise ValueError(f"up_kernel ({k_u}) and down_kernel ({k_d}) must have the same parity: "
                         f"otherwise the decoder grid is shifted by half a pixel "
                         f"(grid offset {(k_u - k_d) / 2:+}) and no padding or crop can fix it")
    m = conv_output_size(n, k_d, s, p_d)
    lo = (k_u - k_d) // 2 + p_d
    full = s * (m - 1) + k_u                 # transposed-conv length with padding 0
    hi = full - lo - n
    if lo >= 0 and 0 <= lo - hi < s:
        return DecoderPlan(k_u, s, lo, lo - hi, (0, 0), m, n)
    p = max(0, min(lo, hi))
    return DecoderPlan(k_u, s, p, 0, (lo - p, hi - p), m, n)


def unet_plan(n, depth, down_kernel=3, down_stride=2, down_padding=1, up_kernel=None):
    """Decoder plans for every level of a U-Net on inputs of size ``n`` (any ``n``).

    Returns a list of :class:`DecoderPlan`, deepest level last: level ``l`` upsamples from the
    size after ``l + 1`` downsamplings back to the size after ``l``.

    Examples
    --------
    >>> [(p.size_in, p.size_out, p.output_padding) for p in unet_plan(37, 3)]
    [(19, 37, 0), (10, 19, 0), (5, 10, 1)]
    """
    depth = as_int("depth", depth)
    if depth < 1:
        raise ValueError(f"depth ({depth}) must be a positive integer")
    plans, size = [], as_int("n", n)
    for level in range(depth):
        plan = decoder_plan(size, down_kernel, down_stride, down_padding, up_kernel)
        plans.append(plan)
        size = plan.size_in
    return plans


def crop_or_pad(x, crop):
    """Remove ``crop = (lo, hi)`` positions from both spatial axes of ``x`` (negative pads).

    Works on numpy arrays and torch tensors ``(..., H, W)``.

    Examples
    --------
    >>> import numpy as np
    >>> crop_or_pad(np.ones((1, 1, 4, 4)), (1, -1)).shape
    (1, 1, 4, 4)
    """
    lo, hi = (as_int("crop", c) for c in crop)
    if not is_torch(x):
        x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(x.shape)}")
    if lo + hi >= min(int(x.shape[-2]), int(x.shape[-1])):
        raise ValueError(f"crop {(lo, hi)} removes everything from shape {tuple(x.shape)}")
    return pad_or_crop(get_backend(x), x, ((-lo, -hi), (-lo, -hi)))


def grid_shift(n, plan, down_kernel=3, down_padding=1):
    """Measured misalignment (input pixels) of encoder + decoder, averaged over the interior.

    Sends the ramp ``x[i] = i`` through the encoder conv and the decoder of ``plan`` (both with
    uniform kernels), normalizes by the response to ones, and returns the mean of ``i - out[i]``
    over whole stride blocks away from the borders (positions that receive nothing, when
    ``k < s``, are skipped). The normalized response at ``i`` is the centre of mass
    of the inputs that come back to position ``i``; ``i - out[i]`` is how far the content moved.
    The mean is the systematic shift of the decoder grid relative to the skip: 0 when aligned,
    positive when the decoder's content sits too far toward the end (the sign of
    :func:`grid_offset`).

    Examples
    --------
    >>> grid_shift(20, decoder_plan(20))
    0.0
    >>> bad = DecoderPlan(4, 2, 1, 0, (0, 0), 10, 20)   # pix2pix decoder after a k=3 encoder
    >>> grid_shift(20, bad)
    0.5
    """
    if not isinstance(plan, DecoderPlan):
        raise TypeError(f"plan must be a DecoderPlan, got {type(plan).__name__}")
    n = as_int("n", n)
    s = plan.stride
    down = np.ones((1, 1, down_kernel))
    up = np.ones((1, 1, plan.kernel_size))

    def through(x):
        low = conv1d(x[None, None], down, stride=s, padding=down_padding)
        y = conv_transpose1d(low, up, stride=s, padding=plan.padding,
                             output_padding=plan.output_padding)
        return _crop_1d(y[0, 0], plan.crop)

    ramp = np.arange(n, dtype=np.float64)
    num, den = through(ramp), through(np.ones(n))
    if num.size != n:
        raise ValueError(f"the plan gives {num.size} outputs for a skip of size {n}")
    margin = down_kernel + plan.kernel_size
    blocks = (n - 2 * margin) // s          # whole stride blocks, so per-pixel offsets cancel
    if blocks < 1:
        raise ValueError(f"n ({n}) is too small to have an interior (need >= {2 * margin + s})")
    inner = slice(margin, margin + s * blocks)
    num, den, ramp = num[inner], den[inner], ramp[inner]
    hit = den > 0                            # k < s leaves holes that receive nothing
    return round(float(np.mean(ramp[hit] - num[hit] / den[hit])), 12) + 0.0


def _crop_1d(y, crop):
    lo, hi = crop
    if lo < 0 or hi < 0:
        y = np.concatenate([np.zeros(max(0, -lo)), y, np.zeros(max(0, -hi))])
        lo, hi = max(0, lo), max(0, hi)
    return y[lo: y.size - hi]
