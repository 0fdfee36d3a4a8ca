"""Output sizes of convolutions and transposed convolutions, one spatial dimension at a time."""

from __future__ import annotations

from typing import NamedTuple

from ._validate import as_int, positive_int, scalar_params

__all__ = ["output_size", "conv_output_size", "output_padding_for", "conv_input_sizes",
           "decoder_params", "upsampling_recipes", "UpsamplingRecipe"]


def output_size(n_in, kernel_size, stride=1, padding=0, output_padding=0, dilation=1):
    """Length of the output of a transposed convolution along one dimension.

    .. math:: n_\\text{out} = s\\,(n_\\text{in} - 1) + d\\,(k - 1) + 1 - 2p + \\text{op}

    Parameters
    ----------
    n_in : int
        Input length (positive).
    kernel_size : int
        Kernel length ``k`` (positive).
    stride, padding, output_padding, dilation : int
        As in :func:`torch.nn.functional.conv_transpose1d`. ``output_padding`` must be smaller
        than ``stride`` or ``dilation`` (torch's rule).

    Returns
    -------
    int
        The output length, which is what ``torch.nn.functional.conv_transpose1d`` produces.

    Raises
    ------
    ValueError
        If a parameter breaks its rule or the output would be empty.

    Examples
    --------
    >>> output_size(3, kernel_size=3, stride=2, padding=1)
    5
    >>> output_size(3, kernel_size=3, stride=2, padding=1, output_padding=1)
    6
    >>> output_size(4, kernel_size=4, stride=2, padding=1)   # exact x2 upsampling
    8
    """
    n_in, k, s, p, d, op = scalar_params(n_in, kernel_size, stride, padding, dilation,
                                         output_padding)
    n_out = s * (n_in - 1) + d * (k - 1) + 1 - 2 * p + op
    if n_out < 1:
        raise ValueError(
            f"output would be empty: s(n_in-1) + d(k-1) + 1 - 2p + op = {s}*{n_in - 1} + "
            f"{d}*{k - 1} + 1 - 2*{p} + {op} = {n_out} < 1 (reduce padding ({p}))")
    return n_out


def conv_output_size(n_in, kernel_size, stride=1, padding=0, dilation=1):
    """Length of the output of a (forward) convolution along one dimension.

    .. math:: n_\\text{out} = \\left\\lfloor \\frac{n_\\text{in} + 2p - d(k-1) - 1}{s}
              \\right\\rfloor + 1

    The floor is why several input lengths map to one output length, and why a transposed
    convolution needs ``output_padding`` to choose among them.

    Examples
    --------
    >>> conv_output_size(5, kernel_size=3, stride=2, padding=1)
    3
    >>> [conv_output_size(n, 3, stride=2, padding=1) for n in (5, 6)]   # two sizes, one output
    [3, 3]
    """
    n_in, k, s, p, d = scalar_params(n_in, kernel_size, stride, padding, dilation)
    span = d * (k - 1) + 1
    if n_in + 2 * p < span:
        raise ValueError(
            f"output would be empty: the padded input n_in + 2p = {n_in} + 2*{p} = "
            f"{n_in + 2 * p} is shorter than the dilated kernel d(k-1) + 1 = {span}")
    return (n_in + 2 * p - span) // s + 1


# -- solvers and recipes ------------------------------------------------------------------------
# Everything below answers the question "which parameters give this size?" with the formula
# above, one spatial dimension at a time; a pair in any argument makes the call 2-D.

def _dims(args):
    """How many dimensions a call has: 1 for all ints, else the common length of the pairs."""
    lengths = {len(v) for v in args.values() if isinstance(v, (tuple, list))}
    if not lengths:
        return None
    if len(lengths) > 1 or lengths - {1, 2}:
        shown = ", ".join(f"{k}={tuple(v) if isinstance(v, (tuple, list)) else v}"
                          for k, v in args.items())
        raise ValueError(f"the tuple arguments must all have the same length, 1 or 2; got {shown}")
    return lengths.pop()


