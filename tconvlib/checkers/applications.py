"""Exercise checkers for chapter 10, transposed convolutions at work (``chapters/10_applications.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..shapes import conv_output_size, output_size
from ..transposed import conv_transpose2d
from ._core import call_learner, _describe, learner_array, _pair_of, register, _whole_number


# -- applications/unet-op: output paddings in a two-level U-Net --------------------------------
_APP_UNET = dict(n=38, k=3, s=2, p=1)


def _unet_ops():
    e = _APP_UNET
    n1 = conv_output_size(e["n"], e["k"], e["s"], e["p"])
    n2 = conv_output_size(n1, e["k"], e["s"], e["p"])
    return (n1 - output_size(n2, e["k"], e["s"], e["p"]),
            e["n"] - output_size(n1, e["k"], e["s"], e["p"]))


register(
    "applications/unet-op",
    solve=_unet_ops,
    normalize=_pair_of(_whole_number, "(op_deep, op_top)"),
    hints=[
        (lambda a, e: a == e[::-1],
         "right values, wrong order: the first is the deeper layer (the one that starts from "
         "the smallest map)."),
        (lambda a, e: a == (1, 1),
         "a stride-2 encoder maps n to ceil(n/2): only odd sizes lose a pixel; check each "
         "level separately."),
        (lambda a, e: a == (0, 0),
         "the decoder returns 2m - 1 samples without output_padding; compare with the skip "
         "connection's size at each level."),
    ],
    fallback="encoder: n -> ceil(n/2); decoder: m -> 2(m - 1) + 3 - 2 + op.",
)


# -- applications/generator-size: the side of a generator's image ------------------------------
_APP_GEN = ((4, 1, 0), (3, 2, 1), (3, 2, 1), (4, 2, 1))


def _gen_side(layers=_APP_GEN, op=0):
    n = 1
    for k, s, p in layers:
        n = output_size(n, k, s, p, output_padding=op if s > 1 else 0)
    return n


register(
    "applications/generator-size",
    solve=_gen_side,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == 4 * 2 ** (len(_APP_GEN) - 1),
         "a stride-2 layer does not always double: with k=3, p=1 it gives 2n - 1."),
        (lambda a, e: a == _gen_side(op=1),
         "the exercise has no output_padding."),
    ],
    fallback="apply s(n - 1) + k - 2p layer by layer, starting from n = 1.",
)


# -- applications/subpixel-kernel: kernel size of the equivalent transposed conv ---------------
_APP_SUB = dict(r=2, k=3)


def _app_subpixel_kernel():
    r, k = _APP_SUB["r"], _APP_SUB["k"]
    c = k // 2
    taps = {a + r * (k - 1 - c) + r * (c - t) for a in range(r) for t in range(k)}
    return max(taps) - min(taps) + 1


register(
    "applications/subpixel-kernel",
    solve=_app_subpixel_kernel,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _APP_SUB["k"],
         "each phase has its own 3 taps; the transposed convolution's kernel holds the taps "
         "of every phase, interleaved."),
        (lambda a, e: a == _APP_SUB["r"] * (_APP_SUB["k"] - 1) + 1,
         "close: that counts the span of one phase's taps at stride r; the other phases fill "
         "in the taps in between and beyond."),
        (lambda a, e: a == _APP_SUB["k"] * _APP_SUB["r"] ** 2,
         "that is the number of weights of a 2-D sub-pixel filter group; in 1-D, count the "
         "distinct tap indices q = a + p + r(1 - t)."),
    ],
    fallback="write o = r*i' + a and i = i' + t - 1 in y_o = sum_i W[o + p - r*i] x_i and "
             "count the tap indices.",
)


# -- applications/nearest-weight: nearest-neighbour upsampling as a transposed conv ------------
_APP_NEAREST = dict(C=3, n=4)


def _nearest_inputs():
    rng = np.random.default_rng(20160311)
    return rng.standard_normal((2, _APP_NEAREST["C"], _APP_NEAREST["n"], _APP_NEAREST["n"]))


def _nearest_expected():
    x = _nearest_inputs()
    return np.repeat(np.repeat(x, 2, axis=-1), 2, axis=-2)


def _run_nearest(answer):
    if not callable(answer):
        raise TypeError(f"answer with a function nearest_weight(C), got {_describe(answer)}")
    c = _APP_NEAREST["C"]
    w = learner_array(call_learner(answer, (c,), f"C={c}"), "a weight array")
    if w.shape != (c, c, 2, 2):
        raise ValueError(f"the weight must have shape (C, C, 2, 2) = {(c, c, 2, 2)}, "
                         f"got {w.shape}")
    return w


def _nearest_ok(w, expected):
    out = conv_transpose2d(_nearest_inputs(), w, stride=2)
    return out.shape == expected.shape and bool(np.allclose(out, expected))


register(
    "applications/nearest-weight",
    solve=_nearest_expected,
    compare=_nearest_ok,
    normalize=_run_nearest,
    praise="your transposed convolution equals nearest-neighbour upsampling.",
    hints=[
        (lambda a, e: np.allclose(a, 1.0),
         "all ones sums every input channel into every output channel: channel c must paint "
         "only into channel c."),
        (lambda a, e: np.allclose(a, np.eye(a.shape[0])[:, :, None, None] * a[0, 0]) and
         not np.allclose(a[0, 0], 1.0),
         "the channels are right; each input pixel must be copied unchanged into all four "
         "pixels of its 2x2 block."),
    ],
    fallback="input pixel (i, j) of channel c paints w[c, :, :, :] at (2i, 2j): which stamp "
             "copies it into a 2x2 block of channel c?",
)
