"""Explorer machinery: one draw function -> live widget and static player."""

import html
import json
import re

import pytest

import tconvlib as tc
from tconvlib.explorer import MAX_FRAMES


def draw(fig, k, s):
    if k < s:
        raise ValueError(f"k ({k}) < s ({s}) leaves holes")
    ax = fig.add_subplot()
    ax.plot(range(k * s))
    return f"k={k} s={s}"


@pytest.fixture
def ex():
    return tc.Explorer(draw, {"k": [1, 2, 3], "s": ([1, 2], 2)}, title="demo")


def test_render_png_and_caption(ex):
    png, caption = ex.render(k=3, s=2)
    assert png.startswith(b"\x89PNG") and caption == "k=3 s=2"
    # every combination draws something different
    assert ex.render(k=2, s=1)[0] != png


def test_impossible_combination_is_explained(ex):
    png, caption = ex.render(k=1, s=2)
    assert png == b"" and "k (1) < s (2)" in caption


def test_render_needs_exactly_the_controls(ex):
    with pytest.raises(TypeError, match="missing"):
        ex.render(k=1)
    with pytest.raises(TypeError, match="unknown"):
        ex.render(k=1, s=1, p=0)


@pytest.mark.parametrize("controls, match", [
    ({}, "non-empty"), ({"k": []}, "no values"), ({"k": ([1, 2], 5)}, "not one of"),
    ({"not a name": [1]}, "identifier")])
def test_bad_controls(controls, match):
    with pytest.raises((TypeError, ValueError), match=match):
        tc.Explorer(draw, controls)


def test_player_holds_every_frame_in_order(ex):
    pl = ex.player()
    assert len(pl.frames) == ex.n_frames == 6
    assert pl.captions[pl._index({"k": 3, "s": 1})] == "k=3 s=1"
    assert pl.frames[pl._index({"k": 1, "s": 2})] == ""          # impossible -> no image
    html = pl._repr_html_()
    assert html.count('type="range"') == 2
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html,
                                re.S).group(1).replace("<\\/", "</"))
    assert data["sizes"] == [3, 2] and data["captions"] == pl.captions
    # the initial frame is the defaults' (k=2 is the middle value, s=2 the given default)
    assert f'data-frame="{pl._index({"k": 2, "s": 2})}"' in html
    assert "http" not in html                                    # nothing fetched from a host


def test_player_frame_limit():
    big = tc.Explorer(draw, {"k": list(range(1, 30)), "s": list(range(1, 10))})
    with pytest.raises(ValueError, match=f"at most {MAX_FRAMES} frames"):
        big.player()


def test_widget_redraws_when_operated(ex):
    w = ex.widget()
    before = w.picture()[0]
    w.sliders["k"].value = 3
    png, caption = w.picture()
    assert png.startswith(b"\x89PNG") and png != before and caption == "k=3 s=2"
    frame = w.frames[(3, 2)].value                 # what the page shows for k=3, s=2
    assert "data:image/png;base64," in frame and 'alt="k=3 s=2"' in frame
    assert "<code>k=3 s=2</code>" in frame
    w.sliders["k"].value = 1
    assert w.picture()[0] == b"" and "holes" in w.picture()[1]
    assert "<img" not in w.frames[(1, 2)].value and "holes" in w.frames[(1, 2)].value


def _links(w):
    return {(l.source[0].model_id, l.source[1], l.target[0].model_id, l.target[1])
            for l in w.links}


def _tabs(widget):
    import ipywidgets as widgets

    if isinstance(widget, widgets.Tab):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _tabs(child)


