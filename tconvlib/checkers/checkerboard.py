"""Exercise checkers for chapter 5, where checkerboard artifacts come from (``chapters/05_checkerboard_origins.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..artifacts import checkerboard_score
from ..initialization import phase_fan_in
from ..matrix import conv_matrix
from ._core import _close, _number, register, _whole_number


# -- checkerboard/variance-ratio: most vs least covered phase at init (2-D) --------------------
_VR_EX = dict(k=5, s=2)


def _vr(dims=2, k=None):
    fan = phase_fan_in(k or _VR_EX["k"], _VR_EX["s"], dims=dims)
    return float(fan.max() / fan.min())


register(
    "checkerboard/variance-ratio",
    solve=_vr,
    normalize=_number,
    compare=_close(1e-3),
    hints=[
        (lambda a, e: abs(a - _vr(dims=1)) < 1e-3,
         "that is the ratio along one axis. In 2-D a phase's tap count is the product of the "
         "two axes' counts."),
        (lambda a, e: abs(a - 1.0) < 1e-3,
         "k is not a multiple of s here, so the phases do not receive the same number of taps."),
        (lambda a, e: abs(a - _vr(k=3)) < 1e-3,
         "that is the ratio for k = 3; count the taps of each phase for this k."),
    ],
    fallback="count, per axis, the taps a with a = r (mod s) for each phase r; variances are "
             "proportional to the 2-D counts.",
)


# -- checkerboard/holes: fraction of interior positions that no stamp reaches ------------------
_HOLES_EX = dict(k=2, s=3)


def _covered_fraction_1d():
    fan = phase_fan_in(_HOLES_EX["k"], _HOLES_EX["s"], dims=1)
    return float(np.mean(fan > 0))


def _holes():
    fan = phase_fan_in(_HOLES_EX["k"], _HOLES_EX["s"])
    return float(np.mean(fan == 0))


register(
    "checkerboard/holes",
    solve=_holes,
    normalize=_number,
    compare=_close(5e-4),
    hints=[
        (lambda a, e: abs(a - (1 - _covered_fraction_1d())) < 5e-4,
         "that is the fraction along one axis. In 2-D a position is a hole when *either* of "
         "its coordinates falls in a hole of its axis."),
        (lambda a, e: abs(a - (1 - _covered_fraction_1d()) ** 2) < 5e-4,
         "that counts only positions that are holes along *both* axes; one axis missing is "
         "enough."),
        (lambda a, e: abs(a - (1 - e)) < 5e-4,
         "that is the fraction of positions that *are* covered."),
    ],
    fallback="the 2-D overlap map is the outer product of two 1-D maps: a zero in either "
             "factor gives a zero.",
)


# -- checkerboard/flat-score: the score of the 2-D overlap pattern -----------------------------
_FS_EX = dict(k=5, s=3)


def _flat(dims=2):
    fan = phase_fan_in(_FS_EX["k"], _FS_EX["s"], dims=dims)
    tile = np.tile(fan, (4,) * dims)
    return checkerboard_score(tile, _FS_EX["s"], dims=dims)


def _mean_normalised():
    fan = phase_fan_in(_FS_EX["k"], _FS_EX["s"]).astype(float)
    return float(fan.std() / fan.mean())


register(
    "checkerboard/flat-score",
    solve=_flat,
    normalize=_number,
    compare=_close(1e-3),
    hints=[
        (lambda a, e: abs(a - _flat(dims=1)) < 1e-3,
         "that is the score of the 1-D pattern; in 2-D the phase counts multiply (row phase "
         "count times column phase count)."),
        (lambda a, e: abs(a - _mean_normalised()) < 1e-3,
         "the score divides by the RMS of the signal, sqrt(mean(x**2)), not by its mean."),
        (lambda a, e: a > 1 or a < 0,
         "the score lies between 0 and 1."),
    ],
    fallback="score = sqrt(mean over phases of (mu_phase - mu)**2) / sqrt(mean(x**2)).",
)


# -- checkerboard/mismatch-period: decoder stride 6, then encoder stride 4 ---------------------
_MM_EX = dict(k_dec=7, s_dec=6, k_enc=5, s_enc=4, n=40, seed=6)


def _row_energy(s_enc=None, s_dec=None):
    """Per-output variance of encoder(decoder(x)) for white x and fixed random kernels."""
    from ..matrix import conv_matrix

    e = _MM_EX
    s_enc, s_dec = s_enc or e["s_enc"], s_dec or e["s_dec"]
    rng = np.random.default_rng(e["seed"])
    w_dec = rng.standard_normal((1, 1, e["k_dec"]))
    w_enc = rng.standard_normal((1, 1, e["k_enc"]))
    dec = conv_matrix((1, s_dec * (e["n"] - 1) + e["k_dec"]), w_dec, stride=s_dec).T
    enc = conv_matrix((1, dec.shape[0]), w_enc, stride=s_enc)
    return ((enc @ dec) ** 2).sum(axis=1)


def _smallest_period(v, margin=6):
    inner = v[margin:len(v) - margin]
    for t in range(1, len(inner) // 2):
        if np.allclose(inner[t:], inner[:-t]):
            return t
    raise ValueError("no period found")


def _mm_expected():
    return _smallest_period(_row_energy())


register(
    "checkerboard/mismatch-period",
    solve=_mm_expected,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == int(np.lcm(_MM_EX["s_enc"], _MM_EX["s_dec"])),
         "that is a period on the intermediate (upsampled) grid; the question asks in samples "
         "of the encoder's output, which reads every s_enc-th of them."),
        (lambda a, e: a == _MM_EX["s_enc"],
         "that is the encoder's stride; the pattern comes from the decoder's phases: on which "
         "phase does the encoder's j-th window start?"),
        (lambda a, e: a == _MM_EX["s_dec"],
         "that is the decoder's period on its own, upsampled grid; the encoder reads every "
         "s_enc-th sample of it: count encoder outputs, not decoder samples."),
        (lambda a, e: a == int(np.gcd(_MM_EX["s_enc"], _MM_EX["s_dec"])),
         "count how many encoder outputs pass before the encoder's window starts on the same "
         "decoder phase again."),
        (lambda a, e: a == 1,
         "the decoder paints its phases unevenly, and the encoder's stride does not divide "
         "the decoder's period here: the output is not uniform."),
    ],
    fallback="compute the variance of every output of encoder(decoder(x)) for white x and "
             "look for the smallest shift that leaves it unchanged.",
)
