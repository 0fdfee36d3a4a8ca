"""The backend shim: chosen by type, torch imported lazily, BLAS accumulation in place."""

import numpy as np
import pytest

from conftest import run_fresh_python
from tconvlib._backend import get_backend


def test_numpy_only_use_does_not_import_torch():
    code = ("import numpy as np, sys, tconvlib as tc;"
            "tc.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2);"
            "tc.conv_matrix((1, 5), np.ones((1, 1, 3)));"
            "print('torch' in sys.modules)")
    assert run_fresh_python(code) == "False"


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128, np.float16])
@pytest.mark.parametrize("layout", ["C", "F"])
def test_numpy_addmm_accumulates_in_place(dtype, layout):
    rng = np.random.default_rng(0)
    be = get_backend(np.ones(1))
    big = np.zeros((10, 4), dtype=dtype)
    c = big[2:9]                          # a contiguous view, like a phase-image slice
    a = np.asarray(rng.standard_normal((7, 5)), dtype=dtype, order=layout)
    b = np.asarray(rng.standard_normal((5, 4)), dtype=dtype, order=layout)
    c += 1
    expected = 1 + a.astype(np.complex128) @ b.astype(np.complex128)
    be.addmm_(c, a, b)
    tol = 1e-2 if dtype == np.float16 else 1e-5
    np.testing.assert_allclose(big[2:9].astype(np.complex128), expected, rtol=tol, atol=tol)
    assert not big[:2].any() and not big[9:].any()


def test_torch_backend_is_reused():
    torch = pytest.importorskip("torch")
    assert get_backend(torch.ones(1)) is get_backend(torch.ones(2))