def test_widget_switches_frames_in_the_page(ex):
    """One frame per combination, in a tree of Tabs (fewest values first), each Tab's index
    linked to its slider in the page: the page switches frames with no round trip."""
    import ipywidgets as widgets

    w = ex.widget()
    assert sorted(w.frames) == sorted((k, s) for k in (1, 2, 3) for s in (1, 2))
    tree = w.children[-1]
    # s has 2 values, k 3: the root Tab picks s, then one Tab per value of s picks k
    assert isinstance(tree, widgets.Tab) and len(tree.children) == 2
    tabs = list(_tabs(tree))
    assert len(tabs) == 3 and all("tconv-live-frames" in t._dom_classes for t in tabs)
    assert tree.children[1].children[0] is w.frames[(1, 2)]      # s=2 (index 1), then k=1
    sk, ss = w.sliders["k"].model_id, w.sliders["s"].model_id
    assert _links(w) == {(ss, "index", tree.model_id, "selected_index")} | {
        (sk, "index", t.model_id, "selected_index") for t in tree.children}
    # every Tab starts at its slider's value (k=2: index 1; s=2: index 1)
    assert tree.selected_index == 1 and {t.selected_index for t in tree.children} == {1}
    # frames not drawn yet say so; the tab bars are hidden by the face's own style
    assert "drawing" in w.frames[(3, 1)].value
    assert "display: none" in w.children[0].value and w.children[0].layout.display == "none"
    big = tc.Explorer(draw, {"k": list(range(1, 30)), "s": list(range(1, 10))})
    with pytest.raises(ValueError, match=f"at most {MAX_FRAMES} frames"):
        big.widget()


def _shown_in_page(w):
    """The frame the page shows: each linked Tab at its slider's index (what jslink does in
    the page), then down the tree from the root by selected_index."""
    import ipywidgets as widgets

    for link in w.links:
        (src, name), (dst, trait) = link.source, link.target
        if isinstance(dst, widgets.Tab):
            dst.selected_index = getattr(src, name)
    node = w.children[-1]
    while isinstance(node, widgets.Tab):
        node = node.children[node.selected_index]
    return node


def test_every_combination_shows_its_own_frame():
    """Three controls of different sizes, not in alphabetical order, strings among the values,
    defaults not in the middle: for every combination the sliders pick (through the linked
    Tabs, as in the page) the frame drawn for exactly those values."""
    def draw3(fig, z, a, m):
        fig.add_subplot().plot([0, len(str(z)) + a, m])
        return f"z={z} a={a} m={m}"

    ex = tc.Explorer(draw3, {"z": (["x<y", "q&r", 'say "hi"'], "q&r"), "a": ([0, 1], 0),
                             "m": ([1.5, 2.5, 3.5, 4.5], 4.5)})
    w = ex.widget(threaded=False)
    # every Tab starts at its slider's index (before the page's links sync anything)
    assert {(type(l.target[0]).__name__, l.target[0].selected_index == getattr(*l.source))
            for l in w.links} == {("Tab", True)}
    assert _shown_in_page(w) is w.frames[("q&r", 0, 4.5)]
    for combo in ex.combinations():
        for name, value in combo.items():
            w.sliders[name].value = value
        frame = _shown_in_page(w)
        key = tuple(combo.values())
        assert frame is w.frames[key], combo
        values = json.loads(html.unescape(re.search(r'data-values="([^"]*)"', frame.value)[1]))
        assert values == [str(v) for v in key]
        caption = html.escape(f"z={combo['z']} a={combo['a']} m={combo['m']}")
        assert f"<code>{caption}</code>" in frame.value and f'alt="{caption}' in frame.value
    assert w.live.draws == ex.n_frames == 24


def test_an_error_while_drawing_is_shown_and_tried_again():
    """An exception other than ValueError in the thread: its message is the frame's caption,
    and the next visit draws again (the error may have been passing)."""
    calls = []

    def flaky(fig, k):
        calls.append(k)
        if k == 3 and calls.count(3) == 1:
            raise RuntimeError("out of memory, once")
        fig.add_subplot().plot(range(k + 1))
        return f"k={k}"

    ex = tc.Explorer(flaky, {"k": ([1, 2, 3], 2)})
    w = ex.widget(threaded=True, prefetch=False)
    w.sliders["k"].value = 3
    assert w.wait(10) and "RuntimeError: out of memory, once" in w.picture()[1]
    assert "RuntimeError" in w.frames[(3,)].value
    w.sliders["k"].value = 2
    w.sliders["k"].value = 3
    assert w.wait(10) and w.picture()[1] == "k=3" and calls == [2, 3, 3]
    assert "RuntimeError" not in w.frames[(3,)].value


