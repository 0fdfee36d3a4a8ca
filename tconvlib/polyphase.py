"""The polyphase view of a strided transposed convolution, and its sub-pixel twin.

A stride-``s`` transposed convolution paints input sample ``i`` through tap ``a`` at canvas
position ``s*i + d*a``. Group the canvas positions by their *phase* ``m mod s``: phase ``rho``
only ever receives the taps ``a`` with ``d*a = rho (mod s)``, and within one phase consecutive
input samples land one phase-position apart. So every phase is an ordinary **stride-1**
transposed convolution (a full convolution) of the input with a *sub-kernel*, the taps
``w_dilated[rho::s]``; the output interleaves the ``s`` (1-D) or ``s*s`` (2-D) phase images and
crops ``padding`` samples from the start.

Stacking the sub-kernels as output channels gives a stride-1 convolution with ``C_out * s**2``
channels and kernel size ``k_sub = ceil((d(k-1)+1) / s)``: followed by a pixel shuffle and a crop
it *is* the transposed convolution (:func:`subpixel_weight`, :func:`subpixel_geometry`,
:func:`conv_transpose_subpixel`); every such sub-pixel convolution is in turn a transposed
convolution with kernel ``s * k_sub`` (:func:`transposed_weight`).

All functions take numpy arrays or torch tensors (one code path, :mod:`tconvlib._backend`);
torch results stay on the input's device.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._backend import get_backend, is_torch
from ._validate import as_int, check_transposed, int_tuple, numeric_array, scalar_params
from .conv import conv2d_core
from .shapes import output_size
from .transposed import flipped_swapped_weight

__all__ = ["polyphase_kernels", "conv_transpose_polyphase", "subpixel_geometry",
           "SubpixelGeometry", "subpixel_weight", "transposed_weight", "conv_transpose_subpixel"]


# -- helpers -----------------------------------------------------------------------------------

def _spatial_dims(weight):
    """1 or 2: the spatial dimensions of a (C_in, C_out/groups, k...) weight."""
    if hasattr(weight, "ndim") and weight.ndim in (3, 4):
        return weight.ndim - 2
    return _weight("weight", weight).ndim - 2


def _weight(name, weight, ndims=(3, 4)):
    """A numpy array or torch tensor of numbers with ``ndim`` in ``ndims``."""
    weight = numeric_array(name, weight)
    if weight.ndim not in ndims:
        want = " or ".join(f"{n}-D" for n in ndims)
        raise ValueError(f"{name} must be {want} (channels, channels, kernel...), got "
                         f"{weight.ndim}-D with shape {tuple(int(v) for v in weight.shape)}")
    if min(int(v) for v in weight.shape[2:]) < 1:
        raise ValueError(f"{name} has an empty kernel: shape "
                         f"{tuple(int(v) for v in weight.shape)}")
    return weight


def _lift(w):
    """Add a trivial height axis to a 1-D kernel: ``(A, B, k) -> (A, B, 1, k)``."""
    return w[:, :, None, :] if w.ndim == 3 else w


def _dilate(be, w, dilation):
    """The dilated kernel as a dense one: ``d - 1`` zeros between taps (4-D ``w``)."""
    dh, dw = dilation
    if dh == dw == 1:
        return w
    a, b, kh, kw = (int(v) for v in w.shape)
    out = be.zeros((a, b, dh * (kh - 1) + 1, dw * (kw - 1) + 1), like=w)
    out[:, :, ::dh, ::dw] = w
    return out


def _groups(groups, channels, name):
    groups = as_int("groups", groups)
    if groups < 1:
        raise ValueError(f"groups ({groups}) must be a positive integer")
    if channels % groups:
        raise ValueError(f"groups ({groups}) must divide {name} ({channels})")
    return groups


# -- the sub-kernels ---------------------------------------------------------------------------

def polyphase_kernels(weight, stride, padding=0, dilation=1):
    """The sub-kernels of a transposed convolution, one per output phase.

    Output position ``o = s*q + r`` (phase ``r``) is canvas position ``o + p``, which lies in
    canvas phase ``rho = (r + p) mod s`` and receives exactly the taps ``a`` with
    ``d*a = rho (mod s)``. Its sub-kernel is therefore ``w_dil[..., rho::s]``, where ``w_dil`` is
    the kernel with ``d - 1`` zeros between taps (``w`` itself for ``dilation=1``), and

    .. math:: y[s q + r] = \\sum_j w_\\text{dil}[\\rho + s j]\\, x[q + \\lfloor (r+p)/s
              \\rfloor - j]:

    a stride-1 (full) convolution of ``x`` with the sub-kernel, shifted by
    ``(r + p) // s``.

    Parameters
    ----------
    weight : array or tensor
        Transposed-convolution weight, ``(C_in, C_out/groups, k)`` or
        ``(C_in, C_out/groups, kH, kW)``.
    stride, padding, dilation : int or tuple
        As in :func:`conv_transpose1d` / :func:`conv_transpose2d` (padding only decides which
        sub-kernel belongs to which *output* phase).

    Returns
    -------
    list
        1-D: ``[w_0, ..., w_{s-1}]``; 2-D: ``[[w_00, ..., w_0(s-1)], ...]`` indexed
        ``[r_H][r_W]``. Each entry is a view of the same type as ``weight`` with kernel length
        ``len(range((r + p) % s, d(k-1)+1, s))``: between ``floor(K/s)`` and
        ``ceil(K/s)`` for ``K = d(k-1)+1``, and 0 (an empty kernel: that phase is never
        painted) when ``K < s``.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[[1., 2., 3.]]])             # k = 3
    >>> [sub[0, 0].tolist() for sub in polyphase_kernels(w, 2)]
    [[1.0, 3.0], [2.0]]
    >>> [sub[0, 0].tolist() for sub in polyphase_kernels(w, 2, padding=1)]   # phases swap
    [[2.0], [1.0, 3.0]]
    """
    w = _weight("weight", weight)
    nd = w.ndim - 2
    stride = int_tuple("stride", stride, nd, 1)
    padding = int_tuple("padding", padding, nd, 0)
    dilation = int_tuple("dilation", dilation, nd, 1)
    be = get_backend(w)
    lift = (lambda t, v: t if nd == 2 else (v,) + t)
    (sh, sw), (ph, pw) = lift(stride, 1), lift(padding, 0)
    wd = _dilate(be, _lift(w), lift(dilation, 1))
    grid = [[wd[:, :, (rh + ph) % sh::sh, (rw + pw) % sw::sw] for rw in range(sw)]
            for rh in range(sh)]
    if nd == 1:
        return [sub[:, :, 0, :] for sub in grid[0]]
    return grid


def conv_transpose_polyphase(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                             groups=1, dilation=1):
    """Transposed convolution as ``s`` (1-D) or ``s*s`` (2-D) interleaved stride-1 convolutions.

    Same arguments, shapes and result as ``torch.nn.functional.conv_transpose1d`` (3-D or
    unbatched 2-D input) or ``conv_transpose2d`` (4-D or unbatched 3-D input). Each output
    phase is a full stride-1 convolution of the input with its sub-kernel
    (:func:`polyphase_kernels`), shifted by ``(r + p) // s`` and written to every ``s``-th
    output position. No multiplication touches an inserted zero.

    Parameters
    ----------
    input : array or tensor, ``(N, C_in, L)``, ``(C_in, L)``, ``(N, C_in, H, W)`` or
        ``(C_in, H, W)``
    weight : array or tensor, ``(C_in, C_out/groups, k)`` or ``(C_in, C_out/groups, kH, kW)``;
        its rank decides 1-D or 2-D
    bias : array or tensor ``(C_out,)``, optional
    stride, padding, output_padding, groups, dilation
        As in torch (``output_padding`` smaller than ``stride`` or ``dilation``).

    Returns
    -------
    array or tensor, ``(N, C_out, *out)`` (or unbatched), on the input's backend and device.

    Notes
    -----
    With ``dilation > 1`` the sub-kernels contain the dilation's zeros, so a NaN or inf in the
    *input* can reach output positions that torch leaves finite.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1., 10.]])                  # (C_in=1, L=2)
    >>> w = np.array([[[1., 2., 3.]]])             # (C_in=1, C_out=1, k=3)
    >>> conv_transpose_polyphase(x, w, stride=2)   # phase 0: x * (1, 3); phase 1: x * (2,)
    array([[ 1.,  2., 13., 20., 30.]])
    """
    ndim = _spatial_dims(weight)
    spec = check_transposed(input, weight, bias, stride, padding, output_padding, groups,
                            dilation, ndim)
    be, x, g = spec.backend, spec.x, spec.groups
    n, _, h, wdt = (int(v) for v in x.shape)
    (sh, sw), (ph, pw) = spec.stride, spec.padding
    ho, wo = spec.out_size
    wd = _dilate(be, spec.w, spec.dilation)
    out = be.zeros((n, spec.out_channels, ho, wo), like=x)
    with be.quiet():
        for rh in range(sh):
            for rw in range(sw):
                sub = wd[:, :, (rh + ph) % sh::sh, (rw + pw) % sw::sw]
                kh, kw = int(sub.shape[2]), int(sub.shape[3])
                rows, cols = len(range(rh, ho, sh)), len(range(rw, wo, sw))
                if kh == 0 or kw == 0 or rows == 0 or cols == 0:
                    continue                      # a phase no tap paints stays 0 (+ bias)
                # the phase image: a full stride-1 convolution (transposed conv at stride 1)
                full = conv2d_core(be, x, flipped_swapped_weight(be, sub, g), (1, 1),
                                   ((kh - 1, kh - 1), (kw - 1, kw - 1)), (1, 1), g)
                i0, j0 = (rh + ph) // sh, (rw + pw) // sw      # shift by the cropping
                rows = min(rows, h + kh - 1 - i0)
                cols = min(cols, wdt + kw - 1 - j0)
                if rows <= 0 or cols <= 0:
                    continue                      # beyond the painted canvas: output_padding
                out[:, :, rh: rh + sh * (rows - 1) + 1: sh, rw: rw + sw * (cols - 1) + 1: sw] = \
                    full[:, :, i0: i0 + rows, j0: j0 + cols]
        return spec.finish(out)


# -- the sub-pixel convolution -----------------------------------------------------------------

class SubpixelGeometry(NamedTuple):
    """Sizes along one axis of ``crop(pixel_shuffle(conv(pad(x), w_sub)))`` (see
    :func:`subpixel_geometry`)."""

    k_sub: int           #: kernel size of the stride-1 convolution, ceil((d(k-1)+1)/s)
    pad_start: int       #: zero padding of the low-resolution input at the start
    pad_end: int         #: ... and at the end
    low_res: int         #: length of the stride-1 convolution's output
    shuffled: int        #: s * low_res, the length after the pixel shuffle
    crop_start: int      #: first sample kept (= padding)
    crop_stop: int       #: one past the last sample kept (= padding + n_out)
    n_out: int           #: the transposed convolution's output length


def subpixel_geometry(n_in, kernel_size, stride, padding=0, output_padding=0, dilation=1):
    """The cropping and padding bookkeeping of the sub-pixel form, along one axis.

    The transposed convolution equals: zero-pad the input by ``pad_start = k_sub - 1`` and
    ``pad_end`` samples, correlate at stride 1 with :func:`subpixel_weight` (``low_res`` samples,
    ``s`` phases as channels), pixel-shuffle (``shuffled = s * low_res`` samples, the painted
    canvas followed by zeros), and keep ``[crop_start, crop_stop)``. ``pad_end`` is
    ``k_sub - 1`` plus what ``output_padding`` may need beyond the painted canvas.

    Parameters
    ----------
    n_in, kernel_size, stride, padding, output_padding, dilation : int
        As in :func:`output_size`.

    Returns
    -------
    SubpixelGeometry

    Examples
    --------
    >>> g = subpixel_geometry(4, kernel_size=3, stride=2, padding=1, output_padding=1)
    >>> g.k_sub, g.pad_start, g.pad_end, g.low_res, g.shuffled, g.crop_start, g.crop_stop
    (2, 1, 1, 5, 10, 1, 9)
    """
    n_in, k, s, p, d, op = scalar_params(n_in, kernel_size, stride, padding, dilation,
                                         output_padding)
    n_out = output_size(n_in, k, s, p, op, d)
    k_sub = -(-(d * (k - 1) + 1) // s)
    base = n_in + k_sub - 1                       # phase length of the full painted canvas
    extra = max(0, -(-(p + n_out - s * base) // s))
    low = base + extra
    return SubpixelGeometry(k_sub, k_sub - 1, k_sub - 1 + extra, low, s * low, p, p + n_out,
                            n_out)


def subpixel_weight(weight, stride, groups=1, dilation=1):
    """The stride-1 convolution weight whose pixel-shuffled output is the transposed conv.

    Parameters
    ----------
    weight : array or tensor
        Transposed-convolution weight ``(C_in, C_out/groups, k)`` or
        ``(C_in, C_out/groups, kH, kW)``.
    stride, dilation : int or tuple
    groups : int

    Returns
    -------
    array or tensor
        Convolution weight ``(C_out * s, C_in/groups, k_sub)`` (1-D) or
        ``(C_out * sH * sW, C_in/groups, kH_sub, kW_sub)`` (2-D), ``k_sub = ceil(K / s)`` with
        ``K = d(k-1)+1``. Output channel ``c*s*s + rH*s + rW`` (2-D; ``c*s + r`` in 1-D) holds
        canvas phase ``(rH, rW)`` of output channel ``c``: the sub-kernel
        ``w_dil[..., rH::s, rW::s]`` flipped (a convolution written as a correlation), with
        ``C_in``/``C_out`` swapped within each group, and zero-padded at its start to ``k_sub``.
        With :func:`subpixel_geometry`'s padding and crop,
        ``pixel_shuffle(conv2d(x, w_sub, padding=k_sub - 1), s)[..., p:p + n_out, p:p + n_out]``
        is ``conv_transpose2d(x, weight, stride=s, padding=p)`` whenever the shuffled image is
        long enough (always, for ``output_padding=0``).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[[1., 2., 3.]]])             # (C_in, C_out, k = 3), stride 2
    >>> subpixel_weight(w, 2)[:, 0]                # k_sub = 2: phases (1, 3) and (2,), flipped
    array([[3., 1.],
           [0., 2.]])
    """
    w = _weight("weight", weight)
    nd = w.ndim - 2
    stride = int_tuple("stride", stride, nd, 1)
    dilation = int_tuple("dilation", dilation, nd, 1)
    c_in = int(w.shape[0])
    g = _groups(groups, c_in, "the weight's first dimension C_in")
    be = get_backend(w)
    lift = (lambda t, v: t if nd == 2 else (v,) + t)
    (sh, sw), dil = lift(stride, 1), lift(dilation, 1)
    wd = _dilate(be, _lift(w), dil)
    _, o_per, kh, kw = (int(v) for v in wd.shape)
    kh_sub, kw_sub = -(-kh // sh), -(-kw // sw)
    out = be.zeros((g * o_per, sh, sw, c_in // g, kh_sub, kw_sub), like=wd)
    for rh in range(sh):
        for rw in range(sw):
            sub = wd[:, :, rh::sh, rw::sw]
            lh, lw = int(sub.shape[2]), int(sub.shape[3])
            if lh and lw:
                out[:, rh, rw, :, kh_sub - lh:, kw_sub - lw:] = flipped_swapped_weight(be, sub, g)
    out = out.reshape(g * o_per * sh * sw, c_in // g, kh_sub, kw_sub)
    return out[:, :, 0, :] if nd == 1 else out


def transposed_weight(weight, stride, groups=1):
    """Inverse of :func:`subpixel_weight`: every sub-pixel convolution is a transposed conv.

    A stride-1 convolution weight ``(C_out * s**nd, C_in/groups, k_sub...)`` followed by a pixel
    shuffle equals the transposed convolution with kernel ``s * k_sub`` returned here, in the
    sense of :func:`subpixel_weight` (``subpixel_weight(transposed_weight(v, s), s)`` is ``v``).
    So a sub-pixel convolution with kernel ``k_sub`` has exactly the parameters of a stride-``s``
    transposed convolution with kernel ``s * k_sub``.

    Parameters
    ----------
    weight : array or tensor, ``(C_out*s, C_in/groups, k_sub)`` or
        ``(C_out*sH*sW, C_in/groups, kH_sub, kW_sub)``
    stride : int or tuple
    groups : int

    Returns
    -------
    array or tensor ``(C_in, C_out/groups, s*k_sub)`` or ``(C_in, C_out/groups, sH*kH_sub,
    sW*kW_sub)``

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([[[3., 1.]], [[0., 2.]]])     # 2 phases of C_out = 1, C_in = 1, k_sub = 2
    >>> transposed_weight(v, 2)                    # kernel length 4, the last tap unused
    array([[[1., 2., 3., 0.]]])
    """
    v = _weight("weight", weight)
    nd = v.ndim - 2
    stride = int_tuple("stride", stride, nd, 1)
    (sh, sw) = stride if nd == 2 else (1,) + stride
    channels, c_per = int(v.shape[0]), int(v.shape[1])
    if channels % (sh * sw):
        raise ValueError(f"the weight's first dimension ({channels}) must be divisible by the "
                         f"number of phases ({sh * sw}) for stride {stride if nd == 2 else stride[0]}")
    c_out = channels // (sh * sw)
    g = _groups(groups, c_out, "the output channels C_out")
    be = get_backend(v)
    v4 = _lift(v)
    kh_sub, kw_sub = int(v4.shape[2]), int(v4.shape[3])
    phases = v4.reshape(c_out, sh, sw, c_per, kh_sub, kw_sub)
    out = be.zeros((c_per * g, c_out // g, sh * kh_sub, sw * kw_sub), like=v4)
    for rh in range(sh):
        for rw in range(sw):
            conv_w = be.flip(phases[:, rh, rw], (2, 3))    # back to painting order
            # (C_out, C_in/g) -> (C_in, C_out/g): the swap is its own inverse with the groups
            # read from the other side
            tw = conv_w.reshape(g, c_out // g, c_per, kh_sub, kw_sub)
            tw = be.permute(tw, (0, 2, 1, 3, 4)).reshape(g * c_per, c_out // g, kh_sub, kw_sub)
            out[:, :, rh::sh, rw::sw] = tw
    return out[:, :, 0, :] if nd == 1 else out


def _shuffle(be, y, sh, sw):
    """Depth to space with factors ``(sh, sw)``: ``(N, C*sh*sw, H, W) -> (N, C, H*sh, W*sw)``;
    equal to :func:`tconvlib.pixel_shuffle` for ``sh == sw``."""
    n, c, h, w = (int(v) for v in y.shape)
    y = be.permute(y.reshape(n, c // (sh * sw), sh, sw, h, w), (0, 1, 4, 2, 5, 3))
    return y.reshape(n, c // (sh * sw), h * sh, w * sw)


def conv_transpose_subpixel(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                            groups=1, dilation=1):
    """Transposed convolution computed as a stride-1 convolution, a pixel shuffle and a crop.

    ``crop(pixel_shuffle(conv(pad(x), subpixel_weight(weight, s)), s))`` with the padding and
    crop of :func:`subpixel_geometry`. Same arguments and result as
    ``torch.nn.functional.conv_transpose1d/2d``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1., 10.]])
    >>> w = np.array([[[1., 2., 3.]]])
    >>> conv_transpose_subpixel(x, w, stride=2)
    array([[ 1.,  2., 13., 20., 30.]])
    """
    ndim = _spatial_dims(weight)
    spec = check_transposed(input, weight, bias, stride, padding, output_padding, groups,
                            dilation, ndim)
    be = spec.backend
    geo = [subpixel_geometry(n, k, s, p, op, d) for n, k, s, p, op, d in
           zip(spec.in_size, spec.kernel, spec.stride, spec.padding, spec.output_padding,
               spec.dilation)]
    w_sub = _lift(subpixel_weight(spec.w, spec.stride, spec.groups, spec.dilation))
    (sh, sw) = spec.stride
    with be.quiet():
        low = conv2d_core(be, spec.x, w_sub, (1, 1), tuple((gg.pad_start, gg.pad_end)
                                                           for gg in geo), (1, 1), spec.groups)
        up = _shuffle(be, low, sh, sw)
        out = be.contiguous(up[:, :, geo[0].crop_start: geo[0].crop_stop,
                               geo[1].crop_start: geo[1].crop_stop])
        return spec.finish(out)
