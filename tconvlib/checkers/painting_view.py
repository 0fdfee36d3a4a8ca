"""Exercise checkers for chapter 2, the painting view (``chapters/02_painting_view.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..painting import multiplication_counts, projective_field
from ..transposed import conv_transpose1d, conv_transpose2d
from ._core import (call_learner, _describe, _int_list, learner_array, _letter_choice, register,
                    _same, _shape_pair)


# -- painting-view/projective-field: which outputs does one input sample paint? ----------------
_PF_EX = dict(i=2, n_in=5, kernel_size=4, stride=2, padding=1)


def _pf(**changes):
    ex = {**_PF_EX, **changes}
    i, n, k, s, p = (ex[key] for key in ("i", "n_in", "kernel_size", "stride", "padding"))
    return [s * i + a - p for a in range(k)]


register(
    "painting-view/projective-field",
    solve=lambda: projective_field(**_PF_EX),
    normalize=_int_list,
    hints=[
        (lambda a, e: a == _pf(padding=0),
         "the stamp starts at s*i on the canvas, but the output is the canvas with p samples "
         "cropped from the front: shift by the padding."),
        (lambda a, e: a == _pf(stride=1),
         "input sample i stamps at s*i, not at i: the stride spaces the stamps."),
        (lambda a, e: len(a) == len(e) and a[0] == e[0] - _PF_EX["kernel_size"] // 2 + 1,
         "the stamp is not centred on s*i: tap a of the kernel lands at s*i + a - p."),
        (lambda a, e: len(a) != _PF_EX["kernel_size"],
         "one stamp covers k consecutive positions here (none of them is cropped)."),
    ],
    fallback="tap a of the kernel lands at output position s*i + d*a - p.",
)


# -- painting-view/flip: a 2-D flip written w[::-1] (conceptual) -------------------------------
_FLIP_CHOICES = {"a": "left-right mirror symmetric", "b": "up-down mirror symmetric",
                 "c": "symmetric under a half turn", "d": "every kernel"}


def _flip_letter():
    """The letter whose kernels give the right result when the 2-D flip is written
    ``w[::-1]`` (rows reversed only) instead of ``w[::-1, ::-1]``, found by running both."""
    from ..transposed import conv_transpose2d
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 5, 6))
    base = rng.standard_normal((3, 3))

    def harmless(w):
        # zero insertion correlates with the flipped kernel; the bug flips the rows only, which
        # is the painting with the kernel w[::-1, ::-1][::-1] = w[:, ::-1]
        w = np.asarray(w, dtype=float)[None, None]
        right = conv_transpose2d(x, w, stride=2, padding=1)
        buggy = conv_transpose2d(x, w[..., :, ::-1], stride=2, padding=1)
        return np.allclose(right, buggy)

    kernels = {"a": base + base[:, ::-1], "b": base + base[::-1, :],
               "c": base + base[::-1, ::-1], "d": base}
    right = [letter for letter, w in kernels.items() if harmless(w)]
    return right[0] if len(right) == 1 else "?"


register(
    "painting-view/flip",
    solve=_flip_letter,
    normalize=_letter_choice("".join(_FLIP_CHOICES)),
    hints=[
        (lambda a, e: a == "b",
         "w[::-1] already reverses the rows, as the right flip does: the mistake is in the "
         "other axis. Which kernels does a missing column reversal leave unchanged?"),
        (lambda a, e: a == "c",
         "a half turn reverses both axes, which is the flip done right; the bug reverses only "
         "one of them. Compare w[::-1] with w[::-1, ::-1]."),
        (lambda a, e: a == "d",
         "paint an impulse with the kernel [[1, 2], [3, 4]] both ways: the stamps differ."),
    ],
    fallback="write out which taps w[::-1] and w[::-1, ::-1] put where, for a 2 x 2 kernel.",
)


# -- painting-view/multiplications: count both algorithms (compute by hand) --------------------
_MUL_EX = dict(n_in=(16, 16), kernel_size=4, stride=2, padding=1, in_channels=8,
               out_channels=4)


def _mul_expected():
    c = multiplication_counts(**_MUL_EX)
    return (c.painting, c.zero_insertion)


def _mul_1d():
    ex = dict(_MUL_EX, n_in=_MUL_EX["n_in"][0])
    c = multiplication_counts(**ex)
    return (c.painting, c.zero_insertion)


def _mul_no_channels():
    c = multiplication_counts(**dict(_MUL_EX, in_channels=1, out_channels=1))
    return (c.painting, c.zero_insertion)


def _mul_stretched_only():
    # zero insertion counted over the stretched input without the border padding
    (h, _), k, s = _MUL_EX["n_in"], _MUL_EX["kernel_size"], _MUL_EX["stride"]
    c = _MUL_EX["in_channels"] * _MUL_EX["out_channels"]
    side = s * (h - 1) + 1 - k + 1
    return side * side * k * k * c


register(
    "painting-view/multiplications",
    solve=_mul_expected,
    normalize=_shape_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "the pair is (painting, zero insertion): zero insertion is the larger one."),
        (lambda a, e: a == _mul_no_channels(),
         "every product is done for each pair (input channel, output channel): multiply by "
         "C_in * C_out."),
        (lambda a, e: a == _mul_1d(),
         "that is the count along one dimension; a 2-D layer has k*k taps and H*W samples."),
        (lambda a, e: a[0] == e[0] and a[1] == _mul_stretched_only(),
         "the stride-1 convolution runs over the stretched input *padded* by d(k-1) - p on "
         "each side, and produces one dot product per output pixel."),
        (lambda a, e: a[0] == e[0],
         "the painting count is right; zero insertion computes one full k x k dot product per "
         "output pixel and channel pair."),
    ],
    fallback="painting: one product per input pixel, tap and channel pair; zero insertion: one "
             "per output pixel, tap and channel pair.",
)


# -- painting-view/paint2d: painting in 2-D (code) ----------------------------------------------
#: (H, W, kH, kW, stride, padding)
_PAINT_CASES = ((3, 3, 3, 3, 2, 1), (2, 4, 2, 3, 2, 0), (4, 3, 4, 4, 2, 1), (3, 2, 3, 2, 3, 1),
                (1, 1, 3, 3, 1, 1), (5, 5, 2, 2, 1, 0))


def _paint_inputs():
    rng = np.random.default_rng(20161017)
    return [(rng.standard_normal((h, w)), rng.standard_normal((kh, kw)), s, p)
            for h, w, kh, kw, s, p in _PAINT_CASES]


def _paint_reference(variant="right"):
    from ..transposed import conv_transpose2d
    out = []
    for x, w, s, p in _paint_inputs():
        if variant == "flipped":
            w = w[::-1, ::-1]
        if variant == "uncropped":
            p = 0
        out.append(conv_transpose2d(x[None], w[None, None], stride=s, padding=p)[0])
    return tuple(out)


def _run_paint(answer):
    if not callable(answer):
        raise TypeError("answer with a function paint2d(x, w, stride, padding), got "
                        f"{_describe(answer)}")
    outs = []
    for x, w, s, p in _paint_inputs():
        out = call_learner(answer, (x.copy(), w.copy(), s, p), f"x of shape {x.shape}, "
                           f"w of shape {w.shape}, stride={s}, padding={p}")
        outs.append(learner_array(out))
    return tuple(outs)


register(
    "painting-view/paint2d",
    solve=_paint_reference,
    compare=_same,
    normalize=_run_paint,
    praise=f"your painter equals conv_transpose2d on {len(_PAINT_CASES)} seeded random cases.",
    hints=[
        (lambda a, e: _same(a, _paint_reference("uncropped")),
         "the canvas is right but not cropped: drop p rows and columns on every side."),
        (lambda a, e: _same(a, _paint_reference("flipped")),
         "your stamps are the kernel rotated by 180 degrees: painting uses w as it is."),
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong output shape: the canvas is s(H-1) + kH by s(W-1) + kW before cropping p "
         "from each side."),
    ],
    fallback="paint x[i, j] * w at (s*i, s*j) on a zero canvas, then crop p from each side.",
)
