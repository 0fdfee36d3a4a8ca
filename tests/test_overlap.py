"""overlap_count equals the transposed convolution of ones with ones."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import tconvlib as tc


@given(n=st.integers(1, 8), k=st.integers(1, 5), s=st.integers(1, 4), d=st.integers(1, 3),
       data=st.data())
def test_overlap_is_ones_painted_with_ones(n, k, s, d, data):
    op = data.draw(st.integers(0, max(s, d) - 1))
    p = data.draw(st.integers(0, (s * (n - 1) + d * (k - 1) + op) // 2))
    ref = F.conv_transpose1d(torch.ones(1, 1, n, dtype=torch.float64),
                             torch.ones(1, 1, k, dtype=torch.float64), stride=s, padding=p,
                             output_padding=op, dilation=d)[0, 0].numpy()
    counts = tc.overlap_count(n, k, s, p, op, d)
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts, ref)


def test_2d_map_is_the_outer_product_and_matches_torch():
    counts = tc.overlap_count((4, 5), kernel_size=(3, 4), stride=(2, 3), padding=(1, 0))
    ref = F.conv_transpose2d(torch.ones(1, 1, 4, 5), torch.ones(1, 1, 3, 4), stride=(2, 3),
                             padding=(1, 0))[0, 0].numpy()
    np.testing.assert_array_equal(counts, ref)


def test_classic_pattern_s2_k3():
    counts = tc.overlap_count(6, 3, 2)
    np.testing.assert_array_equal(counts, [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1])
    assert set(np.unique(tc.overlap_count((6, 6), 3, 2, padding=1))) == {1, 2, 4}
    # k < s leaves holes
    assert (tc.overlap_count(4, 1, 2) == 0).any()
