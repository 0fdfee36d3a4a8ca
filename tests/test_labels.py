"""text_labels: many labels as one artist, drawn where ax.text would draw them."""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import tconvlib as tc
from tconvlib.labels import TextLabels


def _ink_box(draw, dpi=144):
    """Bounding box (x0, y0, x1, y1) in pixels of everything ``draw(ax)`` puts on a blank axes."""
    fig = Figure(figsize=(3, 2), dpi=dpi)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    draw(ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    ink = np.asarray(Image.open(buf).convert("L")) < 128
    rows, cols = np.nonzero(ink)
    return np.array([cols.min(), rows.min(), cols.max(), rows.max()])


@pytest.mark.parametrize("text", ["7", "42", "ch 3: (1, 0)", "kernel, k = 5", "\N{MINUS SIGN}0.8"])
@pytest.mark.parametrize("ha", ["left", "center", "right"])
@pytest.mark.parametrize("va", ["top", "center", "baseline", "bottom", "center_baseline"])
def test_labels_sit_where_ax_text_puts_them(text, ha, va):
    kw = dict(ha=ha, va=va)
    expected = _ink_box(lambda ax: ax.text(5, 5, text, fontsize=10, **kw))
    got = _ink_box(lambda ax: tc.text_labels(ax, [(5, 5)], [text], fontsize=10, **kw))
    # outlines are not hinted and not rounded to whole pixels as Agg's text is: 2 px at 144 dpi
    np.testing.assert_allclose(got, expected, atol=2)


def test_many_labels_one_artist_updated_in_place():
    fig = Figure()
    ax = fig.add_subplot()
    labels = tc.text_labels(ax, [(0, 0), (1, 0), (2, 0)], ["1", "2", "3"],
                            color=["black", "0.3", "black"])
    assert isinstance(labels, TextLabels) and list(ax.collections) == [labels]
    assert labels.get_texts() == ["1", "2", "3"] and len(labels.get_paths()) == 3
    assert labels.get_facecolor().shape == (3, 4)
    labels.set_labels([(0, 1), (1, 1)], ["10", " "], color="red")
    assert labels.get_texts() == ["10", " "]
    np.testing.assert_array_equal(labels.get_offsets(), [[0, 1], [1, 1]])
    np.testing.assert_allclose(labels.get_facecolor(), [[1, 0, 0, 1]])
    labels.set_labels([], [])                               # nothing at all: still draws
    fig.savefig(io.BytesIO(), format="png")


def test_alignment_per_label_and_kept_between_updates():
    ax = Figure().add_subplot()
    labels = tc.text_labels(ax, [(0, 0), (0, 0)], ["a", "a"], ha=["left", "right"])
    left, right = (p.get_extents() for p in labels.get_paths())
    assert left.x0 >= 0 >= right.x1
    labels.set_labels([(0, 0), (0, 0)], ["b", "b"])          # keeps ha=["left", "right"]
    left, right = (p.get_extents() for p in labels.get_paths())
    assert left.x0 >= 0 >= right.x1


def test_dollars_are_plain_text():
    ax = Figure().add_subplot()
    labels = tc.text_labels(ax, [(0, 0)], ["$x$"])
    assert labels.get_paths()[0].get_extents().width > \
        tc.text_labels(ax, [(0, 0)], ["x"]).get_paths()[0].get_extents().width * 2


@pytest.mark.parametrize("xy, texts, kw, match", [
    ([(0, 0)], ["a", "b"], {}, r"xy \(1 positions\) and texts \(2 labels\)"),
    ([0, 1, 2], ["a", "b", "c"], {}, r"xy must be a sequence of \(x, y\) positions"),
    ([(0, 0)], ["a"], {"ha": "middle"}, r"ha \('middle'\) must be one of"),
    ([(0, 0)], ["a"], {"va": ["top", "top"]}, r"va must be one string or one per label \(1\)"),
    ([(0, 0)], ["a"], {"fontsize": 0}, r"fontsize \(0\) must be a positive number"),
])
def test_bad_arguments_are_named(xy, texts, kw, match):
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match=match):
        tc.text_labels(ax, xy, texts, **kw)
