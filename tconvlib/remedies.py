"""Remedies for checkerboard artifacts: ICNR, low-pass blurs, a phase regularizer, resize-conv.

Every function takes numpy arrays or torch tensors and runs one code path for both (torch
results stay on the input's device and dtype, and gradients flow through them). The torch
*layers* built from these pieces live in :mod:`tconvlib.layers`.

- :func:`icnr_` initializes a sub-pixel convolution (conv to ``C * r**2`` channels followed by
  :func:`~tconvlib.pixel_shuffle`) so that its upsampled output is constant on every ``r x r``
  block: with PyTorch's channel order (``order="CRD"``) each filter is repeated ``r**2`` times
  *within* its channel group; with TensorFlow's / ONNX's default (``order="DCR"``) the ``C``
  filters are tiled ``r**2`` times.
- :func:`blur_kernel`, :func:`frequency_response` and :func:`blur2d`: the low-pass filters
  applied after a transposed convolution and what they do to each frequency. A stride-``s``
  checkerboard lives at the frequencies ``2 pi j / s``; the box of width ``s`` is zero at all of
  them, the binomial ``[1, 2, 1] / 4`` only at ``pi`` (the stride-2 checkerboard).
- :func:`phase_imbalance`: a kernel regularizer, zero exactly when every stride phase of a
  transposed-convolution kernel has the same sum (then a constant input gives a constant
  interior output).
- :func:`upsample` and :func:`resize_conv2d`: nearest/bilinear upsampling followed by a stride-1
  convolution with 'same' padding (``torch.nn.functional.interpolate`` semantics,
  ``align_corners=False``).
"""

from __future__ import annotations

import math

import numpy as np

from ._backend import get_backend, is_torch
from ._validate import as_int, int_tuple, numeric_array as _array, positive_int as _positive
from .conv import conv2d
from .subpixel import channel_order

__all__ = ["icnr_", "blur_kernel", "frequency_response", "blur2d", "phase_imbalance",
           "upsample", "resize_conv2d", "BLUR_KINDS", "UPSAMPLE_MODES"]

#: The fixed low-pass filters :func:`blur_kernel` knows.
BLUR_KINDS = ("binomial", "box", "triangle")
#: The upsampling modes of :func:`upsample` (as in ``torch.nn.functional.interpolate``).
UPSAMPLE_MODES = ("nearest", "bilinear")


# -- small helpers ---------------------------------------------------------------------------

def _like(values, like):
    """``values`` (numpy) as an array/tensor of ``like``'s type, dtype and device."""
    values = np.array(values)                 # a writable copy
    if is_torch(like):
        import torch

        return torch.as_tensor(values, dtype=like.dtype, device=like.device)
    return values.astype(like.dtype)


def _index(idx, like):
    """An integer index array usable on ``like`` (a long tensor on its device for torch)."""
    if is_torch(like):
        import torch

        return torch.as_tensor(idx, dtype=torch.long, device=like.device)
    return idx


# -- ICNR ------------------------------------------------------------------------------------

