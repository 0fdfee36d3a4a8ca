"""Figures used by the chapters (matplotlib is imported lazily).

- :func:`plot_matrix` draws one (small) matrix as a heat map, zero in white;
- :func:`plot_matrices` draws several side by side or in a grid (small multiples);
- :func:`shade` greys out whole rows or columns of a drawn matrix, e.g. the rows a stride skips
  or the columns that fall on padding;
- :data:`PHASE_COLORS` / :func:`phase_cmap`: four categorical colours (e.g. the phases of a
  stride-2 kernel) that stay distinct with every common colour-vision deficiency.

Colour (WCAG 2.1 AA; ``tools/colour_vision.py`` simulates the deficiencies): signed data uses
the diverging ``RdBu_r`` centred on zero (red against blue, which deutan and protan readers still
tell apart, plus a lightness ramp); magnitudes use ``viridis``/``cividis``/``gray``; categories
use :data:`PHASE_COLORS`, never red against green.
"""

from __future__ import annotations

import threading

import numpy as np

from ._backend import is_torch

__all__ = ["plot_matrix", "plot_matrices", "shade", "to_numpy", "PHASE_COLORS", "phase_cmap",
           "cache_text", "bar_collection"]

PHASE_COLORS = ("#f4eb71", "#80c7ee", "#e08640", "#d99abd")
"""Four categorical colours for cells by class (phases (0,0), (0,1), (1,0), (1,1) of a stride-2
kernel, ...): light tints (75 %) of the Okabe-Ito palette's yellow, sky blue, vermillion and
reddish purple. Simulated deuteranopia, protanopia and tritanopia (Machado et al. 2009) keep
every pair at least 15 CIELAB units apart (matplotlib's Pastel1, used before, falls to 2-3: its
red and green become the same beige), and black text on each has contrast above 7:1."""


def phase_cmap(n=4):
    """A ``ListedColormap`` of the first ``n`` of :data:`PHASE_COLORS` (``imshow(classes,
    cmap=phase_cmap(), vmin=0, vmax=3)``), for cells coloured by class.

    Examples
    --------
    >>> phase_cmap().N, phase_cmap(2).colors
    (4, ['#f4eb71', '#80c7ee'])
    """
    from matplotlib.colors import ListedColormap

    if not isinstance(n, int) or not 1 <= n <= len(PHASE_COLORS):
        raise ValueError(f"n ({n!r}) must be an integer from 1 to {len(PHASE_COLORS)}")
    return ListedColormap(list(PHASE_COLORS[:n]), name=f"tconv_phases_{n}")


def to_numpy(a):
    """A dense numpy copy of a numpy array, torch tensor (any device, dense or sparse) or
    scipy sparse matrix, for plotting.

    Examples
    --------
    >>> import scipy.sparse
    >>> to_numpy(scipy.sparse.eye_array(2, format="csr"))
    array([[1., 0.],
           [0., 1.]])
    """
    if is_torch(a):
        a = a.detach()
        if a.layout != __import__("torch").strided:
            a = a.to_dense()
        return a.cpu().numpy()
    if hasattr(a, "toarray"):
        return a.toarray()
    return np.asarray(a)


