"""Output sizes of convolutions and transposed convolutions, one spatial dimension at a time."""

from __future__ import annotations

from ._validate import scalar_params

__all__ = ["output_size", "conv_output_size"]


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
