"""Many short text labels drawn as one artist, for explorers that must redraw fast.

A matplotlib ``Text`` costs about a millisecond to draw (font lookup, layout, a glyph bitmap per
character, a clip path), so a picture with a hundred numbers in its cells spends most of its
redraw on text. :func:`text_labels` draws all of them as **one** ``PathCollection`` of glyph
outlines (``TextPath``; each label's outline is built once and cached): the same font, size,
colour and alignment as ``ax.text``, drawn in one call, and updated in place with
:meth:`TextLabels.set_labels` when the picture changes.

The labels are plain text (no mathtext) and are not clipped to the axes, like ``ax.text``.
Outlines are antialiased but not hinted, so at 72 dpi they look a shade softer than ``Text``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TextLabels", "text_labels"]

_HA = ("left", "center", "right")
_VA = ("top", "center", "baseline", "bottom", "center_baseline")
_PATHS = {}                 # (text, font properties, ha, va) -> glyph outline, in points
_LP = {}                    # font properties -> height and descent of "lp" (a line's box)


def _label_path(text, prop, ha, va, prop_key):
    """The outline of ``text`` in points, placed as ``ax.text(0, 0, text, ha=ha, va=va)``
    places it (box of the line as matplotlib lays it out: at least as tall as "lp").
    ``prop_key`` is ``hash(prop)``, computed once by the caller (hashing is slow)."""
    key = (text, prop_key, ha, va)
    path = _PATHS.get(key)
    if path is None:
        from matplotlib.path import Path
        from matplotlib.textpath import TextPath, text_to_path

        width, height, descent = text_to_path.get_text_width_height_descent(
            text, prop, ismath=False)
        if prop_key not in _LP:
            _LP[prop_key] = text_to_path.get_text_width_height_descent(
                "lp", prop, ismath=False)[1:]
        lp_height, lp_descent = _LP[prop_key]
        height, descent = max(height, lp_height), max(descent, lp_descent)
        dx = {"left": 0.0, "center": -width / 2, "right": -width}[ha]
        dy = {"baseline": 0.0, "bottom": descent, "top": descent - height,
              "center": descent - height / 2, "center_baseline": (descent - height) / 2}[va]
        if text.strip():
            outline = TextPath((0, 0), text.replace("$", r"\$"), prop=prop)
            path = Path(outline.vertices + (dx, dy), outline.codes)
        else:                                   # a blank label: nothing to fill
            path = Path(np.zeros((1, 2)))
        if len(_PATHS) > 20000:                 # bound the cache (labels are few and reused)
            _PATHS.clear()
        _PATHS[key] = path
    return path


def _broadcast(name, value, n, allowed=None):
    values = [value] * n if isinstance(value, str) else list(value)
    if len(values) != n:
        raise ValueError(f"{name} must be one string or one per label ({n}), "
                         f"got {len(values)} values")
    if allowed is not None:
        for v in values:
            if v not in allowed:
                raise ValueError(f"{name} ({v!r}) must be one of {list(allowed)}")
    return values


def _check(xy, texts):
    texts = [str(t) for t in texts]
    xy = np.asarray(xy, dtype=float)
    if xy.size == 0:
        xy = xy.reshape(0, 2)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must be a sequence of (x, y) positions, got shape {xy.shape}")
    if len(xy) != len(texts):
        raise ValueError(f"xy ({len(xy)} positions) and texts ({len(texts)} labels) "
                         f"must have the same length")
    return xy, texts


def _collection_class():
    from matplotlib.collections import PathCollection

    class TextLabels(PathCollection):
        """Text labels drawn as one collection of glyph outlines (see :func:`text_labels`)."""

        def __init__(self, xy, texts, *, fontsize=9, color="black", ha="center",
                     va="center", **kwargs):
            from matplotlib.font_manager import FontProperties
            from matplotlib.transforms import IdentityTransform

            if not isinstance(fontsize, (int, float)) or not fontsize > 0:
                raise ValueError(f"fontsize ({fontsize!r}) must be a positive number")
            self._prop = FontProperties(size=fontsize)
            self._prop_key = hash(self._prop)
            self._ha_default, self._va_default = ha, va
            kwargs.setdefault("clip_on", False)
            # outlines are in points: the collection scales them by dpi / 72 (sizes=[1]) and
            # places each at its offset, in data coordinates unless offset_transform says
            super().__init__([], sizes=[1.0], edgecolors="none", linewidths=0,
                             transform=IdentityTransform(), **kwargs)
            self.set_labels(xy, texts, color=color, ha=ha, va=va)

        def set_labels(self, xy, texts, *, color=None, ha=None, va=None):
            """Replace the labels: positions ``xy`` (N x 2), strings ``texts`` (N), and
            optionally their colour(s) and alignment(s) (one value, or one per label)."""
            xy, texts = _check(xy, texts)
            n = len(texts)
            if ha is not None:
                self._ha_default = ha
            if va is not None:
                self._va_default = va
            has = _broadcast("ha", self._ha_default, n, _HA)
            vas = _broadcast("va", self._va_default, n, _VA)
            self.set_paths([_label_path(t, self._prop, h, v, self._prop_key)
                            for t, h, v in zip(texts, has, vas)])
            self.set_offsets(xy)
            if color is not None:
                self.set_facecolor(color)
            self._texts = texts
            self.stale = True

        def get_texts(self):
            """The labels' strings, in order."""
            return list(self._texts)

    TextLabels.__qualname__ = "TextLabels"
    return TextLabels


def __getattr__(name):                          # matplotlib is imported only when needed
    if name == "TextLabels":
        cls = globals()["TextLabels"] = _collection_class()   # built once (it costs ~10 ms)
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def text_labels(ax, xy, texts, *, fontsize=9, color="black", ha="center", va="center",
                **kwargs):
    """Draw many short labels in ``ax`` as one artist; returns it (a :class:`TextLabels`).

    Looks like ``for (x, y), t in zip(xy, texts): ax.text(x, y, t, ...)`` but draws in one
    call, several times faster; update it with ``labels.set_labels(xy, texts, color=...)``.

    Parameters
    ----------
    ax : matplotlib Axes
    xy : sequence of (x, y)
        Positions in data coordinates (``offset_transform=`` another transform to change).
    texts : sequence of str
        One plain-text label per position (no mathtext).
    fontsize : float
        Size in points.
    color : colour or sequence of colours
        One colour, or one per label.
    ha, va : str or sequence of str
        Alignment as in ``ax.text``: ``ha`` in left/center/right, ``va`` in
        top/center/baseline/bottom/center_baseline; one value, or one per label.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> labels = text_labels(ax, [(0, 0), (1, 0)], ["1", "22"], color=["black", "0.3"])
    >>> labels.get_texts(), len(labels.get_paths())
    (['1', '22'], 2)
    >>> labels.set_labels([(0, 1)], ["7"]); labels.get_offsets().tolist()
    [[0.0, 1.0]]
    >>> text_labels(ax, [(0, 0)], ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: xy (1 positions) and texts (2 labels) must have the same length
    """
    kwargs.setdefault("offset_transform", ax.transData)
    cls = globals().get("TextLabels") or __getattr__("TextLabels")
    labels = cls(xy, texts, fontsize=fontsize, color=color, ha=ha,
                                       va=va, **kwargs)
    ax.add_collection(labels, autolim=False)
    return labels