def _per_dim(args, ndim):
    """Split int-or-tuple arguments into one dict of ints per dimension."""
    out = []
    for i in range(ndim):
        out.append({k: (v[i] if isinstance(v, (tuple, list)) else v) for k, v in args.items()})
    return out


def _raw_size(n_in, k, s, p, d):
    """s(n_in - 1) + d(k - 1) + 1 - 2p: the output size with output_padding 0 (may be < 1)."""
    return s * (n_in - 1) + d * (k - 1) + 1 - 2 * p


def _output_padding_1d(n_in, target, kernel_size, stride, padding, dilation, where=""):
    n_in, k, s, p, d = scalar_params(n_in, kernel_size, stride, padding, dilation)
    target = as_int("target", target)
    if target < 1:
        raise ValueError(f"target{where} ({target}) must be a positive integer")
    raw = _raw_size(n_in, k, s, p, d)
    limit = max(s, d)                       # torch: output_padding < stride or < dilation
    op = target - raw
    if 0 <= op < limit and raw + op >= 1:
        return op
    first, last = max(raw, 1), raw + limit - 1
    base = (f"with n_in={n_in}, kernel_size={k}, stride={s}, padding={p}, dilation={d} the "
            f"output size is s(n_in-1) + d(k-1) + 1 - 2p + op = {raw} + op")
    if last < 1:
        raise ValueError(f"no output_padding reaches target{where} ({target}): {base}, which is "
                         f"empty for every allowed op (0..{limit - 1}); reduce padding ({p})")
    reach = (f"the reachable sizes are {first}..{last} (op = {first - raw}..{limit - 1}, "
             f"op < max(stride, dilation) = {limit})")
    if op < 0:
        raise ValueError(
            f"no output_padding reaches target{where} ({target}): {base}, so {reach}; the "
            f"target is {raw - target} too small: output_padding cannot be negative "
            f"(increase padding or use a smaller kernel)")
    raise ValueError(
        f"no output_padding reaches target{where} ({target}): {base}, so {reach}; the target "
        f"is {target - last} too large (use a larger n_in, kernel_size or stride, or less "
        f"padding)")


def output_padding_for(n_in, target, kernel_size, stride=1, padding=0, dilation=1):
    """The ``output_padding`` that makes a transposed convolution produce ``target`` samples.

    Solves :math:`s(n_\\text{in}-1) + d(k-1) + 1 - 2p + \\text{op} = n_\\text{target}` for
    :math:`\\text{op}` under torch's rule :math:`0 \\le \\text{op} < \\max(s, d)`.

    Parameters
    ----------
    n_in : int or pair of ints
        Input size of the transposed convolution.
    target : int or pair of ints
        Wanted output size.
    kernel_size, stride, padding, dilation : int or pair of ints
        As in :func:`torch.nn.functional.conv_transpose2d`. A pair in any argument makes the
        call 2-D (ints are used for both dimensions).

    Returns
    -------
    int or tuple of ints
        ``output_padding``: an int for a 1-D call, a pair for a 2-D call.

    Raises
    ------
    ValueError
        If no allowed ``output_padding`` reaches ``target``; the message gives the reachable
        sizes and says whether the target is too small or too large.
    TypeError
        If an argument is not an int or a tuple of ints.

    Examples
    --------
    >>> output_padding_for(3, 6, kernel_size=3, stride=2, padding=1)
    1
    >>> output_padding_for((3, 4), (6, 8), kernel_size=3, stride=2, padding=1)
    (1, 1)
    >>> output_padding_for(3, 7, kernel_size=3, stride=2, padding=1)
    Traceback (most recent call last):
    ...
    ValueError: no output_padding reaches target (7): with n_in=3, kernel_size=3, stride=2, padding=1, dilation=1 the output size is s(n_in-1) + d(k-1) + 1 - 2p + op = 5 + op, so the reachable sizes are 5..6 (op = 0..1, op < max(stride, dilation) = 2); the target is 1 too large (use a larger n_in, kernel_size or stride, or less padding)
    """
    args = dict(n_in=n_in, target=target, kernel_size=kernel_size, stride=stride,
                padding=padding, dilation=dilation)
    ndim = _dims(args)
    if ndim is None:
        return _output_padding_1d(**args)
    return tuple(_output_padding_1d(**a, where=f" in dimension {i}")
                 for i, a in enumerate(_per_dim(args, ndim)))


