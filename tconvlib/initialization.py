"""Initializing transposed convolutions: per-phase fan-in, output variance, He-style and bilinear.

A stride-``s`` transposed convolution paints output position ``o`` with kernel tap ``a`` of
input ``i`` when ``o = s*i - p + d*a``. In the interior (away from the borders) the taps that
reach ``o`` are those with ``d*a = o + p (mod s)``: their number depends only on the output
*phase* ``r = o mod s``,

.. math::

    n_r = \\#\\{a \\in \\{0, \\dots, k-1\\} : d\\,a \\equiv r + p \\pmod s\\},

and in 2-D the count of phase ``(r, c)`` is the product ``n_r n_c`` of the two axes' counts.
With ``C_in / groups`` input channels per output channel, the *fan-in* of phase ``r`` (the number
of products summed into one output) is ``(C_in / groups) * n_r``: it differs between phases
unless ``k`` is a multiple of ``s`` (for ``d = 1``). Every tap lands in exactly one phase, so
``sum_r n_r = k`` and the *mean* fan-in over the phases is ``(C_in / groups) * k / s`` per axis
(``(C_in/g) k_H k_W / (s_H s_W)`` in 2-D) for **any** ``k``, ``s``, ``p`` and ``d``: also with
holes (``k < s``) and with dilation (``gcd(d, s) > 1`` leaves some phases unreachable).

The *backward* fan-in, the number of products in the gradient with respect to one input, is
``(C_out / groups) * k_H k_W`` for every input (the fan-out). It is what ``torch.nn.init`` reads
as ``fan_in`` from a transposed-conv weight ``(C_in, C_out/g, kH, kW)``: He et al.'s gradient-
preserving criterion. The two fans differ by ``(C_out / C_in) * s_H s_W`` at every layer, so a
strided transposed convolution keeps the variance of either the forward signal (:func:`he_init_`)
or the gradient (torch's Kaiming), not both.

With i.i.d. weights of mean 0 and variance ``sigma_w**2``, independent of i.i.d. inputs with
second moment ``E[x**2]``, every product in the sum is uncorrelated with the others, so

.. math::

    \\operatorname{Var}(y_o) = (C_\\text{in}/g)\\, n_{o \\bmod s}\\, \\sigma_w^2\\, E[x^2].

:func:`he_init_` chooses, tap by tap, the standard deviation that makes this ``gain**2 E[x**2]``
for every phase that receives a tap (the He recipe with the fan-in of the tap's own phase). With
*holes* (``k < s``, or ``gcd(d, s) > 1``, on some axis) some phases receive no tap: their output
is 0 whatever the weights, and no initialization can change that; :func:`he_std` and
:func:`he_init_` accept such layers and give the other phases ``gain**2 E[x**2]``. ``per_phase=False``
uses the mean fan-in ``(C_in/g) k_H k_W / (s_H s_W)`` instead (right on average, uneven across
phases). :func:`bilinear_kernel` and :func:`bilinear_init_` set a transposed convolution to
bilinear upsampling, as FCN does.
"""

from __future__ import annotations

import math

import numpy as np

from ._backend import is_torch
from ._validate import as_int, int_tuple, positive_int

__all__ = ["phase_fan_in", "phase_variance", "he_std", "he_init_", "bilinear_kernel",
           "bilinear_init_"]


def _dims(dims):
    dims = as_int("dims", dims)
    if dims not in (1, 2):
        raise ValueError(f"dims ({dims}) must be 1 (signals) or 2 (images)")
    return dims


def _axis_counts(k, s, p, d):
    """Interior tap counts of the ``s`` phases of one axis."""
    taps = (d * np.arange(k) - p) % s
    return np.bincount(taps, minlength=s).astype(np.int64)


def _geometry(kernel_size, stride, padding, dilation, dims):
    k = int_tuple("kernel_size", kernel_size, dims, 1)
    s = int_tuple("stride", stride, dims, 1)
    p = int_tuple("padding", padding, dims, 0)
    d = int_tuple("dilation", dilation, dims, 1)
    return k, s, p, d


