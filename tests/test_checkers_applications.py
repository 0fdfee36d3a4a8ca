"""Exercise checkers of chapter 10, applications (`tconvlib/checkers/applications.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "applications/generator-size",
    "applications/nearest-weight",
    "applications/subpixel-kernel",
    "applications/unet-op",
}


def test_applications_exercises_are_registered():
    assert set(exercise_ids("applications/")) == EXERCISES


def test_unet_op():
    def enc(n):
        return (n - 1) // 2 + 1                       # ceil(n / 2), computed independently
    n1, n2 = enc(38), enc(enc(38))
    ops = (n1 - (2 * (n2 - 1) + 1), 38 - (2 * (n1 - 1) + 1))
    assert verdict("applications/unet-op", ops)
    assert_hint("applications/unet-op", ops[::-1], "wrong order")
    assert_hint("applications/unet-op", (1, 1), "ceil(n/2)")
    assert not verdict("applications/unet-op", 3)


def test_generator_size():
    import torch
    layers = [torch.nn.ConvTranspose2d(1, 1, k, stride=s, padding=p)
              for k, s, p in ((4, 1, 0), (3, 2, 1), (3, 2, 1), (4, 2, 1))]
    side = torch.nn.Sequential(*layers)(torch.zeros(1, 1, 1, 1)).shape[-1]
    assert verdict("applications/generator-size", side)
    assert_hint("applications/generator-size", 32, "does not always double")
    assert not verdict("applications/generator-size", 26.5)


def test_subpixel_kernel():
    # build the equivalent transposed conv for random sub-kernels and measure its size
    rng = np.random.default_rng(0)
    sub = rng.standard_normal((2, 3))
    w = np.zeros(6)
    for a in range(2):
        for t in range(3):
            w[a + 2 + 2 * (1 - t)] = sub[a, t]
    x = rng.standard_normal(7)
    phases = [tc.conv1d(x[None], sub[a][None, None], padding=1)[0] for a in range(2)]
    ref = np.stack(phases, axis=-1).reshape(-1)
    np.testing.assert_allclose(tc.conv_transpose1d(x[None], w[None, None], stride=2,
                                                   padding=2)[0], ref, atol=1e-12)
    assert verdict("applications/subpixel-kernel", len(w))
    assert_hint("applications/subpixel-kernel", 3, "every phase")
    assert_hint("applications/subpixel-kernel", 5, "span of one phase")


def test_nearest_weight():
    right = lambda c: np.eye(c)[:, :, None, None] * np.ones((1, 1, 2, 2))  # noqa: E731
    assert verdict("applications/nearest-weight", right)
    assert_hint("applications/nearest-weight", lambda c: np.ones((c, c, 2, 2)), "sums every")
    assert_hint("applications/nearest-weight", lambda c: 0.5 * right(c), "copied unchanged")
    assert not verdict("applications/nearest-weight", lambda c: np.ones((c, c, 3, 3)))
    assert "not implemented" in verdict("applications/nearest-weight", _raises).message


def _raises(*args):
    raise NotImplementedError
