"""One test per bad-input rule: the right exception type, and a message that names the
parameter, shows its value and states the rule. Everything fails before any work is done."""

import re

import numpy as np
import pytest
import torch

import tconvlib as tc

X = np.ones((1, 2, 4, 4))
W = np.ones((2, 3, 3, 3))       # transposed-conv weight (C_in=2, C_out=3, 3, 3)


def ct(**kw):
    args = dict(input=X, weight=W)
    args.update(kw)
    return tc.conv_transpose2d(**args)


@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("value", [0, -1])
def test_non_positive_stride_and_dilation(name, value):
    with pytest.raises(ValueError, match=rf"^{name} \({value}\) must be a positive integer$"):
        ct(**{name: value})


def test_bad_entry_in_a_pair():
    with pytest.raises(ValueError, match=r"^stride \(1, 0\) must hold positive integers; "
                                         r"0 is not$"):
        ct(stride=(1, 0))
    with pytest.raises(ValueError, match=r"^padding \(-2,\) must hold non-negative integers"):
        tc.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1, 3)), padding=(-2,))


@pytest.mark.parametrize("name", ["stride", "padding", "dilation", "output_padding", "groups"])
@pytest.mark.parametrize("value", [2.0, "2", True, None])
def test_non_integer_parameters(name, value):
    with pytest.raises(TypeError, match=rf"{name} must be an int"):
        ct(**{name: value})


def test_non_positive_groups():
    with pytest.raises(ValueError, match=r"groups \(0\) must be a positive integer"):
        ct(groups=0)


@pytest.mark.parametrize("name", ["padding", "output_padding"])
def test_negative_padding(name):
    with pytest.raises(ValueError, match=rf"{name} \(-1\) must be a non-negative integer"):
        ct(**{name: -1})


def test_output_padding_rule_is_torchs():
    with pytest.raises(ValueError, match=re.escape(
            "output_padding (2) must be smaller than stride (2) or dilation (1)")):
        tc.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1, 3)), stride=2, output_padding=2)
    # allowed when smaller than the dilation, as in torch
    tc.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1, 3)), stride=1, dilation=2,
                        output_padding=1)


def test_wrong_tuple_length():
    with pytest.raises(ValueError, match=r"stride must be an int or a tuple of 2 ints in 2-D, "
                                         r"got \(1, 2, 3\) of length 3"):
        ct(stride=(1, 2, 3))


def test_kernel_size_zero():
    with pytest.raises(ValueError, match="kernel size k = 0; it must be at least 1"):
        tc.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1, 0)))


def test_empty_output():
    with pytest.raises(ValueError, match=r"output would be empty: size -1 .*reduce padding"):
        tc.conv_transpose1d(np.ones((1, 1, 1)), np.ones((1, 1, 1)), padding=1)
    with pytest.raises(ValueError, match="output would be empty"):
        tc.conv2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)))


@pytest.mark.parametrize("shape", [(4, 4), (1, 1, 2, 4, 4)])
def test_wrong_input_rank(shape):
    with pytest.raises(ValueError, match=r"input must be 3-D \(C_in, H, W\) or 4-D "
                                         r"\(N, C_in, H, W\), got \d-D with shape"):
        ct(input=np.ones(shape))


def test_wrong_weight_rank():
    with pytest.raises(ValueError, match=r"weight must be 4-D \(C_in, C_out/groups, kH, kW\), "
                                         r"got 3-D"):
        ct(weight=np.ones((2, 3, 3)))


def test_channel_mismatch():
    with pytest.raises(ValueError, match=r"input has 5 channels but weight expects C_in = 2"):
        ct(input=np.ones((1, 5, 4, 4)))
    with pytest.raises(ValueError, match=r"input has 3 channels but weight expects C_in = "
                                         r"groups \* weight.shape\[1\] = 1 \* 2 = 2"):
        tc.conv2d(np.ones((1, 3, 4, 4)), np.ones((4, 2, 3, 3)))


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"groups \(4\) must divide the weight's first "
                                         r"dimension C_in \(2\)"):
        ct(groups=4)
    with pytest.raises(ValueError, match=r"groups \(2\) must divide the input channels \(3\)"):
        tc.conv2d(np.ones((1, 3, 4, 4)), np.ones((4, 1, 3, 3)), groups=2)


def test_mismatched_bias():
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\) = \(3,\), got \(2,\)"):
        ct(bias=np.ones(2))


