import pytest
import torch

import tconvlib as tc


def test_default_device():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert tc.default_device().type == expected
    assert tc.default_device("cpu").type == "cpu"


def test_default_device_rejects_unknown():
    with pytest.raises(ValueError, match=r"prefer \('tpu'\) must be 'cuda', 'mps' or 'cpu'"):
        tc.default_device("tpu")
