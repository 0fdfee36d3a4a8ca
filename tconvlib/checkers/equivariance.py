"""Exercise checkers for chapter 4, equivariance: shifts in, stretched shifts out (``chapters/04_equivariance.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..polyphase import polyphase_kernels
from ..transposed import conv_transpose1d as _ct1d
from ._core import (call_learner, _describe, _int_tuple_answer, learner_array, _letter_choice,
                    register, _same, _vector, _whole_number)


def _impulse_shift(size, kernel, stride, shift):
    """Where the painted impulse response moves when the input impulse moves by ``shift``:
    found by running the transposed convolution, not by the formula."""
    out = []
    for n_in, k, s, t in zip(size, kernel, stride, shift):
        x0, x1 = np.zeros((1, n_in)), np.zeros((1, n_in))
        x0[0, 0], x1[0, t] = 1.0, 1.0
        w = np.arange(1.0, k + 1).reshape(1, 1, k)
        y0, y1 = _ct1d(x0, w, stride=s)[0], _ct1d(x1, w, stride=s)[0]
        out.append(int(np.flatnonzero(y1)[0] - np.flatnonzero(y0)[0]))
    return tuple(out)


# -- equivariance/output-shift: a 2-D input shift by (tH, tW) ----------------------------------
_SHIFT_EX = dict(size=(6, 6), kernel=(3, 4), stride=(2, 3), shift=(1, 2))
register(
    "equivariance/output-shift",
    solve=lambda: _impulse_shift(**_SHIFT_EX),
    normalize=lambda a: _int_tuple_answer(a, 2, "a pair (rows, columns)"),
    hints=[
        (lambda a, e: a == _SHIFT_EX["shift"],
         "that is the input shift. One input step moves every stamp by the stride."),
        (lambda a, e: a == e[::-1],
         "rows and columns are swapped: each axis is scaled by its own stride."),
        (lambda a, e: a == _SHIFT_EX["stride"],
         "that is the shift for an input shift of one sample per axis; scale by the shift."),
        (lambda a, e: a == tuple(s + t for s, t in zip(_SHIFT_EX["stride"], _SHIFT_EX["shift"])),
         "strides and shifts multiply, they do not add."),
    ],
    fallback="D[T_t x] = T_(s t) D[x], one axis at a time.",
)


# -- equivariance/sub-kernel: the taps that feed output phase 0 --------------------------------
_SUB_EX = dict(w=(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0), s=3, p=2, phase=0)


def _sub_kernel(p=None):
    w = np.asarray(_SUB_EX["w"]).reshape(1, 1, -1)
    p = _SUB_EX["p"] if p is None else p
    return polyphase_kernels(w, _SUB_EX["s"], padding=p)[_SUB_EX["phase"]][0, 0]


def _sub_kernel_of_canvas_phase(rho):
    return np.asarray(_SUB_EX["w"])[rho % _SUB_EX["s"]::_SUB_EX["s"]]


def _same_vector(a, b):
    return a.shape == b.shape and np.allclose(a, b)


register(
    "equivariance/sub-kernel",
    solve=_sub_kernel,
    normalize=_vector,
    hints=[
        (lambda a, e: a.shape == _sub_kernel(0).shape and np.allclose(a, _sub_kernel(0)),
         "that is the sub-kernel of canvas phase 0. Output position o is canvas position "
         "o + p: the padding changes which taps reach output phase 0."),
        (lambda a, e: a.shape == e.shape and np.allclose(a, e[::-1]),
         "right taps, reversed order: list them in the kernel's own order (w[rho], "
         "w[rho + s], ...)."),
        (lambda a, e: _same_vector(a, _sub_kernel(0)[::-1]),
         "reversed, and of the wrong phase: output position o is canvas position o + p."),
        (lambda a, e: _same_vector(a, _sub_kernel_of_canvas_phase(
            _SUB_EX["phase"] - _SUB_EX["p"])),
         "the padding shifts the other way: output position o is canvas position o + p, "
         "not o - p."),
    ],
    fallback="output phase r receives the taps a with a = (r + p) mod s.",
)


# -- equivariance/smallest-shift: the shifts a strided encoder-decoder respects ----------------
_NET_EX = dict(encoder=(2, 3), decoder=(3, 2))


def _smallest_shift():
    """Smallest t > 0 that every layer maps to a whole shift: a conv of stride s needs input
    shifts divisible by s (it turns T_(s u) into T_u); a transposed conv accepts any shift."""
    t = 1
    while True:
        u, ok = t, True
        for s in _NET_EX["encoder"]:
            if u % s:
                ok = False
                break
            u //= s
        if ok:
            return t
        t += 1


register(
    "equivariance/smallest-shift",
    solve=_smallest_shift,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == sum(_NET_EX["encoder"]),
         "strides compose by multiplication, not addition."),
        (lambda a, e: a in _NET_EX["encoder"],
         "one strided layer is not enough: the shift must survive every downsampling layer."),
        (lambda a, e: a == int(np.prod(_NET_EX["encoder"])) * int(np.prod(_NET_EX["decoder"])),
         "the transposed convolutions never need a multiple: they accept any input shift "
         "(and multiply it by their stride)."),
        (lambda a, e: a == 1,
         "a stride-s convolution is equivariant only to shifts by multiples of s."),
    ],
    fallback="follow a shift t through the encoder: each stride-s conv needs t divisible by s.",
)


# -- equivariance/one-sample-shift: an output shift by a non-multiple of s (conceptual) --------
_ONE_EX = dict(s=3, shift=-2, k=4)     # T_shift D_w[x]: the output moved 2 samples earlier
_ONE_CHOICES = ("a", "b", "c", "d")


def _one_sample_candidates():
    """For every choice, whether it equals T_shift D_w[x] for random x and w (on a zero-padded
    input, so that no shifted sample falls off the end): computed, not asserted."""
    s, t, k = _ONE_EX["s"], _ONE_EX["shift"], _ONE_EX["k"]
    rng = np.random.default_rng(4)
    x = np.concatenate([np.zeros(2), rng.standard_normal(6), np.zeros(2)])[None]
    w = rng.standard_normal((1, 1, k))
    y = _ct1d(x, w, stride=s)[0]
    target = np.concatenate([y[-t:], np.zeros(-t)])                  # y[o - t], t < 0
    zero = np.zeros((1, 1, 1))

    def same(xc, wc):
        out = _ct1d(xc, wc, stride=s)[0]
        n = min(len(out), len(target))
        return bool(np.allclose(out[:n], target[:n]) and not out[n:].any()
                    and not target[n:].any())

    x_earlier = np.concatenate([x[:, 1:], np.zeros((1, 1))], axis=1)  # x'[i] = x[i + 1]
    return {"a": same(x, np.concatenate([zero, zero, w], axis=2)),
            "b": same(x, w[..., -t:]),
            "c": same(x_earlier, np.concatenate([zero, w], axis=2)),
            "d": False}


def _one_sample_letter():
    right = [letter for letter, ok in _one_sample_candidates().items() if ok]
    return right[0] if len(right) == 1 else ("d" if not right else "?")


register(
    "equivariance/one-sample-shift",
    solve=_one_sample_letter,
    normalize=_letter_choice("".join(_ONE_CHOICES)),
    hints=[
        (lambda a, e: a == "a",
         "prepending zero taps moves every stamp *later*; the output must move earlier."),
        (lambda a, e: a == "b",
         "dropping taps drops what they paint: those samples come from the previous input "
         "sample's stamp, not from nowhere."),
        (lambda a, e: a == "d",
         "write the shift as a multiple of the stride plus a remainder: which part is an "
         "input shift, and which a change of kernel?"),
    ],
    fallback="write the shift as a multiple of s plus a small remainder, and use both tools "
             "of this chapter.",
)


# -- equivariance/circular-code: a circular transposed convolution (code) ----------------------
_CIRC_CASES = ((5, 3, 2), (6, 4, 2), (4, 5, 3), (3, 7, 2), (4, 2, 1))   # (n, k, s)


def _circular_reference(x, w, s):
    canvas = _ct1d(x[None], w.reshape(1, 1, -1), stride=s)[0]
    length = s * len(x)
    out = np.zeros(length)
    for start in range(0, len(canvas), length):     # fold the canvas onto the circle
        piece = canvas[start: start + length]
        out[: len(piece)] += piece
    return out


def _circ_inputs():
    rng = np.random.default_rng(2019)
    return [(rng.standard_normal(n), rng.standard_normal(k), s) for n, k, s in _CIRC_CASES]


def _circ_outputs(fn):
    outs = []
    for x, w, s in _circ_inputs():
        out = call_learner(fn, (x.copy(), w.copy(), s), f"n={len(x)}, k={len(w)}, s={s}")
        outs.append(learner_array(out))
    return tuple(outs)


def _run_circular(answer):
    if not callable(answer):
        raise TypeError("answer with a function f(x, w, s) that returns the circular "
                        f"transposed convolution, got {_describe(answer)}")
    return _circ_outputs(answer)


def _circ_variant(variant):
    outs = []
    for x, w, s in _circ_inputs():
        if variant == "flipped":
            outs.append(_circular_reference(x, w[::-1], s))
        else:   # "linear": the plain transposed convolution, not wrapped
            outs.append(_ct1d(x[None], w.reshape(1, 1, -1), stride=s)[0])
    return tuple(outs)


register(
    "equivariance/circular-code",
    solve=lambda: tuple(_circular_reference(x, w, s) for x, w, s in _circ_inputs()),
    compare=_same,
    normalize=_run_circular,
    praise=f"your function equals the folded canvas on {len(_CIRC_CASES)} seeded cases.",
    hints=[
        (lambda a, e: _same(a, _circ_variant("linear")),
         "that is the ordinary (linear) transposed convolution: wrap the canvas so that its "
         "length is s*n, adding what falls beyond the end to the start."),
        (lambda a, e: _same(a, _circ_variant("flipped")),
         "the kernel is reversed: painting stamps w as it is."),
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "the output of a circular transposed convolution has exactly s*n samples."),
    ],
    fallback="paint every x[i] * w at position s*i, with positions taken modulo s*n.",
)