def icnr_(weight, upscale_factor, init=None, order="CRD"):
    """Initialize ``weight`` in place so that conv + ``pixel_shuffle(., r)`` starts blockwise constant.

    ICNR ("initialized to convolution NN resize", Aitken et al. 2017) belongs to *sub-pixel
    convolution*: a stride-1 convolution with ``C * r**2`` output channels followed by
    :func:`~tconvlib.pixel_shuffle`. The shuffle sends channel ``c * r**2 + a * r + b`` to
    sub-position ``(a, b)`` of output channel ``c``. If the ``r**2`` filters of each group
    ``c * r**2 ... c * r**2 + r**2 - 1`` are equal, all ``r x r`` sub-positions of a block get
    the same value: the layer starts as "convolve in low resolution, then nearest-neighbour
    upsample", which has no checkerboard. (With this channel order, tiling the filters instead,
    ``weight[i] = sub[i % C]``, mixes the groups and gives no such guarantee.)

    TensorFlow's ``depth_to_space`` and ONNX ``DepthToSpace`` in its default mode ``"DCR"`` send
    channel ``(a * r + b) * C + c`` to sub-position ``(a, b)`` of output channel ``c``: the
    sub-pixel offset is the high-order part of the channel index, so there the correct ICNR *is*
    the tiling ``weight[i] = sub[i % C]`` (``order="DCR"``).

    Parameters
    ----------
    weight : array or tensor of shape (C * r**2, ...)
        A conv weight ``(C * r**2, C_in, kH, kW)`` (a bias ``(C * r**2,)`` works too). Modified
        in place (for a torch ``Parameter`` under ``torch.no_grad()``) and returned.
    upscale_factor : int
        ``r``; ``weight.shape[0]`` must be divisible by ``r**2``.
    init : callable or None
        ``None`` keeps the first filter of each group (whatever initialization the layer already
        had) and copies it to the other ``r**2 - 1`` filters. A callable is called with an
        all-zero array/tensor ``sub`` of shape ``(C, ...)`` (same type, dtype, device) and must
        fill it in place or return the filled array, e.g. ``torch.nn.init.kaiming_normal_``.
    order : {"CRD", "DCR"}
        The channel layout of the pixel shuffle that follows (see
        :func:`~tconvlib.pixel_shuffle`): ``"CRD"`` (default, PyTorch) repeats each filter
        ``r**2`` times in a row, ``"DCR"`` (TensorFlow, ONNX default) tiles the ``C`` filters
        ``r**2`` times. With ``init=None`` the kept filters are channels ``0 .. C-1`` of the
        first sub-position, i.e. ``weight[::r**2]`` (CRD) or ``weight[:C]`` (DCR).

    Returns
    -------
    The same ``weight`` object.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.arange(8.0).reshape(8, 1, 1, 1)    # C = 2 groups of r**2 = 4 filters
    >>> icnr_(w, 2)[:, 0, 0, 0]
    array([0., 0., 0., 0., 4., 4., 4., 4.])
    >>> icnr_(np.arange(8.0).reshape(8, 1, 1, 1), 2, order="DCR")[:, 0, 0, 0]
    array([0., 1., 0., 1., 0., 1., 0., 1.])
    """
    w = weight
    if not is_torch(w) and not isinstance(w, np.ndarray):
        raise TypeError(f"weight must be a numpy array or a torch tensor (modified in place), "
                        f"got {type(weight).__name__}")
    r = _positive("upscale_factor", upscale_factor)
    if init is not None and not callable(init):
        raise TypeError(f"init must be None or a callable, got {type(init).__name__}")
    order = channel_order(order)
    if w.ndim < 1 or w.shape[0] % (r * r):
        raise ValueError(f"weight.shape[0] ({w.shape[0] if w.ndim else 'none'}) must be "
                         f"divisible by upscale_factor**2 ({r}**2 = {r * r}), the channel "
                         f"count of one pixel_shuffle group")
    B = get_backend(w)
    c = int(w.shape[0]) // (r * r)
    rest = tuple(int(n) for n in w.shape[1:])
    if init is None:                                        # the filters of sub-position (0, 0)
        sub = w[:: r * r] if order == "CRD" else w[:c]
    else:
        sub = B.zeros((c,) + rest, like=w)
        filled = init(sub)
        sub = sub if filled is None else filled
        if tuple(sub.shape) != (c,) + rest:
            raise ValueError(f"init returned shape {tuple(sub.shape)}, expected {(c,) + rest}")
    if order == "CRD":
        # repeat each filter r**2 times within its group: full[c * r**2 + j] = sub[c]
        full = (sub.reshape((c, 1) + rest) + B.zeros((c, r * r) + rest, like=w)).reshape(w.shape)
    else:
        # tile the C filters r**2 times: full[j * C + c] = sub[c]
        full = (sub.reshape((1, c) + rest) + B.zeros((r * r, c) + rest, like=w)).reshape(w.shape)
    if is_torch(w):
        import torch

        with torch.no_grad():
            w.copy_(full)
    else:
        w[...] = full
    return weight