def _channels(in_channels, groups):
    c = positive_int("in_channels", in_channels)
    g = positive_int("groups", groups)
    if c % g:
        raise ValueError(f"in_channels ({c}) must be divisible by groups ({g})")
    return c // g


def phase_fan_in(kernel_size, stride, padding=0, dilation=1, *, in_channels=1, groups=1,
                 dims=2):
    """Fan-in of each output phase of a transposed convolution, in the interior.

    Parameters
    ----------
    kernel_size, stride, padding, dilation : int or tuple
        As in ``torch.nn.functional.conv_transpose{1,2}d`` (a pair for ``dims=2``).
    in_channels : int
        ``C_in`` of the transposed convolution (the weight's first dimension).
    groups : int
        Each output channel reads ``in_channels // groups`` input channels.
    dims : {1, 2}

    Returns
    -------
    numpy.ndarray of int64, shape ``(s,)`` or ``(s_H, s_W)``
        Entry ``r`` (or ``[r, c]``) is the number of (input, tap) products summed into an
        interior output whose position is ``r`` modulo the stride (per axis). It equals
        ``in_channels // groups`` times the interior values of :func:`tconvlib.overlap_count`.

    Examples
    --------
    >>> phase_fan_in(3, 2, dims=1)            # taps 0, 2 reach even outputs, tap 1 odd ones
    array([2, 1])
    >>> phase_fan_in(3, 2, padding=1)         # odd padding: the rich phase moves to (1, 1)
    array([[1, 2],
           [2, 4]])
    >>> phase_fan_in(4, 2, in_channels=8)     # k divisible by s: even
    array([[32, 32],
           [32, 32]])
    >>> phase_fan_in(3, 4, dilation=2, dims=1)    # k < s and d > 1: the mean is still k / s
    array([2, 0, 1, 0])
    """
    dims = _dims(dims)
    k, s, p, d = _geometry(kernel_size, stride, padding, dilation, dims)
    c = _channels(in_channels, groups)
    counts = [_axis_counts(*args) for args in zip(k, s, p, d)]
    out = counts[0] if dims == 1 else np.outer(counts[0], counts[1])
    return c * out


def _nonneg_float(name, value):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} ({v}) must be a finite number >= 0")
    return v


def phase_variance(kernel_size, stride, padding=0, dilation=1, *, in_channels=1, groups=1,
                   weight_var=1.0, input_var=1.0, input_mean=0.0, dims=2):
    """Variance of an interior output of each phase, for i.i.d. zero-mean weights and inputs.

    ``Var(y) = fan_in_r * weight_var * (input_var + input_mean**2)`` (see the module
    docstring; no bias). Weights have mean 0; inputs may have a mean (e.g. after a ReLU).

    Parameters
    ----------
    kernel_size, stride, padding, dilation, in_channels, groups, dims
        See :func:`phase_fan_in`.
    weight_var : float
        Variance of each weight.
    input_var, input_mean : float
        Variance and mean of each input value.

    Returns
    -------
    numpy.ndarray of float64, shape ``(s,)`` or ``(s_H, s_W)``

    Examples
    --------
    >>> phase_variance(3, 2, in_channels=4, weight_var=0.25)
    array([[4., 2.],
           [2., 1.]])
    """
    wv = _nonneg_float("weight_var", weight_var)
    iv = _nonneg_float("input_var", input_var)
    try:
        im = float(input_mean)
    except (TypeError, ValueError):
        raise TypeError(f"input_mean must be a real number, got {input_mean!r}") from None
    if not math.isfinite(im):
        raise ValueError(f"input_mean ({im}) must be finite")
    fan = phase_fan_in(kernel_size, stride, padding, dilation, in_channels=in_channels,
                       groups=groups, dims=dims)
    return fan * wv * (iv + im * im)


def _weight_layout(weight):
    """(shape, dims) of a transposed-conv weight (C_in, C_out/groups, *kernel)."""
    if is_torch(weight):
        shape = tuple(weight.shape)
        if not weight.is_floating_point():
            raise TypeError(f"weight must be a floating-point tensor, got dtype {weight.dtype}")
    elif isinstance(weight, np.ndarray):
        shape = weight.shape
        if weight.dtype.kind != "f":
            raise TypeError(f"weight must be a floating-point array, got dtype {weight.dtype}")
    else:
        raise TypeError(f"weight must be a numpy array or a torch tensor (modified in place), "
                        f"got {type(weight).__name__}")
    if len(shape) not in (3, 4):
        raise ValueError(f"weight must have shape (C_in, C_out/groups, k) or "
                         f"(C_in, C_out/groups, kH, kW), got {shape}")
    return shape, len(shape) - 2