def plot_matrix(a, ax=None, *, annotate=None, title=None, cmap="RdBu_r", grid=True, vmax=None,
                fontsize=10, xlabel=None, ylabel=None, mesh=False):
    """Show a (small) matrix as a heat map with zero in white.

    Parameters
    ----------
    a : array, tensor or sparse matrix
    ax : matplotlib Axes, optional
    annotate : bool, optional
        Write each non-zero value in its cell; default: when the matrix has at most 20 x 20
        entries.
    title : str, optional
    cmap : str
        A diverging colormap, centred on zero.
    grid : bool
        Draw cell borders.
    vmax : float, optional
        The colour scale runs from ``-vmax`` to ``vmax`` (centred on zero); default: the
        largest absolute entry. Pass one value to several panels to give them one shared scale.
    fontsize : float
        Size of the values written in the cells, in points (at least 9 where the figure is
        shown at full size).
    xlabel, ylabel : str, optional
        Axis labels; default: the matrix reading, "column (input index)" and
        "row (output index)". Pass ``"column"`` / ``"row"`` for an image.
    mesh : bool
        Draw the cells as a mesh (``pcolormesh``, in ``ax.collections``) instead of an image
        (``imshow``, in ``ax.images``): the same picture (the image's resampling may put its
        last column of pixels differently at some sizes), several times faster to draw at a
        high resolution, for explorers that redraw it on every move of a slider.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> ax = plot_matrix(np.array([[1., 2., 0.], [0., 1., 2.]]), title="A")
    >>> len(ax.texts)                       # one label per non-zero entry
    4
    >>> ax.images[0].get_array().shape
    (2, 3)
    >>> ax = plot_matrix(np.eye(2), vmax=4, xlabel="column", ylabel="row")
    >>> ax.images[0].get_clim(), ax.get_ylabel()
    ((-4.0, 4.0), 'row')
    >>> ax = plot_matrix(np.eye(2), mesh=True)     # the same picture, drawn as a mesh
    >>> ax.collections[0].get_array().shape, [float(y) for y in ax.get_ylim()]
    ((2, 2), [1.5, -0.5])
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    m = to_numpy(a)
    if m.ndim == 1:
        m = m[None, :]
    if m.ndim != 2:
        raise ValueError(f"a must be a 1-D or 2-D matrix, got shape {m.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.35 * m.shape[1] + 1.5, 12),
                                      min(0.35 * m.shape[0] + 1, 10)))
    if vmax is None:
        vmax = float(np.nanmax(np.abs(m))) if m.size and np.isfinite(m).any() else 1.0
    elif isinstance(vmax, bool) or not isinstance(vmax, (int, float, np.number)):
        raise TypeError(f"vmax ({vmax!r}) must be a number")
    elif not np.isfinite(vmax) or vmax < 0:
        raise ValueError(f"vmax ({vmax!r}) must be a finite number >= 0")
    vmax = float(vmax) or 1.0
    if mesh:
        rows, cols = m.shape
        ax.pcolormesh(np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5, m, cmap=cmap,
                      vmin=-vmax, vmax=vmax)
        ax.set_aspect("equal")
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)                     # row 0 on top, as imshow draws it
    else:
        ax.imshow(m, cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="nearest")
    if annotate is None:
        annotate = m.shape[0] <= 20 and m.shape[1] <= 20
    if annotate:
        for (i, j), v in np.ndenumerate(m):
            if v != 0:
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=fontsize,
                        color="white" if abs(v) > 0.6 * vmax else "black")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # indices, not 0.5 steps
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if grid:   # cell borders, only over the matrix (the axes may show more, see plot_matrices)
        rows, cols = m.shape
        ax.hlines(np.arange(0.5, rows - 1), -0.5, cols - 0.5, color="0.85", linewidth=0.5)
        ax.vlines(np.arange(0.5, cols - 1), -0.5, rows - 0.5, color="0.85", linewidth=0.5)
    ax.set_xlabel(f"column (input index), {m.shape[1]} in all" if xlabel is None else xlabel)
    ax.set_ylabel(f"row (output index), {m.shape[0]} in all" if ylabel is None else ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_matrices(matrices, titles=None, *, ncols=None, annotate=False, panel_size=2.2,
                  same_scale=True, suptitle=None, labels=False, vmax=None, fontsize=10):
    """Small multiples: several matrices drawn with :func:`plot_matrix`, one panel each.

    Parameters
    ----------
    matrices : sequence of matrices, or sequence of rows of matrices
        A flat sequence is laid out ``ncols`` to a row; a nested sequence (a list of rows) is
        drawn as that grid. ``None`` leaves its panel empty.
    titles : sequence of str (flat or nested like ``matrices``), optional
    ncols : int, optional
        Panels per row for a flat ``matrices``; default: all in one row.
    annotate : bool
        Write the non-zero values (only sensible for tiny matrices).
    panel_size : float
        Width of one panel, in inches.
    same_scale : bool
        Draw every matrix at the same cell size, in the top-left corner of its panel, so that
        shapes can be compared at a glance (a frame marks each matrix's extent); each row of
        panels is as tall as its tallest matrix. ``False``: each matrix fills its own panel.
    suptitle : str, optional
        A title over the whole figure.
    labels : bool
        Keep :func:`plot_matrix`'s axis labels (off by default: small panels have no room).
    vmax : float, optional
        One colour scale for every panel, ``-vmax`` to ``vmax``; default: the largest absolute
        entry over all the panels (panels meant to be compared share one scale).
    fontsize : float
        Size of the values written in the cells (with ``annotate``) and of the titles.

    Returns
    -------
    numpy.ndarray of matplotlib Axes
        Shape ``(rows, columns)``, also for a single row; empty panels are switched off.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> A = np.array([[1., 2., 0.], [0., 1., 2.]])
    >>> axes = plot_matrices([A, A.T], titles=["A", "A.T"])
    >>> axes.shape
    (1, 2)
    >>> [ax.get_title() for ax in axes.ravel()]
    ['A', 'A.T']
    >>> axes[0, 1].get_xlim() == axes[0, 0].get_xlim()     # same cell size in every panel
    True
    >>> [ax.images[0].get_clim() for ax in plot_matrices([A, 2 * A]).ravel()]  # one scale
    [(-4.0, 4.0), (-4.0, 4.0)]
    >>> axes = plot_matrices([[A, None], [A.T, A]])
    >>> [ax.axison for ax in axes.ravel()]
    [True, False, True, True]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    if ncols is not None and (not isinstance(ncols, int) or ncols < 1):
        raise ValueError(f"ncols ({ncols!r}) must be a positive integer")
    nested = len(matrices) > 0 and all(isinstance(row, (list, tuple)) for row in matrices)
    if nested:
        grid = [list(row) for row in matrices]
        tgrid = [list(row) for row in titles] if titles is not None else None
    else:
        flat = list(matrices)
        per_row = ncols or max(len(flat), 1)
        grid = [flat[i:i + per_row] for i in range(0, len(flat), per_row)] or [[]]
        tgrid = ([list(titles)[i:i + per_row] for i in range(0, len(flat), per_row)]
                 if titles is not None else None)
    dense = [[None if m is None else to_numpy(m).reshape(-1, np.shape(m)[-1])
              for m in row] for row in grid]
    # same_scale: one cell size everywhere; each row of panels is as tall as its tallest matrix
    row_rows = [max((m.shape[0] for m in row if m is not None), default=1) for row in dense]
    max_cols = max((m.shape[1] for row in dense for m in row if m is not None), default=1)
    if vmax is None:
        vmax = max((float(np.nanmax(np.abs(m))) for row in dense for m in row
                    if m is not None and m.size and np.isfinite(m).any()), default=1.0)
    nrows = len(dense)
    ncol = max(len(row) for row in dense) or 1
    heights = [r / max_cols if same_scale else 1.0 for r in row_rows]
    fig, axes = plt.subplots(
        nrows, ncol, squeeze=False, layout="compressed",
        gridspec_kw=dict(height_ratios=heights),
        figsize=(panel_size * ncol, sum(panel_size * h + 0.4 for h in heights)))
    for r in range(nrows):
        for c in range(ncol):
            ax = axes[r, c]
            m = dense[r][c] if c < len(dense[r]) else None
            if m is None:
                ax.set_axis_off()
                continue
            title = None
            if tgrid is not None and r < len(tgrid) and c < len(tgrid[r]):
                title = tgrid[r][c]
            plot_matrix(m, ax, annotate=annotate, vmax=vmax, fontsize=fontsize)
            if same_scale:
                ax.set_xlim(-0.5, max_cols - 0.5)
                ax.set_ylim(row_rows[r] - 0.5, -0.5)
                for spine in ax.spines.values():
                    spine.set_visible(False)
                ax.add_patch(Rectangle((-0.5, -0.5), m.shape[1], m.shape[0], fill=False,
                                       edgecolor="black", linewidth=0.8, clip_on=False))
            if not labels:
                ax.set_xlabel("")
                ax.set_ylabel("")
                ax.set_xticks([])
                ax.set_yticks([])
            if title:
                ax.set_title(title, fontsize=fontsize)
    if suptitle:
        fig.suptitle(suptitle)
    return axes


def shade(ax, *, rows=(), cols=(), color="0.35", alpha=0.3, hatch="///"):
    """Grey out whole rows and/or columns of a matrix drawn with :func:`plot_matrix`.

    Used to show what a stride or a padding does to a convolution's matrix: the rows that a
    stride skips, the columns that fall on padding zeros and are dropped.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes holding the matrix image (cell ``(i, j)`` centred at ``x = j``, ``y = i``).
    rows, cols : iterable of int
        Row and column indices to shade.
    color : str
        Colour of the shading.
    alpha : float
        Its opacity.
    hatch : str or None
        A hatch pattern drawn on top, so that the shading survives greyscale printing.

    Returns
    -------
    list of matplotlib patches
        One per shaded row or column (rows first).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> ax = plot_matrix(np.eye(4))
    >>> patches = shade(ax, rows=[1, 3], cols=[0])
    >>> len(patches)
    3
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    style = dict(facecolor=color, alpha=alpha, hatch=hatch, edgecolor="0.3", linewidth=0)
    patches = [ax.axhspan(int(i) - 0.5, int(i) + 0.5, **style) for i in rows]
    patches += [ax.axvspan(int(j) - 0.5, int(j) + 0.5, **style) for j in cols]
    return patches


# -- fast text for explorers ------------------------------------------------------------------
# matplotlib lays out and rasterises every text glyph by glyph on every draw (about 1.5 ms for a
# number, 15 ms for a long axis label at an explorer's 2x resolution): most of an explorer's
# redraw. A text whose string, font, colour, angle, alignment and resolution were drawn before
# looks the same wherever it goes, so it is drawn once into a small bitmap and then copied.

_TEXT_BITMAPS = {}           # key -> (RGBA bitmap, offset of its corner from the text's anchor)
_TEXT_BITMAPS_MAX = 4096
_TEXT_BITMAPS_MAX_BYTES = 64 * 2**20     # and at most this many bytes of bitmaps
_TEXT_BITMAPS_BYTES = [0]
_TEXT_LOCK = threading.Lock()
_TEXT_LAYOUTS = {}           # key -> matplotlib's layout of the text (relative to its anchor)
#: rcParams that change how a text with the same properties is drawn (font lookup, hinting)
_TEXT_RC = ("font.family", "font.serif", "font.sans-serif", "font.monospace", "font.cursive",
            "font.fantasy", "text.hinting", "text.hinting_factor", "text.kerning_factor",
            "text.antialiased", "mathtext.fontset", "mathtext.default", "mathtext.fallback")


def _text_class():
    from matplotlib.text import Text

    cls = globals().get("_CachedText")
    if cls is None:
        class CachedText(Text):
            """A ``Text`` that draws, on the Agg renderer, a bitmap cached by appearance."""

            def draw(self, renderer):
                if not _draw_cached_text(self, renderer):
                    super().draw(renderer)

            def _get_layout(self, renderer):
                # the layout (size and offsets from the anchor) depends on the appearance only;
                # matplotlib's own cache is per renderer, and every savefig has a new one
                from matplotlib.backends.backend_agg import RendererAgg

                if not isinstance(renderer, RendererAgg) or self.get_wrap():
                    return super()._get_layout(renderer)
                key = ("layout", self.get_figure(root=True).dpi) + _text_key(self, renderer)
                hit = _TEXT_LAYOUTS.get(key)
                if hit is None:
                    hit = super()._get_layout(renderer)
                    with _TEXT_LOCK:
                        while len(_TEXT_LAYOUTS) >= _TEXT_BITMAPS_MAX:
                            _TEXT_LAYOUTS.pop(next(iter(_TEXT_LAYOUTS)))
                        _TEXT_LAYOUTS[key] = hit
                return hit

        # picklable: pickle finds the class as this module's ``_CachedText`` (made on demand
        # by the module's __getattr__ in a process that has not made it yet)
        CachedText.__module__, CachedText.__qualname__ = __name__, "_CachedText"
        CachedText.__name__ = "_CachedText"
        globals()["_CachedText"] = cls = CachedText
    return cls


def __getattr__(name):
    """``_CachedText`` on demand (unpickling a figure in a process that has not made it)."""
    if name == "_CachedText":
        return _text_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _text_key(text, renderer):
    import matplotlib as mpl
    import matplotlib.colors as mcolors

    patch = text.get_bbox_patch()
    box = None
    if patch is not None:
        style = patch.get_boxstyle()
        box = (type(style).__name__, tuple(sorted(vars(style).items())),
               tuple(patch.get_facecolor()), tuple(patch.get_edgecolor()),
               patch.get_linewidth(), patch.get_linestyle(), patch.get_alpha(),
               patch.get_mutation_scale(), patch.get_mutation_aspect(), patch.get_hatch(),
               patch.get_joinstyle(), patch.get_fill())
    fp = text.get_fontproperties()        # mutable: keyed by its values, not the object
    font = (tuple(fp.get_family()), fp.get_style(), fp.get_variant(), fp.get_weight(),
            fp.get_stretch(), fp.get_size_in_points(), fp.get_file(), fp.get_math_fontfamily())
    rc = tuple(tuple(v) if isinstance(v, list) else v
               for v in (mpl.rcParams[k] for k in _TEXT_RC))
    return (text.get_text(), renderer.dpi, font, rc, text._parse_math,
            mcolors.to_rgba(text.get_color()), text.get_alpha(), text.get_rotation(),
            text.get_rotation_mode(), text.get_horizontalalignment(),
            text.get_verticalalignment(), text._multialignment,
            text.get_linespacing(), text.get_antialiased(), text.get_usetex(), box)


def _draw_cached_text(text, renderer):
    """Draw ``text`` from the bitmap cache; False when it must be drawn the usual way."""
    import math

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text
    from matplotlib.transforms import IdentityTransform

    patch = text.get_bbox_patch()
    if not isinstance(renderer, RendererAgg) or text.get_wrap() \
            or text.get_transform_rotates_text() or text.get_path_effects() \
            or (patch is not None and patch.get_hatch()):   # hatching is aligned to the canvas
        return False
    text._renderer = renderer
    if not text.get_visible() or text.get_text() == "":
        return True
    x, y = text.get_unitless_position()
    posx, posy = text.get_transform().transform((x, y))
    if not (np.isfinite(posx) and np.isfinite(posy)):
        return True
    # matplotlib rounds each glyph's position: the same text at another sub-pixel offset is
    # other pixels, so the offset is part of the key (a text that stays put hits the cache)
    ix, iy = math.floor(posx), math.floor(posy)
    fx, fy = posx - ix, posy - iy
    key = _text_key(text, renderer) + (fx, fy)
    hit = _TEXT_BITMAPS.get(key)
    if hit is None:
        ext = text.get_window_extent(renderer)
        px = renderer.dpi / 72
        margin = int(math.ceil(text.get_fontsize() * px * 0.6)) + 2
        if patch is not None:            # room for the box: its pad (in font sizes), its line
            pad = getattr(patch.get_boxstyle(), "pad", 0.3) or 0.0
            margin += int(math.ceil(text.get_fontsize() * px * pad
                                    * max(1.0, patch.get_mutation_aspect() or 1.0)
                                    + patch.get_linewidth() * px))
        x0, y0 = math.floor(ext.x0) - margin, math.floor(ext.y0) - margin
        width, height = math.ceil(ext.x1) + margin - x0, math.ceil(ext.y1) + margin - y0
        small = RendererAgg(width, height, renderer.dpi)
        copy = Text(posx - x0, posy - y0, text.get_text())
        copy.update_from(text)
        copy.set_rotation_mode(text.get_rotation_mode())    # not copied by update_from
        copy._parse_math = text._parse_math
        copy.set_transform(IdentityTransform())
        copy.set_clip_on(False)
        copy.set_figure(text.get_figure(root=True))
        copy._bbox_patch = patch                   # drawn around the copy, then given back
        clip_on = patch.get_clip_on() if patch is not None else None
        try:
            if patch is not None:
                patch.set_clip_on(False)   # clipped where it is pasted, not in the small bitmap
            copy.draw(small)
        finally:
            copy._bbox_patch = None
            if patch is not None:
                patch.set_clip_on(clip_on)
                text.update_bbox_position_size(renderer)
        hit = (np.asarray(small.buffer_rgba())[::-1].copy(), x0 - ix, y0 - iy)
        with _TEXT_LOCK:                  # explorers draw in threads
            old = _TEXT_BITMAPS.pop(key, None)
            _TEXT_BITMAPS[key] = hit
            _TEXT_BITMAPS_BYTES[0] += hit[0].nbytes - (old[0].nbytes if old else 0)
            while _TEXT_BITMAPS and (len(_TEXT_BITMAPS) > _TEXT_BITMAPS_MAX
                                     or _TEXT_BITMAPS_BYTES[0] > _TEXT_BITMAPS_MAX_BYTES):
                _TEXT_BITMAPS_BYTES[0] -= _TEXT_BITMAPS.pop(next(iter(_TEXT_BITMAPS)))[0].nbytes
    bitmap, dx, dy = hit
    gc = renderer.new_gc()
    text._set_gc_clip(gc)
    renderer.draw_image(gc, ix + dx, iy + dy, bitmap)
    gc.restore()
    text.stale = False
    return True


def cache_text(fig):
    """Make every text of ``fig`` (labels, titles, tick labels, annotations) draw from a cache.

    For explorers, which draw the same figure again and again: matplotlib lays out and
    rasterises each text glyph by glyph on every draw, most of a redraw's time. After this call,
    each plain text of the figure, on the Agg renderer (PNG), is drawn once per appearance
    (string, font and the rcParams that find it, colour, angle, alignment, box, resolution,
    sub-pixel offset) into a small bitmap that later draws copy into place: the same picture,
    up to rounding where a text is blended (a level or two of 255, in a few pixels). Texts that
    wrap, rotate with their transform, have path effects or a hatched box are drawn as usual.
    At most 4096 bitmaps and 64 MiB are kept (the oldest go first). Call it at the end of a drawing
    function: texts created since (new tick labels, new ``ax.text``) are converted too. Other
    renderers (PDF, SVG) draw the texts as usual.

    Parameters
    ----------
    fig : matplotlib Figure

    Returns
    -------
    int
        How many texts were converted by this call.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.add_subplot()
    >>> t = ax.set_title("a title")
    >>> cache_text(fig) > 0, cache_text(fig)
    (True, 0)
    >>> import io; fig.savefig(io.BytesIO(), format="png")     # drawn from the cache
    """
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    cls = _text_class()
    n = 0
    for artist in _figure_texts(fig):
        if type(artist) is Text:
            artist.__class__ = cls
            n += 1
    return n


def _figure_texts(fig):
    """The texts of a figure: its own, and each axes' texts, titles, axis and tick labels
    (a walk over just these, several times faster than ``fig.findobj``)."""
    yield from fig.texts
    for ax in fig.axes:
        yield from ax.texts
        yield from (ax.title, ax._left_title, ax._right_title)
        for axis in ax._axis_map.values():
            yield axis.label
            yield axis.offsetText
            for tick in axis.majorTicks + axis.minorTicks:
                yield tick.label1
                yield tick.label2


def bar_collection(ax, x, height, *, width=0.8, bottom=0.0, color="C0", collection=None):
    """Bars as one collection (what ``ax.bar`` draws, without an artist per bar), for explorers.

    The axes' limits are left as they are: set them (``ax.set(xlim=..., ylim=...)``).

    Parameters
    ----------
    ax : matplotlib Axes
    x, height : array_like, 1-D
        Centres and heights of the bars.
    width, bottom : float
        As in ``ax.bar``.
    color : colour or list of colours
        One colour, or one per bar.
    collection : PolyCollection, optional
        A collection made by an earlier call: it is updated in place (new bars, heights and
        colours) instead of adding another one.

    Returns
    -------
    matplotlib.collections.PolyCollection

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> bars = bar_collection(ax, [0, 1, 2], [3., 1., 2.], color="0.4")
    >>> len(bars.get_paths()), str(bars.get_paths()[0].get_extents())
    (3, 'Bbox(x0=-0.4, y0=0.0, x1=0.4, y1=3.0)')
    >>> bars = bar_collection(ax, [0, 1], [5., 1.], collection=bars)     # updated in place
    >>> len(bars.get_paths()), len(ax.collections)
    (2, 1)
    """
    from matplotlib.collections import PolyCollection

    x = np.asarray(x, dtype=float).ravel()
    height = np.broadcast_to(np.asarray(height, dtype=float), x.shape)
    left, right = x - width / 2, x + width / 2
    top = bottom + height
    verts = np.stack([np.column_stack([left, np.full_like(x, bottom)]),
                      np.column_stack([left, top]), np.column_stack([right, top]),
                      np.column_stack([right, np.full_like(x, bottom)])], axis=1)
    if collection is None:
        collection = PolyCollection(verts, facecolors=color, edgecolors="none", linewidths=0)
        ax.add_collection(collection)
    else:
        collection.set_verts(verts)
        collection.set_facecolor(color)
    return collection
