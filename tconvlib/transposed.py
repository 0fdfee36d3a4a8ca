"""Transposed convolution, three ways: painting (scatter), zero insertion, and ``A.T``.

All three agree with each other and with ``torch.nn.functional.conv_transpose1d/2d``; they
exist side by side because each is one of the book's explanations made executable.
"""

from __future__ import annotations

from ._validate import check_memory, check_method, check_transposed
from .conv import conv2d_core
from .matrix import build_matrix

__all__ = ["conv_transpose1d", "conv_transpose2d", "METHODS"]

#: The algorithms accepted by ``method=``.
METHODS = ("scatter", "zero_insert", "matrix")


def _scatter(spec):
    """Painting: every input value adds a scaled copy of the kernel to the output canvas.

    Tap ``(a, b)`` of the kernel paints input pixel ``(i, j)`` at canvas position
    ``(s*i + d*a, s*j + d*b)``. Sorting the taps by *phase* (the canvas position modulo the
    stride) turns each tap's strokes into a whole-image shift inside one phase image, so every
    tap is one in-place matrix product ``phase[shifted] += x @ w[:, :, a, b]`` (BLAS with
    beta=1: no temporaries, no strided adds). The phase images are then interleaved into the
    output, cropped by ``padding`` and extended by ``output_padding``.

    The input is zero-padded to the phase-image size, so padded zeros are multiplied by the
    weights; that is exact only for finite weights, and non-finite weights take the plain
    stamp-by-stamp path (:func:`_scatter_stamps`), which has torch's NaN semantics.
    """
    be, x, w, g = spec.backend, spec.x, spec.w, spec.groups
    if not be.all_finite(w):
        return _scatter_stamps(spec)
    n, c_in, h, wd = (int(v) for v in x.shape)
    _, o_per, kh, kw = (int(v) for v in w.shape)
    (sh, sw), (ph, pw), (dh, dw) = spec.stride, spec.padding, spec.dilation
    ho, wo = spec.out_size
    c_per = c_in // g
    hp, wp = h + dh * (kh - 1) // sh, wd + dw * (kw - 1) // sw   # one phase image
    size, tail = n * hp * wp, (hp - h) * wp + (wp - wd)
    check_memory(sh * sw * (size + tail) * g * o_per * be.itemsize(x), "the phase images")
    xp = be.zeros((g, c_per, n, hp, wp), like=x)
    xp[:, :, :, :h, :wd] = be.permute(x.reshape(n, g, c_per, h, wd), (1, 2, 0, 3, 4))
    x_mat = be.permute(xp.reshape(g, c_per, size), (0, 2, 1))                # (g, L, C_in/g)
    w_taps = be.contiguous(be.permute(w.reshape(g, c_per, o_per, kh, kw), (3, 4, 0, 1, 2)))
    phases = be.zeros((sh, sw, g, size + tail, o_per), like=x)
    for a in range(kh):
        for b in range(kw):
            shift = (dh * a // sh) * wp + dw * b // sw
            dest = phases[dh * a % sh, dw * b % sw, :, shift: shift + size]
            if g == 1:
                be.addmm_(dest[0], x_mat[0], w_taps[a, b, 0])
            else:
                be.addmm_(dest, x_mat, w_taps[a, b])
    out = be.zeros((n, g, o_per, ho, wo), like=x)
    for r in range(sh):
        y0 = (r - ph) % sh                    # first output row in phase r ...
        i0 = (y0 + ph) // sh                  # ... and its row in the phase image
        rows = min(len(range(y0, ho, sh)), hp - i0)
        for q in range(sw):
            x0 = (q - pw) % sw
            j0 = (x0 + pw) // sw
            cols = min(len(range(x0, wo, sw)), wp - j0)
            if rows <= 0 or cols <= 0:
                continue
            block = phases[r, q, :, :size].reshape(g, n, hp, wp, o_per)
            block = block[:, :, i0: i0 + rows, j0: j0 + cols]
            out[:, :, :, y0: y0 + sh * (rows - 1) + 1: sh, x0: x0 + sw * (cols - 1) + 1: sw] = \
                be.permute(block, (1, 0, 4, 2, 3))
    return out.reshape(n, g * o_per, ho, wo)


def _scatter_stamps(spec):
    """Painting, stamp by stamp: one matrix product computes every stamp
    (``stamps[n, co, a, b, i, j]`` is what input pixel ``(i, j)`` paints through tap ``(a, b)``);
    then one strided add per tap lays them on the canvas at ``(s*i + d*a, s*j + d*b)``."""
    be, x, w, g = spec.backend, spec.x, spec.w, spec.groups
    n, c_in, h, wd = (int(v) for v in x.shape)
    _, o_per, kh, kw = (int(v) for v in w.shape)
    (sh, sw), (ph, pw), (dh, dw) = spec.stride, spec.padding, spec.dilation
    ho, wo = spec.out_size
    c_per, c_out = c_in // g, o_per * g
    check_memory(n * c_out * kh * kw * h * wd * be.itemsize(x), "the painted kernel stamps")
    wt = be.permute(w.reshape(g, c_per, o_per * kh * kw), (0, 2, 1))
    stamps = (wt @ x.reshape(n, g, c_per, h * wd)).reshape(n, c_out, kh, kw, h, wd)
    canvas = be.zeros((n, c_out, max(sh * (h - 1) + dh * (kh - 1) + 1, ph + ho),
                       max(sw * (wd - 1) + dw * (kw - 1) + 1, pw + wo)), like=x)
    for a in range(kh):
        for b in range(kw):
            canvas[:, :, dh * a: dh * a + sh * (h - 1) + 1: sh,
                   dw * b: dw * b + sw * (wd - 1) + 1: sw] += stamps[:, :, a, b]
    return be.contiguous(canvas[:, :, ph: ph + ho, pw: pw + wo])


def flipped_swapped_weight(backend, w, groups):
    """The forward-conv weight equivalent to a transposed conv's weight.

    ``(C_in, C_out/g, kH, kW)`` becomes ``(C_out, C_in/g, kH, kW)``: within each group the two
    channel axes swap, and the kernel is flipped in space (the transpose of a correlation is a
    correlation with the reversed kernel).
    """
    c_in, o_per, kh, kw = (int(v) for v in w.shape)
    wg = w.reshape(groups, c_in // groups, o_per, kh, kw)
    wg = backend.permute(wg, (0, 2, 1, 3, 4)).reshape(groups * o_per, c_in // groups, kh, kw)
    return backend.flip(wg, (2, 3))


def _zero_insert(spec):
    """Stretch the input with ``s - 1`` zeros between samples, pad by ``d(k-1) - p`` (plus
    ``output_padding`` at the end), then correlate at stride 1 with the flipped, channel-swapped
    kernel. Most multiplications hit inserted zeros: that waste is the point of the lesson."""
    be, x = spec.backend, spec.x
    n, c_in, h, wd = (int(v) for v in x.shape)
    (sh, sw) = spec.stride
    hs, ws = sh * (h - 1) + 1, sw * (wd - 1) + 1
    check_memory(n * c_in * hs * ws * be.itemsize(x), "the zero-inserted input")
    stretched = be.zeros((n, c_in, hs, ws), like=x)
    stretched[:, :, ::sh, ::sw] = x
    pads = tuple((d * (k - 1) - p, d * (k - 1) - p + op) for k, p, op, d in
                 zip(spec.kernel, spec.padding, spec.output_padding, spec.dilation))
    w_conv = flipped_swapped_weight(be, spec.w, spec.groups)
    return conv2d_core(be, stretched, w_conv, (1, 1), pads, spec.dilation, spec.groups)


def _matrix(spec):
    """Multiply by ``A.T``, with ``A`` the (sparse) matrix of the matching forward conv."""
    be, y = spec.backend, spec.x
    n, c_in = int(y.shape[0]), int(y.shape[1])
    c_out = spec.out_channels
    # A is the forward conv from the transposed conv's output space to its input space.
    a_t = build_matrix(spec, (c_out, spec.out_size), (c_in, spec.in_size), spec.padding,
                       sparse=True, transpose=True)
    out = be.sparse_matmul(a_t, y.reshape(n, c_in * spec.in_size[0] * spec.in_size[1]).T).T
    return be.contiguous(out).reshape(n, c_out, spec.out_size[0], spec.out_size[1])


_IMPL = {"scatter": _scatter, "zero_insert": _zero_insert, "matrix": _matrix}


def _conv_transpose(ndim, input, weight, bias, stride, padding, output_padding, groups,
                    dilation, method):
    check_method(method, METHODS)
    spec = check_transposed(input, weight, bias, stride, padding, output_padding, groups,
                            dilation, ndim)
    with spec.backend.quiet():
        return spec.finish(_IMPL[method](spec))


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, method="scatter"):
    """1-D transposed convolution with the semantics of ``torch.nn.functional.conv_transpose1d``.

    Parameters
    ----------
    input : array or tensor, shape ``(N, C_in, L)`` or unbatched ``(C_in, L)``
    weight : array or tensor, shape ``(C_in, C_out/groups, k)``
    bias : array or tensor, shape ``(C_out,)``, optional
    stride, dilation : int or tuple of 1 int, positive
    padding : int or tuple of 1 int, non-negative: crops ``p`` samples from each end of the
        painted canvas
    output_padding : int or tuple of 1 int, smaller than ``stride`` or ``dilation``
    groups : int, positive, dividing ``C_in``
    method : {'scatter', 'zero_insert', 'matrix'}
        The algorithm: painting, zero insertion + stride-1 convolution, or ``A.T @ y``. All
        three give the same result (up to floating-point rounding).

    Returns
    -------
    array or tensor
        Shape ``(N, C_out, L_out)`` with ``L_out = s(L-1) + d(k-1) + 1 - 2p + op``.

    Notes
    -----
    NaN and inf in ``input`` propagate exactly as in torch with every method. With
    ``method='zero_insert'`` a non-finite *weight* also multiplies the inserted zeros, so it
    can reach positions that the other methods (and torch) leave at 0.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1., 10.]])                  # (C_in=1, L=2)
    >>> w = np.array([[[1., 2., 3.]]])             # (C_in=1, C_out=1, k=3)
    >>> conv_transpose1d(x, w, stride=2)           # two stamps of the kernel, 2 apart
    array([[ 1.,  2., 13., 20., 30.]])
    >>> conv_transpose1d(x, w, stride=2, method="zero_insert")
    array([[ 1.,  2., 13., 20., 30.]])
    """
    return _conv_transpose(1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, method)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1, *, method="scatter"):
    """2-D transposed convolution with the semantics of ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input : array or tensor, shape ``(N, C_in, H, W)`` or unbatched ``(C_in, H, W)``
    weight : array or tensor, shape ``(C_in, C_out/groups, kH, kW)``
    bias : array or tensor, shape ``(C_out,)``, optional
    stride, dilation : int or pair of ints, positive
    padding : int or pair of ints, non-negative: crops ``p`` rows/columns from each side of the
        painted canvas
    output_padding : int or pair of ints, each smaller than its stride or dilation; adds rows
        and columns on the bottom/right side only
    groups : int, positive, dividing ``C_in``
    method : {'scatter', 'zero_insert', 'matrix'}
        Painting, zero insertion + stride-1 convolution with the flipped kernel, or ``A.T @ y``.

    Returns
    -------
    array or tensor
        Shape ``(N, C_out, H_out, W_out)``; numpy in, numpy out; a torch tensor in gives a tensor
        on the same device with the same dtype, computed with torch ops on that device.

    Notes
    -----
    See :func:`conv_transpose1d` for NaN semantics.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[1., 2.], [3., 4.]]])       # (C_in=1, 2, 2)
    >>> w = np.ones((1, 1, 2, 2))                  # (C_in=1, C_out=1, 2, 2)
    >>> conv_transpose2d(x, w, stride=2)           # k = s: each pixel becomes a 2x2 block
    array([[[1., 1., 2., 2.],
            [1., 1., 2., 2.],
            [3., 3., 4., 4.],
            [3., 3., 4., 4.]]])
    """
    return _conv_transpose(2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation, method)
