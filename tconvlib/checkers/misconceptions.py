"""Exercise checkers for chapter 11, misconceptions, tested (``chapters/11_misconceptions.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..artifacts import checkerboard_score
from ..shapes import output_size
from ..transposed import conv_transpose1d, conv_transpose2d
from ._core import (call_learner, _describe, learner_array, _number, _pair_of, register, _same,
                    _whole_number)


# -- misconceptions/size: output size and the output_padding that gives 8 ---------------------
_MC_SIZE = dict(n=4, k=3, s=2, p=1, target=8)


def _mc_size():
    e = _MC_SIZE
    size = output_size(e["n"], e["k"], e["s"], e["p"])
    return size, e["target"] - size


register(
    "misconceptions/size",
    solve=_mc_size,
    normalize=_pair_of(_whole_number, "(size, output_padding)"),
    hints=[
        (lambda a, e: a[0] == e[0] + 4 * _MC_SIZE["p"],
         "padding crops a transposed convolution's output, it does not add to it: subtract "
         "2p, do not add it."),
        (lambda a, e: a[0] == _MC_SIZE["s"] * _MC_SIZE["n"],
         "the output is not simply s times the input: use s(n - 1) + k - 2p + output_padding."),
        (lambda a, e: a[0] == e[0] and a[1] != e[1],
         "the size is right; output_padding adds samples at the end to reach the target."),
        (lambda a, e: a[1] == _MC_SIZE["target"] - a[0] and a[0] != e[0],
         "your output_padding is consistent with your size, but the size is not right: "
         "s(n - 1) + k - 2p."),
    ],
    fallback="n_out = s(n - 1) + k - 2p + output_padding.",
)


# -- misconceptions/phase-sums: the two interior values of a k=4, s=2 response ------------------
_MC_PHASE = dict(w=(1.0, 2.0, 3.0, 4.0), s=2, p=1, n=10)


def _mc_phase_response(p=None):
    e = _MC_PHASE
    w = np.asarray(e["w"]).reshape(1, 1, -1)
    resp = conv_transpose1d(np.ones((1, e["n"])), w, stride=e["s"],
                            padding=e["p"] if p is None else p)[0]
    return resp


def _mc_phase():
    resp = _mc_phase_response()
    mid = len(resp) // 2 - (len(resp) // 2) % 2          # an even index in the interior
    return float(resp[mid]), float(resp[mid + 1])


register(
    "misconceptions/phase-sums",
    solve=_mc_phase,
    normalize=_pair_of(_number, "(value at even outputs, value at odd outputs)"),
    hints=[
        (lambda a, e: a == e[::-1],
         "the two values are right but swapped: the crop by p = 1 shifts every output index "
         "by one position of the painted canvas."),
        (lambda a, e: a[0] == a[1],
         "k divisible by s makes the *number* of taps per phase equal, not their values: "
         "which taps land on even outputs, which on odd?"),
        (lambda a, e: sorted(a) == sorted([sum(_MC_PHASE["w"][:2]), sum(_MC_PHASE["w"][2:])]),
         "taps of one phase are s apart, not adjacent: phase sums are w[0::s] and w[1::s]."),
    ],
    fallback="input i paints tap a at canvas position s*i + a; output o is canvas position "
             "o + p. Sum the taps per phase.",
)


# -- misconceptions/flat-kernel: a size-3 kernel flat at stride 2 --------------------------------
_MC_FLAT = dict(k=3, s=2, w1=1.0, n=12)


def _flat_kernel(answer):
    try:
        w = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"answer with a list of 3 numbers, got {_describe(answer)}") from None
    if w.shape != (_MC_FLAT["k"],):
        raise TypeError(f"answer with a list of {_MC_FLAT['k']} numbers, got shape {w.shape}")
    return w


def _flat_score(w):
    e = _MC_FLAT
    resp = conv_transpose1d(np.ones((1, e["n"])), w.reshape(1, 1, -1), stride=e["s"])[0]
    return checkerboard_score(resp, e["s"], dims=1, border=e["k"])


def _flat_ok(w, expected_stride):
    return (abs(w[1] - _MC_FLAT["w1"]) < 1e-9 and abs(w[0] - w[2]) > 1e-9
            and _flat_score(w) < 1e-9)


register(
    "misconceptions/flat-kernel",
    solve=lambda: _MC_FLAT["s"],
    compare=_flat_ok,
    normalize=_flat_kernel,
    praise="its interior response to a constant is flat (checkerboard score 0), with "
           "uneven overlap.",
    hints=[
        (lambda a, e: abs(a[1] - _MC_FLAT["w1"]) > 1e-9, "the exercise fixes w1 = 1."),
        (lambda a, e: abs(a[0] - a[2]) < 1e-9,
         "that is symmetric (w0 = w2); the exercise asks for w0 != w2 — which condition on "
         "w0 and w2 really matters?"),
        (lambda a, e: _flat_score(a) > 1e-9,
         "its response still alternates between two values. Which taps land on the same "
         "output phase at stride 2, and what must their sums satisfy?"),
    ],
    fallback="compare the sums of the taps that land on each output phase.",
)


# -- misconceptions/empty-fraction: 1x1 kernel, stride 3 ------------------------------------------
_MC_EMPTY = dict(n=10, s=3)


def _mc_empty(n=None, s=None):
    n = _MC_EMPTY["n"] if n is None else n
    s = _MC_EMPTY["s"] if s is None else s
    out = conv_transpose2d(np.ones((1, n, n)), np.ones((1, 1, 1, 1)), stride=s)
    return float(np.mean(out == 0))


def _fraction(answer):
    v = _number(answer)
    if not 0 <= v <= 1:
        raise ValueError(f"answer with a fraction between 0 and 1, got {v}")
    return v


register(
    "misconceptions/empty-fraction",
    solve=_mc_empty,
    normalize=_fraction,
    compare=lambda a, e: abs(a - e) < 5e-4,
    hints=[
        (lambda a, e: abs(a - (1 - 1 / _MC_EMPTY["s"] ** 2)) < 5e-3,
         "1 - 1/s^2 holds for an infinite image. Count the output size, s(n - 1) + k, and the "
         "painted pixels exactly: the borders matter."),
        (lambda a, e: abs(a - (1 - 1 / _MC_EMPTY["s"])) < 5e-3,
         "that is the 1-D fraction (for an infinite signal); in 2-D a pixel is painted only if "
         "both its row and its column are."),
        (lambda a, e: abs(a - (1 - e)) < 5e-4,
         "that is the fraction of pixels that *do* receive an input."),
    ],
    fallback="output size s(n - 1) + 1 per side; painted pixels: one per input pixel.",
)


# -- misconceptions/gather: the gather form of the transposed convolution (code) ------------------
#: (input length, kernel size, stride, padding)
_MC_GATHER_CASES = ((5, 3, 2, 0), (4, 3, 2, 1), (6, 4, 2, 1), (5, 5, 3, 2), (7, 2, 2, 0),
                    (3, 1, 3, 0))


def _gather_inputs():
    rng = np.random.default_rng(20240611)
    cases = []
    for n, k, s, p in _MC_GATHER_CASES:
        cases.append((rng.standard_normal(n), rng.standard_normal(k), s, p,
                      output_size(n, k, s, p)))
    return cases


def _gather_reference(variant="right"):
    res = []
    for x, w, s, p, n_out in _gather_inputs():
        if variant == "strided":     # the claimed formula: a strided forward gather
            y = np.zeros(n_out)
            for h in range(n_out):
                for a in range(len(w)):
                    j = s * (h - p) + a
                    if 0 <= j < len(x):
                        y[h] += x[j] * w[a]
            res.append(y)
        elif variant == "flipped":
            res.append(conv_transpose1d(x[None], w[::-1].reshape(1, 1, -1), stride=s,
                                        padding=p)[0])
        else:
            res.append(conv_transpose1d(x[None], w.reshape(1, 1, -1), stride=s, padding=p)[0])
    return tuple(res)


def _run_gather(answer):
    if not callable(answer):
        raise TypeError("answer with a function gather(x, w, s, p, n_out), got "
                        f"{_describe(answer)}")
    outputs = []
    for x, w, s, p, n_out in _gather_inputs():
        out = call_learner(answer, (x.copy(), w.copy(), s, p, n_out),
                           f"n={len(x)}, k={len(w)}, s={s}, p={p}")
        outputs.append(learner_array(out))
    return tuple(outputs)


register(
    "misconceptions/gather",
    solve=_gather_reference,
    compare=_same,
    normalize=_run_gather,
    praise=f"your gather equals torch's conv_transpose1d on {len(_MC_GATHER_CASES)} seeded "
           f"random cases.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "wrong output shape: return n_out samples."),
        (lambda a, e: _same(a, _gather_reference("strided")),
         "that reads the input at s * (output index): a strided forward convolution. The "
         "input index is (o + p - a) / s, when that is a whole number."),
        (lambda a, e: _same(a, _gather_reference("flipped")),
         "you used the kernel reversed: output o gets tap a from input i when s*i + a = o + p."),
    ],
    fallback="for each output o and tap a, input i = (o + p - a) / s contributes if it is a "
             "whole number inside the input.",
)
