"""Measuring checkerboard artifacts: one score, used by every chapter.

A stride-``s`` transposed convolution paints its output in ``s`` (1-D) or ``s**2`` (2-D)
interleaved *phases*: output positions ``o`` with the same ``o mod s``. A checkerboard is a
difference between the phases. :func:`phase_means` averages the output over everything except the
phase (batch, channels, and all positions of that phase); :func:`checkerboard_score` is the RMS of
the phase means' deviation from the overall mean, relative to the RMS of the signal:

.. math::

    \\text{score}(x) = \\frac{\\sqrt{\\operatorname{mean}_\\phi (\\mu_\\phi - \\mu)^2}}
                            {\\sqrt{\\operatorname{mean}(x^2)}} \\in [0, 1].

It is 0 when every phase has the same mean and 1 for a pure, zero-mean checkerboard
(``+1, -1, +1, ...``). By Parseval, the numerator squared is the energy of ``x`` at the
``s``-periodic frequencies ``j/s`` (excluding DC) per sample: the score is the amplitude of the
part of the signal that repeats with period ``s``, relative to the whole signal. Averaging over
a batch makes a pattern that every sample shares stand out while content averages away.
"""

from __future__ import annotations

import numpy as np

from ._backend import is_torch
from ._validate import as_int, positive_int

__all__ = ["phase_means", "checkerboard_score"]


def _to_numpy(x):
    if is_torch(x):
        return x.detach().to("cpu").double().numpy()
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"x must be an array or tensor of real numbers: {exc}") from None
    return arr


def _prepare(x, stride, dims, border):
    dims = as_int("dims", dims)
    if dims not in (1, 2):
        raise ValueError(f"dims ({dims}) must be 1 (signals) or 2 (images)")
    s = positive_int("stride", stride)
    border = as_int("border", border)
    if border < 0:
        raise ValueError(f"border ({border}) must be >= 0")
    a = _to_numpy(x)
    if a.ndim < dims:
        raise ValueError(f"x must have at least dims={dims} dimensions, got shape {a.shape}")
    if border:
        crop = (slice(None),) * (a.ndim - dims) + (slice(border, -border),) * dims
        a = a[crop]
    if min(a.shape[a.ndim - dims:]) < s:
        raise ValueError(f"after cropping border={border}, the spatial size "
                         f"{a.shape[a.ndim - dims:]} must be at least stride ({s}) so that "
                         f"every phase is present")
    return a, s, dims


def phase_means(x, stride, *, dims=2, border=0):
    """Mean of ``x`` over each output phase (positions with equal index mod ``stride``).

    Parameters
    ----------
    x : array or tensor
        Signals ``(..., L)`` (``dims=1``) or images ``(..., H, W)`` (``dims=2``); all leading
        dimensions (batch, channels) are averaged over.
    stride : int
        The period of the phases.
    dims : {1, 2}
    border : int
        Positions dropped at each end of every spatial axis before measuring (borders are where
        overlap is uneven even for ``k`` divisible by ``s``).

    Returns
    -------
    numpy.ndarray of shape ``(stride,)`` or ``(stride, stride)``; entry ``[a, b]`` is the mean
    over positions ``(i, j)`` with ``i % stride == a`` and ``j % stride == b``, counted from the
    first position kept.

    Examples
    --------
    >>> phase_means([[4., 2., 4.], [2., 1., 2.], [4., 2., 4.]], 2)
    array([[4., 2.],
           [2., 1.]])
    """
    a, s, dims = _prepare(x, stride, dims, border)
    if dims == 1:
        return np.array([a[..., i::s].mean() for i in range(s)])
    return np.array([[a[..., i::s, j::s].mean() for j in range(s)] for i in range(s)])


def checkerboard_score(x, stride, *, dims=2, border=0):
    """How much of ``x`` is a pattern with period ``stride``: 0 (none) .. 1 (all of it).

    The RMS deviation of the :func:`phase_means` from the overall mean, divided by the RMS of
    ``x`` (see the module docstring). Typical use: the response of a layer to a constant input,
    or a batch of outputs.

    Parameters
    ----------
    x : array or tensor
    stride : int
    dims : {1, 2}
    border : int
        See :func:`phase_means`.

    Returns
    -------
    float (0.0 for an all-zero ``x``)
        Both the phase means and the RMS are taken over the largest leading block of whole
        periods (each spatial size rounded down to a multiple of ``stride``), so a periodic
        pattern scores the same whatever the crop.

    Examples
    --------
    >>> round(checkerboard_score([1., -1., 1., -1.], 2, dims=1), 6)
    1.0
    >>> checkerboard_score([3., 3., 3., 3.], 2, dims=1)
    0.0
    >>> round(checkerboard_score([2., 1., 2., 1.], 2, dims=1), 4)   # 1-D overlap 2, 1, 2, 1
    0.3162
    """
    a, s, dims = _prepare(x, stride, dims, border)
    # whole periods only, so that the phases weigh equally and the RMS is over the same samples
    spatial = a.shape[a.ndim - dims:]
    keep = tuple(slice(0, n - n % s) for n in spatial)
    a = a[(Ellipsis,) + keep]
    rms = float(np.sqrt(np.mean(a * a)))
    if rms == 0.0:
        return 0.0
    mu = phase_means(a, s, dims=dims)
    return float(np.sqrt(np.mean((mu - mu.mean()) ** 2)) / rms)
