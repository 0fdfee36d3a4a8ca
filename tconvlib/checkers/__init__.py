"""Exercise checkers: right or wrong, with a hint, without giving the answer away.

The package mirrors the book: :mod:`._core` holds what every chapter shares (the registry,
:func:`check`, :class:`CheckResult`, :func:`answers_equal` and the answer normalisers), and each
chapter's exercises live in one module named after the chapter's topic:

==================  ==========================================================
module              chapter
==================  ==========================================================
``matrix_view``     1, the matrix view
``painting_view``   2, the painting view
``shape_formula``   3, the shape formula
``equivariance``    4, equivariance (the polyphase view)
``checkerboard``    5, where checkerboard artifacts come from
``initialization``  6, initialization
``remedies``        7, remedies for checkerboard artifacts
``pixel_shuffle``   8, pixel shuffle and the sub-pixel convolution
``alignment``       9, alignment and padding
``applications``    10, transposed convolutions at work
``misconceptions``  11, misconceptions, tested
``gpu``             the GPU appendix (``chapters/13_gpu.ipynb``)
==================  ==========================================================

Importing this package imports every chapter module, which registers its exercises. Each
exercise is registered under an id such as ``"matrix-view/shape"``. Its expected answer is
*computed* from the exercise's parameters with tconvlib (never written as a literal), and
typical mistakes are recognised and answered with a matching hint.

Use :func:`check` in a notebook (``tconvlib.check`` is the same function)::

    tconvlib.check("matrix-view/shape", answer)

and list the exercises with :func:`exercise_ids`.

The registry API, for tools that build on the checkers (student edition, autograding):

- ``register(exercise_id, *, solve, compare=None, hints=(), fallback=None, praise=None,
  normalize=None)`` adds an exercise;
- ``_REGISTRY[exercise_id]`` is an ``_Exercise(solve, compare, hints, fallback, praise,
  normalize)``: ``solve()`` returns the expected answer, ``normalize(answer)`` parses the
  learner's answer (raising ``TypeError``/``ValueError`` with a message for a malformed one),
  ``compare(answer, expected)`` decides, and ``hints`` is a list of
  ``(predicate(answer, expected), hint)`` pairs tried in order;
- ``check(exercise_id, answer)`` returns a :class:`CheckResult` ``(exercise, correct,
  message, answered=True)``; for a placeholder (``...``, ``None``, a function that raises
  ``NotImplementedError``) ``answered`` is False, the message is ``NOT_ANSWERED`` /
  ``NOT_IMPLEMENTED`` and the line prints without a ✘;
- a code exercise's ``normalize`` runs the learner's function through
  ``_core.call_learner(function, args, case)``: any exception it raises becomes a one-line
  wrong verdict naming the exception and the line of the learner's code (``LearnerError``).
"""

from . import (alignment, applications, checkerboard, equivariance, gpu,  # noqa: F401
               initialization, matrix_view, misconceptions, painting_view, pixel_shuffle,
               remedies, shape_formula)
from ._core import (NOT_ANSWERED, NOT_IMPLEMENTED, _REGISTRY, CheckResult,  # noqa: F401
                    LearnerError, _Exercise, answers_equal, check, exercise_ids, register)

__all__ = ["check", "exercise_ids", "register", "CheckResult", "answers_equal",
           "NOT_ANSWERED", "NOT_IMPLEMENTED"]
