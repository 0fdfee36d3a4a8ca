"""Exercise checkers for the GPU appendix, running on a GPU (``chapters/13_gpu.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..painting import multiplication_counts
from ._core import _letter_choice, _number, _pair_of, register, _whole_number


# -- gpu/tf32-unit: the unit roundoff of TF32 -----------------------------------------------------
_GPU_TF32 = dict(mantissa_bits=10)

register(
    "gpu/tf32-unit",
    solve=lambda: 2.0 ** -(_GPU_TF32["mantissa_bits"] + 1),
    normalize=_number,
    compare=lambda a, e: a == e,
    hints=[
        (lambda a, e: a == 2 * e,
         "that is the gap between neighbouring TF32 numbers relative to 2^e; rounding to the "
         "*nearest* one moves a number by at most half the gap."),
        (lambda a, e: a in (2.0 ** -24, 2.0 ** -23),
         "that is float32's: TF32 keeps fewer mantissa bits."),
        (lambda a, e: a in (2.0 ** -10, 2.0 ** -11, 2.0 ** -12) and a != e,
         "close: count the gap between neighbours in [2^e, 2^(e+1)) with 10 stored bits, "
         "then take half of it, relative to 2^e."),
    ],
    fallback="with t stored mantissa bits, neighbours in [2^e, 2^(e+1)) are 2^(e-t) apart.",
)


# -- gpu/switch: precision or order? (conceptual) -------------------------------------------------
_GPU_SWITCH = {"a": "cudnn.deterministic", "b": "cudnn.conv.fp32_precision",
               "c": "cudnn.benchmark", "d": "use_deterministic_algorithms"}


def _gpu_switch():
    # an error of TF32's size, identical on every run, is precision: the TF32 switch
    return next(k for k, v in _GPU_SWITCH.items() if v == "cudnn.conv.fp32_precision")


register(
    "gpu/switch",
    solve=_gpu_switch,
    normalize=_letter_choice("".join(_GPU_SWITCH)),
    hints=[
        (lambda a, e: a in ("a", "c", "d"),
         "that switch controls the *order* of floating-point sums, whose effect is near 1e-7 "
         "and varies from run to run. An error of 3e-4, identical on every run, is a "
         "precision effect."),
    ],
    fallback="is the error a rounding precision or a run-to-run variation?",
)


# -- gpu/macs: the benchmark layer's multiply-adds ----------------------------------------------
_GPU_MACS = dict(batch=8, c_in=64, c_out=32, n=32, k=4, s=2, p=1)


def _gpu_macs(kind="painting", batch=None):
    from ..painting import multiplication_counts
    e = _GPU_MACS
    counts = multiplication_counts((e["n"], e["n"]), e["k"], e["s"], e["p"],
                                   in_channels=e["c_in"], out_channels=e["c_out"])
    return getattr(counts, kind) * (e["batch"] if batch is None else batch)


register(
    "gpu/macs",
    solve=_gpu_macs,
    normalize=_whole_number,
    hints=[
        (lambda a, e: a == _gpu_macs("zero_insertion"),
         "that counts the zero-insertion version, whose products include the inserted zeros; "
         "count the painting: each input value times each kernel tap."),
        (lambda a, e: a == _gpu_macs(batch=1),
         "that is one image; the benchmark runs a batch."),
        (lambda a, e: a * _GPU_MACS["k"] == e or a * _GPU_MACS["k"] ** 2 == e,
         "a 2-D kernel has k * k taps, and every one of them meets every input value."),
        (lambda a, e: a * _GPU_MACS["c_out"] == e or a * _GPU_MACS["c_in"] == e,
         "every input channel paints into every output channel: both channel counts count."),
    ],
    fallback="painting: batch * C_in * H * W input values, each times C_out * k * k taps.",
)


# -- gpu/order: the order of a float32 sum (predict, then check) --------------------------------
_GPU_ORDER = dict(x=1e8, y=-1e8, z=1.0)


def _gpu_order(dtype=np.float32):
    x, y, z = (dtype(_GPU_ORDER[key]) for key in "xyz")
    return (float((x + y) + z), float(x + (y + z)))


register(
    "gpu/order",
    solve=_gpu_order,
    normalize=_pair_of(_number, "of numbers ((x + y) + z, x + (y + z))"),
    hints=[
        (lambda a, e: tuple(a) == _gpu_order(np.float64),
         "that is the exact (and float64) result; float32 has 24 significant bits, so near "
         "1e8 its neighbouring numbers are 8 apart."),
        (lambda a, e: tuple(a) == tuple(reversed(e)),
         "right values, swapped: the first entry is (x + y) + z."),
    ],
    fallback="round after every addition: what is the float32 number nearest to 1e8 + 1?",
)
