"""Exercise checkers of chapter 9, alignment and padding (`tconvlib/checkers/alignment.py`): right answers pass,
typical mistakes get their specific hint, wrong types give a wrong verdict."""

import numpy as np
import pytest

import tconvlib as tc
from checker_tools import assert_hint, assert_hints_exclusive, verdict
from tconvlib.checkers import exercise_ids

EXERCISES = {
    "alignment/offset",
    "alignment/output-padding",
    "alignment/pix2pix-shift",
    "alignment/plan-code",
}


def test_alignment_exercises_are_registered():
    assert set(exercise_ids("alignment/")) == EXERCISES


def test_alignment_offset():
    right = (5 - 1) / 2 - 2 - (3 - 1) / 2                   # k = 5, s = 3, p = 2
    assert verdict("alignment/offset", right)
    assert_hints_exclusive("alignment/offset", {
        (5 - 1) / 2 - 2: "whose centre is s*i + (s-1)/2",    # block centre forgotten
        (5 - 1) / 2 - (3 - 1) / 2: "crops p positions",      # padding left out
    })


def test_alignment_output_padding():
    right = tuple(n - tc.output_size(tc.conv_output_size(n, 3, 2, 1), 3, 2, 1) for n in (14, 13))
    assert verdict("alignment/output-padding", right)
    assert_hint("alignment/output-padding", right[::-1], "swapped")
    assert_hint("alignment/output-padding", (0, 0), "the two sizes differ")


def test_alignment_pix2pix_shift():
    right = (4 - 1) / 2 - 1 - ((3 - 1) / 2 - 1)       # decoder centre minus encoder centre
    assert verdict("alignment/pix2pix-shift", right)
    assert_hint("alignment/pix2pix-shift", -right, "which way")
    assert_hint("alignment/pix2pix-shift", 0.0, "Equal sizes")


def test_alignment_plan_code():
    def right(n):
        return 3, 1, (n + 2 - 3) % 2

    assert verdict("alignment/plan-code", right)
    assert verdict("alignment/plan-code", lambda n: (5, 2, (n + 1) % 2))   # another aligned plan

    def pix2pix(n):             # the pix2pix decoder layer: k = 4, p = 1, no output_padding
        return 4, 1, 0

    assert_hints_exclusive("alignment/plan-code", {
        lambda n: (3, 1, 0): "even sizes come back one short",
        lambda n: (3, 1, 1): "only where the floor",
        pix2pix: "an even kernel (k = 4, p = 1) returns 2m",
        lambda n: (4, 1, 0) if n % 2 == 0 else (4, 2, 1): "the sizes are right but",
        lambda n: (1, 0, (n + 1) % 2): "3/4 of the outputs stay empty",    # k_u = 1: holes
        lambda n: (3, 0, 0): "every size comes back too long",
    })
    assert not verdict("alignment/plan-code", lambda n: (1, 0, (n + 1) % 2))
    # the facts behind the pix2pix hint: k = 4, p = 1 returns 2m, one too long for odd n only
    for n in (9, 10, 39, 40):
        m = tc.conv_output_size(n, 3, 2, 1)
        assert tc.output_size(m, 4, 2, 1) == 2 * m == n + n % 2
    assert not verdict("alignment/plan-code", lambda n: (2, 0, 1))
    assert_hint("alignment/plan-code", lambda n: 1 / 0, "raised ZeroDivisionError")
