"""Explorers: one drawing function, two faces.

Every chapter's explorer is an :class:`Explorer`. The chapter writes one function that draws a
figure for one choice of parameters; the explorer turns it into

- :meth:`Explorer.widget`: live ipywidgets sliders for Jupyter (each move redraws the figure);
- :meth:`Explorer.player`: a static, self-contained player for the HTML book. Every combination
  of the controls' values is rendered once, when the notebook runs, and stored as a PNG frame;
  a few lines of plain JavaScript (no library, no network) show the frame that matches the
  sliders. It works offline, in the built book, without a kernel.

An :class:`Animation` is the same player with one control, ``frame``, and a Play button.

Both faces call the same :meth:`Explorer.render`, which is what the redraw benchmark times
(``bench/bench_explorers.py``: set ``TCONV_EXPLORER_TIMINGS`` to a file and every render appends
its wall-clock and CPU time there).

The drawing function receives a matplotlib figure and the parameters as keywords; it may return
a short caption (plain text). If it raises ``ValueError`` (an impossible combination, e.g. an
output that would be empty), the message is shown instead of a figure, so readers see *why*
nothing is drawn (with ``reuse_figure``, check the parameters before touching the figure: a
figure left half updated is thrown away, and building the next one costs a slow first draw).
By default the figure is a new, empty one on every call. With
``reuse_figure=True`` the explorer keeps one figure per face and hands it back on every call:
the drawing function builds its axes and artists on the first call (``if not fig.axes``) and
afterwards only updates them (``set_data``, ``set_array``, ``set_text``, limits), which skips
matplotlib's most expensive work, creating axes and their ticks.

The live face (:meth:`Explorer.widget`) is built for speed, because a learner waits for every
redraw. Every combination of the controls' values has its own frame in the page, and the sliders
pick the frame in the page itself (``Tab`` widgets with hidden tab bars, their index linked to
the sliders' with ``jslink``): a frame drawn before shows with no round trip to the kernel, as
fast as the browser shows an image. The kernel fills in each frame once, the first time it is
drawn, with a PNG encoded with fast compression; in a running kernel the drawing happens in one
background thread that always draws the *latest* values (slider events that arrive while a
picture is being drawn are merged, never queued, so dragging a slider never builds up a backlog
of stale redraws) and, while the kernel is idle, draws the other frames ahead, nearest first.

Conventions for chapters
------------------------
- The explorer is built in one cell, the live widget is shown by a cell tagged ``remove-cell``
  (it cannot work in static HTML), and the player by the next cell (shown in the book).
- Keep an explorer under :data:`MAX_FRAMES` combinations (both faces refuse more): pick a few
  values per control.
- A redraw must stay well under 100 ms. Most of matplotlib's time goes into creating axes and
  their ticks, and into text: pass ``reuse_figure=True`` and build the axes once
  (``if not fig.axes: ...``), then only update the artists (``set_data``, ``set_offsets``,
  ``set_text``, limits) or remove and re-add the few that change; leave ticks off where the
  picture does not need them (``ax.set_xticks([])``), prefer a few labels to many, and never
  call ``tight_layout`` in ``draw``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
import threading
import time
import weakref

__all__ = ["Explorer", "Animation", "Player", "MAX_FRAMES"]

MAX_FRAMES = 200
"""Most frames a static player may hold (each is a small PNG stored in the notebook), and a live
face (one frame per combination, each kept in the page once drawn)."""


def _check_controls(controls):
    if not isinstance(controls, dict) or not controls:
        raise TypeError(f"controls must be a non-empty dict of name -> list of values, "
                        f"got {controls!r}")
    out = {}
    for name, spec in controls.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"control name {name!r} must be a Python identifier")
        default = None
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], (list, range)):
            spec, default = spec
        values = list(spec)
        if not values:
            raise ValueError(f"control {name!r} has no values")
        for i, v in enumerate(values):
            if v in values[:i]:
                raise ValueError(f"control {name!r} has the value {v!r} twice in {values}: each "
                                 f"value must pick its own frame")
        if default is None:
            default = values[len(values) // 2]
        if default not in values:
            raise ValueError(f"default of control {name!r} ({default!r}) is not one of its "
                             f"values {values}")
        out[name] = (values, default)
    return out


class Explorer:
    """An interactive figure with a live face (ipywidgets) and a static face (a player).

    Parameters
    ----------
    draw : callable
        ``draw(fig, **params)`` draws into the (cleared) matplotlib figure ``fig`` and may return
        a caption string. Raising ``ValueError`` marks the combination as impossible; the
        message becomes the caption.
    controls : dict
        ``name -> values`` (a list or range), or ``name -> (values, default)``. The default
        value is the middle one unless given.
    title : str, optional
        Shown above the player and used to label timings.
    figsize : (float, float)
        Figure size in inches.
    dpi : int
        Resolution of the frames (72 keeps a player small).
    reuse_figure : bool
        Hand ``draw`` the same figure on every call (one per face) instead of a new one, so it
        can update its artists rather than re-plot (see the module's docstring).

    Examples
    --------
    >>> def draw(fig, k):
    ...     ax = fig.add_subplot()
    ...     ax.plot(range(k))
    ...     return f"k = {k}"
    >>> ex = Explorer(draw, {"k": [2, 3, 4]}, title="demo")
    >>> png, caption = ex.render(k=3)
    >>> png[:4], caption
    (b'\\x89PNG', 'k = 3')
    >>> ex.player()
    <static player 'demo': 3 frames over k=[2, 3, 4]>
    """

    def __init__(self, draw, controls, *, title="", figsize=(6.4, 3.0), dpi=72,
                 reuse_figure=False):
        if not callable(draw):
            raise TypeError(f"draw must be callable, got {draw!r}")
        self.draw = draw
        self.controls = _check_controls(controls)
        self.title = str(title)
        self.figsize = tuple(figsize)
        self.dpi = int(dpi)
        self.reuse_figure = bool(reuse_figure)
        self._figs = {}                       # dpi -> the figure kept with reuse_figure
        self._lock = threading.RLock()        # one drawing at a time (the live face's thread)
        self._face = None                     # the newest live face (weakly held)

    # -- rendering ------------------------------------------------------------------------------
    def _figure(self, dpi):
        """The figure to draw into at ``dpi``: a new one, or the kept one with reuse_figure.

        A new ``Figure`` costs far less than ``Figure.clear()``, which first resets every
        axes it drops.
        """
        from matplotlib.figure import Figure   # not pyplot: no inline display, no leaks

        if not self.reuse_figure:
            return Figure(figsize=self.figsize, dpi=dpi)
        if dpi not in self._figs:
            self._figs[dpi] = Figure(figsize=self.figsize, dpi=dpi)
        return self._figs[dpi]

    def render(self, **params):
        """Draw one combination of parameters; returns ``(png_bytes, caption)``.

        ``png_bytes`` is ``b""`` when ``draw`` raised ``ValueError``; the caption then holds the
        message. Unknown or missing parameter names raise ``TypeError``.
        """
        return self._render(params, self.dpi)

    def _render(self, params, dpi, *, compress_level=None):
        """:meth:`render` at ``dpi`` (the live face renders at the screen's pixel density).

        ``compress_level`` (0-9) is the PNG's zlib level; the live face uses 1, several times
        faster to encode than the default (6) for a slightly larger PNG that only travels to
        the page, never into the notebook.
        """
        missing = set(self.controls) - set(params)
        extra = set(params) - set(self.controls)
        if missing or extra:
            raise TypeError(f"render() needs exactly the controls {list(self.controls)}; "
                            f"missing {sorted(missing)}, unknown {sorted(extra)}")
        with self._lock:
            start, cpu_start = time.perf_counter(), time.thread_time()
            fig = self._figure(dpi)
            # any change to the figure's artists marks it stale: a draw that raises before
            # touching the figure (an impossible combination, checked first) leaves it clean
            fig.stale = False
            try:
                caption = self.draw(fig, **params)
            except ValueError as err:
                # a kept figure that was touched may be half updated: start the next call
                # from a new one (rebuilding it costs a slow first draw, so keep a clean one)
                if fig.stale:
                    self._figs.pop(dpi, None)
                png, caption = b"", f"(nothing to draw) {err}"
            else:
                buf = io.BytesIO()
                kw = {} if compress_level is None else {
                    "pil_kwargs": {"compress_level": int(compress_level)}}
                fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, **kw)
                png = buf.getvalue()
            self._record(time.perf_counter() - start, time.thread_time() - cpu_start, dpi)
        return png, "" if caption is None else str(caption)

    def _record(self, seconds, cpu_seconds, dpi):
        """Append one redraw's wall-clock and CPU (this thread's) time to the timings file
        (``live``: drawn for the live face, at its higher resolution)."""
        path = os.environ.get("TCONV_EXPLORER_TIMINGS")
        if path:
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"explorer": self.title or self.draw.__name__,
                                    "seconds": seconds, "cpu_seconds": cpu_seconds,
                                    "live": dpi != self.dpi}) + "\n")

    def combinations(self):
        """Every combination of control values, in player order (last control fastest)."""
        names = list(self.controls)
        for values in itertools.product(*(self.controls[n][0] for n in names)):
            yield dict(zip(names, values))

    def _check_n_frames(self, face):
        """Refuse more than :data:`MAX_FRAMES` combinations for ``face`` (either face keeps a
        frame per combination)."""
        if self.n_frames > MAX_FRAMES:
            sizes = ", ".join(f"{n}: {len(v)}" for n, (v, _) in self.controls.items())
            raise ValueError(f"{face} holds at most {MAX_FRAMES} frames (one per combination); "
                             f"these controls give {self.n_frames} ({sizes}); use fewer values "
                             f"per control")

    @property
    def n_frames(self):
        n = 1
        for values, _ in self.controls.values():
            n *= len(values)
        return n

    # -- the live face --------------------------------------------------------------------------
    def widget(self, *, pixel_ratio=2, threaded=None, prefetch=None):
        """Live sliders (ipywidgets) that switch the figure on every change, for Jupyter.

        Every combination of the controls' values has its own frame in the page, filled in
        once, the first time it is drawn. A slider picks the frame in the page itself, with no
        round trip to the kernel: the frames sit in nested ``Tab`` widgets with hidden tab bars,
        one level per control (the control with the fewest values outermost: fewest Tabs), and
        each slider's index is linked (``jslink``) to the Tabs of its level, one per
        combination of the values of the levels outside it. A frame drawn before shows as fast
        as the browser can show an image. The kernel hears of the move too (and of each linked
        Tab's new index: a few small messages), and draws the new frame if it has not been
        drawn yet (the frame says "drawing ..." with the values until then). Nothing is
        appended, nothing piles up, nothing is drawn twice (a drawing that raised an error other
        than ``ValueError`` shows the error and is tried again on the next visit).

        Each face keeps its frames in the page and in the kernel (at most :data:`MAX_FRAMES`
        PNGs); showing the face again (the cell run again) makes a new one, drawn anew.

        Each picture is shown at its natural size, ``figsize * dpi`` CSS pixels (never
        stretched to the width of the notebook), and rendered with ``pixel_ratio`` device
        pixels per CSS pixel, so it is sharp on a high-density screen too; its caption is its
        ``alt`` text and is shown under it.

        Parameters
        ----------
        pixel_ratio : int or float
            Device pixels per CSS pixel (1 to 4).
        threaded : bool, optional
            Draw in a background thread that merges slider events arriving faster than the
            drawing (only the latest values are drawn). Default: in a running Jupyter kernel;
            otherwise (scripts, tests) every change to values not drawn before is drawn at
            once, before the slider's assignment returns.
        prefetch : bool, optional
            With the thread: once the face is shown and again after each move, while the
            kernel is idle (no cell has run for :data:`AHEAD_AFTER_IDLE_S`), draw the frames
            ahead of time and send them to the page, nearest values first (the next step is
            then shown at once; after a few seconds, any move). Default: on, unless the
            environment variable ``TCONV_EXPLORER_PREFETCH`` is ``0`` (no background drawing:
            a slower machine, or a test that measures every draw).

        The returned box has ``sliders`` (name -> slider), ``frames`` (values -> the frame's
        ``HTML`` widget), ``picture()`` (the PNG bytes and caption of the frame the sliders
        pick, ``None`` while it is being drawn), ``redraw()`` (draw the current values) and
        ``wait(timeout)`` (return when the frame the sliders pick is drawn; for tests and the
        benchmark).
        """
        import ipywidgets as widgets

        if not isinstance(pixel_ratio, (int, float)) or not 1 <= pixel_ratio <= 4:
            raise ValueError(f"pixel_ratio ({pixel_ratio!r}) must be a number from 1 to 4")
        self._check_n_frames("a live face")
        if threaded is None:
            threaded = _in_kernel()
        if prefetch is None:
            prefetch = os.environ.get("TCONV_EXPLORER_PREFETCH", "1") != "0"
        sliders = {}
        for name, (values, default) in self.controls.items():
            sliders[name] = widgets.SelectionSlider(
                options=values, value=default, description=name, continuous_update=True)
        size = (self.figsize[0] * self.dpi, self.figsize[1] * self.dpi)   # CSS pixels
        frames, links = {}, []
        # the frames' tree: one level per control, fewest values first (fewer Tabs); a Tab at
        # each level for each combination of the levels above, its index linked to the slider
        order = sorted(self.controls, key=lambda n: len(self.controls[n][0]))

        def level(depth, chosen):
            if depth == len(order):
                key = tuple(chosen[n] for n in self.controls)
                frame = widgets.HTML(_frame_html(None, size, self.title, key=chosen))
                frame.add_class("tconv-live-frame")
                frames[key] = frame
                return frame
            name = order[depth]
            values, _ = self.controls[name]
            tab = widgets.Tab([level(depth + 1, {**chosen, name: v}) for v in values],
                              selected_index=sliders[name].index)
            tab.add_class("tconv-live-frames")
            links.append(widgets.jslink((sliders[name], "index"), (tab, "selected_index")))
            return tab

        tree = level(0, {})
        # a face shown before (the cell run again, or another cell showing this explorer) stops
        # drawing ahead: its pictures would compete with this face's for the explorer's lock
        older = self._face() if self._face is not None else None
        if older is not None:
            older.stop_ahead()
        live = _LiveFace(self, sliders, frames, size=size, dpi=self.dpi * pixel_ratio,
                         threaded=bool(threaded), prefetch=bool(prefetch))
        self._face = weakref.ref(live)
        for s in sliders.values():
            s.observe(live.request, names="value")
        live.show_now()                             # the first picture, before the cell ends
        controls = widgets.HBox(list(sliders.values()),
                                layout=widgets.Layout(flex_flow="row wrap"))   # never cut off
        style = widgets.HTML(_LIVE_CSS, layout=widgets.Layout(display="none"))
        box = _live_box_class()([style, controls, tree],
                                layout=widgets.Layout(align_items="flex-start"))
        box.add_class("tconv-live")
        spec = ", ".join(f"{n}={list(v)}" for n, (v, _) in self.controls.items())
        box.text = (f"<live explorer {self.title!r}: sliders {spec} "
                    f"(they redraw the figure in a running Jupyter kernel)>")
        box.redraw = live.request    # for tests: operate the explorer without a browser
        box.wait = live.wait
        box.picture = live.picture
        box.live = live
        box.sliders = sliders
        box.frames = frames
        box.links = links
        return box

    # -- the static face ------------------------------------------------------------------------
    def player(self, *, play=False, interval_ms=600):
        """A self-contained HTML player with every frame precomputed (works without a kernel).

        Parameters
        ----------
        play : bool
            Add Play/Pause buttons that step the *last* control (an animation).
        interval_ms : int
            Time per frame when playing.
        """
        self._check_n_frames("a player")
        frames, captions = [], []
        for params in self.combinations():
            png, text = self.render(**params)
            frames.append(base64.b64encode(png).decode("ascii") if png else "")
            captions.append(text)
        return Player(self.title, self.controls, frames, captions, play=play,
                      interval_ms=interval_ms)


_CELL_RUNNING = threading.Event()     # set while the kernel executes a cell (no drawing ahead)
_IDLE_SINCE = [0.0]                  # time.monotonic() when the last cell ended
#: seconds without a running cell before the drawing thread draws ahead: Run All (and a book
#: build's execution) goes from cell to cell in milliseconds, a learner reading takes longer
AHEAD_AFTER_IDLE_S = 0.5
_WATCHING = []


def _watch_cells():
    """Track cell execution with IPython's events (once per process)."""
    if _WATCHING:
        return
    try:
        from IPython import get_ipython
    except ImportError:                                     # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return

    def pre_run_cell(info):
        _CELL_RUNNING.set()

    def post_run_cell(result):
        _IDLE_SINCE[0] = time.monotonic()
        _CELL_RUNNING.clear()

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
    _WATCHING.append((pre_run_cell, post_run_cell))
    _CELL_RUNNING.set()        # the cell creating the widget is running now


_THREADS = []                        # drawing threads alive (joined at exit)


def _stop_threads():
    """At exit: let every drawing thread finish its picture and end (a daemon thread killed in
    the middle of matplotlib's C++ drawing aborts the process)."""
    _STOP.set()
    for face in list(_THREADS):
        with face._cond:
            face._cond.notify_all()
        thread = face._thread
        if thread is not None:
            thread.join(timeout=5)


_STOP = threading.Event()


def _in_kernel():
    """True when running inside a Jupyter (IPython) kernel."""
    try:
        from IPython import get_ipython
    except ImportError:                                     # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


_LIVE_CSS = """<style>
.tconv-live .tconv-live-frames > .lm-TabBar { display: none !important; }
.tconv-live .tconv-live-frames > .widget-tab-contents {
  border: 0 !important; padding: 0 !important; overflow: visible !important;
  background: none !important; }
.tconv-live .tconv-live-frame, .tconv-live .tconv-live-frame > .widget-html-content {
  margin: 0; line-height: normal; }
.tconv-live .tconv-live-caption { font-size: 90%; margin-top: .2em; }
.tconv-live .tconv-live-pending { display: flex; align-items: center; justify-content: center;
  box-sizing: border-box; border: 1px dashed var(--jp-border-color1, #767676);
  color: var(--jp-ui-font-color1, #3a3a3a); max-width: 100%; }
</style>"""


def _frame_html(result, size, name, *, key):
    """The HTML of one frame of a live face: the picture at ``size`` CSS pixels with its
    caption as ``alt`` text and under it; ``result`` None: a placeholder while it is drawn.

    ``key`` (control -> value) is written into the frame's ``data-values`` (the values as the
    sliders show them), so that a test in the page can check the frame on show against the
    sliders.

    >>> print(_frame_html(None, (100, 50), "demo", key={"k": 3, "s": "a<b"}))
    <div class="tconv-live-values" hidden data-values="[&quot;3&quot;, &quot;a&lt;b&quot;]"></div><div class="tconv-live-pending" style="width:100px;max-width:100%;aspect-ratio:100/50">drawing k=3, s=a&lt;b \u2026</div><div class="tconv-live-pending-caption"><code>&#160;</code></div>
    """
    w, h = size
    box = f"width:{w:.4g}px;max-width:100%;aspect-ratio:{w:.4g}/{h:.4g}"
    values = html.escape(json.dumps([str(v) for v in key.values()]), quote=True)
    head = f'<div class="tconv-live-values" hidden data-values="{values}"></div>'
    if result is None:
        spec = html.escape(", ".join(f"{n}={v}" for n, v in key.items()))
        # the caption's line is kept (empty), so the output does not jump when it is drawn
        return (f'{head}<div class="tconv-live-pending" style="{box}">drawing {spec} \u2026'
                f'</div><div class="tconv-live-pending-caption"><code>&#160;</code></div>')
    png, text = result
    alt = html.escape(text or f"{name or 'explorer'}: the figure for the values chosen above",
                      quote=True)
    if png:
        b64 = base64.b64encode(png).decode("ascii")
        pic = (f'<img class="tconv-live-image" alt="{alt}" src="data:image/png;base64,{b64}" '
               f'style="width:{w:.4g}px;max-width:100%;height:auto;display:block">')
    else:                          # an impossible combination: keep the place, say why below
        pic = f'<div class="tconv-live-image tconv-live-empty" style="{box}"></div>'
    return f'{head}{pic}<div class="tconv-live-caption"><code>{html.escape(text)}</code></div>'


class _LiveFace:
    """The drawing behind one live widget: the frames filled in so far, and (threaded) one
    drawing thread.

    Every slider change calls :meth:`request` (the page has already switched to the frame of
    the new values). A frame drawn before needs nothing more. Otherwise, without a thread, it
    is drawn at once; with a thread, the values are handed to the thread, replacing any values
    still waiting there (stale ones are never drawn), and the thread fills in the frame.

    With ``prefetch``, from the first picture on, the thread, when it has nothing asked of it,
    draws frames ahead and fills them in, nearest first (one step away on each control, then
    two, ... up to every combination, as the static player does), so the next step a learner
    takes is shown at once and, after a while, any move. It never runs while a cell is
    executing (IPython's ``pre_run_cell``/``post_run_cell`` events) nor in the first
    :data:`AHEAD_AFTER_IDLE_S` after one (Run All goes on to the next cell), restarts from the
    new values when a slider moves, and lets a move's own picture go first (a drawing ahead
    that has started finishes first: one redraw at most).
    """

    def __init__(self, explorer, sliders, frames, *, size, dpi, threaded, prefetch):
        self.explorer = explorer
        self.sliders = sliders
        self.frames = frames                            # values -> the frame's HTML widget
        self.size = size
        self.dpi = dpi
        self.threaded = threaded
        self.prefetch = prefetch and threaded
        self._ahead = []                                # values to draw ahead, in order
        if self.threaded:
            _watch_cells()
        self.pictures = {}                              # values -> (png, caption) filled in
        self.errors = {}               # values -> (b"", message): shown, drawn again next visit
        self.draws = 0                                  # pictures drawn (errors included)
        self.failures = []                              # the errors' captions, in order
        self._cond = threading.Condition()
        self._pending = None                            # values waiting for the thread
        self._busy = False
        self._thread = None

    def _params(self):
        return {n: s.value for n, s in self.sliders.items()}

    def _key(self, params):
        return tuple(params[n] for n in self.explorer.controls)

    def picture(self):
        """``(png, caption)`` of the frame the sliders pick, or None while it is drawn."""
        with self._cond:
            key = self._key(self._params())
            return self.pictures.get(key, self.errors.get(key))

    def _done(self, key):
        return key in self.pictures or key in self.errors

    def _draw(self, params):
        """Draw ``params`` (unless drawn before) and fill in its frame."""
        key = self._key(params)
        with self._cond:
            if key in self.pictures:
                return
        failed = False
        try:
            result = self.explorer._render(params, self.dpi, compress_level=1)
        except Exception as err:
            if not self.threaded:
                raise
            # in the thread nobody would see the traceback: show the error as the caption (not
            # kept: the next visit draws again, the error may have been passing)
            result, failed = (b"", f"(error while drawing) {type(err).__name__}: {err}"), True
        with self._cond:
            if key in self.pictures:                    # pragma: no cover (one thread draws)
                return
            self.draws += 1
            if failed:
                self.errors[key] = result
                self.failures.append(result[1])
            else:
                self.errors.pop(key, None)
                self.pictures[key] = result
            self.frames[key].value = _frame_html(result, self.size, self.explorer.title,
                                                 key=dict(zip(self.explorer.controls, key)))
            self._cond.notify_all()

    def show_now(self):
        """Draw the current values in this thread (the first picture); with ``prefetch``, the
        thread then draws ahead once the kernel is idle."""
        params = self._params()
        self._draw(params)
        if self.prefetch:
            with self._cond:
                self._ahead = self._to_draw_ahead(params)
                if self._ahead:
                    self._start()
                    self._cond.notify_all()

    def request(self, change=None):
        """A slider moved: draw the frame for the current values, unless drawn before."""
        params = self._params()
        with self._cond:
            self.errors.pop(self._key(params), None)    # an error shown: try again
        if not self.threaded:
            self._draw(params)
            return
        with self._cond:
            if self._key(params) in self.pictures:
                self._pending = None                    # superseded: never drawn
                if self.prefetch:
                    self._ahead = self._to_draw_ahead(params)
            else:
                self._pending = params                  # replaces stale values
                self._ahead = []                        # stop drawing ahead of old values
            if not (self._pending or self._ahead):
                return
            self._start()
            self._cond.notify_all()

    def _start(self):
        """Start the drawing thread unless it runs (called with ``self._cond`` held)."""
        if self._thread is None or not self._thread.is_alive():
            if not _THREADS:
                import atexit
                atexit.register(_stop_threads)
            self._thread = threading.Thread(target=self._work, daemon=True,
                                            name=f"tconv-explorer-{id(self):x}")
            _THREADS.append(self)
            self._thread.start()

    def stop_ahead(self):
        """Draw nothing more ahead (a newer face of the same explorer is shown); a move on this
        face is still drawn."""
        with self._cond:
            self.prefetch = False
            self._ahead = []
            self._cond.notify_all()

    def _to_draw_ahead(self, params):
        """The values to draw ahead of a learner at ``params``: every other combination not
        drawn yet, nearest first (one step away on each control, steps up first, where a
        learner tends to go, then two steps, and so on)."""
        names = list(self.explorer.controls)
        here = [self.explorer.controls[n][0].index(params[n]) for n in names]

        def distance(combo):
            idx = [self.explorer.controls[n][0].index(combo[n]) for n in names]
            steps = [b - a for a, b in zip(here, idx)]
            return (sum(map(abs, steps)), any(d < 0 for d in steps),
                    [abs(d) for d in steps][::-1])

        combos = [c for c in self.explorer.combinations()
                  if c != params and not self._done(self._key(c))]
        combos.sort(key=distance)
        return combos

    def _work(self):
        try:
            self._loop()
        finally:
            with self._cond:
                if self in _THREADS:
                    _THREADS.remove(self)

    def _may_draw_ahead(self):
        return (bool(self._ahead) and not _CELL_RUNNING.is_set()
                and time.monotonic() - _IDLE_SINCE[0] >= AHEAD_AFTER_IDLE_S)

    def _loop(self):
        while True:
            with self._cond:
                while self._pending is None and not self._may_draw_ahead():
                    if _STOP.is_set() or (
                            not self._cond.wait(timeout=0.2 if self._ahead else 60)
                            and self._pending is None and not self._ahead):
                        self._thread = None             # idle for a minute: end the thread
                        return
                if _STOP.is_set():
                    self._thread = None
                    return
                params, self._pending = self._pending, None
                moved = params is not None
                if not moved:                          # nothing asked: draw one step ahead
                    params = self._ahead.pop(0)
                self._busy = True
            try:
                self._draw(params)
                with self._cond:
                    # no newer move meanwhile: draw ahead of this one
                    if moved and self.prefetch and params == self._params():
                        self._ahead = self._to_draw_ahead(params)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def wait(self, timeout=30, *, ahead=False):
        """Block until the frame the sliders pick is filled in (and, with ``ahead``, until the
        thread has finished drawing ahead too), at most ``timeout`` seconds; True if so."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._done(self._key(self._params())) and self._pending is None
                and not (ahead and (self._busy or (self._ahead and self.prefetch))),
                timeout=timeout)


_LIVE_BOX = []


def _live_box_class():
    """A VBox whose plain-text form is one short line.

    ipywidgets' own repr lists every child with its value, the PNG bytes of the image
    included; that text is what a notebook stores next to the widget (and what nbval
    compares), so it must be short and deterministic.
    """
    if not _LIVE_BOX:
        import ipywidgets as widgets

        class ExplorerBox(widgets.VBox):
            text = "<live explorer>"

            def __repr__(self):
                return self.text

        _LIVE_BOX.append(ExplorerBox)
    return _LIVE_BOX[0]


class Animation(Explorer):
    """An animation: an explorer with one control, ``frame`` (0 .. n_frames-1), that plays.

    ``draw(fig, frame)`` draws frame number ``frame``. :meth:`player` adds Play/Pause buttons;
    :meth:`widget` gives a slider with a Play button in Jupyter.

    Examples
    --------
    >>> def draw(fig, frame):
    ...     fig.add_subplot().bar(range(frame + 1), 1)
    >>> Animation(draw, 4, title="bars").player()
    <static player 'bars': 4 frames over frame=[0, 1, 2, 3]>
    """

    def __init__(self, draw, n_frames, **kw):
        if not isinstance(n_frames, int) or n_frames < 1:
            raise ValueError(f"n_frames ({n_frames!r}) must be a positive integer")
        super().__init__(draw, {"frame": (range(n_frames), 0)}, **kw)

    def player(self, *, play=True, interval_ms=700):
        return super().player(play=play, interval_ms=interval_ms)

    def widget(self, *, pixel_ratio=2, threaded=None, prefetch=None):
        import ipywidgets as widgets

        box = super().widget(pixel_ratio=pixel_ratio, threaded=threaded, prefetch=prefetch)
        slider = box.sliders["frame"]
        values = self.controls["frame"][0]
        play = widgets.Play(min=0, max=len(values) - 1, interval=700,
                            value=values.index(slider.value))
        # in the page: Play steps the slider, which picks the frame (the kernel draws it)
        # (the slider is the source: on display the page sets Play to the slider's frame)
        box.links.append(widgets.jslink((slider, "index"), (play, "value")))
        box.children = (box.children[0], widgets.HBox([play, slider])) + tuple(box.children[2:])
        return box


_JS = """
(function () {
  // the player is this script's parent (robust even if a page shows one player twice)
  var me = document.currentScript;
  var root = (me && me.closest('div.tconv-player')) || document.getElementById(%(id)s);
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var inputs = root.querySelectorAll('input[type=range]');
  var img = root.querySelector('img.tconv-frame');
  var cap = root.querySelector('.tconv-caption');
  var timer = null, play = root.querySelector('button.tconv-play');
  function index() {
    var i = 0;
    for (var c = 0; c < inputs.length; c++) { i = i * data.sizes[c] + Number(inputs[c].value); }
    return i;
  }
  function show() {
    var i = index();
    for (var c = 0; c < inputs.length; c++) {
      var label = data.labels[c][Number(inputs[c].value)];
      inputs[c].nextElementSibling.textContent = label;
      inputs[c].setAttribute('aria-valuetext', inputs[c].getAttribute('data-control') + ' = ' + label);
    }
    if (data.frames[i]) { img.src = 'data:image/png;base64,' + data.frames[i]; img.style.visibility = 'visible'; }
    else { img.removeAttribute('src'); img.style.visibility = 'hidden'; }
    // the caption is the frame's text equivalent: the image's alt and a polite live region
    cap.textContent = data.captions[i];
    img.alt = data.captions[i] || data.alt;
    root.setAttribute('data-frame', String(i));
  }
  function toggle() {
    if (!play) { return; }
    if (timer) {
      clearInterval(timer); timer = null;
      play.innerHTML = '<span aria-hidden="true">\\u25B6</span> Play';
      cap.setAttribute('aria-live', 'polite');   // paused: announce each frame stepped to
      return;
    }
    play.innerHTML = '<span aria-hidden="true">\\u275A\\u275A</span> Pause';
    cap.setAttribute('aria-live', 'off');        // playing: no announcement every 0.7 s
    timer = setInterval(function () {
      var last = inputs[inputs.length - 1];
      last.value = (Number(last.value) + 1) %% (Number(last.max) + 1);
      show();
    }, data.interval);
  }
  for (var c = 0; c < inputs.length; c++) { inputs[c].addEventListener('input', show); }
  if (play) { play.addEventListener('click', toggle); }
  // keyboard: Space plays/pauses from any control; the arrow keys on the Play button step the
  // animation (on a slider they move it natively)
  root.addEventListener('keydown', function (e) {
    if (!play || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var t = e.target;
    if ((e.key === ' ' || e.key === 'Spacebar') && t.tagName === 'INPUT') {
      e.preventDefault(); toggle();
    } else if (t === play && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      e.preventDefault();
      var last = inputs[inputs.length - 1], n = Number(last.max) + 1;
      last.value = (Number(last.value) + (e.key === 'ArrowRight' ? 1 : n - 1)) %% n;
      show();
    }
  });
  show();
})();
"""


class Player:
    """The static face of an :class:`Explorer`: frames, captions and a tiny JS controller.

    Displays as HTML in Jupyter and in the built book; its plain-text form (what nbval compares)
    names the controls and frame count, and :attr:`captions` holds every frame's caption.
    """

    def __init__(self, title, controls, frames, captions, *, play=False, interval_ms=600):
        self.title = title
        self.controls = controls
        self.frames = frames
        self.captions = captions
        self.play = play
        self.interval_ms = int(interval_ms)
        digest = hashlib.sha1(json.dumps([title, captions, frames]).encode()).hexdigest()[:10]
        self.id = f"tconv-player-{digest}"

    def __repr__(self):
        spec = ", ".join(f"{n}={list(v)}" for n, (v, _) in self.controls.items())
        return f"<static player {self.title!r}: {len(self.frames)} frames over {spec}>"

    # -- the print face (PDF): a few frames side by side, as one PNG ---------------------------
    @classmethod
    def from_html(cls, text):
        """Rebuild a player from its stored HTML (what a notebook keeps of :meth:`_repr_html_`).

        Only the JSON payload the player's script reads is used (frames, captions, value labels),
        plus the ``data-frame`` and ``data-control`` attributes when present, so the print face
        can be drawn from a notebook's stored outputs without running it again. Raises
        ``ValueError`` if ``text`` holds no player.
        """
        import re

        m = re.search(r'<script type="application/json">(.*?)</script>', text, flags=re.S)
        if "tconv-player" not in text or not m:
            raise ValueError("text holds no static player (no tconv-player JSON payload)")
        data = json.loads(m.group(1).replace("<\\/", "</"))
        names = [html.unescape(n) for n in re.findall(r'data-control="([^"]*)"', text)]
        if len(names) != len(data["sizes"]):
            names = [f"control{i}" for i in range(len(data["sizes"]))]
        title = re.search(r'<div style="font-weight:600[^"]*">(.*?)</div>', text, flags=re.S)
        controls = {n: (list(labels), labels[0])
                    for n, labels in zip(names, data["labels"])}
        player = cls(html.unescape(title.group(1)) if title else "", controls, data["frames"],
                     data["captions"], play='class="tconv-play"' in text,
                     interval_ms=data.get("interval", 600))
        first = re.search(r'data-frame="(\d+)"', text)
        player._first = int(first.group(1)) if first else 0
        return player

    def print_frames(self, n=6):
        """Indices of at most ``n`` frames that show what the player does, in player order.

        An animation (a Play button): evenly spaced frames from the first to the last. An
        explorer: the opening frame, then each control at its smallest and largest value with
        the others as they open. Frames with nothing drawn are skipped.
        """
        drawn = [i for i, f in enumerate(self.frames) if f]
        if not drawn:
            return []
        if self.play:
            if len(drawn) <= n:
                return drawn
            return sorted({drawn[round(j * (len(drawn) - 1) / (n - 1))] for j in range(n)})
        first = getattr(self, "_first", None)
        if first is None:
            first = self._index({k: d for k, (_, d) in self.controls.items()})
        sizes = [len(v) for v, _ in self.controls.values()]
        digits = []
        rest = first
        for size in reversed(sizes):
            digits.insert(0, rest % size)
            rest //= size
        picks = [first]
        for c, size in enumerate(sizes):
            for value in (0, size - 1):
                d = list(digits)
                d[c] = value
                i = 0
                for size_, digit in zip(sizes, d):
                    i = i * size_ + digit
                if i not in picks and self.frames[i]:
                    picks.append(i)
        picks = [i for i in picks if self.frames[i]] or drawn[:1]
        return [picks[0]] + sorted(picks[1:n])

    def contact_sheet(self, n=6, columns=2, dpi=150):
        """PNG bytes of the print face: :meth:`print_frames` in a grid, each under its caption.

        Frames keep their own pixels (one frame pixel per sheet pixel) and the sheet is saved at
        ``dpi``, so a frame drawn at 72 dpi for the HTML prints at ``dpi`` when the sheet is
        shown at its natural size (or sharper, when scaled down to the text width).

        Examples
        --------
        >>> def draw(fig, k):
        ...     fig.add_subplot().plot(range(k))
        ...     return f"k = {k}"
        >>> player = Explorer(draw, {"k": [2, 3, 4]}).player()
        >>> player.print_frames()              # the opening frame, then the extremes
        [1, 0, 2]
        >>> again = Player.from_html(player._repr_html_())   # from a notebook's stored HTML
        >>> again.print_frames(), again.captions == player.captions
        ([1, 0, 2], True)
        >>> again.contact_sheet()[:4]
        b'\\x89PNG'
        """
        from matplotlib.figure import Figure   # not pyplot: no inline display
        from matplotlib.image import imread
        import textwrap

        picks = self.print_frames(n)
        if not picks:
            raise ValueError(f"player {self.title!r} has no drawn frame to print")
        images = [imread(io.BytesIO(base64.b64decode(self.frames[i])), format="png")
                  for i in picks]
        columns = max(1, min(columns, len(images)))
        rows = -(-len(images) // columns)
        w_px = max(im.shape[1] for im in images)
        h_px = max(im.shape[0] for im in images)
        cap_px = int(dpi * 3.6 * 9 / 72)          # room for three lines of 9 pt text
        pad = int(dpi * 0.08)
        width = columns * (w_px + pad) + pad
        height = rows * (h_px + cap_px + pad) + pad
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        for k, (i, im) in enumerate(zip(picks, images)):
            r, c = divmod(k, columns)
            x0 = pad + c * (w_px + pad)
            y0 = height - pad - r * (h_px + cap_px + pad)
            ax = fig.add_axes([x0 / width, (y0 - im.shape[0]) / height,
                               im.shape[1] / width, im.shape[0] / height])
            ax.imshow(im, interpolation="nearest")
            ax.set_axis_off()
            label = f"({k + 1}) {self.captions[i]}".strip()
            chars = max(20, int((w_px / dpi) * 72 / (9 * 0.62)))   # monospace, 9 pt
            lines = textwrap.wrap(label, chars)
            if len(lines) > 3:
                lines = lines[:2] + [textwrap.shorten(" ".join(lines[2:]), chars)]
            fig.text(x0 / width, (y0 - im.shape[0] - pad / 3) / height,
                     "\n".join(lines), fontsize=9, va="top",
                     ha="left", family="monospace")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()

    def _index(self, params):
        i = 0
        for name, (values, _) in self.controls.items():
            i = i * len(values) + values.index(params[name])
        return i

    def _repr_html_(self):
        names = list(self.controls)
        data = {"sizes": [len(self.controls[n][0]) for n in names],
                "labels": [[str(v) for v in self.controls[n][0]] for n in names],
                "frames": self.frames, "captions": self.captions,
                "interval": self.interval_ms,
                # the image's alternative text where a frame has no caption
                "alt": f"{self.title or 'explorer'}: the frame for the values chosen above"}
        defaults = {n: d for n, (_, d) in self.controls.items()}
        first = self._index(defaults)
        rows = []
        for n in names:
            values, d = self.controls[n]
            rows.append(
                f'<label style="margin-right:1.2em;white-space:nowrap">'
                f'<code>{html.escape(n)}</code> '
                f'<input type="range" aria-label="{html.escape(n)}" min="0" '
                f'max="{len(values) - 1}" step="1" value="{values.index(d)}" '
                f'data-control="{html.escape(n)}" style="vertical-align:middle">'
                f'<output style="display:inline-block;min-width:2.5em;margin-left:.3em">'
                f'{html.escape(str(d))}</output></label>')
        if self.play:
            rows.insert(0, '<button type="button" class="tconv-play" '
                           'style="margin-right:1em"><span aria-hidden="true">\u25B6</span> '
                           'Play</button>')
        src = (f'src="data:image/png;base64,{self.frames[first]}"' if self.frames[first]
               else 'style="visibility:hidden"')
        title = (f'<div style="font-weight:600;margin-bottom:.3em">{html.escape(self.title)}'
                 f'</div>' if self.title else "")
        payload = json.dumps(data).replace("</", "<\\/")
        # accessibility (WCAG 2.1 AA): a labelled group; Tab reaches each control, the arrow
        # keys step a slider (and the animation from the Play button), Space plays/pauses, a
        # visible focus outline; the caption is the image's alt and a polite live region
        label = html.escape(self.title or "explorer", quote=True)
        alt = html.escape(self.captions[first] or data["alt"], quote=True)
        style = ('<style>.tconv-player button:focus-visible,.tconv-player input:focus-visible'
                 '{outline:3px solid #1a5fb4;outline-offset:2px}</style>')
        return (
            f'<div class="tconv-player" id="{self.id}" data-frame="{first}" role="group" '
            f'aria-label="{label}" '
            f'style="border:1px solid #ddd;border-radius:6px;padding:.6em;margin:.5em 0">'
            f'{style}{title}<div class="tconv-controls">{"".join(rows)}</div>'
            f'<img class="tconv-frame" alt="{alt}" '
            f'{src} style="max-width:100%">'
            f'<div class="tconv-caption" aria-live="polite" '
            f'style="font-family:monospace;font-size:90%">'
            f'{html.escape(self.captions[first])}</div>'
            f'<script type="application/json">{payload}</script>'
            f'<script>{_JS % {"id": json.dumps(self.id)}}</script></div>')
