"""Argument checks shared by every public function.

Everything is checked before any work is done. Errors are ``TypeError`` (wrong kind of value) or
``ValueError`` (right kind, wrong value); each message names the parameter, shows the offending
value and states the rule, e.g. ``output_padding (2) must be smaller than stride (2) or dilation
(1)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._backend import get_backend, is_torch

#: Largest allocation (bytes) any tconvlib function may make for one array. Requests that would
#: exceed it fail at once with a ValueError instead of exhausting memory.
MAX_BYTES = 1 << 30

_DIM_NAMES = {1: ("L",), 2: ("H", "W")}


def _fmt(value):
    if isinstance(value, tuple) and len(value) == 1:
        return f"({value[0]},)"
    return repr(value) if isinstance(value, str) else str(value)


def _in_parens(values):
    """``(2)`` for one value, ``(2, 3)`` for a pair: never ``((2, 3))``."""
    values = tuple(values)
    return f"({values[0]})" if len(values) == 1 else str(values)


def _channels(count):
    return f"{count} channel" + ("" if count == 1 else "s")


def as_int(name, value):
    """Return ``value`` as a Python int, or raise TypeError naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_fmt(value)} ({type(value).__name__})")
    return int(value)


def positive_int(name, value):
    """Return ``value`` as an int >= 1, or raise TypeError/ValueError naming ``name``."""
    value = as_int(name, value)
    if value < 1:
        raise ValueError(f"{name} ({value}) must be a positive integer")
    return value


def numeric_array(name, x):
    """A numpy array of numbers (ints and bools become float64), or the torch tensor itself.

    Non-numeric input raises TypeError naming ``name``. (Unlike the convolutions' operand
    check, integer torch tensors are passed through; callers that compute decide.)
    """
    if is_torch(x):
        return x
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array or tensor of numbers: {exc}") from None
    if a.dtype.kind in "biu":
        a = a.astype(np.float64)
    elif a.dtype.kind not in "fc":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {a.dtype}")
    return a


def int_tuple(name, value, ndim, minimum):
    """Normalise an int-or-tuple parameter to a tuple of ``ndim`` ints, each ``>= minimum``."""
    if isinstance(value, (list, tuple)):
        if len(value) != ndim:
            kind = "an int or a tuple of 1 int" if ndim == 1 else f"an int or a tuple of {ndim} ints"
            raise ValueError(
                f"{name} must be {kind} in {ndim}-D, got {_fmt(tuple(value))} of length {len(value)}"
            )
        items = tuple(value)
    elif isinstance(value, str):
        raise TypeError(f"{name} must be an int or a tuple of ints, got the string {value!r}")
    else:
        items = (value,) * ndim
    try:
        out = tuple(as_int(name, v) for v in items)
    except TypeError:
        raise TypeError(
            f"{name} must be an int or a tuple of ints, got {_fmt(value)} ({type(value).__name__})"
        ) from None
    rule = "a positive integer" if minimum == 1 else "a non-negative integer"
    for v in out:
        if v < minimum:
            if isinstance(value, (list, tuple)):
                plural = "positive integers" if minimum == 1 else "non-negative integers"
                raise ValueError(f"{name} {_fmt(tuple(value))} must hold {plural}; {v} is not")
            raise ValueError(f"{name} ({v}) must be {rule}")
    return out


def check_output_padding(output_padding, stride, dilation):
    """torch's rule: each output_padding must be smaller than its stride or its dilation."""
    for op, s, d in zip(output_padding, stride, dilation):
        if not (op < s or op < d):
            raise ValueError(
                f"output_padding {_in_parens(output_padding)} must be smaller than stride "
                f"{_in_parens(stride)} or dilation {_in_parens(dilation)} in every dimension"
            )


def check_memory(nbytes, what):
    """Refuse an allocation above :data:`MAX_BYTES` before it is attempted."""
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"{what} would need {nbytes / 2**30:.2f} GiB, more than the limit of "
            f"{MAX_BYTES / 2**30:.2f} GiB (tconvlib._validate.MAX_BYTES); use smaller sizes"
        )