# -- low-pass filters ------------------------------------------------------------------------

def blur_kernel(kind="binomial", size=None, stride=2):
    """A normalized 1-D low-pass filter (taps summing to 1).

    Parameters
    ----------
    kind : {'binomial', 'box', 'triangle'}
        ``'binomial'``: row ``size - 1`` of Pascal's triangle / ``2**(size-1)``, response
        ``|cos(w/2)|**(size-1)``, zero only at ``w = pi``. ``'box'``: ``size`` equal taps, zero at
        every multiple of ``2 pi / size``. ``'triangle'``: the box of width ``stride`` convolved
        with itself (``size = 2*stride - 1``), a double zero at every ``2 pi j / stride``.
    size : int or None
        Number of taps. Default: 3 (binomial), ``stride`` (box), ``2*stride - 1`` (triangle,
        which only allows that size).
    stride : int
        The stride whose checkerboard frequencies ``2 pi j / stride`` the default sizes target.

    Returns
    -------
    numpy.ndarray of shape (size,)

    Examples
    --------
    >>> blur_kernel("binomial")
    array([0.25, 0.5 , 0.25])
    >>> blur_kernel("triangle", stride=3) * 9
    array([1., 2., 3., 2., 1.])
    """
    if kind not in BLUR_KINDS:
        raise ValueError(f"kind ({kind!r}) must be one of {', '.join(map(repr, BLUR_KINDS))}")
    s = _positive("stride", stride)
    default = {"binomial": 3, "box": s, "triangle": 2 * s - 1}[kind]
    n = default if size is None else _positive("size", size)
    if kind == "binomial":
        taps = np.array([math.comb(n - 1, i) for i in range(n)], dtype=np.float64)
    elif kind == "box":
        taps = np.ones(n)
    else:
        if n != default:
            raise ValueError(f"size ({n}) of a 'triangle' blur must be 2*stride - 1 = {default}")
        taps = np.convolve(np.ones(s), np.ones(s))
    return taps / taps.sum()


def frequency_response(taps, omega):
    """Magnitude ``|H(w)| = |sum_n h[n] exp(-i w n)|`` of a 1-D filter at angular frequencies.

    A 2-D separable blur ``h h^T`` has response ``|H(w1)| |H(w2)|``.

    Parameters
    ----------
    taps : array_like, 1-D
    omega : float or array_like
        Angular frequencies in radians per sample (``pi`` is the Nyquist frequency, the
        stride-2 checkerboard ``+1, -1, +1, ...``).

    Returns
    -------
    numpy.ndarray (or float for a scalar ``omega``)

    Examples
    --------
    >>> import numpy as np
    >>> h = blur_kernel("binomial")
    >>> np.round(frequency_response(h, [0, np.pi / 2, np.pi]), 4)
    array([1. , 0.5, 0. ])
    """
    h = np.asarray(_array("taps", taps), dtype=np.complex128)
    if h.ndim != 1 or h.size == 0:
        raise ValueError(f"taps must be a non-empty 1-D array, got shape {h.shape}")
    w = np.asarray(_array("omega", omega), dtype=np.float64)
    n = np.arange(h.size)
    resp = np.abs(np.exp(-1j * w[..., None] * n) @ h)
    return float(resp) if resp.ndim == 0 else resp


