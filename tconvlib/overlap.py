"""Overlap analysis: how many input positions paint each output position."""

from __future__ import annotations

import numpy as np

from ._validate import scalar_params
from .shapes import output_size

__all__ = ["overlap_count"]


def _overlap_1d(n_in, kernel_size, stride, padding, output_padding, dilation):
    n_in, k, s, p, d, op = scalar_params(n_in, kernel_size, stride, padding, dilation,
                                         output_padding)
    n_out = output_size(n_in, k, s, p, op, d)
    counts = np.zeros(n_out, dtype=np.int64)
    starts = s * np.arange(n_in) - p
    for a in range(k):  # one pass per kernel tap
        pos = starts + d * a
        pos = pos[(pos >= 0) & (pos < n_out)]
        counts[pos] += 1  # positions within one tap are distinct, so no np.add.at needed
    return counts


def _pair(name, value):
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints when n_in is a pair, "
                             f"got {tuple(value)} of length {len(value)}")
        return tuple(value)
    return (value, value)


def overlap_count(n_in, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """For each output position, the number of input positions whose kernel stamp covers it.

    Equivalently: the transposed convolution of an all-ones input with an all-ones kernel. Where
    the counts are uneven, a transposed convolution paints a checkerboard; where they are 0, it
    leaves holes (``k < s``).

    Parameters
    ----------
    n_in : int or pair of ints
        Input length; a pair ``(H, W)`` gives the 2-D map.
    kernel_size, stride, padding, output_padding, dilation : int or pair of ints
        As in :func:`tconvlib.conv_transpose1d` / :func:`tconvlib.conv_transpose2d`.

    Returns
    -------
    numpy.ndarray of int64
        Shape ``(n_out,)`` or ``(H_out, W_out)``. The 2-D map is the outer product of the two
        1-D maps, because a rectangular kernel paints each axis independently.

    Examples
    --------
    >>> overlap_count(4, kernel_size=3, stride=2)
    array([1, 1, 2, 1, 2, 1, 2, 1, 1])
    >>> overlap_count((3, 3), kernel_size=3, stride=2, padding=1)
    array([[1, 2, 1, 2, 1],
           [2, 4, 2, 4, 2],
           [1, 2, 1, 2, 1],
           [2, 4, 2, 4, 2],
           [1, 2, 1, 2, 1]])
    """
    if isinstance(n_in, (tuple, list)):
        if len(n_in) != 2:
            raise ValueError(f"n_in must be an int or a pair (H, W), got {tuple(n_in)}")
        params = [_pair(name, v) for name, v in (
            ("kernel_size", kernel_size), ("stride", stride), ("padding", padding),
            ("output_padding", output_padding), ("dilation", dilation))]
        rows, cols = (_overlap_1d(n_in[i], *(p[i] for p in params)) for i in range(2))
        return np.outer(rows, cols)
    return _overlap_1d(n_in, kernel_size, stride, padding, output_padding, dilation)