def _as_array(name, x, backend):
    """Convert ``x`` for ``backend`` and check its dtype (numpy ints/bools become float64)."""
    if backend.name == "torch":
        if not (x.is_floating_point() or x.is_complex()):
            raise TypeError(
                f"{name} must be a floating-point tensor, got dtype {x.dtype} "
                f"(convert with .double() or .float())"
            )
        return x
    return numeric_array(name, x)


def arrays(input, weight, bias):
    """Pick the backend and bring input, weight, bias to one dtype (torch: require it)."""
    backend = get_backend(input, weight, bias)
    x = _as_array("input", input, backend)
    w = _as_array("weight", weight, backend)
    b = None if bias is None else _as_array("bias", bias, backend)
    if backend.name == "torch":
        for name, t in (("weight", w), ("bias", b)):
            if t is None:
                continue
            if t.dtype != x.dtype:
                raise TypeError(f"{name} has dtype {t.dtype} but input has dtype {x.dtype}; "
                                "they must match (as in torch)")
            if t.device != x.device:
                raise TypeError(f"{name} is on device {t.device} but input is on {x.device}; "
                                "move them to one device")
    else:
        dtype = np.result_type(x, w, *(() if b is None else (b,)))
        x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
        b = None if b is None else b.astype(dtype, copy=False)
    return backend, x, w, b


def shape_str(shape):
    """``(2,)`` for a 1-tuple, ``(2, 3)`` otherwise."""
    shape = tuple(int(s) for s in shape)
    return str(shape)


@dataclass
class ConvSpec:
    """Normalised arguments of a (transposed) convolution, lifted to two spatial dimensions."""

    backend: object
    x: object            # (N, C_in, H, W)
    w: object            # (C_?, C_?/groups, kH, kW)
    bias: object
    stride: tuple
    padding: tuple       # ((lo_H, hi_H), (lo_W, hi_W)) for conv; (p_H, p_W) for transposed
    output_padding: tuple
    dilation: tuple
    groups: int
    kernel: tuple
    in_size: tuple       # (H, W)
    out_size: tuple      # (H_out, W_out)
    out_channels: int
    ndim: int
    batched: bool

    def finish(self, out):
        """Add the bias, then drop the dimensions that were added to lift to 2-D."""
        if self.bias is not None:
            out = out + self.bias.reshape(1, -1, 1, 1)
        if self.ndim == 1:
            out = out[:, :, 0, :]
        if not self.batched:
            out = out[0]
        return out


def _lift(name, arr, ndim, layout):
    """Check rank; return a 4-D array and whether the input was batched."""
    dims = _DIM_NAMES[ndim]
    batched_rank, unbatched_rank = ndim + 2, ndim + 1
    if name == "weight":
        if arr.ndim != batched_rank:
            raise ValueError(f"weight must be {batched_rank}-D {layout}, got {arr.ndim}-D "
                             f"with shape {shape_str(arr.shape)}")
        batched = True
    else:
        if arr.ndim not in (batched_rank, unbatched_rank):
            spatial = ", ".join(dims)
            raise ValueError(
                f"input must be {unbatched_rank}-D (C_in, {spatial}) or {batched_rank}-D "
                f"(N, C_in, {spatial}), got {arr.ndim}-D with shape {shape_str(arr.shape)}")
        batched = arr.ndim == batched_rank
        if not batched:
            arr = arr[None]
    if ndim == 1:
        arr = arr[:, :, None, :]
    return arr, batched


def _check_sizes(x, w, ndim):
    dims = _DIM_NAMES[ndim]
    in_size = tuple(int(s) for s in x.shape[2:])
    kernel = tuple(int(s) for s in w.shape[2:])
    for name, size in zip(dims, in_size[-ndim:]):
        if size < 1:
            raise ValueError(f"input has spatial size {name} = {size}; it must be at least 1 "
                             "(only the batch dimension may be empty)")
    for name, size in zip(("kH", "kW")[-ndim:] if ndim == 2 else ("k",), kernel[-ndim:]):
        if size < 1:
            raise ValueError(f"weight has kernel size {name} = {size}; it must be at least 1")
    if int(x.shape[1]) < 1:
        raise ValueError("input has 0 channels; it must have at least 1")
    return in_size, kernel