def test_a_value_given_twice_is_refused():
    with pytest.raises(ValueError, match=r"control 'k' has the value 1 twice"):
        tc.Explorer(draw, {"k": [1, 1, 2], "s": [1]})
    with pytest.raises(ValueError, match="twice"):
        tc.Explorer(draw, {"k": [1, 1.0], "s": [1]})


def test_animation_plays():
    anim = tc.Animation(lambda fig, frame: fig.add_subplot().bar(range(frame + 1), 1), 3)
    pl = anim.player()
    assert "tconv-play" in pl._repr_html_() and len(set(pl.frames)) == 3
    w = anim.widget()
    play = w.children[1].children[0]
    # in the page, Play steps the slider (which picks the frame): linked, no kernel involved
    # (the slider is the source: on display the page sets Play to the slider's frame)
    assert (w.sliders["frame"].model_id, "index", play.model_id, "value") in _links(w)
    w.sliders["frame"].value = 2
    assert w.picture()[0] and len(w.frames) == 3
    with pytest.raises(ValueError, match="n_frames"):
        tc.Animation(lambda fig, frame: None, 0)


def test_timings_are_recorded(ex, tmp_path, monkeypatch):
    log = tmp_path / "t.jsonl"
    monkeypatch.setenv("TCONV_EXPLORER_TIMINGS", str(log))
    ex.render(k=2, s=1)
    ex.render(k=3, s=1)
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["explorer"] for r in rows] == ["demo", "demo"]
    assert all(0 < r["seconds"] < 60 and 0 <= r["cpu_seconds"] < 60 for r in rows)


def test_widget_text_form_is_short_and_deterministic(ex):
    # the text a notebook stores next to the live widget (and nbval compares): no PNG bytes
    w = ex.widget()
    text = repr(w)
    assert text == repr(ex.widget())
    assert "demo" in text and "k=[1, 2, 3]" in text and "PNG" not in text and len(text) < 200



def test_widget_is_sharp_and_not_stretched(ex):
    """The live picture is shown at its natural size in CSS pixels (the box does not stretch it
    to the notebook's width) and holds pixel_ratio device pixels per CSS pixel."""
    import io

    from PIL import Image

    w = ex.widget()
    css_w = ex.figsize[0] * ex.dpi                          # 460.8
    assert "width:460.8px;max-width:100%;height:auto" in w.frames[(2, 2)].value
    assert "width:460.8px;max-width:100%;aspect-ratio:460.8/216" in w.frames[(3, 2)].value
    assert w.layout.align_items == "flex-start"            # no stretch across the column
    assert abs(Image.open(io.BytesIO(w.picture()[0])).size[0] - 2 * css_w) < 1
    w1 = ex.widget(pixel_ratio=1)
    assert abs(Image.open(io.BytesIO(w1.picture()[0])).size[0] - css_w) < 1
    # the static face keeps its 1x frames (they are stored in the notebook)
    assert abs(Image.open(io.BytesIO(ex.render(k=2, s=1)[0])).size[0] - css_w) < 1
    with pytest.raises(ValueError, match="pixel_ratio"):
        ex.widget(pixel_ratio=0)


def test_widget_reuses_its_widgets(ex):
    """Moving a slider fills in a frame that was there from the start: no new widget, no new
    output, nothing piles up."""
    w = ex.widget()
    children, frames = w.children, dict(w.frames)
    for k in (3, 2, 3, 1, 2):
        w.sliders["k"].value = k
    assert w.children is children and w.frames == frames and len(w.children) == 3
    assert w.picture()[1] == "k=2 s=2"


def _count_changes(w):
    """Record every frame filled in: (values, HTML)."""
    seen = []
    for key, frame in w.frames.items():
        frame.observe(lambda ch, key=key: seen.append((key, ch["new"])), names="value")
    return seen


