"""The painting view, piece by piece: single stamps, projective fields, multiplication counts.

A transposed convolution paints: input value ``x[i]`` adds ``x[i] * w`` to the output canvas,
starting at position ``s*i`` with the kernel's taps ``d`` apart; the canvas is then cropped by
``padding`` on both sides and extended by ``output_padding`` at the end. These helpers expose
the pieces (for figures, animations and exercises); :func:`tconvlib.conv_transpose1d` /
:func:`tconvlib.conv_transpose2d` compute the sum itself.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_int, int_tuple, scalar_params
from .shapes import output_size

__all__ = ["stamps", "crop_canvas", "projective_field", "multiplication_counts",
           "MultiplicationCounts", "plot_painting"]


def _single_channel(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.ndim not in (1, 2):
        raise ValueError(f"x must be a 1-D or 2-D array (one channel), got shape {x.shape}")
    if w.ndim != x.ndim:
        raise ValueError(f"w must have as many dimensions as x ({x.ndim}), got shape {w.shape}")
    if 0 in x.shape or 0 in w.shape:
        raise ValueError(f"x {x.shape} and w {w.shape} must not be empty")
    return x, w


def stamps(x, w, stride=1, dilation=1):
    """Every stamp of the painting, each on its own (uncropped) canvas.

    Parameters
    ----------
    x : array_like, 1-D ``(n,)`` or 2-D ``(H, W)``
        One input channel.
    w : array_like, same number of dimensions as ``x``
        One kernel (``weight[c_in, c_out]`` in torch's layout).
    stride, dilation : int or pair of ints
        Positive.

    Returns
    -------
    numpy.ndarray
        Shape ``x.shape + canvas``, with canvas ``s(n-1) + d(k-1) + 1`` per dimension.
        ``out[i]`` (or ``out[i, j]``) is the canvas painted by input sample ``i`` alone:
        ``x[i] * w`` with its taps at ``s*i + d*a``. The sum over the leading axes is the
        transposed convolution with ``padding=0``.

    Examples
    --------
    >>> stamps([1., 10.], [1., 2., 3.], stride=2)
    array([[ 1.,  2.,  3.,  0.,  0.],
           [ 0.,  0., 10., 20., 30.]])
    >>> stamps([1., 10.], [1., 2., 3.], stride=2).sum(axis=0)
    array([ 1.,  2., 13., 20., 30.])
    """
    x, w = _single_channel(x, w)
    nd = x.ndim
    s = int_tuple("stride", stride, nd, 1)
    d = int_tuple("dilation", dilation, nd, 1)
    canvas = tuple(si * (n - 1) + di * (k - 1) + 1 for n, k, si, di in zip(x.shape, w.shape, s, d))
    out = np.zeros(x.shape + canvas)
    for idx in np.ndindex(*x.shape):
        where = tuple(slice(si * i, si * i + di * (k - 1) + 1, di)
                      for i, k, si, di in zip(idx, w.shape, s, d))
        out[idx + where] = x[idx] * w
    return out


def crop_canvas(canvas, padding=0, output_padding=0):
    """Crop a painted canvas to the transposed convolution's output.

    ``padding`` samples are dropped at both ends of each (trailing) dimension;
    ``output_padding`` samples are then kept at the end (zeros where the canvas is too short).

    Parameters
    ----------
    canvas : array_like, 1-D or 2-D
        A painted canvas, e.g. ``stamps(x, w, s).sum(axis=0)``.
    padding, output_padding : int or pair of ints
        Non-negative.

    Returns
    -------
    numpy.ndarray
        Length ``len(canvas) - 2p + op`` per dimension.

    Examples
    --------
    >>> crop_canvas([1., 2., 13., 20., 30.], padding=1)
    array([ 2., 13., 20.])
    >>> crop_canvas([1., 2., 13., 20., 30.], padding=1, output_padding=1)
    array([ 2., 13., 20., 30.])
    """
    canvas = np.asarray(canvas, dtype=float)
    if canvas.ndim not in (1, 2):
        raise ValueError(f"canvas must be 1-D or 2-D, got shape {canvas.shape}")
    nd = canvas.ndim
    p = int_tuple("padding", padding, nd, 0)
    op = int_tuple("output_padding", output_padding, nd, 0)
    size = tuple(c - 2 * pi + oi for c, pi, oi in zip(canvas.shape, p, op))
    if min(size) < 1:
        raise ValueError(f"cropping canvas {canvas.shape} by padding {p} with output_padding "
                         f"{op} leaves {size}: nothing")
    padded = np.zeros(tuple(max(c, pi + si) for c, pi, si in zip(canvas.shape, p, size)))
    padded[tuple(slice(0, c) for c in canvas.shape)] = canvas
    return padded[tuple(slice(pi, pi + si) for pi, si in zip(p, size))]


def projective_field(i, n_in, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """The output positions painted by input sample ``i`` (1-D).

    They are ``s*i + d*a - p`` for the taps ``a = 0..k-1``, kept where they fall inside the
    output ``0 .. n_out - 1`` (a stamp can be cropped by the padding).

    Parameters
    ----------
    i : int
        Input position, ``0 <= i < n_in``.
    n_in, kernel_size, stride, padding, output_padding, dilation : int
        As in :func:`tconvlib.output_size`.

    Returns
    -------
    list of int
        Increasing output positions, ``d`` apart.

    Examples
    --------
    >>> projective_field(0, 3, kernel_size=3, stride=2, padding=1)
    [0, 1]
    >>> projective_field(1, 3, kernel_size=3, stride=2, padding=1)
    [1, 2, 3]
    """
    n_in, k, s, p, d, op = scalar_params(n_in, kernel_size, stride, padding, dilation,
                                         output_padding)
    i = as_int("i", i)
    if not 0 <= i < n_in:
        raise ValueError(f"i ({i}) must be an input position, 0 <= i < n_in ({n_in})")
    n_out = output_size(n_in, k, s, p, op, d)
    return [s * i + d * a - p for a in range(k) if 0 <= s * i + d * a - p < n_out]


class MultiplicationCounts(NamedTuple):
    """Multiplications of one transposed convolution, by algorithm (see
    :func:`multiplication_counts`)."""

    painting: int
    zero_insertion: int
    zero_insertion_useful: int

    @property
    def ratio(self):
        """``zero_insertion / painting``: about ``s`` in 1-D, ``s**2`` in 2-D."""
        return self.zero_insertion / self.painting


def _counts_1d(n, k, s, p, op, d):
    n_out = output_size(n, k, s, p, op, d)
    # zero insertion: every output sample is a full k-tap dot product over the stretched input
    # (padded by d(k-1) - p); a product is useful when its input sample is a real one.
    lo = d * (k - 1) - p
    useful = 0
    for a in range(k):
        pos = np.arange(n_out) + d * a - lo          # index into the stretched input
        useful += int(np.count_nonzero((pos >= 0) & (pos <= s * (n - 1)) & (pos % s == 0)))
    return n * k, n_out * k, useful


def multiplication_counts(n_in, kernel_size, stride=1, padding=0, output_padding=0,
                          dilation=1, in_channels=1, out_channels=1):
    """Count the multiplications of painting and of zero insertion.

    - *painting* (scatter): every input value times every kernel tap, once:
      ``n_in * k`` per dimension (times ``C_in * C_out``);
    - *zero insertion*: every output sample is a full dot product with the kernel:
      ``n_out * k`` per dimension (times ``C_in * C_out``);
    - *useful*: those zero-insertion products whose input is a real sample (not an inserted
      or padding zero). They are exactly the painting's products whose stamp lands inside the
      output, so ``useful <= painting``.

    Parameters
    ----------
    n_in : int or pair of ints
    kernel_size, stride, padding, output_padding, dilation : int or pair of ints
        As in :func:`tconvlib.conv_transpose2d`.
    in_channels, out_channels : int
        Channel counts (``groups=1``).

    Returns
    -------
    MultiplicationCounts
        ``(painting, zero_insertion, zero_insertion_useful)``; ``.ratio`` is
        ``zero_insertion / painting``.

    Examples
    --------
    >>> multiplication_counts(4, kernel_size=3, stride=2)
    MultiplicationCounts(painting=12, zero_insertion=27, zero_insertion_useful=12)
    >>> c = multiplication_counts((32, 32), kernel_size=4, stride=2, padding=1)
    >>> c.painting, c.zero_insertion, round(c.ratio, 3)
    (16384, 65536, 4.0)
    """
    c_in, c_out = as_int("in_channels", in_channels), as_int("out_channels", out_channels)
    if c_in < 1 or c_out < 1:
        raise ValueError(f"in_channels ({c_in}) and out_channels ({c_out}) must be positive")
    nd = 2 if isinstance(n_in, (tuple, list)) else 1
    args = [int_tuple(name, v, nd, lo) for name, v, lo in (
        ("n_in", n_in, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
        ("padding", padding, 0), ("output_padding", output_padding, 0),
        ("dilation", dilation, 1))]
    paint, zero, useful = c_in * c_out, c_in * c_out, c_in * c_out
    for dim in zip(*args):
        a, b, c = _counts_1d(*dim)
        paint, zero, useful = paint * a, zero * b, useful * c
    return MultiplicationCounts(paint, zero, useful)


def _runs(values):
    """Runs of consecutive integers in a sorted list: ``[0, 1, 5] -> [(0, 1), (5, 5)]``."""
    runs = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def plot_painting(ax, x, w, stride=1, padding=0, output_padding=0, dilation=1, n_stamps=None,
                  annotate=True, fontsize=10):
    """Draw a 1-D painting: one row per stamp, then the sum, on the uncropped canvas.

    Columns are canvas positions; the columns cropped by ``padding`` are hatched, and the
    output positions are numbered underneath. Only the first ``n_stamps`` stamps are painted
    (all by default), which makes animation frames.

    Called again on the same axes, it replaces the painting it drew there (ticks and labels
    are reused): an explorer with ``reuse_figure=True`` redraws without building new axes.

    Parameters
    ----------
    ax : matplotlib Axes
    x, w : array_like, 1-D
        Input and kernel.
    stride, padding, output_padding, dilation : int
        As in :func:`tconvlib.conv_transpose1d`.
    n_stamps : int, optional
        How many stamps (from the left) are painted so far.
    annotate : bool
        Write the values in the cells (white on dark cells; on a white label in the hatched,
        cropped columns, so that the hatching hides no value).
    fontsize : float
        Size of the values and labels, in points.

    Returns
    -------
    numpy.ndarray
        The output so far (the cropped sum of the painted stamps).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> plot_painting(ax, [1., 10.], [1., 2., 3.], stride=2, padding=1)
    array([ 2., 13., 20.])
    >>> n_texts = len(ax.texts)
    >>> plot_painting(ax, [1., 10.], [1., 2., 3.], stride=2, padding=1)   # redrawn in place
    array([ 2., 13., 20.])
    >>> len(ax.texts) == n_texts, len(ax.collections)
    (True, 3)
    """
    x, w = _single_channel(x, w)
    if x.ndim != 1:
        raise ValueError(f"plot_painting draws 1-D paintings; x has shape {x.shape}")
    n = x.shape[0]
    n_stamps = n if n_stamps is None else as_int("n_stamps", n_stamps)
    if not 0 <= n_stamps <= n:
        raise ValueError(f"n_stamps ({n_stamps}) must be between 0 and len(x) ({n})")
    parts = stamps(x, w, stride, dilation)
    n_out = output_size(n, w.shape[0], stride, padding, output_padding, dilation)
    length = max(parts.shape[1], padding + n_out)
    grid = np.zeros((n + 1, length))
    grid[:n_stamps, :parts.shape[1]] = parts[:n_stamps]
    grid[n] = grid[:n].sum(axis=0)
    painted = np.zeros((n + 1, length), dtype=bool)
    for i in range(n_stamps):
        painted[i, stride * i: stride * i + dilation * (w.shape[0] - 1) + 1: dilation] = True
    painted[n] = painted[:n].any(axis=0)
    vmax = max(np.abs(grid).max(), 1e-12)
    for artist in getattr(ax, "_tconv_painting", ()):     # redrawn in place: drop the last one
        if artist.axes is ax:          # not if the axes were cleared or the artist removed since
            artist.remove()
    # cells as a mesh (a few quads), not an image resampled to the figure's pixels
    drawn = [ax.pcolormesh(np.arange(length + 1) - 0.5, np.arange(n + 2) - 0.5,
                           np.ma.masked_array(grid, ~painted), cmap="RdBu_r", vmin=-vmax,
                           vmax=vmax)]
    ax.set_xlim(-0.5, length - 0.5)
    ax.set_ylim(n + 0.5, -0.5)
    ax.set_xticks(np.arange(length))
    ax.set_xticklabels([str(c - padding) if 0 <= c - padding < n_out else ""
                        for c in range(length)], fontsize=fontsize)
    ax.set_yticks(np.arange(n + 1))
    ax.set_yticklabels([f"x[{i}] = {x[i]:g}" for i in range(n)] + ["sum"], fontsize=fontsize)
    ax.set_xlabel("output position (canvas columns; hatched: cropped by padding)",
                  fontsize=fontsize)
    # cell borders: two line collections (grid lines on minor ticks cost a Tick per line)
    drawn.append(ax.vlines(np.arange(0.5, length - 1), -0.5, n + 0.5, color="0.8", lw=0.5))
    drawn.append(ax.hlines(np.arange(0.5, n), -0.5, length - 0.5, color="0.8", lw=0.5))
    drawn.append(ax.axhline(n - 0.5, color="k", lw=1.2))
    cropped = [c for c in range(length) if not 0 <= c - padding < n_out]
    for lo, hi in _runs(cropped):                      # one hatched span per run of columns
        drawn.append(ax.axvspan(lo - 0.5, hi + 0.5, facecolor="none", edgecolor="0.55",
                                hatch="///", lw=0, zorder=1))
    if annotate:   # above the hatching; on a white label there, so every value stays readable
        label = dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85)
        for r, c in zip(*np.nonzero(painted)):
            v = grid[r, c]
            cropped = not 0 <= c - padding < n_out
            drawn.append(ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=fontsize,
                                 zorder=3,
                                 color="white" if abs(v) > 0.6 * vmax and not cropped
                                 else "black", bbox=label if cropped else None))
    ax._tconv_painting = drawn
    return grid[n, padding: padding + n_out].copy()