def _check_bias(bias, channels, backend):
    if bias is None:
        return None
    if tuple(bias.shape) != (channels,):
        raise ValueError(f"bias must have shape (C_out,) = ({channels},), "
                         f"got {shape_str(bias.shape)}")
    return bias


def _lift1(values, trivial, ndim):
    """Prefix the trivial height dimension to a 1-D parameter tuple."""
    return values if ndim == 2 else (trivial,) + values


def _positive_groups(groups):
    groups = as_int("groups", groups)
    if groups < 1:
        raise ValueError(f"groups ({groups}) must be a positive integer")
    return groups


def _show(values, ndim):
    return str(values[-1]) if ndim == 1 else str(tuple(values))


def _operands(input, weight, bias, ndim, layout):
    """Backend, 4-D input and weight, bias, batched flag, spatial sizes and kernel size."""
    backend, x, w, b = arrays(input, weight, bias)
    w, _ = _lift("weight", w, ndim, layout)
    x, batched = _lift("input", x, ndim, layout)
    in_size, kernel = _check_sizes(x, w, ndim)
    return backend, x, w, b, batched, in_size, kernel


def _spec(backend, x, w, b, batched, in_size, kernel, out_size, out_channels, ndim, stride,
          padding, output_padding, dilation, groups):
    """Refuse an output above the memory limit; bundle everything into a ConvSpec."""
    n = int(x.shape[0])
    check_memory(n * out_channels * out_size[0] * out_size[1] * backend.itemsize(x), "the output")
    return ConvSpec(backend, x, w, b, stride, padding, output_padding, dilation, groups, kernel,
                    in_size, out_size, out_channels, ndim, batched)


def check_transposed(input, weight, bias, stride, padding, output_padding, groups, dilation, ndim):
    """Validate the arguments of ``conv_transpose{ndim}d``; return a :class:`ConvSpec`."""
    layout = "(C_in, C_out/groups, k)" if ndim == 1 else "(C_in, C_out/groups, kH, kW)"
    stride = int_tuple("stride", stride, ndim, 1)
    dilation = int_tuple("dilation", dilation, ndim, 1)
    padding = int_tuple("padding", padding, ndim, 0)
    output_padding = int_tuple("output_padding", output_padding, ndim, 0)
    groups = _positive_groups(groups)
    check_output_padding(output_padding, stride, dilation)
    backend, x, w, b, batched, in_size, kernel = _operands(input, weight, bias, ndim, layout)
    c_in, c_w = int(x.shape[1]), int(w.shape[0])
    if c_w % groups:
        raise ValueError(f"groups ({groups}) must divide the weight's first dimension "
                         f"C_in ({c_w})")
    if c_in != c_w:
        raise ValueError(f"input has {_channels(c_in)} but weight expects C_in = {c_w} "
                         f"(weight layout {layout})")
    out_channels = int(w.shape[1]) * groups
    b = _check_bias(b, out_channels, backend)
    stride, dilation = _lift1(stride, 1, ndim), _lift1(dilation, 1, ndim)
    padding, output_padding = _lift1(padding, 0, ndim), _lift1(output_padding, 0, ndim)
    out_size = tuple(
        s * (n - 1) - 2 * p + d * (k - 1) + op + 1
        for n, k, s, p, op, d in zip(in_size, kernel, stride, padding, output_padding, dilation))
    if min(out_size) < 1:
        raise ValueError(
            f"output would be empty: size {_show(out_size, ndim)} from input size "
            f"{_show(in_size, ndim)}, kernel {_show(kernel, ndim)}, stride {_show(stride, ndim)}, "
            f"padding {_show(padding, ndim)}, output_padding {_show(output_padding, ndim)}, "
            f"dilation {_show(dilation, ndim)}; the rule is s(n-1) + d(k-1) + 1 - 2p + op >= 1 "
            "(reduce padding)")
    return _spec(backend, x, w, b, batched, in_size, kernel, out_size, out_channels, ndim,
                 stride, padding, output_padding, dilation, groups)


