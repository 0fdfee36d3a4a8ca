"""Depth-to-space and back: ``pixel_shuffle`` and ``pixel_unshuffle``.

``pixel_shuffle(x, r)`` rearranges a tensor of shape ``(*, C * r**2, H, W)`` into
``(*, C, H * r, W * r)``: output pixel ``(r*i + a, r*j + b)`` of output channel ``c`` is input
pixel ``(i, j)`` of input channel ``c * r**2 + a * r + b``. ``pixel_unshuffle`` is its inverse.
Both are pure index maps (no arithmetic), so they keep the dtype, and they match
``torch.nn.functional.pixel_shuffle`` / ``pixel_unshuffle`` exactly for numpy arrays and torch
tensors (on any device).

That channel order is PyTorch's, and ONNX ``DepthToSpace`` with ``mode="CRD"``
(column-row-depth): the sub-pixel offset ``(a, b)`` is the *low-order* part of the channel
index. TensorFlow's ``tf.nn.depth_to_space`` and ONNX ``DepthToSpace`` in its default mode
``"DCR"`` (depth-column-row) use the other order, channel ``(a * r + b) * C + c``: the offset is
the *high-order* part. Both functions take ``order="CRD"`` (default) or ``order="DCR"``.
"""

from __future__ import annotations

import numpy as np

from ._backend import get_backend, is_torch
from ._validate import positive_int

__all__ = ["pixel_shuffle", "pixel_unshuffle", "CHANNEL_ORDERS"]

#: The two channel layouts of depth-to-space: ``"CRD"`` (PyTorch, ONNX mode="CRD"; channel
#: ``c * r**2 + a * r + b``) and ``"DCR"`` (TensorFlow, ONNX default; channel ``(a * r + b) * C + c``).
CHANNEL_ORDERS = ("CRD", "DCR")


def channel_order(order):
    """Validate ``order`` (one of :data:`CHANNEL_ORDERS`) and return it."""
    if not isinstance(order, str) or order not in CHANNEL_ORDERS:
        raise ValueError(f"order ({order!r}) must be one of {', '.join(map(repr, CHANNEL_ORDERS))}: "
                         f"'CRD' is PyTorch's channel layout (channel c*r*r + a*r + b), 'DCR' "
                         f"TensorFlow's / ONNX DepthToSpace's default (channel (a*r + b)*C + c)")
    return order


def _operand(name, x):
    if not is_torch(x) and not isinstance(x, np.ndarray):
        try:
            x = np.asarray(x)
        except Exception as exc:
            raise TypeError(f"{name} must be an array or tensor: {exc}") from None
        if x.dtype == object:
            raise TypeError(f"{name} must be an array or tensor of numbers, got dtype object")
    if x.ndim < 3:
        raise ValueError(f"{name} must have at least 3 dimensions (*, C, H, W), "
                         f"got shape {tuple(x.shape)}")
    return x


def pixel_shuffle(input, upscale_factor, order="CRD"):
    """Rearrange ``(*, C*r*r, H, W)`` into ``(*, C, H*r, W*r)`` (depth to space).

    Parameters
    ----------
    input : array or tensor of shape (*, C * r**2, H, W)
    upscale_factor : int
        ``r``, a positive integer; the channel count must be divisible by ``r**2``.
    order : {"CRD", "DCR"}
        Which input channel feeds sub-position ``(a, b)`` of output channel ``c``: ``"CRD"``
        (default, PyTorch, ONNX ``DepthToSpace(mode="CRD")``) reads channel
        ``c * r**2 + a * r + b``; ``"DCR"`` (TensorFlow ``depth_to_space``, ONNX
        ``DepthToSpace`` default) reads channel ``(a * r + b) * C + c``.

    Returns
    -------
    array or tensor of shape (*, C, H * r, W * r), same type, dtype and device.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(4).reshape(4, 1, 1)       # 4 channels of one pixel each
    >>> pixel_shuffle(x, 2)[0]
    array([[0, 1],
           [2, 3]])
    >>> x = np.arange(8).reshape(8, 1, 1)       # C = 2: the layouts differ
    >>> pixel_shuffle(x, 2)[1], pixel_shuffle(x, 2, order="DCR")[1]
    (array([[4, 5],
           [6, 7]]), array([[1, 3],
           [5, 7]]))
    """
    x = _operand("input", input)
    r = positive_int("upscale_factor", upscale_factor)
    order = channel_order(order)
    *lead, c, h, w = x.shape
    if c % (r * r):
        raise ValueError(f"pixel_shuffle: the channel count ({c}) of input {tuple(x.shape)} "
                         f"must be divisible by upscale_factor**2 ({r}**2 = {r * r})")
    B = get_backend(x)
    n = len(lead)
    if order == "CRD":                          # channel = (c, a, b)
        y = x.reshape(*lead, c // (r * r), r, r, h, w)
        y = B.permute(y, [*range(n), n, n + 3, n + 1, n + 4, n + 2])
    else:                                       # channel = (a, b, c)
        y = x.reshape(*lead, r, r, c // (r * r), h, w)
        y = B.permute(y, [*range(n), n + 2, n + 3, n, n + 4, n + 1])
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor, order="CRD"):
    """Rearrange ``(*, C, H*r, W*r)`` into ``(*, C*r*r, H, W)`` (space to depth).

    The inverse of :func:`pixel_shuffle` with the same ``order``:
    ``pixel_unshuffle(pixel_shuffle(x, r, order), r, order)`` is ``x``.

    Parameters
    ----------
    input : array or tensor of shape (*, C, H * r, W * r)
    downscale_factor : int
        ``r``; both spatial sizes must be divisible by it.
    order : {"CRD", "DCR"}
        The channel layout of the result, as in :func:`pixel_shuffle`: ``"CRD"`` (PyTorch,
        the inverse of ONNX ``DepthToSpace(mode="CRD")``) writes sub-position ``(a, b)`` of channel ``c`` to
        channel ``c * r**2 + a * r + b``, ``"DCR"`` (TensorFlow ``space_to_depth``) to
        ``(a * r + b) * C + c``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.arange(16).reshape(1, 4, 4)
    >>> pixel_unshuffle(y, 2)[0]               # the top-left pixel of each 2x2 block
    array([[ 0,  2],
           [ 8, 10]])
    """
    x = _operand("input", input)
    r = positive_int("downscale_factor", downscale_factor)
    order = channel_order(order)
    *lead, c, h, w = x.shape
    if h % r or w % r:
        raise ValueError(f"pixel_unshuffle: the spatial size ({h}, {w}) of input "
                         f"{tuple(x.shape)} must be divisible by downscale_factor ({r})")
    B = get_backend(x)
    n = len(lead)
    y = x.reshape(*lead, c, h // r, r, w // r, r)
    if order == "CRD":                          # channel = (c, a, b)
        y = B.permute(y, [*range(n), n, n + 2, n + 4, n + 1, n + 3])
    else:                                       # channel = (a, b, c)
        y = B.permute(y, [*range(n), n + 2, n + 4, n, n + 1, n + 3])
    return y.reshape(*lead, c * r * r, h // r, w // r)
