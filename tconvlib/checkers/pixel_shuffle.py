"""Exercise checkers for chapter 8, pixel shuffle and the sub-pixel convolution (``chapters/08_pixel_shuffle.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..polyphase import subpixel_weight
from ..subpixel import pixel_shuffle, pixel_unshuffle
from ._core import (call_learner, _describe, _int_tuple_answer, learner_array, register, _same,
                    _whole_number)


# -- pixel-shuffle/index: which input value lands on an output pixel ---------------------------
_PS_EX = dict(r=3, c=1, pixel=(7, 5), channels=2, size=(4, 4))


def _ps_source(swap=False):
    """Find (input channel, i, j) by shuffling a tensor that holds its own indices."""
    r, cout = _PS_EX["r"], _PS_EX["channels"]
    h, w = _PS_EX["size"]
    ch, ii, jj = np.meshgrid(np.arange(cout * r * r), np.arange(h), np.arange(w), indexing="ij")
    code = (ch * h + ii) * w + jj
    out = pixel_shuffle(code.astype(np.int64), r)
    y, x = _PS_EX["pixel"]
    value = int((out.transpose(0, 2, 1) if swap else out)[_PS_EX["c"], y, x])
    return (value // (h * w), (value // w) % h, value % w)


def _ps_row_col_swapped(a, e):
    r = _PS_EX["r"]
    (y, x), c = _PS_EX["pixel"], _PS_EX["c"]
    return a == (c * r * r + (x % r) * r + y % r, y // r, x // r)


register(
    "pixel-shuffle/index",
    solve=_ps_source,
    normalize=lambda a: _int_tuple_answer(a, 3, "a triple (input channel, i, j)"),
    hints=[
        (_ps_row_col_swapped,
         "the row offset a = y mod r is the more significant digit: channel c*r^2 + a*r + b."),
        (lambda a, e: a[1:] == e[1:] and a[0] == e[0] - _PS_EX["c"] * _PS_EX["r"] ** 2
         + _PS_EX["c"],
         "each output channel owns a block of r^2 input channels: start at c*r^2, not c."),
        (lambda a, e: a[0] == e[0] and a[1:] != e[1:],
         "right channel; the low-resolution position is (y // r, x // r)."),
    ],
    fallback="write y = r*i + a and x = r*j + b with 0 <= a, b < r.",
)


# -- pixel-shuffle/k-sub: the kernel size of the equivalent stride-1 convolution ---------------
_KSUB_EX = dict(k=7, s=3)
register(
    "pixel-shuffle/k-sub",
    solve=lambda: int(subpixel_weight(np.zeros((1, 1, _KSUB_EX["k"])), _KSUB_EX["s"]).shape[-1]),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _KSUB_EX["k"] // _KSUB_EX["s"],
         "rounded down, the longest phase loses a tap: phase 0 holds taps 0, s, 2s, ..."),
        (lambda a, e: a == _KSUB_EX["k"],
         "at low resolution one step is s output samples: the kernel shrinks by the stride."),
        (lambda a, e: a == _KSUB_EX["k"] * _KSUB_EX["s"],
         "the stride-1 convolution works at low resolution: its kernel is shorter, not longer."),
    ],
    fallback="count the taps of the longest phase, w[0::s].",
)


# -- pixel-shuffle/zeros: parameters of the sub-pixel form that are forced to zero -------------
_ZERO_EX = dict(c_in=16, c_out=8, k=5, s=2)


def _zeros_expected():
    e = _ZERO_EX
    v = subpixel_weight(np.ones((e["c_in"], e["c_out"], e["k"], e["k"])), e["s"])
    return int(v.size - np.count_nonzero(v))


register(
    "pixel-shuffle/zeros",
    solve=_zeros_expected,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _ZERO_EX["c_in"] * _ZERO_EX["c_out"] * _ZERO_EX["k"] ** 2,
         "that is the number of parameters of the transposed convolution; subtract it from "
         "the sub-pixel weight's size."),
        (lambda a, e: a == (_ZERO_EX["s"] * (-(-_ZERO_EX["k"] // _ZERO_EX["s"]))) ** 2
         - _ZERO_EX["k"] ** 2,
         "right per channel pair; multiply by C_in * C_out."),
        (lambda a, e: a == _ZERO_EX["c_in"] * _ZERO_EX["c_out"]
         * ((_ZERO_EX["k"] // _ZERO_EX["s"]) * _ZERO_EX["s"]) ** 2,
         "k_sub is ceil(k / s), not floor."),
    ],
    fallback="the sub-pixel weight has C_out*s^2 * C_in * k_sub^2 entries; the transposed "
             "convolution fills C_in*C_out*k^2 of them.",
)


# -- pixel-shuffle/unshuffle-code: space to depth with reshape and transpose (code) ------------
_UNSH_CASES = ((1, 4, 6, 2), (2, 6, 3, 3), (3, 2, 2, 1), (1, 8, 4, 4))   # (C, H, W, r)


def _unsh_inputs():
    rng = np.random.default_rng(1609)
    return [(rng.standard_normal((c, h, w)), r) for c, h, w, r in _UNSH_CASES]


def _run_unshuffle(answer):
    if not callable(answer):
        raise TypeError(f"answer with a function f(y, r), got {_describe(answer)}")
    outs = []
    for y, r in _unsh_inputs():
        outs.append(learner_array(call_learner(answer, (y.copy(), r),
                                               f"shape {y.shape}, r={r}")))
    return tuple(outs)


def _unsh_swapped():
    outs = []
    for y, r in _unsh_inputs():
        c, h, w = y.shape
        outs.append(y.reshape(c, h // r, r, w // r, r).transpose(0, 4, 2, 1, 3)
                    .reshape(c * r * r, h // r, w // r))
    return tuple(outs)


register(
    "pixel-shuffle/unshuffle-code",
    solve=lambda: tuple(pixel_unshuffle(y, r) for y, r in _unsh_inputs()),
    compare=_same,
    normalize=_run_unshuffle,
    praise=f"your function equals pixel_unshuffle on {len(_UNSH_CASES)} seeded cases.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong shape: (C, H, W) becomes (C*r*r, H/r, W/r)."),
        (lambda a, e: _same(a, _unsh_swapped()),
         "the two sub-pixel offsets are in the wrong order: the row offset a is the more "
         "significant one (channel c*r*r + a*r + b)."),
    ],
    fallback="reshape to (C, H/r, r, W/r, r), move the two r axes next to C, reshape.",
)
