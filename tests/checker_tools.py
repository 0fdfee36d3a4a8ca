"""Helpers shared by the checker tests (tests/test_checkers_*.py)."""

from tconvlib.checkers import CheckResult

import tconvlib as tc


def verdict(exercise, answer):
    """``tc.check(exercise, answer)``, asserted to be a :class:`CheckResult`."""
    result = tc.check(exercise, answer)
    assert isinstance(result, CheckResult)
    return result


def assert_hint(exercise, answer, fragment):
    """``answer`` is judged wrong, with a message that contains ``fragment``."""
    result = verdict(exercise, answer)
    assert not result, f"{answer!r} was accepted"
    assert fragment in result.message, result.message
