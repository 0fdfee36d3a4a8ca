"""Measuring checkerboard artifacts: one score, used by every chapter.

A stride-``s`` transposed convolution paints its output in ``s`` (1-D) or ``s**2`` (2-D)
interleaved *phases*: output positions ``o`` with the same ``o mod s``. A checkerboard is a
difference between the phases. :func:`phase_means` averages the output over everything except the
phase (batch, channels, and all positions of that phase); :func:`checkerboard_score` is, for each
channel, the RMS of the phase means' deviation from the overall mean, relative to the RMS of the
signal, averaged over the channels:

.. math::

    \\text{score}(x) = \\frac{\\sqrt{\\operatorname{mean}_\\phi (\\mu_\\phi - \\mu)^2}}
                            {\\sqrt{\\operatorname{mean}(x^2)}} \\in [0, 1].

It is 0 when every phase has the same mean and 1 for a pure, zero-mean checkerboard
(``+1, -1, +1, ...``). By Parseval, the numerator squared is the energy of ``x`` at the
``s``-periodic frequencies ``j/s`` (excluding DC) per sample: the score is the amplitude of the
part of the signal that repeats with period ``s``, relative to the whole signal. Averaging over
a batch makes a pattern that every sample shares stand out while content averages away.

Channels are scored separately because opposite patterns in two channels cancel in a pooled
mean; and a pattern in the phases' *spread* rather than their mean (equal means, unequal
variances) is measured by :func:`checkerboard_variance_score`, the second-moment counterpart.
"""

from __future__ import annotations

import numpy as np

from ._backend import is_torch
from ._validate import as_int, positive_int

__all__ = ["phase_means", "checkerboard_score", "checkerboard_variance_score"]


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


_CHANNEL_MODES = ("mean", "each", "pooled")


def _whole_periods(a, s, dims):
    spatial = a.shape[a.ndim - dims:]
    keep = tuple(slice(0, n - n % s) for n in spatial)
    return a[(Ellipsis,) + keep]


def _by_channel(a, dims, channels):
    """``a`` as a list of blocks, one per channel (or one block for ``channels="pooled"``).

    The channel axis is the one just before the spatial axes (torch's layout: ``(N, C, H, W)``
    or unbatched ``(C, H, W)``); arrays with no axis there are a single channel.
    """
    if channels not in _CHANNEL_MODES:
        raise ValueError(f"channels ({channels!r}) must be one of {_CHANNEL_MODES}")
    if channels == "pooled" or a.ndim == dims:
        return [a]
    axis = a.ndim - dims - 1
    return [np.take(a, c, axis=axis) for c in range(a.shape[axis])]


def _reduce(scores, channels):
    scores = np.asarray(scores, dtype=np.float64)
    if channels == "each":
        return scores
    return float(scores.mean())


def _first_moment_score(a, s, dims):
    rms = float(np.sqrt(np.mean(a * a)))
    if rms == 0.0:
        return 0.0
    mu = phase_means(a, s, dims=dims)
    return float(np.sqrt(np.mean((mu - mu.mean()) ** 2)) / rms)


def _second_moment_score(a, s, dims):
    m2 = phase_means(a * a, s, dims=dims)
    mean = float(m2.mean())
    if mean == 0.0:
        return 0.0
    # largest possible RMS deviation (all energy in one phase): mean * sqrt(P - 1)
    return float(np.sqrt(np.mean((m2 - mean) ** 2)) / (mean * np.sqrt(m2.size - 1)))