def blur2d(x, kind="binomial", size=None, stride=2):
    """Blur images ``(..., C, H, W)`` with the separable filter ``h h^T``, same size out.

    The borders use *normalized* zero padding: the result is divided by the blur of an all-ones
    image, so every output is a weighted average of pixels inside the image and a constant image
    stays exactly constant (plain zero padding would darken the borders, an artifact of its own).

    Parameters
    ----------
    x : array or tensor of shape (C, H, W) or (N, C, H, W)
    kind, size, stride
        See :func:`blur_kernel`; ``kind`` may also be an explicit 1-D array of taps.

    Returns
    -------
    Same type, shape, dtype and device as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.tile([[1., 0.], [0., 1.]], (3, 3))[None]   # a pure checkerboard
    >>> float(np.abs(blur2d(x)[0, 1:-1, 1:-1] - 0.5).max())   # the interior becomes flat
    0.0
    """
    x = _array("x", x)
    if x.ndim not in (3, 4):
        raise ValueError(f"x must be 3-D (C, H, W) or 4-D (N, C, H, W), got shape "
                         f"{tuple(x.shape)}")
    if isinstance(kind, str):
        taps = blur_kernel(kind, size, stride)
    else:
        taps = np.asarray(_array("kind", kind), dtype=np.float64)
        if taps.ndim != 1 or taps.size == 0:
            raise ValueError(f"kind must name a blur or be 1-D taps, got shape {taps.shape}")
    c = int(x.shape[-3])
    k2 = np.outer(taps, taps)
    weight = _like(np.broadcast_to(k2, (c, 1) + k2.shape), x)
    out = conv2d(x, weight, padding="same", groups=c)
    ones = _like(np.ones((1, 1) + tuple(int(n) for n in x.shape[-2:])), x)
    norm = conv2d(ones, _like(k2[None, None], x), padding="same")[0]
    return out / norm


# -- the phase-imbalance regularizer ---------------------------------------------------------

def phase_imbalance(weight, stride):
    """Penalty on the imbalance between the stride phases of a transposed-conv kernel.

    In the interior of a stride-``s`` transposed convolution, output phase ``(a, b)`` (positions
    with equal index mod ``s``) receives, for a constant input, the sum of the kernel taps of one
    *tap phase* ``S[i, o, a, b] = sum_{u = a, v = b (mod s)} w[i, o, u, v]``. The penalty is the
    variance of these phase sums across the ``s**2`` phases, averaged over all channel pairs
    ``(i, o)``:

    .. math::  R(w) = \\operatorname{mean}_{i,o,a,b} (S_{ioab} - \\bar S_{io})^2 .

    It is zero exactly when every channel pair is balanced (then any input that is constant in
    each channel gives a constant interior output, whatever ``k`` is) and it is a smooth
    quadratic, so in torch it can be added to a training loss.

    Parameters
    ----------
    weight : array or tensor
        Layout of ``conv_transpose2d`` ``(C_in, C_out/groups, kH, kW)`` or of
        ``conv_transpose1d`` ``(C_in, C_out/groups, k)``.
    stride : int or tuple of ints

    Returns
    -------
    numpy float (numpy input) or 0-d tensor (torch input; differentiable)

    Examples
    --------
    >>> import numpy as np
    >>> float(phase_imbalance(np.ones((1, 1, 4, 4)), 2))       # k = 4, s = 2: balanced
    0.0
    >>> float(phase_imbalance(np.ones((1, 1, 3, 3)), 2))       # phase sums 4, 2, 2, 1
    1.1875
    """
    w = _array("weight", weight)
    if w.ndim not in (3, 4):
        raise ValueError(f"weight must be 3-D (C_in, C_out, k) or 4-D (C_in, C_out, kH, kW), "
                         f"got shape {tuple(w.shape)}")
    nd = w.ndim - 2
    strides = int_tuple("stride", stride, nd, 1)
    axes = tuple(range(2, w.ndim))
    if nd == 1:
        phases = [w[:, :, a::strides[0]] for a in range(strides[0])]
    else:
        phases = [w[:, :, a::strides[0], b::strides[1]]
                  for a in range(strides[0]) for b in range(strides[1])]
    sums = [p.sum(axes) for p in phases]       # numpy: axis tuple; torch: dim tuple
    mean = sum(sums) / len(sums)
    return sum(((sp - mean) ** 2).mean() for sp in sums) / len(sums)