def he_std(kernel_size, stride, padding=0, dilation=1, *, in_channels=1, groups=1,
           gain=math.sqrt(2.0), per_phase=True, dims=2):
    """Standard deviation of each kernel tap for the He-style init of a transposed conv.

    Parameters
    ----------
    kernel_size, stride, padding, dilation, in_channels, groups, dims
        See :func:`phase_fan_in`.
    gain : float
        ``sqrt(2)`` before a ReLU (He et al.), 1 for a linear layer.
    per_phase : bool
        True: tap ``a`` gets ``gain / sqrt(fan_in of its phase)``, so every interior phase that
        receives a tap has output variance ``gain**2 * E[x**2]``; phases without taps (holes:
        ``k < s`` or ``gcd(d, s) > 1`` on some axis) have output 0 whatever the weights. False: every tap gets
        ``gain / sqrt(mean fan-in)`` with mean fan-in ``(C_in/groups) * prod(k) / prod(s)``,
        which holds for any kernel size, stride, padding and dilation (right on average over
        the phases, uneven between them).

    Returns
    -------
    numpy.ndarray of float64, shape ``(k,)`` or ``(kH, kW)``

    Examples
    --------
    >>> he_std(3, 2, in_channels=2, gain=1.0, dims=1) ** 2   # tap variances 1/4, 1/2, 1/4
    array([0.25, 0.5 , 0.25])
    >>> he_std(2, 3, gain=1.0, dims=1) ** 2      # k < s: phase 2 has no tap (a hole, output 0)
    array([1., 1.])
    """
    dims = _dims(dims)
    g = _nonneg_float("gain", gain)
    k, s, p, d = _geometry(kernel_size, stride, padding, dilation, dims)
    c = _channels(in_channels, groups)
    if not isinstance(per_phase, (bool, np.bool_)):
        raise TypeError(f"per_phase must be True or False, got {per_phase!r}")
    axes = []
    for ka, sa, pa, da in zip(k, s, p, d):
        counts = _axis_counts(ka, sa, pa, da)
        phase_of_tap = (da * np.arange(ka) - pa) % sa
        axes.append(counts[phase_of_tap] if per_phase else np.full(ka, ka / sa))
    fan = c * (axes[0] if dims == 1 else np.outer(axes[0], axes[1]))
    return g / np.sqrt(fan.astype(np.float64))


def he_init_(weight, stride, padding=0, dilation=1, *, groups=1, gain=math.sqrt(2.0),
             per_phase=True, generator=None):
    """Fill a transposed-conv weight in place with the He-style init (normal, zero mean).

    Every interior output phase that receives a tap gets variance ``gain**2 * E[x**2]``; with
    holes (``k < s`` or ``gcd(d, s) > 1`` on some axis) the phases without taps output 0
    whatever the weights (see :func:`he_std`).

    Parameters
    ----------
    weight : numpy.ndarray or torch.Tensor
        Shape ``(C_in, C_out/groups, k)`` or ``(C_in, C_out/groups, kH, kW)``, floating point;
        overwritten in place (a torch tensor stays on its device; autograd is not recorded).
    stride, padding, dilation : int or tuple
        Of the transposed convolution the weight belongs to.
    groups : int
    gain, per_phase
        See :func:`he_std`.
    generator : numpy.random.Generator, int, torch.Generator or None
        numpy: a ``Generator`` or a seed; torch: a ``torch.Generator`` on the weight's device
        (or None for the global generator).

    Returns
    -------
    The same ``weight`` object.

    Examples
    --------
    >>> w = np.zeros((64, 64, 3, 3))
    >>> _ = he_init_(w, 2, generator=0)
    >>> (w.var(axis=(0, 1)) * 64).round(1)      # tap variance times C_in: 2 / taps of phase
    array([[0.5, 1. , 0.5],
           [1. , 2. , 1. ],
           [0.5, 1. , 0.5]])
    """
    shape, dims = _weight_layout(weight)
    std = he_std(shape[2:], stride, padding, dilation, in_channels=shape[0], groups=groups,
                 gain=gain, per_phase=per_phase, dims=dims)
    if is_torch(weight):
        import torch

        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator for a torch weight, got "
                            f"{type(generator).__name__}")
        with torch.no_grad():
            weight.normal_(generator=generator)
            weight.mul_(torch.as_tensor(std, dtype=weight.dtype, device=weight.device))
        return weight
    if generator is not None and not isinstance(generator, (np.random.Generator, int,
                                                            np.integer)):
        raise TypeError(f"generator must be a numpy Generator or an int seed for a numpy "
                        f"weight, got {type(generator).__name__}")
    rng = np.random.default_rng(generator)
    weight[...] = rng.standard_normal(shape) * std
    return weight


