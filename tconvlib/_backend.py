"""The array-backend shim: the handful of operations that differ between numpy and torch.

Every algorithm in tconvlib is written once, against this shim. The backend is chosen by the
type of the arguments; torch is imported lazily (only when a torch tensor is passed), so
numpy-only users never pay for importing it. Torch results stay on the input's device and dtype:
all arithmetic on data is done with torch ops on that device.
"""

from __future__ import annotations

import contextlib
import sys

import numpy as np

__all__ = ["get_backend", "is_torch"]


def is_torch(x) -> bool:
    """True if ``x`` is a ``torch.Tensor`` (without importing torch when it is not loaded)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


class _NumpyBackend:
    name = "numpy"

    @staticmethod
    def zeros(shape, like):
        return np.zeros(shape, dtype=like.dtype)

    @staticmethod
    def permute(x, axes):
        return x.transpose(axes)

    @staticmethod
    def flip(x, axes):
        return np.flip(x, axes)

    @staticmethod
    def contiguous(x):
        return np.ascontiguousarray(x)

    @staticmethod
    def itemsize(x):
        return x.dtype.itemsize

    @staticmethod
    def take(x, index_arrays):
        return x[tuple(index_arrays)]

    @staticmethod
    def sparse(rows, cols, values, shape):
        import scipy.sparse

        return scipy.sparse.csr_array((values, (rows, cols)), shape=shape)

    @staticmethod
    def dense(rows, cols, values, shape, like):
        out = np.zeros(shape, dtype=like.dtype)
        out[rows, cols] = values
        return out

    @staticmethod
    def sparse_matmul(a, b):
        # scipy sparse @ dense 2-D array -> dense ndarray; only stored entries are multiplied.
        return np.asarray(a @ b)

    @staticmethod
    def all_finite(x):
        return bool(np.isfinite(x).all())

    @staticmethod
    def quiet():
        """NaN/inf arithmetic is silent, as in torch (no RuntimeWarnings)."""
        return np.errstate(invalid="ignore", over="ignore", divide="ignore")

    @staticmethod
    def addmm_(c, a, b):
        """In place ``c += a @ b``. 2-D float/complex: one BLAS gemm with beta=1 writing
        straight into ``c`` (no temporary); anything else: ``c += a @ b``."""
        if c.size == 0 or a.shape[-1] == 0:
            return c
        if c.ndim == 2 and c.flags.c_contiguous and c.dtype.char in "fdFD" \
                and a.dtype == b.dtype == c.dtype:
            from scipy.linalg.blas import get_blas_funcs

            gemm = get_blas_funcs("gemm", dtype=c.dtype)
            # row-major c = a @ b is column-major c.T = b.T @ a.T; hand BLAS F-ordered views
            first, trans_a = (b.T, 0) if b.T.flags.f_contiguous else (b, 1)
            second, trans_b = (a.T, 0) if a.T.flags.f_contiguous else (a, 1)
            r = gemm(1.0, first, second, beta=1.0, c=c.T, trans_a=trans_a, trans_b=trans_b,
                     overwrite_c=1)
            if not np.shares_memory(r, c):  # the wrapper had to copy: write the result back
                c[...] = r.T
            return c
        c += a @ b
        return c


class _TorchBackend:
    name = "torch"

    def __init__(self):
        import torch

        self.torch = torch

    def zeros(self, shape, like):
        return self.torch.zeros(shape, dtype=like.dtype, device=like.device)

    @staticmethod
    def permute(x, axes):
        return x.permute(*axes)

    def flip(self, x, axes):
        return self.torch.flip(x, dims=tuple(axes))

    @staticmethod
    def contiguous(x):
        return x.contiguous()

    @staticmethod
    def itemsize(x):
        return x.element_size()

    def _index(self, idx, like):
        return self.torch.as_tensor(idx, dtype=self.torch.long, device=like.device)

    def take(self, x, index_arrays):
        return x[tuple(self._index(i, x) for i in index_arrays)]

    def sparse(self, rows, cols, values, shape):
        torch = self.torch
        indices = torch.stack([self._index(rows, values), self._index(cols, values)])
        return torch.sparse_coo_tensor(indices, values, size=shape,
                                       check_invariants=True).coalesce()

    def dense(self, rows, cols, values, shape, like):
        out = self.zeros(shape, like)
        out[self._index(rows, like), self._index(cols, like)] = values
        return out

    def sparse_matmul(self, a, b):
        return self.torch.sparse.mm(a, b)

    def all_finite(self, x):
        return bool(self.torch.isfinite(x).all())

    @staticmethod
    def quiet():
        return contextlib.nullcontext()

    @staticmethod
    def addmm_(c, a, b):
        """In place ``c += a @ b`` (batched when 3-D)."""
        return c.addmm_(a, b) if c.dim() == 2 else c.baddbmm_(a, b)


_NUMPY = _NumpyBackend()
_TORCH = None


def get_backend(*arrays):
    """Return the backend for ``arrays`` (``None`` entries are ignored).

    All arrays must come from one library: mixing numpy arrays and torch tensors raises a
    ``TypeError`` rather than silently copying data between host and device.
    """
    global _TORCH
    kinds = {is_torch(a) for a in arrays if a is not None}
    if kinds == {True, False}:
        raise TypeError(
            "input, weight and bias must all be numpy arrays or all be torch tensors; "
            "got a mix (convert with torch.as_tensor(...) or tensor.numpy() first)"
        )
    if kinds == {True}:
        if _TORCH is None:
            _TORCH = _TorchBackend()
        return _TORCH
    return _NUMPY
