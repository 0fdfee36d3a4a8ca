"""Reference forward convolution (cross-correlation, as in ``torch.nn.functional.conv1d/2d``).

Vectorised: one matrix product per kernel tap, accumulated; never a loop over pixels.
"""

from __future__ import annotations

from ._validate import check_forward, check_memory

__all__ = ["conv1d", "conv2d"]


def pad_or_crop(backend, x, pairs):
    """Zero-pad (positive) or crop (negative) the last two axes of ``x`` by ``(lo, hi)`` pairs."""
    (lo_h, hi_h), (lo_w, hi_w) = pairs
    if lo_h == hi_h == lo_w == hi_w == 0:
        return x
    h, w = x.shape[-2], x.shape[-1]
    new_h, new_w = h + lo_h + hi_h, w + lo_w + hi_w
    check_memory(int(x.shape[0]) * int(x.shape[1]) * new_h * new_w * backend.itemsize(x),
                 "the padded input")
    out = backend.zeros(tuple(x.shape[:-2]) + (new_h, new_w), like=x)
    # source window (in x) and destination window (in out) for each axis
    src_h = slice(max(0, -lo_h), h - max(0, -hi_h))
    src_w = slice(max(0, -lo_w), w - max(0, -hi_w))
    dst_h = slice(max(0, lo_h), max(0, lo_h) + (src_h.stop - src_h.start))
    dst_w = slice(max(0, lo_w), max(0, lo_w) + (src_w.stop - src_w.start))
    out[..., dst_h, dst_w] = x[..., src_h, src_w]
    return out


def conv2d_core(backend, x, w, stride, pads, dilation, groups):
    """Cross-correlate a 4-D ``x`` with a 4-D ``w``; arguments already validated.

    ``pads`` holds ``(lo, hi)`` per spatial axis and may be negative (a crop).
    """
    x = pad_or_crop(backend, x, pads)
    n, c_in, h, wd = (int(v) for v in x.shape)
    c_out, c_per, kh, kw = (int(v) for v in w.shape)
    (sh, sw), (dh, dw) = stride, dilation
    ho = (h - dh * (kh - 1) - 1) // sh + 1
    wo = (wd - dw * (kw - 1) - 1) // sw + 1
    # weight per tap: (groups, C_out/groups, C_in/groups) @ (N, groups, C_in/groups, ho*wo)
    wg = w.reshape(groups, c_out // groups, c_per, kh, kw)
    out = backend.zeros((n, groups, c_out // groups, ho * wo), like=x)
    for a in range(kh):
        for b in range(kw):
            tap = x[:, :, dh * a: dh * a + sh * (ho - 1) + 1: sh,
                    dw * b: dw * b + sw * (wo - 1) + 1: sw]
            out += wg[:, :, :, a, b] @ tap.reshape(n, groups, c_per, ho * wo)
    return out.reshape(n, c_out, ho, wo)


def _conv(ndim, input, weight, bias, stride, padding, dilation, groups):
    spec = check_forward(input, weight, bias, stride, padding, dilation, groups, ndim)
    with spec.backend.quiet():
        out = conv2d_core(spec.backend, spec.x, spec.w, spec.stride, spec.padding,
                          spec.dilation, spec.groups)
        return spec.finish(out)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) with the semantics of ``torch.nn.functional.conv1d``.

    Parameters
    ----------
    input : array or tensor, shape ``(N, C_in, L)`` or unbatched ``(C_in, L)``
    weight : array or tensor, shape ``(C_out, C_in/groups, k)``
    bias : array or tensor, shape ``(C_out,)``, optional
    stride, dilation : int or tuple of 1 int, positive
    padding : int, tuple of 1 int, ``'valid'`` or ``'same'``
    groups : int, positive, dividing ``C_in`` and ``C_out``

    Returns
    -------
    array or tensor
        Shape ``(N, C_out, L_out)`` (or ``(C_out, L_out)``); a numpy array for numpy input, a
        tensor on the input's device with its dtype for torch input.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1., 2., 3., 4.]])           # (C_in=1, L=4), unbatched
    >>> w = np.array([[[1., 0., -1.]]])            # (C_out=1, C_in=1, k=3)
    >>> conv1d(x, w)                               # correlation: x[i] - x[i+2]
    array([[-2., -2.]])
    """
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) with the semantics of ``torch.nn.functional.conv2d``.

    Parameters
    ----------
    input : array or tensor, shape ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``
    weight : array or tensor, shape ``(C_out, C_in/groups, kH, kW)``
    bias : array or tensor, shape ``(C_out,)``, optional
    stride, dilation : int or pair of ints, positive
    padding : int, pair of ints, ``'valid'`` or ``'same'`` (``'same'`` needs stride 1)
    groups : int, positive, dividing ``C_in`` and ``C_out``

    Returns
    -------
    array or tensor
        Shape ``(N, C_out, H_out, W_out)`` (or unbatched), on the input's backend and device.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.).reshape(1, 4, 4)        # (C_in, H, W)
    >>> w = np.ones((1, 1, 2, 2))                  # box filter
    >>> conv2d(x, w, stride=2)
    array([[[10., 18.],
            [42., 50.]]])
    """
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)
