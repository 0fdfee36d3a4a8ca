"""Exercise checkers for chapter 6, initialization (``chapters/06_initialization.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..initialization import bilinear_kernel, he_std, phase_fan_in
from ._core import (_array, call_learner, _close, _describe, learner_array, _number, register,
                    _same, _same_array, _whole_number)


# -- initialization/fan-in: per-phase fan-in of a 2-D transposed conv --------------------------
_FI_EX = dict(k=5, s=2, p=1, c_in=8)


def _fi(p=None, c_in=None):
    e = _FI_EX
    return phase_fan_in(e["k"], e["s"], e["p"] if p is None else p,
                        in_channels=e["c_in"] if c_in is None else c_in)


register(
    "initialization/fan-in",
    solve=_fi,
    normalize=_array,
    compare=_same_array,
    hints=[
        (lambda a, e: _same_array(a, _fi(p=0)),
         "those are the counts for even padding. With p = 1, output o is painted by taps "
         "a with a = o + 1 (mod s): which phase gets the most taps moves."),
        (lambda a, e: _same_array(a, _fi(c_in=1)),
         "each tap contributes one product per input channel: multiply by C_in."),
        (lambda a, e: a.shape == (_FI_EX["s"],),
         "answer with the 2-D array (s x s), one entry per phase (row phase, column phase)."),
        (lambda a, e: a.shape == (2, 2) and np.ptp(a) == 0,
         "k is not a multiple of s, so the phases differ."),
    ],
    fallback="per axis count the taps of each phase, take the outer product, times C_in.",
)


# -- initialization/torch-fan: what torch.nn.init computes for a ConvTranspose2d ---------------
_TF_EX = dict(c_in=24, c_out=12, k=4, s=2, groups=3)


def _torch_fans():
    import torch

    e = _TF_EX
    layer = torch.nn.ConvTranspose2d(e["c_in"], e["c_out"], e["k"], stride=e["s"],
                                     groups=e["groups"])
    return tuple(int(v) for v in torch.nn.init._calculate_fan_in_and_fan_out(layer.weight))


def _fan_pair(answer):
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise TypeError(f"answer with a pair (fan_in, fan_out), got {_describe(answer)}")
    return tuple(_whole_number(v) for v in answer)


register(
    "initialization/torch-fan",
    solve=_torch_fans,
    normalize=_fan_pair,
    hints=[
        (lambda a, e: a == e[::-1],
         "swapped: torch reads the weight's dimension 1 as fan-in, whatever the layer."),
        (lambda a, e: a[0] == _TF_EX["c_out"] * _TF_EX["k"] ** 2,
         "the weight's dimension 1 is C_out / groups, not C_out."),
        (lambda a, e: a[0] == e[0] // _TF_EX["s"] ** 2,
         "torch does not know the stride: it reads only the weight's shape."),
    ],
    fallback="write down the weight's shape (C_in, C_out/groups, k, k) and apply "
             "fan_in = size(1) * k * k, fan_out = size(0) * k * k.",
)


# -- initialization/kaiming-ratio: torch's kaiming on a transposed conv, derived ---------------
_KR_EX = dict(c_in=80, c_out=32, k=4, s=2)


def _kr(swap=False, no_stride=False):
    e = _KR_EX
    c_in, c_out = (e["c_out"], e["c_in"]) if swap else (e["c_in"], e["c_out"])
    torch_fan = c_out * e["k"] ** 2
    true_fan = phase_fan_in(e["k"], 1 if no_stride else e["s"], in_channels=c_in).mean()
    return float(true_fan / torch_fan)


register(
    "initialization/kaiming-ratio",
    solve=_kr,
    normalize=_number,
    compare=_close(1e-6),
    hints=[
        (lambda a, e: abs(a - _kr(no_stride=True)) < 1e-6,
         "each output receives only k*k/s**2 taps per input channel on average, not k*k."),
        (lambda a, e: abs(a - _kr(swap=True)) < 1e-6,
         "C_in and C_out are swapped: torch reads dimension 1 (C_out) as fan-in."),
        (lambda a, e: abs(a - 1 / e) < 1e-6,
         "you computed the inverse ratio: intended over actual."),
    ],
    fallback="actual variance = (mean fan-in) * 2 / (torch's fan-in); divide by 2.",
)


# -- initialization/bilinear-border: where bilinear tconv and interpolate differ --------------
_BB_EX = dict(factor=4, n=8, seed=4)


def _bb_diff():
    import torch
    import torch.nn.functional as F

    e = _BB_EX
    f = e["factor"]
    k = bilinear_kernel(f, dims=1)
    x = torch.as_tensor(np.random.default_rng(e["seed"]).standard_normal((1, 1, e["n"])))
    y = F.conv_transpose1d(x, torch.as_tensor(k).reshape(1, 1, -1), stride=f,
                           padding=(len(k) - f) // 2)
    ref = F.interpolate(x, scale_factor=f, mode="linear", align_corners=False)
    return ~np.isclose(y[0, 0].numpy(), ref[0, 0].numpy(), rtol=0, atol=1e-12)


register(
    "initialization/bilinear-border",
    solve=lambda: int(_bb_diff().sum()),
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == e // 2, "count both ends of the signal."),
        (lambda a, e: a == 0,
         "at the ends interpolate clamps its source coordinate, the transposed convolution "
         "pads with zeros: they cannot agree everywhere."),
        (lambda a, e: a == 2 * (_BB_EX["factor"] - 1) or a == 2 * _BB_EX["factor"],
         "fewer: only outputs whose source coordinate (o + 0.5)/f - 0.5 is below 0 (or above "
         "n - 1) are affected."),
    ],
    fallback="an output differs when interpolate's source coordinate (o + 0.5)/f - 0.5 falls "
             "outside [0, n - 1].",
)


# -- initialization/he-code: per-tap standard deviations (code) --------------------------------
#: (k, s, p, c_in, gain)
_HC_CASES = ((3, 2, 0, 16, 2 ** 0.5), (3, 2, 1, 4, 1.0), (5, 3, 1, 8, 2 ** 0.5),
             (4, 2, 1, 2, 1.0), (2, 3, 0, 3, 2 ** 0.5), (1, 1, 0, 5, 1.0))


def _run_tap_std(answer):
    if not callable(answer):
        raise TypeError("answer with a function tap_std(k, s, p, c_in, gain) that returns a "
                        f"(k, k) array, got {_describe(answer)}")
    outs = []
    for k, s, p, c, g in _HC_CASES:
        out = call_learner(answer, (k, s, p, c, g), f"k={k}, s={s}, p={p}, c_in={c}, "
                                                    f"gain={g:.3f}")
        outs.append(learner_array(out, "a (k, k) array"))
    return tuple(outs)


def _hc_reference(per_phase=True, channels=True):
    return tuple(he_std(k, s, p, in_channels=c if channels else 1, gain=g, per_phase=per_phase)
                 for k, s, p, c, g in _HC_CASES)


register(
    "initialization/he-code",
    solve=_hc_reference,
    compare=_same,
    normalize=_run_tap_std,
    praise=f"your stds equalise every phase on {len(_HC_CASES)} configurations.",
    hints=[
        (lambda a, e: any(x.shape != r.shape for x, r in zip(a, e)),
         "return one standard deviation per kernel tap: a (k, k) array."),
        (lambda a, e: _same(a, _hc_reference(per_phase=False)),
         "that is the mean fan-in: right on average, but the phases still differ. Use the "
         "fan-in of each tap's own phase."),
        (lambda a, e: _same(a, _hc_reference(channels=False)),
         "every tap multiplies c_in input values: include the channels in the fan-in."),
        (lambda a, e: _same(tuple(np.sqrt(np.abs(x)) for x in a), e),
         "those are variances; return standard deviations, gain / sqrt(fan-in)."),
    ],
    fallback="the variance of phase (r, c) is c_in * sum of the variances of its taps; make "
             "it gain**2 for every phase.",
)