def test_spatially_empty_input():
    with pytest.raises(ValueError, match="input has spatial size W = 0"):
        ct(input=np.ones((1, 2, 4, 0)))


def test_mixed_backends():
    with pytest.raises(TypeError, match="all be numpy arrays or all be torch tensors"):
        ct(input=torch.ones(1, 2, 4, 4))


def test_torch_dtypes():
    with pytest.raises(TypeError, match="input must be a floating-point tensor, got dtype "
                                        "torch.int64"):
        tc.conv_transpose2d(torch.ones(1, 2, 4, 4, dtype=torch.long), torch.ones(2, 3, 3, 3))
    with pytest.raises(TypeError, match="weight has dtype torch.float32 but input has dtype "
                                        "torch.float64"):
        tc.conv_transpose2d(torch.ones(1, 2, 4, 4, dtype=torch.float64), torch.ones(2, 3, 3, 3))


def test_non_numeric_numpy():
    with pytest.raises(TypeError, match="input must hold numbers"):
        ct(input=np.array([[["a"]]]))


def test_string_padding_for_transposed():
    with pytest.raises(TypeError, match="padding must be an int or a tuple of ints, got the "
                                        "string 'same'"):
        ct(padding="same")


def test_same_padding_needs_stride_one():
    with pytest.raises(ValueError, match="padding='same' requires stride 1"):
        tc.conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), stride=2, padding="same")


def test_bad_method():
    with pytest.raises(ValueError, match=r"method \('fft'\) must be one of 'scatter', "
                                         r"'zero_insert', 'matrix'"):
        ct(method="fft")


def test_huge_output_is_refused_before_allocating():
    with pytest.raises(ValueError, match=r"the output would need .* GiB, more than the limit"):
        tc.conv_transpose2d(np.ones((1, 1, 1000, 1000)), np.ones((1, 1, 3, 3)), stride=1000)


def test_huge_zero_insert_intermediate_is_refused(monkeypatch):
    import tconvlib._validate as v
    monkeypatch.setattr(v, "MAX_BYTES", 200_000)
    x = np.ones((1, 64, 10, 10))
    with pytest.raises(ValueError, match="the zero-inserted input would need"):
        tc.conv_transpose2d(x, np.ones((64, 1, 1, 1)), stride=8, padding=0,
                            method="zero_insert")


@pytest.mark.parametrize("fn,args,pattern", [
    (tc.output_size, (0, 3), r"n_in \(0\) must be a positive integer"),
    (tc.output_size, (3, 0), r"kernel_size \(0\) must be a positive integer"),
    (tc.output_size, (3, 3, 2, 0, 2), r"output_padding \(2\) must be smaller than stride \(2\)"),
    (tc.output_size, (1, 1, 1, 1), r"output would be empty: .* = -1 < 1"),
    (tc.conv_output_size, (2, 5), r"output would be empty: the padded input"),
    (tc.overlap_count, (3, 2, 0), r"stride \(0\) must be a positive integer"),
])
def test_scalar_functions(fn, args, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn(*args)


def test_scalar_type_errors():
    with pytest.raises(TypeError, match=r"kernel_size must be an int, got 3.0 \(float\)"):
        tc.output_size(4, 3.0)


def test_messages_name_a_pair_once_and_count_one_channel_in_the_singular():
    """'output_padding ((2, 2))' and 'input has 1 channels' were typos in two messages."""
    x = np.ones((1, 1, 4, 4))
    with pytest.raises(ValueError) as err:
        tc.conv_transpose2d(x, np.ones((1, 1, 3, 3)), stride=(2, 2), output_padding=(2, 2))
    assert str(err.value).startswith("output_padding (2, 2) must be smaller than stride (2, 2) "
                                     "or dilation (1, 1)"), str(err.value)
    with pytest.raises(ValueError, match=r"output_padding \(2\) must be smaller than stride \(2\)"):
        tc.conv_transpose1d(np.ones((1, 1, 4)), np.ones((1, 1, 3)), stride=2, output_padding=2)
    for call in (lambda: tc.conv_transpose2d(x, np.ones((2, 1, 3, 3))),
                 lambda: tc.conv2d(x, np.ones((1, 2, 3, 3)))):
        with pytest.raises(ValueError, match=r"^input has 1 channel but weight expects C_in"):
            call()