# -- resize-convolution ----------------------------------------------------------------------

def _source_index(n_in, r, mode):
    """Per output index: (low index, high index, weight of high) along one axis."""
    dst = np.arange(n_in * r)
    if mode == "nearest":
        lo = dst // r
        return lo, lo, np.zeros(dst.size)
    src = np.maximum((dst + 0.5) / r - 0.5, 0.0)      # align_corners=False, clamped at 0
    lo = np.floor(src).astype(np.int64)
    lo = np.minimum(lo, n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    return lo, hi, src - lo


def upsample(x, scale_factor=2, mode="nearest"):
    """Upsample images ``(..., H, W)`` by an integer factor, like ``F.interpolate``.

    Parameters
    ----------
    x : array or tensor with at least 2 dimensions
    scale_factor : int
    mode : {'nearest', 'bilinear'}
        ``'bilinear'`` uses ``align_corners=False`` (half-pixel centres), torch's default.

    Returns
    -------
    Same type, dtype and device as ``x``, shape ``(..., H * r, W * r)``.

    Examples
    --------
    >>> import numpy as np
    >>> upsample(np.array([[1., 3.]]), 2, "bilinear")
    array([[1. , 1.5, 2.5, 3. ],
           [1. , 1.5, 2.5, 3. ]])
    """
    x = _array("x", x)
    r = _positive("scale_factor", scale_factor)
    if mode not in UPSAMPLE_MODES:
        raise ValueError(f"mode ({mode!r}) must be one of {', '.join(map(repr, UPSAMPLE_MODES))}")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape "
                         f"{tuple(x.shape)}")
    for axis in (-2, -1):
        lo, hi, lam = _source_index(int(x.shape[axis]), r, mode)
        pick = (lambda i: x[..., _index(i, x), :]) if axis == -2 else \
            (lambda i: x[..., _index(i, x)])
        if mode == "nearest":
            x = pick(lo)
        else:
            lam = _like(lam[:, None] if axis == -2 else lam, x)
            x = pick(lo) * (1 - lam) + pick(hi) * lam
    return x


def resize_conv2d(input, weight, bias=None, scale_factor=2, mode="nearest"):
    """Resize-convolution: :func:`upsample`, then a stride-1 conv with 'same' padding.

    The upsampling has no stride phases of its own (nearest: every ``r x r`` block is
    constant; bilinear: a fixed, phase-symmetric interpolation), and the convolution that
    follows treats every output pixel alike, so a constant input gives a constant interior
    output for every weight: no checkerboard at initialization or after training.

    Parameters
    ----------
    input : array or tensor (C_in, H, W) or (N, C_in, H, W)
    weight : array or tensor (C_out, C_in, k, k), odd ``k``
    bias : array or tensor (C_out,), optional
    scale_factor : int
    mode : {'nearest', 'bilinear'}

    Returns
    -------
    Output of shape (..., C_out, H * r, W * r).

    Examples
    --------
    >>> import numpy as np
    >>> y = resize_conv2d(np.ones((1, 2, 2)), np.ones((1, 1, 3, 3)) / 9)
    >>> y.shape, float(y[0, 1, 1])
    ((1, 4, 4), 1.0)
    """
    w = _array("weight", weight)
    if w.ndim != 4:
        raise ValueError(f"weight must be 4-D (C_out, C_in, k, k), got shape {tuple(w.shape)}")
    if any(int(k) % 2 == 0 for k in w.shape[-2:]):
        raise ValueError(f"the kernel size {tuple(int(k) for k in w.shape[-2:])} must be odd so "
                         f"that 'same' padding is symmetric (no half-pixel shift)")
    return conv2d(upsample(input, scale_factor, mode), w, bias, padding="same")