def conv_input_sizes(n_out, kernel_size, stride=1, padding=0, dilation=1):
    """Every input length that a forward convolution maps to ``n_out`` samples.

    Because of the floor in :func:`conv_output_size`, these form a run of ``stride``
    consecutive lengths (fewer when the shortest would be below 1): the *family* among which a
    transposed convolution's ``output_padding`` chooses.

    Parameters
    ----------
    n_out : int
        Output length of the forward convolution (positive).
    kernel_size, stride, padding, dilation : int
        As in :func:`torch.nn.functional.conv1d`.

    Returns
    -------
    range
        The input lengths ``n`` with ``conv_output_size(n, ...) == n_out``; element ``op`` of a
        full family is ``output_size(n_out, ..., output_padding=op)``.

    Examples
    --------
    >>> list(conv_input_sizes(3, kernel_size=3, stride=2, padding=1))
    [5, 6]
    >>> list(conv_input_sizes(4, kernel_size=4, stride=3, padding=1))
    [11, 12, 13]
    """
    m = as_int("n_out", n_out)
    if m < 1:
        raise ValueError(f"n_out ({m}) must be a positive integer")
    _, k, s, p, d = scalar_params(1, kernel_size, stride, padding, dilation)
    first = _raw_size(m, k, s, p, d)
    return range(max(first, 1), max(first + s, 1))


