"""Exercise checkers for chapter 9, alignment and padding (``chapters/09_alignment.ipynb``).

Every expected answer is computed with tconvlib from the exercise's parameters; importing
this module registers its exercises (see :mod:`tconvlib.checkers`).
"""

import numpy as np

from ..shapes import output_size
from ._core import call_learner, _describe, register, _whole_number


# -- alignment/offset: grid offset of k = 5, s = 3, p = 2 (by hand) -------------------------------
_OFFSET_EX = dict(k=5, s=3, p=2)


def _grid_offset_ex():
    from ..alignment import grid_offset

    return grid_offset(_OFFSET_EX["k"], _OFFSET_EX["s"], _OFFSET_EX["p"])


register(
    "alignment/offset",
    solve=_grid_offset_ex,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a + e) < 1e-9,
         "wrong sign, or the padding left out: padding p crops p positions at the start, "
         "moving every stamp p positions earlier; a positive offset means later."),
        (lambda a, e: abs(a - ((_OFFSET_EX["k"] - 1) / 2 - _OFFSET_EX["p"])) < 1e-9,
         "the stamp's centre is at s*i + (k-1)/2 - p; the block of input pixel i is the s "
         "outputs s*i, ..., s*i + s - 1, whose centre is s*i + (s-1)/2, not s*i."),
    ],
    fallback="offset = (k - 1)/2 - p - (s - 1)/2 output pixels.",
)


# -- alignment/output-padding: output_padding for n = 14 and n = 13 (by hand) -----------------------
def _op_pair():
    from ..alignment import decoder_plan

    return (decoder_plan(14).output_padding, decoder_plan(13).output_padding)


register(
    "alignment/output-padding",
    solve=_op_pair,
    normalize=lambda a: tuple(_whole_number(v) for v in a),
    hints=[
        (lambda a, e: a == e[::-1],
         "swapped: n = 14 first, then n = 13."),
        (lambda a, e: a == (0, 0) or a == (1, 1),
         "the two sizes differ: both go to m = 7 at low resolution, but the transposed conv "
         "returns 2(m - 1) - 2p + k = 13 without output_padding."),
    ],
    fallback="compute m = floor((n + 2 - 3)/2) + 1, then what the transposed conv returns.",
)


# -- alignment/pix2pix-shift: predict the shift of a k=4 decoder after a k=3 encoder ---------------
def _pix2pix_shift():
    from ..alignment import DecoderPlan, grid_shift

    return grid_shift(20, DecoderPlan(4, 2, 1, 0, (0, 0), 10, 20))


register(
    "alignment/pix2pix-shift",
    solve=_pix2pix_shift,
    normalize=lambda a: float(a),
    hints=[
        (lambda a, e: abs(a + e) < 1e-9,
         "the magnitude is right; the sign says which way: compare where the encoder centres "
         "pixel j (2j) with where the decoder paints it (2j + (4-1)/2 - 1)."),
        (lambda a, e: abs(a) < 1e-9,
         "the sizes match (20 -> 10 -> 20), but do the grids? Equal sizes do not mean aligned "
         "pixels."),
    ],
    fallback="the shift is the decoder's stamp centre minus the encoder's window centre.",
)


# -- alignment/plan-code: output_padding for any n (code) --------------------------------------------
_PLAN_SIZES = tuple(range(9, 41))


def _run_plan(answer):
    if not callable(answer):
        raise TypeError(f"answer with your function up_params, not {_describe(answer)}")
    out = []
    for n in _PLAN_SIZES:
        got = call_learner(answer, (n,), f"n={n}")
        try:
            out.append(tuple(int(v) for v in got))
        except TypeError:
            raise ValueError(f"return (kernel_size, padding, output_padding), got {got!r}") \
                from None
    return tuple(out)


def _plan_reference():
    from ..alignment import decoder_plan

    return tuple((p.kernel_size, p.padding, p.output_padding)
                 for p in (decoder_plan(n) for n in _PLAN_SIZES))


