"""Reference forward convolution against torch (float64)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import tconvlib as tc
from conftest import make_arrays, torch_or_none, transposed_configs


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@given(cfg=transposed_configs(), padding=st.sampled_from([None, "valid", "same"]))
def test_conv_matches_torch(cfg, padding):
    x, w, b = make_arrays(cfg, transposed=False)
    pad = cfg["padding"] if padding is None else padding
    stride = 1 if padding == "same" else cfg["stride"]
    kw = dict(stride=stride, padding=pad, dilation=cfg["dilation"], groups=cfg["groups"])
    fn, ref_fn = ((tc.conv1d, F.conv1d) if cfg["ndim"] == 1 else (tc.conv2d, F.conv2d))
    try:
        ref = ref_fn(torch.as_tensor(x), torch.as_tensor(w), torch_or_none(b), **kw).numpy()
    except RuntimeError:
        # torch refuses (the kernel is longer than the padded input): so must we
        with pytest.raises(ValueError, match="output would be empty"):
            fn(x, w, b, **kw)
        return
    np.testing.assert_allclose(fn(x, w, b, **kw), ref, rtol=1e-10, atol=1e-10)
    t = fn(torch.as_tensor(x), torch.as_tensor(w), torch_or_none(b), **kw)
    np.testing.assert_allclose(t.numpy(), ref, rtol=1e-10, atol=1e-10)


def test_conv_on_device(device):
    torch.manual_seed(0)
    x = torch.randn(2, 4, 7, 6, device=device)
    w = torch.randn(6, 2, 3, 3, device=device)
    out = tc.conv2d(x, w, stride=2, padding=1, groups=2)
    assert out.device.type == device.type
    torch.testing.assert_close(out, F.conv2d(x, w, stride=2, padding=1, groups=2),
                               rtol=1e-4, atol=1e-4)


def test_same_padding_with_even_kernel_pads_more_on_the_right():
    x = np.arange(6.0)[None]
    w = np.array([[[1.0, 10.0, 100.0, 1000.0]]])
    np.testing.assert_array_equal(tc.conv1d(x, w, padding="same"),
                                  [[2100, 3210, 4321, 5432, 543, 54]])