@pytest.mark.parametrize("threaded", [False, True])
def test_one_slider_change_gives_exactly_one_new_image(ex, threaded):
    """Each slider change puts exactly one new picture into the one Image widget (nothing
    drawn twice, nothing appended), with or without the drawing thread."""
    w = ex.widget(threaded=threaded, prefetch=False)
    children = w.children
    seen = _count_changes(w)
    for n, k in enumerate((3, 2, 3)):
        w.sliders["k"].value = k
        assert w.wait(10)
        assert w.picture()[1] == f"k={k} s=2"
    # only k=3 was filled in (k=2 was, before the moves), once
    assert [key for key, _ in seen] == [(3, 2)] and "k=3 s=2" in seen[0][1]
    assert w.live.draws == 2          # k=2 (the first picture) and k=3, each drawn once
    assert w.children is children and len(w.children) == 3


def test_returning_to_a_value_draws_nothing(ex):
    calls = []
    ex.draw = lambda fig, **params: calls.append(params) or draw(fig, **params)
    w = ex.widget(threaded=False)
    first = w.picture()
    w.sliders["k"].value = 3
    w.sliders["k"].value = 2
    w.sliders["k"].value = 3
    assert w.picture()[1] == "k=3 s=2" and w.live.draws == 2
    w.sliders["k"].value = 2
    assert w.picture() == first
    assert calls == [{"k": 2, "s": 2}, {"k": 3, "s": 2}]      # each drawn once, in all


def test_threaded_widget_merges_fast_moves_and_draws_ahead():
    """Slider events that arrive while a picture is being drawn are merged: only the latest
    values are drawn, and an older picture never replaces a newer one. After a move the thread
    draws the neighbouring values ahead, so the next step is shown without drawing."""
    import threading
    import time

    gate = threading.Event()
    drawn = []

    def slow(fig, k):
        drawn.append(k)
        if len(drawn) == 2:                       # the first move: hold the drawing thread
            gate.wait(10)
        fig.add_subplot().plot(range(k + 1))
        return f"k={k}"

    ex = tc.Explorer(slow, {"k": ([0, 1, 2, 3, 4, 5], 0)})
    w = ex.widget(threaded=True, prefetch=False)
    seen = _count_changes(w)
    w.sliders["k"].value = 1                      # the thread starts drawing k=1 and waits
    for _ in range(1000):
        if len(drawn) == 2:
            break
        time.sleep(0.01)
    for k in (2, 3, 4):                           # arrive while k=1 is being drawn
        w.sliders["k"].value = k
    gate.set()
    assert w.wait(10)
    assert drawn == [0, 1, 4]                     # 2 and 3 were never drawn
    assert w.picture()[1] == "k=4" and [key for key, _ in seen] == [(1,), (4,)]
    # drawing ahead: the other frames are drawn and filled in, before any move to them
    ahead = ex.widget(threaded=True, prefetch=True)
    ahead.sliders["k"].value = 1
    assert ahead.wait(10, ahead=True)
    assert set(ahead.live.pictures) == {(k,) for k in range(6)}
    assert all("<img" in f.value for f in ahead.frames.values())
    draws = ahead.live.draws
    ahead.sliders["k"].value = 2                  # a step: already in the page
    assert ahead.picture()[1] == "k=2" and ahead.live.draws == draws


def test_drawing_ahead_starts_when_the_face_is_shown_and_waits_for_idle_cells(monkeypatch):
    """With prefetch, the thread draws ahead before any move (a learner's first step is then
    shown at once), but never while a cell runs nor within AHEAD_AFTER_IDLE_S after one."""
    import time

    from tconvlib import explorer as ex_mod

    ex = tc.Explorer(lambda fig, k: fig.add_subplot().plot(range(k + 1)) and f"k={k}",
                     {"k": ([0, 1, 2, 3], 1)})
    monkeypatch.setattr(ex_mod, "_IDLE_SINCE", [time.monotonic()])
    monkeypatch.setattr(ex_mod, "AHEAD_AFTER_IDLE_S", 0.6)
    ex_mod._CELL_RUNNING.set()                    # the cell that shows the face is running
    try:
        w = ex.widget(threaded=True, prefetch=True)
        time.sleep(0.5)
        assert w.live.draws == 1                  # only the first picture
    finally:
        ex_mod._CELL_RUNNING.clear()
    ex_mod._IDLE_SINCE[0] = time.monotonic()       # the cell has just ended
    time.sleep(0.3)
    assert w.live.draws == 1                      # not yet: another cell may follow at once
    assert w.wait(10, ahead=True)
    assert w.live.draws == 4 and {k[0] for k in w.live.pictures} == {0, 1, 2, 3}
    w.sliders["k"].value = 0                      # the first move: already in the page
    assert w.picture()[1] == "k=0" and w.live.draws == 4
    off = ex.widget(threaded=True, prefetch=False)
    time.sleep(0.8)
    assert off.live.draws == 1 and not off.live._ahead


