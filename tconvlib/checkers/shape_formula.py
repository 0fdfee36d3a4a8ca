"""Exercise checkers for chapter 3, the shape formula (``chapters/03_shape_formula.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..shapes import conv_output_size, output_padding_for, output_size
from ._core import call_learner, _describe, _int_list, register, _shape_pair, _whole_number


# -- shape-formula/size: the output size by hand -----------------------------------------------
_SIZE_EX = dict(n_in=7, kernel_size=3, stride=3, padding=2, output_padding=1, dilation=2)


def _size(**changes):
    ex = {**_SIZE_EX, **changes}
    n, k, s, p, op, d = (ex[key] for key in ("n_in", "kernel_size", "stride", "padding",
                                             "output_padding", "dilation"))
    return s * (n - 1) + d * (k - 1) + 1 - 2 * p + op


register(
    "shape-formula/size",
    solve=lambda: output_size(**_SIZE_EX),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _size(dilation=1),
         "the kernel's footprint is d(k-1) + 1 samples with dilation d, not k."),
        (lambda a, e: a == _size() + _SIZE_EX["stride"],
         "n_in stamps have n_in - 1 gaps of s between their starts (fence posts), not n_in."),
        (lambda a, e: a == _size() + _SIZE_EX["padding"],
         "padding crops from both ends: subtract 2p, not p."),
        (lambda a, e: a == _size() + 2 * _SIZE_EX["padding"],
         "the padding crops the canvas: subtract 2p."),
        (lambda a, e: a == _size() - _SIZE_EX["output_padding"],
         "output_padding adds op samples at the end."),
    ],
    fallback="n_out = s(n_in - 1) + d(k - 1) + 1 - 2p + op.",
)


# -- shape-formula/decoder-op: output_padding of a 2-D decoder layer ---------------------------
_DOP_EX = dict(input_size=(37, 50), kernel_size=3, stride=2, padding=1)


def _dop_expected():
    (h, w), k, s, p = (_DOP_EX[key] for key in ("input_size", "kernel_size", "stride",
                                                "padding"))
    return tuple(output_padding_for(conv_output_size(n, k, s, p), n, k, s, p) for n in (h, w))


register(
    "shape-formula/decoder-op",
    solve=_dop_expected,
    normalize=_shape_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "the pair is (height, width) = (37, 50): each dimension has its own output_padding."),
        (lambda a, e: a[0] == a[1],
         "the two dimensions need different output_padding: one of 37 and 50 is odd."),
        (lambda a, e: any(v < 0 or v >= _DOP_EX["stride"] for v in a),
         "output_padding is between 0 and stride - 1 here (dilation is 1)."),
    ],
    fallback="for each dimension: m = floor((n + 2p - k)/s) + 1, then op = n - (s(m-1) + k - 2p).",
)


# -- shape-formula/reachable: which sizes can one layer reach? (predict, then check) -----------
_REACH_EX = dict(n_in=5, kernel_size=4, stride=2, padding=1, dilation=3)


def _reachable(limit=None):
    ex = _REACH_EX
    n, k, s, p, d = (ex[key] for key in ("n_in", "kernel_size", "stride", "padding", "dilation"))
    out = []
    for target in range(1, 4 * (s * n + d * k)):
        try:
            op = output_padding_for(n, target, k, s, p, d)
        except ValueError:
            continue
        if limit is None or op < limit:
            out.append(target)
    return out


register(
    "shape-formula/reachable",
    solve=_reachable,
    normalize=lambda a: sorted(set(_int_list(a))),
    hints=[
        (lambda a, e: a == _reachable(limit=_REACH_EX["stride"]),
         "torch's rule is output_padding < stride *or* < dilation: here the dilation allows "
         "more than the stride."),
        (lambda a, e: a == [v + 1 for v in e] or a == [v - 1 for v in e],
         "off by one: the kernel's footprint is d(k-1) + 1."),
        (lambda a, e: len(a) == len(e) + 1,
         "output_padding must be *smaller* than max(stride, dilation)."),
    ],
    fallback="list s(n-1) + d(k-1) + 1 - 2p + op for every op that torch accepts.",
)


# -- shape-formula/decoder-code: output_padding for a whole decoder (code) ----------------------
#: (input size, [(k, s, p), ...] encoder layers, first to last)
_DEC_CASES = ((28, [(3, 2, 1), (3, 2, 1), (3, 2, 1)]), (64, [(4, 2, 1), (4, 2, 1)]),
              (50, [(5, 3, 2), (3, 2, 0)]), (37, [(3, 1, 1), (2, 2, 0), (3, 2, 1)]),
              (100, [(7, 4, 3), (5, 3, 1), (3, 2, 1)]))


def _decoder_ops(size, layers):
    sizes = [size]
    for k, s, p in layers:
        sizes.append(conv_output_size(sizes[-1], k, s, p))
    ops = []
    for (k, s, p), n_small, n_big in zip(layers[::-1], sizes[::-1], sizes[-2::-1]):
        ops.append(output_padding_for(n_small, n_big, k, s, p))
    return ops


def _dec_reference(variant="right"):
    out = []
    for size, layers in _DEC_CASES:
        ops = _decoder_ops(size, layers)
        out.append(ops[::-1] if variant == "encoder-order" else ops)
    return tuple(out)


def _run_decoder(answer):
    if not callable(answer):
        raise TypeError("answer with a function decoder_output_paddings(input_size, layers), "
                        f"got {_describe(answer)}")
    outs = []
    for size, layers in _DEC_CASES:
        got = call_learner(answer, (size, [tuple(layer) for layer in layers]),
                           f"input size {size} and layers {layers}")
        try:
            outs.append([_whole_number(v) for v in got])
        except TypeError:
            raise ValueError(f"return a list of whole numbers, one output_padding per layer, "
                             f"got {_describe(got)}") from None
    return tuple(outs)


register(
    "shape-formula/decoder-code",
    solve=_dec_reference,
    compare=lambda a, e: list(map(list, a)) == list(map(list, e)),
    normalize=_run_decoder,
    praise=f"your function restores every size on {len(_DEC_CASES)} encoders.",
    hints=[
        (lambda a, e: list(map(list, a)) == list(map(list, _dec_reference("encoder-order"))),
         "right values, wrong order: the decoder runs the layers backwards, so its first layer "
         "mirrors the encoder's last."),
        (lambda a, e: any(len(x) != len(r) for x, r in zip(a, e)),
         "return one output_padding per layer."),
        (lambda a, e: any(v < 0 for x in a for v in x),
         "output_padding is never negative: recompute the encoder's sizes with the floor."),
    ],
    fallback="run the encoder's sizes forward with the floor, then for each layer (last first) "
             "choose op so that the transposed conv returns the size that layer received.",
)