def _plan_sizes_ok(a):
    from ..shapes import output_size

    try:
        return all(len(t) == 3 and t[0] > 0 and t[1] >= 0 and 0 <= t[2] < 2
                   and output_size((n + 1) // 2, t[0], 2, t[1], t[2]) == n
                   for n, t in zip(_PLAN_SIZES, a))
    except ValueError:
        return False


def _plan_sizes(a):
    """``{n: size the learner's plan returns}`` for every skip size n, or None if a plan is
    not a valid transposed convolution."""
    from ..shapes import output_size

    try:
        return {n: output_size((n + 1) // 2, t[0], 2, t[1], t[2])
                for n, t in zip(_PLAN_SIZES, a)}
    except (ValueError, IndexError, TypeError):
        return None


def _plan_misses(a):
    """``{n: returned - n}`` for the sizes the plan gets wrong ({} when all are right)."""
    sizes = _plan_sizes(a)
    return None if sizes is None else {n: got - n for n, got in sizes.items() if got != n}


def _even_sizes_one_short(a):
    misses = _plan_misses(a)
    return bool(misses) and all(n % 2 == 0 and d == -1 for n, d in misses.items())


def _odd_sizes_one_long(a):
    misses = _plan_misses(a)
    return bool(misses) and all(n % 2 == 1 and d == 1 for n, d in misses.items())


def _even_kernels(a):
    return all(t[0] % 2 == 0 for t in a)


def _no_holes(a):
    """A stride-2 kernel smaller than the stride leaves outputs that no stamp reaches."""
    return all(t[0] >= 2 for t in a)


def _all_too_long(a):
    misses = _plan_misses(a)
    return bool(misses) and len(misses) == len(_PLAN_SIZES) and all(d > 0 for d in misses.values())


def _plan_aligned(a, e=None):
    """Right size for every n and zero grid shift (any kernel that achieves both is right)."""
    from ..alignment import DecoderPlan, grid_shift

    if not _plan_sizes_ok(a) or not _no_holes(a):
        return False
    return all(grid_shift(n, DecoderPlan(t[0], 2, t[1], t[2], (0, 0), (n + 1) // 2, n)) == 0
               for n, t in zip(_PLAN_SIZES, a) if n >= 2 * (3 + t[0]) + 2)


register(
    "alignment/plan-code",
    solve=_plan_reference,
    compare=_plan_aligned,
    normalize=_run_plan,
    praise=f"right size and zero shift for every n in {_PLAN_SIZES[0]}..{_PLAN_SIZES[-1]}.",
    hints=[
        (lambda a, e: _plan_sizes_ok(a) and not _no_holes(a),
         "right size and zero shift, but a kernel smaller than the stride leaves holes: with "
         "k = 1 at stride 2 only one output in each 2 x 2 block receives a value, 3/4 of the "
         "outputs stay empty. That is not a usable upsampling layer."),
        (lambda a, e: _even_sizes_one_short(a),
         "even sizes come back one short: output_padding must give back what the floor in the "
         "encoder's size formula dropped."),
        (lambda a, e: _odd_sizes_one_long(a) and not _even_kernels(a),
         "odd sizes come back one too long: output_padding gives back a sample only where the "
         "floor in the encoder's size formula dropped one."),
        (lambda a, e: _odd_sizes_one_long(a) and _even_kernels(a),
         "odd sizes come back one too long: an even kernel (k = 4, p = 1) returns 2m for "
         "every m, and output_padding cannot remove a sample. Even where the size fits, an "
         "even kernel after the k = 3 encoder shifts the grid by half a pixel."),
        (lambda a, e: _plan_sizes_ok(a) and _no_holes(a) and not _plan_aligned(a),
         "the sizes are right but the decoder grid is shifted (by half a pixel): after a k=3 "
         "encoder, an even decoder kernel cannot line up, whatever the padding."),
        (lambda a, e: _all_too_long(a),
         "every size comes back too long: the padding crops p samples at each end of the "
         "output; without it nothing is cropped."),
    ],
    fallback="use the encoder's kernel and padding; output_padding makes up what the floor "
             "in the encoder's size formula dropped.",
)
