"""The matrix view: a convolution is a (sparse, banded) matrix ``A``; the transposed
convolution is multiplication by ``A.T``."""

from __future__ import annotations

import numpy as np

from ._backend import get_backend
from ._validate import as_int, check_forward, check_memory, shape_str

__all__ = ["conv_matrix"]

#: ``conv_matrix`` returns a dense matrix (when ``sparse=None``) up to this many entries.
DENSE_MAX_ENTRIES = 1 << 22

# bytes per potential non-zero while the index arrays are built (several int64 temporaries)
_BUILD_BYTES_PER_ENTRY = 48


def matrix_entries(c_in, in_size, c_out, out_size, kernel, stride, pad_lo, dilation, groups):
    """Coordinates of the non-zeros of the convolution matrix.

    Row ``(co, i, j)`` of ``A`` (output channel and position, flattened C-order) reads input
    ``(ci, s*i + d*a - p, s*j + d*b - p)`` with weight ``w[co, ci % (C_in/groups), a, b]``.
    Returns ``rows, cols, weight_index`` (numpy int64 arrays; taps that fall into the padding
    are dropped). Structural zeros are never stored; a weight that happens to be 0 is stored,
    so NaN/inf propagate exactly as in a direct convolution.
    """
    (h, w), (ho, wo), (kh, kw) = in_size, out_size, kernel
    (sh, sw), (ph, pw), (dh, dw) = stride, pad_lo, dilation
    c_per, o_per = c_in // groups, c_out // groups
    co = np.arange(c_out).reshape(-1, 1, 1, 1, 1, 1)
    cl = np.arange(c_per).reshape(1, -1, 1, 1, 1, 1)
    a = np.arange(kh).reshape(1, 1, -1, 1, 1, 1)
    b = np.arange(kw).reshape(1, 1, 1, -1, 1, 1)
    i = np.arange(ho).reshape(1, 1, 1, 1, -1, 1)
    j = np.arange(wo).reshape(1, 1, 1, 1, 1, -1)
    r = sh * i + dh * a - ph
    c = sw * j + dw * b - pw
    full = (c_out, c_per, kh, kw, ho, wo)
    valid = np.broadcast_to((r >= 0) & (r < h) & (c >= 0) & (c < w), full)
    ci = (co // o_per) * c_per + cl
    rows = np.broadcast_to((co * ho + i) * wo + j, full)[valid]
    cols = np.broadcast_to((ci * h + r) * w + c, full)[valid]
    widx = tuple(np.broadcast_to(t, full)[valid] for t in (co, cl, a, b))
    return rows, cols, widx


def conv_matrix(input_shape, weight, stride=1, padding=0, dilation=1, groups=1, *, sparse=None):
    """The matrix ``A`` of a convolution: ``conv(x).ravel() == A @ x.ravel()``.

    Parameters
    ----------
    input_shape : tuple of int
        ``(C_in, L)`` for a 1-D weight, ``(C_in, H, W)`` for a 2-D weight (no batch axis).
    weight : array or tensor
        The convolution's weight, ``(C_out, C_in/groups, k)`` or ``(C_out, C_in/groups, kH, kW)``
        (torch's ``conv1d``/``conv2d`` layout).
    stride, padding, dilation, groups
        As in :func:`tconvlib.conv2d` (``padding`` may also be ``'valid'`` or ``'same'``).
    sparse : bool or None
        ``None`` (default): dense up to ``DENSE_MAX_ENTRIES`` (about 4 million) entries, sparse
        beyond. ``True``: always sparse (``scipy.sparse.csr_array`` for numpy weights, a coalesced
        ``torch.sparse_coo_tensor`` for torch weights). ``False``: always dense.

    Returns
    -------
    array, tensor or sparse matrix
        Shape ``(C_out * prod(out_size), C_in * prod(input_size))``, on the weight's backend,
        device and dtype.

    Notes
    -----
    ``A.T`` is the transposed convolution with the *same* weight tensor: for ``y`` of the conv's
    output shape, ``(A.T @ y.ravel())`` equals ``conv_transpose2d(y, weight, stride=stride,
    padding=padding, dilation=dilation, groups=groups, output_padding=op).ravel()`` where ``op``
    is chosen so that the transposed output lands on ``input_shape``.

    Raises
    ------
    ValueError
        For invalid arguments, and at once (before allocating) when the matrix would exceed the
        memory limit, dense or even sparse.

    Examples
    --------
    >>> import numpy as np
    >>> A = conv_matrix((1, 5), np.array([[[1., 2., 3.]]]), stride=2)
    >>> A
    array([[1., 2., 3., 0., 0.],
           [0., 0., 1., 2., 3.]])
    >>> A.shape                     # 5 inputs -> 2 outputs; A.T maps 2 -> 5
    (2, 5)
    """
    if not isinstance(input_shape, (tuple, list)):
        raise TypeError(f"input_shape must be a tuple (C_in, L) or (C_in, H, W), "
                        f"got {input_shape!r}")
    shape = tuple(as_int("input_shape", v) for v in input_shape)
    backend = get_backend(weight)
    ndim = int(getattr(weight, "ndim", np.ndim(weight))) - 2
    if ndim not in (1, 2):
        raise ValueError(f"weight must be 3-D (C_out, C_in/groups, k) or 4-D "
                         f"(C_out, C_in/groups, kH, kW), got shape "
                         f"{shape_str(np.shape(weight))}")
    if len(shape) != ndim + 1:
        want = "(C_in, L)" if ndim == 1 else "(C_in, H, W)"
        raise ValueError(f"input_shape {shape_str(shape)} must be {want} for a "
                         f"{ndim}-D weight of shape {shape_str(weight.shape)}")
    if min(shape) < 1:
        raise ValueError(f"input_shape {shape_str(shape)} must have positive entries")
    if sparse not in (None, True, False):
        raise TypeError(f"sparse must be None, True or False, got {sparse!r}")
    # validate everything else with the forward-conv rules, on an empty batch
    if backend.name == "torch":
        dummy = backend.zeros((0,) + shape, like=weight)
    else:
        kind = np.asarray(weight).dtype.kind
        dummy = np.zeros((0,) + shape, dtype=np.asarray(weight).dtype if kind in "fc" else float)
    spec = check_forward(dummy, weight, None, stride, padding, dilation, groups, ndim)
    return build_matrix(spec, (shape[0], spec.in_size), (spec.out_channels, spec.out_size),
                        tuple(lo for lo, _ in spec.padding), sparse, transpose=False)


def build_matrix(spec, in_dims, out_dims, pad_lo, sparse, transpose):
    """Assemble ``A`` (or ``A.T`` if ``transpose``) for the weight, kernel, stride, dilation
    and groups of a validated ``spec``. ``in_dims``/``out_dims`` are ``(channels, (H, W))`` of
    the convolution's input and output; ``pad_lo`` the padding before each spatial axis."""
    backend, w = spec.backend, spec.w
    (c_in, in_size), (c_out, out_size) = in_dims, out_dims
    shape = (c_out * out_size[0] * out_size[1], c_in * in_size[0] * in_size[1])
    nnz_max = c_out * (c_in // spec.groups) * spec.kernel[0] * spec.kernel[1] \
        * out_size[0] * out_size[1]
    itemsize = backend.itemsize(w)
    dense_bytes = shape[0] * shape[1] * itemsize
    if sparse is None:
        sparse = shape[0] * shape[1] > DENSE_MAX_ENTRIES
    if not sparse:
        check_memory(dense_bytes, f"the dense {shape[0]} x {shape[1]} matrix "
                     "(pass sparse=True for a sparse one)")
    check_memory(nnz_max * _BUILD_BYTES_PER_ENTRY,
                 f"the sparse {shape[0]} x {shape[1]} matrix with up to {nnz_max} non-zeros")
    rows, cols, widx = matrix_entries(c_in, in_size, c_out, out_size, spec.kernel, spec.stride,
                                      pad_lo, spec.dilation, spec.groups)
    values = backend.take(w, widx)
    if transpose:
        rows, cols, shape = cols, rows, (shape[1], shape[0])
    if sparse:
        return backend.sparse(rows, cols, values, shape)
    return backend.dense(rows, cols, values, shape, like=w)