def test_a_newer_face_stops_the_older_ones_drawing_ahead():
    """Running the widget cell again shows a new face: the old one (no longer on the page)
    stops drawing ahead, so it does not compete with the new one for the explorer's lock; a
    move on it is still drawn."""
    import threading

    gate = threading.Event()

    def draw(fig, k):
        if threading.current_thread() is not threading.main_thread():
            gate.wait(10)                         # hold every drawing ahead until released
        fig.add_subplot().plot(range(k + 1))
        return f"k={k}"

    ex = tc.Explorer(draw, {"k": ([0, 1, 2, 3, 4, 5], 0)})
    old = ex.widget(threaded=True, prefetch=True)
    assert old.live._ahead                        # the other five values, to be drawn
    new = ex.widget(threaded=True, prefetch=True)
    assert not old.live._ahead and not old.live.prefetch
    assert new.live._ahead and new.live.prefetch
    gate.set()
    assert new.wait(10, ahead=True) and old.wait(10, ahead=True)
    assert new.live.draws == 6 and old.live.draws <= 2     # at most one picture ahead began
    old.sliders["k"].value = 3                    # the old face still answers a move
    assert old.wait(10) and old.picture()[1] == "k=3"


def test_reuse_figure_hands_back_one_figure_per_face():
    """With reuse_figure the drawing function gets the same figure again (so it can update its
    artists); a ValueError drops the figure, so the next call starts from a new, empty one."""
    figs, fresh = [], []

    def draw(fig, k):
        if k == 0:
            fig.add_subplot()                     # half drawn, then impossible
            raise ValueError("k = 0 draws nothing")
        fresh.append(not fig.axes)
        if not fig.axes:
            fig.add_subplot().plot([], [])
        fig.axes[0].lines[0].set_data(range(k), range(k))
        figs.append(fig)
        return f"k={k}"

    ex = tc.Explorer(draw, {"k": [0, 1, 2, 3]}, reuse_figure=True)
    a = ex.render(k=1)[0]
    ex.render(k=2)
    assert figs[0] is figs[1] and fresh == [True, False]
    assert ex.render(k=0) == (b"", "(nothing to draw) k = 0 draws nothing")
    assert ex.render(k=1)[0] == a and fresh[-1] is True     # a new figure, the same picture
    ex.widget(threaded=False, pixel_ratio=2)              # the live face: its own figure
    assert figs[-1] is not figs[-2] and figs[-1].dpi == 2 * ex.dpi


def test_reuse_figure_keeps_a_figure_an_impossible_combination_did_not_touch():
    """A ValueError raised before the figure is touched keeps it: the next call only updates."""
    fresh = []

    def draw(fig, k):
        if k == 0:
            raise ValueError("k = 0 draws nothing")       # checked before drawing anything
        fresh.append(not fig.axes)
        if not fig.axes:
            fig.add_subplot().plot([], [])
        fig.axes[0].lines[0].set_data(range(k), range(k))
        return f"k={k}"

    ex = tc.Explorer(draw, {"k": [0, 1, 2]}, reuse_figure=True)
    a = ex.render(k=1)[0]
    assert ex.render(k=0)[0] == b""
    assert ex.render(k=1)[0] == a and fresh == [True, False]
    assert ex.render(k=0)[0] == b"" and ex.render(k=2)[0] and fresh == [True, False, False]