def bilinear_kernel(factor, *, dims=2):
    """The kernel that makes a transposed convolution a bilinear upsampler by ``factor``.

    Kernel size ``k = 2*factor - factor % 2``, taps ``1 - |a - c| / factor`` with centre
    ``c = (k - 1) / 2``; use it with ``stride=factor`` and ``padding=(k - factor) // 2`` (FCN's
    upsampling filter). In the interior the result equals
    ``torch.nn.functional.interpolate(..., mode="bilinear", align_corners=False)``.

    Parameters
    ----------
    factor : int
        The upsampling factor (>= 1).
    dims : {1, 2}
        1: the 1-D (linear) kernel; 2: the outer product (bilinear).

    Returns
    -------
    numpy.ndarray of float64, shape ``(k,)`` or ``(k, k)``

    Examples
    --------
    >>> bilinear_kernel(2, dims=1)
    array([0.25, 0.75, 0.75, 0.25])
    >>> bilinear_kernel(3, dims=1).round(4)
    array([0.3333, 0.6667, 1.    , 0.6667, 0.3333])
    """
    dims = _dims(dims)
    f = as_int("factor", factor)
    if f < 1:
        raise ValueError(f"factor ({f}) must be a positive integer")
    k = 2 * f - f % 2
    centre = (k - 1) / 2
    taps = 1.0 - np.abs(np.arange(k) - centre) / f
    return taps if dims == 1 else np.outer(taps, taps)


def bilinear_init_(weight, factor):
    """Set a transposed-conv weight in place to channel-wise bilinear upsampling by ``factor``.

    ``weight`` has shape ``(C, C, k, k)`` (groups=1: channel ``c`` is painted only into output
    channel ``c``) or ``(C, 1, k, k)`` (depthwise, ``groups=C``), with ``k`` the size from
    :func:`bilinear_kernel`; 1-D weights ``(C, C, k)`` / ``(C, 1, k)`` work too. Use the layer
    with ``stride=factor`` and ``padding=(k - factor) // 2``.

    Returns
    -------
    The same ``weight`` object.

    Examples
    --------
    >>> w = np.empty((2, 2, 4, 4))
    >>> _ = bilinear_init_(w, 2)
    >>> bool(w[0, 1].any()), w[1, 1, 1]
    (False, array([0.1875, 0.5625, 0.5625, 0.1875]))
    """
    shape, dims = _weight_layout(weight)
    kern = bilinear_kernel(factor, dims=dims)
    if shape[2:] != kern.shape:
        raise ValueError(f"the kernel of weight {shape} must be {kern.shape} for factor "
                         f"{factor} (k = 2*factor - factor % 2)")
    c_in, c_out = shape[:2]
    if not (c_out == c_in or c_out == 1):
        raise ValueError(f"weight {shape} must be (C, C, ...) or (C, 1, ...) (depthwise, "
                         f"groups=C) for a channel-wise upsampler")
    full = np.zeros(shape)
    for c in range(c_in):
        full[c, c if c_out == c_in else 0] = kern
    if is_torch(weight):
        import torch

        with torch.no_grad():
            weight.copy_(torch.as_tensor(full, dtype=weight.dtype, device=weight.device))
        return weight
    weight[...] = full
    return weight
