"""Exercise checkers for chapter 7, remedies for checkerboard artifacts (``chapters/07_remedies.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ._core import call_learner, _describe, learner_array, register, _same, _whole_number


# -- remedies/phase-sums: the phase sums of a 3x3 all-ones kernel at stride 2 (by hand) ---------
def _phase_sums(w, s):
    w = np.asarray(w, dtype=float)
    return np.array([[w[a::s, b::s].sum() for b in range(s)] for a in range(s)])


register(
    "remedies/phase-sums",
    solve=lambda: _phase_sums(np.ones((3, 3)), 2),
    normalize=lambda a: np.asarray(a, dtype=float),
    hints=[
        (lambda a, e: np.shape(a) == (2, 2) and np.allclose(a, e[::-1, ::-1]),
         "right numbers, wrong places: phase (0, 0) collects the taps whose row AND column "
         "indices are even (counting from 0)."),
        (lambda a, e: np.shape(a) == (2, 2) and np.allclose(a, np.full((2, 2), 9 / 4)),
         "that is the balanced ideal (the mean). Count the taps of each phase separately."),
        (lambda a, e: np.shape(a) != (2, 2),
         "answer with a 2x2 array: entry [a, b] is the sum of the taps w[u, v] with "
         "u % 2 == a and v % 2 == b."),
    ],
    fallback="entry [a, b] sums the taps w[u, v] with u % 2 == a and v % 2 == b.",
)


# -- remedies/binomial-stride3: response of [1, 2, 1]/4 at the stride-3 frequency (derive) --------
def _binomial_at_third():
    from ..remedies import blur_kernel, frequency_response

    return float(frequency_response(blur_kernel("binomial", 3), 2 * np.pi / 3))


register(
    "remedies/binomial-stride3",
    solve=_binomial_at_third,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a) < 1e-9,
         "the binomial [1, 2, 1]/4 has a zero only where cos(w/2) = 0. Is w = 2*pi/3 such a "
         "frequency?"),
        (lambda a, e: abs(a - np.sqrt(e)) < 1e-9,
         "|H(w)| for [1, 2, 1]/4 is a *square*: (1 + cos w)/2 = cos(w/2)**2."),
        (lambda a, e: abs(a - 1.0) < 1e-9,
         "1 is the response at w = 0 (a constant); evaluate at w = 2*pi/3."),
    ],
    fallback="write H(w) = (1/4)(1 + 2 e^{-iw} + e^{-2iw}) = e^{-iw} (1 + cos w)/2.",
)


# -- remedies/icnr-code: ICNR written by the student (code) --------------------------------------
_ICNR_CASES = ((2, 3, 2, 3, 11), (3, 2, 1, 1, 12), (2, 1, 3, 5, 13))    # r, C, C_in, k, seed


def _icnr_reference(variant="right"):
    from ..remedies import icnr_

    out = []
    for r, c, c_in, k, seed in _ICNR_CASES:
        w = np.random.default_rng(seed).standard_normal((c * r * r, c_in, k, k))
        if variant == "tiled":
            w[...] = np.concatenate([w[::r * r]] * (r * r))
        elif variant == "dcr":                       # the DCR (TensorFlow) recipe: first C tiled
            w[...] = np.concatenate([w[:c]] * (r * r))
        elif variant == "first-c-repeated":          # repeat, but of the first C filters
            w[...] = np.repeat(w[:c], r * r, axis=0)
        else:
            icnr_(w, r)
        out.append(w)
    return tuple(out)


def _run_icnr(answer):
    if not callable(answer):
        raise TypeError(f"answer with your function my_icnr, not {_describe(answer)}")
    outputs = []
    for r, c, c_in, k, seed in _ICNR_CASES:
        w = np.random.default_rng(seed).standard_normal((c * r * r, c_in, k, k))
        got = learner_array(call_learner(answer, (w.copy(), r), f"r={r}, shape {w.shape}"))
        if got.shape != w.shape:
            raise ValueError(f"your function returned shape {got.shape} for a weight of shape "
                             f"{w.shape}; return the initialized weight, same shape")
        outputs.append(got)
    return tuple(outputs)


register(
    "remedies/icnr-code",
    solve=_icnr_reference,
    compare=_same,
    normalize=_run_icnr,
    praise=f"your initialization equals tc.icnr_ on {len(_ICNR_CASES)} seeded weights.",
    hints=[
        (lambda a, e: _same(a, _icnr_reference("tiled")),
         "you tiled the filters (weight[i] = sub[i % C]). pixel_shuffle takes the r*r channels "
         "of one output channel from *consecutive* input channels c*r*r ... c*r*r + r*r - 1."),
        (lambda a, e: _same(a, _icnr_reference("dcr")),
         "you tiled the first C filters r*r times: that is ICNR for the DCR layout "
         "(TensorFlow's depth_to_space). PyTorch's pixel_shuffle is CRD: the r*r channels of "
         "output channel c are the consecutive channels c*r*r ... c*r*r + r*r - 1."),
        (lambda a, e: _same(a, _icnr_reference("first-c-repeated")),
         "you repeated the right way, but the wrong filters: the first filter of group c is "
         "weight[c*r*r], not weight[c]."),
    ],
    fallback="the r*r filters of each group c*r*r ... c*r*r + r*r - 1 must all equal the "
             "group's first filter; run pixel_shuffle(conv2d(x, w), r) and look at a block.",
)


# -- remedies/macs: multiply-adds of sub-pixel conv vs resize-conv (by hand) ----------------------
_MACS_EX = dict(c=8, k=3, r=2, h=8)


def _macs_pair():
    c, k, r, h = (_MACS_EX[n] for n in "ckrh")
    subpixel = (h * h) * (c * r * r) * c * k * k       # conv at low resolution, C*r*r outputs
    resize = (h * r) ** 2 * c * c * k * k               # conv at high resolution, C outputs
    return (subpixel, resize)


register(
    "remedies/macs",
    solve=_macs_pair,
    normalize=lambda a: tuple(_whole_number(v) for v in a),
    hints=[
        (lambda a, e: a[0] == e[0] // (_MACS_EX["r"] ** 2),
         "the sub-pixel conv has C*r*r output channels, not C."),
        (lambda a, e: a[1] == e[1] // (_MACS_EX["r"] ** 2),
         "the resize-conv runs at the *upsampled* resolution (h*r) x (h*r)."),
    ],
    fallback="multiply-adds of a conv = output pixels x output channels x C_in x k x k.",
)
