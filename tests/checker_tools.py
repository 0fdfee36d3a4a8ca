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


def assert_hints_exclusive(exercise, mistakes):
    """Each hint of ``exercise`` fires for the mistake it names and only for it.

    ``mistakes`` maps a typical wrong answer to a fragment of its hint. Asserted: every mistake
    gets the hint with its fragment; every registered hint's predicate is true for exactly one
    of the listed mistakes (so a hint cannot fire for another mistake first, and no hint is
    left untested); and no hint's predicate is true for the right answer.
    """
    ex = tc.checkers._REGISTRY[exercise]
    expected = ex.solve()
    for answer, fragment in mistakes.items():
        result = verdict(exercise, answer)
        assert not result, f"{answer!r} was accepted"
        assert fragment in result.message, (answer, result.message)
    normalised = [ex.normalize(a) for a in mistakes]
    for predicate, hint in ex.hints:
        fired = [a for a, n in zip(mistakes, normalised) if _fires(predicate, n, expected)]
        assert len(fired) == 1, f"hint {hint[:50]!r} fires for {fired} (expected exactly one)"
        assert not _fires(predicate, expected, expected), f"hint {hint[:50]!r} fires when right"


def _fires(predicate, answer, expected):
    try:
        return bool(predicate(answer, expected))
    except Exception:
        return False