def decoder_params(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Parameters of the transposed convolution that undoes the shapes of an encoder conv.

    An encoder convolution maps ``input_size`` to ``conv_output_size(input_size, ...)``. The
    transposed convolution with the same kernel size, stride, padding and dilation, and the
    ``output_padding`` returned here, maps that size back to ``input_size`` exactly.

    Parameters
    ----------
    input_size : int or pair of ints
        The encoder convolution's input size.
    kernel_size, stride, padding, dilation : int or pair of ints
        The encoder convolution's parameters (as in :func:`torch.nn.functional.conv2d`,
        numeric padding only).

    Returns
    -------
    dict
        Keyword arguments ``kernel_size, stride, padding, output_padding, dilation`` for
        :class:`torch.nn.ConvTranspose2d` (or, without ``kernel_size``, for
        :func:`torch.nn.functional.conv_transpose2d`); ints for a 1-D call, pairs for 2-D.

    Raises
    ------
    ValueError
        If the encoder's output would be empty.

    Examples
    --------
    >>> decoder_params(6, kernel_size=3, stride=2, padding=1)
    {'kernel_size': 3, 'stride': 2, 'padding': 1, 'output_padding': 1, 'dilation': 1}
    >>> decoder_params((28, 27), kernel_size=3, stride=2, padding=1)["output_padding"]
    (1, 0)
    """
    args = dict(input_size=input_size, kernel_size=kernel_size, stride=stride,
                padding=padding, dilation=dilation)
    ndim = _dims(args)
    per_dim = [args] if ndim is None else _per_dim(args, ndim)
    ops = []
    for a in per_dim:
        n, k, s, p, d = a["input_size"], a["kernel_size"], a["stride"], a["padding"], \
            a["dilation"]
        m = conv_output_size(n, k, s, p, d)
        ops.append(_output_padding_1d(m, as_int("input_size", n), k, s, p, d))
    pick = (lambda key: a[key]) if ndim is None else \
        (lambda key: tuple(d[key] for d in per_dim))
    out = {key: pick(key) for key in ("kernel_size", "stride", "padding")}
    out["output_padding"] = ops[0] if ndim is None else tuple(ops)
    out["dilation"] = pick("dilation")
    return out


class UpsamplingRecipe(NamedTuple):
    """One transposed-convolution configuration that upsamples by exactly ``stride``."""

    kernel_size: int
    stride: int
    padding: int
    output_padding: int
    dilation: int
    #: Kernel taps that reach each *output* phase ``o mod stride``, away from the borders
    #: (``stride`` entries, phase 0 first). Output ``o`` is canvas position ``o + padding``,
    #: so the padding rotates the canvas phases; equal entries = even overlap, a 0 = a hole.
    taps_per_phase: tuple

    @property
    def even(self):
        """True when every output position gets the same number of stamps (away from the
        borders): no checkerboard from uneven overlap."""
        return len(set(self.taps_per_phase)) == 1

    @property
    def holes(self):
        """True when some output phase gets no tap at all (for ``dilation=1``: ``k < s``): those
        outputs are 0 (plus the bias) whatever the input."""
        return 0 in self.taps_per_phase

    def kwargs(self):
        """Keyword arguments for ``torch.nn.ConvTranspose1d/2d``."""
        return dict(kernel_size=self.kernel_size, stride=self.stride, padding=self.padding,
                    output_padding=self.output_padding, dilation=self.dilation)


def upsampling_recipes(scale, max_kernel_size=None, dilation=1):
    """Every ``(k, s, p, op)`` whose transposed convolution maps ``n`` samples to ``scale * n``.

    With :math:`n_\\text{out} = s(n-1) + d(k-1) + 1 - 2p + \\text{op}`, the output is
    ``scale * n`` for *every* ``n`` exactly when :math:`s = \\text{scale}` and
    :math:`d(k-1) + 1 - 2p + \\text{op} = s`, with :math:`0 \\le \\text{op} < \\max(s, d)`.

    Parameters
    ----------
    scale : int
        Upsampling factor (positive); it is the stride.
    max_kernel_size : int, optional
        Largest kernel size to list; default ``2 * scale + 1``.
    dilation : int
        Kernel dilation (default 1).

    Returns
    -------
    list of UpsamplingRecipe
        Sorted by kernel size, then padding. ``recipe.taps_per_phase[r]`` counts the taps that
        reach output phase ``r`` (canvas phase ``(r + p) mod s``); ``recipe.even`` tells whether
        the stamps overlap evenly (for ``dilation=1``: ``k`` a multiple of ``s``) and
        ``recipe.holes`` whether some phase is never painted (for ``dilation=1``: ``k < s``).

    Examples
    --------
    >>> [(r.kernel_size, r.padding, r.output_padding) for r in upsampling_recipes(2)]
    [(1, 0, 1), (2, 0, 0), (3, 1, 1), (4, 1, 0), (5, 2, 1)]
    >>> [r.kernel_size for r in upsampling_recipes(2) if r.even]
    [2, 4]
    >>> [(r.kernel_size, r.padding, r.taps_per_phase) for r in upsampling_recipes(2)][2]
    (3, 1, (1, 2))
    >>> [r.kernel_size for r in upsampling_recipes(2) if r.holes]
    [1]
    """
    s = positive_int("scale", scale)
    d = positive_int("dilation", dilation)
    kmax = 2 * s + 1 if max_kernel_size is None else as_int("max_kernel_size", max_kernel_size)
    if kmax < 1:
        raise ValueError(f"max_kernel_size ({kmax}) must be a positive integer")
    out = []
    for k in range(1, kmax + 1):
        for op in range(max(s, d)):
            twice_p = d * (k - 1) + 1 + op - s          # 2p must be even and >= 0
            if twice_p >= 0 and twice_p % 2 == 0:
                p = twice_p // 2
                canvas_taps = [0] * s                   # taps per canvas phase (d a) mod s
                for a in range(k):
                    canvas_taps[(d * a) % s] += 1
                taps = tuple(canvas_taps[(r + p) % s] for r in range(s))   # output o = canvas o + p
                out.append(UpsamplingRecipe(k, s, p, op, d, taps))
    return sorted(out, key=lambda r: (r.kernel_size, r.padding))