def checkerboard_score(x, stride, *, dims=2, border=0, channels="mean"):
    """How much of ``x`` is a pattern with period ``stride``: 0 (none) .. 1 (all of it).

    The RMS deviation of the :func:`phase_means` from the overall mean, divided by the RMS of
    ``x`` (see the module docstring), computed **per channel** and averaged over the channels
    (``channels="mean"``, the default). Typical use: the response of a layer to a constant
    input, or a batch of outputs.

    Three blind spots, by construction:

    - *pooled channels cancel*: with ``channels="pooled"`` (the phase means taken over all
      channels together) two channels carrying opposite checkerboards score 0, which is why the
      default scores each channel separately;
    - *the score sees the mean of each phase, not its spread*: a layer whose phases have equal
      means but unequal variances (a random kernel on white noise) scores 0 here. Use
      :func:`checkerboard_variance_score` for that;
    - *a constant offset dilutes it*: adding a constant raises the RMS in the denominator but
      not the phases' deviation, so the same checkerboard on a signal far from zero scores
      less (this holds for :func:`checkerboard_variance_score` too). Compare scores of signals
      with similar offsets, or subtract the mean first if the offset is not part of the
      question.

    Parameters
    ----------
    x : array or tensor
        ``(..., C, L)`` (``dims=1``) or ``(..., C, H, W)`` (``dims=2``): torch's layout, the
        channel axis just before the spatial axes; everything before it (a batch) is averaged
        over. A batch of single-channel images is ``(N, 1, H, W)``; ``(H, W)`` is one channel.
        Channels-last data (TensorFlow's NHWC) must be transposed first.
    stride : int
    dims : {1, 2}
    border : int
        See :func:`phase_means`.
    channels : {"mean", "each", "pooled"}
        ``"mean"``: the mean of the per-channel scores; ``"each"``: an array of them;
        ``"pooled"``: one score of all channels together (the blind spot above).

    Returns
    -------
    float, or numpy.ndarray of shape ``(C,)`` for ``channels="each"``
        An all-zero channel scores 0.0. Both the phase means and the RMS are taken over the
        largest leading block of whole periods (each spatial size rounded down to a multiple of
        ``stride``), so a periodic pattern scores the same whatever the crop.

    Examples
    --------
    >>> round(checkerboard_score([1., -1., 1., -1.], 2, dims=1), 6)
    1.0
    >>> checkerboard_score([3., 3., 3., 3.], 2, dims=1)
    0.0
    >>> round(checkerboard_score([2., 1., 2., 1.], 2, dims=1), 4)   # 1-D overlap 2, 1, 2, 1
    0.3162
    >>> round(checkerboard_score([3., 1., 3., 1.], 2, dims=1), 4)   # [1, -1, ...] plus 2: diluted
    0.4472
    >>> two = [[1., -1., 1., -1.], [-1., 1., -1., 1.]]              # opposite channels
    >>> checkerboard_score(two, 2, dims=1), checkerboard_score(two, 2, dims=1, channels="pooled")
    (1.0, 0.0)
    """
    a, s, dims = _prepare(x, stride, dims, border)
    a = _whole_periods(a, s, dims)
    return _reduce([_first_moment_score(b, s, dims) for b in _by_channel(a, dims, channels)],
                   channels)


def checkerboard_variance_score(x, stride, *, dims=2, border=0, channels="mean"):
    """How unequal the phases' second moments ``E[x**2]`` are: 0 (equal) .. 1 (one phase only).

    The counterpart of :func:`checkerboard_score` for a checkerboard in the *spread* of the
    output rather than its mean: per phase, the mean of ``x**2`` (over the batch and the phase's
    positions); the score is the RMS deviation of these ``P`` values (``P = stride**dims``) from
    their mean, divided by the largest value it can take, ``mean * sqrt(P - 1)`` (all energy in
    one phase). Feed it outputs for *random* inputs (a batch of noise or of images): a layer with
    equal phase means but unequal phase variances scores 0 on :func:`checkerboard_score` and
    clearly above 0 here.

    Parameters
    ----------
    x, stride, dims, border, channels
        As in :func:`checkerboard_score` (per channel by default).

    Returns
    -------
    float, or numpy.ndarray for ``channels="each"``

    Examples
    --------
    >>> checkerboard_variance_score([1., -1., 1., -1.], 2, dims=1)    # equal energy: no pattern
    0.0
    >>> checkerboard_variance_score([2., 0., -2., 0.], 2, dims=1)     # all energy in one phase
    1.0
    """
    a, s, dims = _prepare(x, stride, dims, border)
    a = _whole_periods(a, s, dims)
    return _reduce([_second_moment_score(b, s, dims) for b in _by_channel(a, dims, channels)],
                   channels)