def conv_padding(padding, ndim, stride, dilation, kernel):
    """Normalise forward-conv padding (int, tuple, 'valid' or 'same') to (lo, hi) pairs."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"padding='same' requires stride 1, got stride "
                                 f"{_show(stride, ndim)}")
            pairs = []
            for d, k in zip(dilation, kernel):
                total = d * (k - 1)
                pairs.append((total // 2, total - total // 2))
            return tuple(pairs)
        raise ValueError(f"padding ({padding!r}) must be an int, a tuple of ints, "
                         "'valid' or 'same'")
    return tuple((p, p) for p in int_tuple("padding", padding, ndim, 0))


def check_forward(input, weight, bias, stride, padding, dilation, groups, ndim):
    """Validate the arguments of ``conv{ndim}d``; return a :class:`ConvSpec`."""
    layout = "(C_out, C_in/groups, k)" if ndim == 1 else "(C_out, C_in/groups, kH, kW)"
    stride = int_tuple("stride", stride, ndim, 1)
    dilation = int_tuple("dilation", dilation, ndim, 1)
    groups = _positive_groups(groups)
    backend, x, w, b, batched, in_size, kernel = _operands(input, weight, bias, ndim, layout)
    pads = conv_padding(padding, ndim, stride, dilation, kernel[-ndim:])
    c_in, c_out, c_w = int(x.shape[1]), int(w.shape[0]), int(w.shape[1])
    if c_out % groups:
        raise ValueError(f"groups ({groups}) must divide the weight's first dimension "
                         f"C_out ({c_out})")
    if c_in % groups:
        raise ValueError(f"groups ({groups}) must divide the input channels ({c_in})")
    if c_in != c_w * groups:
        raise ValueError(f"input has {_channels(c_in)} but weight expects C_in = "
                         f"groups * weight.shape[1] = {groups} * {c_w} = {groups * c_w} "
                         f"(weight layout {layout})")
    b = _check_bias(b, c_out, backend)
    stride, dilation = _lift1(stride, 1, ndim), _lift1(dilation, 1, ndim)
    pads = _lift1(pads, (0, 0), ndim)
    out_size = tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                     for n, k, s, (lo, hi), d in zip(in_size, kernel, stride, pads, dilation))
    if min(out_size) < 1:
        span = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
        padded = tuple(n + lo + hi for n, (lo, hi) in zip(in_size, pads))
        raise ValueError(
            f"output would be empty: the dilated kernel spans {_show(span, ndim)} but the "
            f"padded input is only {_show(padded, ndim)} (rule: n + 2p >= d(k-1) + 1)")
    return _spec(backend, x, w, b, batched, in_size, kernel, out_size, c_out, ndim, stride, pads,
                 (0, 0), dilation, groups)


def check_method(method, allowed):
    if method not in allowed:
        raise ValueError(f"method ({method!r}) must be one of {', '.join(map(repr, allowed))}")
    return method


def scalar_params(n_in, kernel_size, stride, padding, dilation, output_padding=None):
    """Validate the scalar arguments of the 1-D shape functions."""
    n_in = as_int("n_in", n_in)
    if n_in < 1:
        raise ValueError(f"n_in ({n_in}) must be a positive integer")
    k = as_int("kernel_size", kernel_size)
    if k < 1:
        raise ValueError(f"kernel_size ({k}) must be a positive integer")
    (s,) = int_tuple("stride", stride, 1, 1)
    (p,) = int_tuple("padding", padding, 1, 0)
    (d,) = int_tuple("dilation", dilation, 1, 1)
    if output_padding is None:
        return n_in, k, s, p, d
    (op,) = int_tuple("output_padding", output_padding, 1, 0)
    check_output_padding((op,), (s,), (d,))
    return n_in, k, s, p, d, op


__all__ = ["MAX_BYTES", "as_int", "int_tuple", "check_transposed", "check_forward",
           "check_memory", "check_method", "scalar_params", "is_torch"]
