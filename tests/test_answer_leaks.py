"""Nothing in the student edition gives an answer away.

For every exercise whose checker knows its answer (``solve()`` returns a number, a tuple or
list of numbers, a small array or a letter), the student edition of the chapters (its markdown
and its stored outputs) must not contain that answer in any form a student would recognise:

* a whole number: the number right after a word of the exercise's name (``period 2``,
  ``output_padding = 1``), and a large one (``BARE_NUMBER_FROM`` or more) anywhere;
* a fraction: the value at the precisions the book prints (3 and 4 decimals, 3 and 4
  significant digits);
* a tuple or list: ``(3, 5)``, ``(3,5)``, ``[3, 5]``, ``3 x 5``, ``3 \\times 5``, and for three
  or more values the run ``10, 11, 12`` / ``10, 11 and 12`` / NumPy's ``[10. 11. 12.]``;
* a letter of a multiple-choice exercise: the sentence of the right choice (a sentence of the
  chapter that holds every content word of that choice) or its formula (every math span of the
  right choice found outside the exercise).

Which text is searched. The student edition's notebooks are the chapters run through
``tools/student_edition.py`` (:func:`student_edition.split_cells`): solutions removed. Their
stored outputs come from executing them (``python3 tasks.py student``); this test does not
execute them (that takes minutes and is done once by ``tests/test_student_edition.py``).
Instead it reads, for every kept cell, the output stored in the instructor's notebook: the same
code run in the same order, since the solutions, which are the only cells removed, sit at the
very end of each exercise, after every demonstration (nbval keeps those stored outputs true,
and the student run test checks that the exercise cells only say "not answered yet").

An answer that cannot avoid appearing (a small integer that appears everywhere) is listed in
``ALLOWED`` with the reason.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import numpy as np
import pytest

import tconvlib as tc
from exercise_tools import ROOT, check_ids, output_text, se, source

CHAPTERS = se.chapter_notebooks()

#: Whole numbers from this size on are searched on their own; a smaller one only right after a
#: word of its exercise's name ("period 2"): on its own it stands in every table and formula
#: of the book (sizes, strides, counts), where no student would read it as an answer.
BARE_NUMBER_FROM = 100

#: (exercise id, form) -> why that form of the answer may appear in the student edition.
ALLOWED = {
    ("shape-formula/decoder-op", "list"):
        "[0, 1] is also the list of output_padding values torch accepts at stride 2, printed by "
        "the chapter's table of accepted values and as the explorer's slider range; the "
        "exercise's pair is for a 37 x 50 input, which no cell prints",
    ("shape-formula/decoder-op", "tuple"):
        "(0, 1) is one of the four possible pairs of output_paddings at stride 2; the chapter "
        "prints it for other sizes (the method), never for the exercise's 37 x 50 input",
    ("applications/unet-op", "tuple"):
        "(0, 1) is one of the four possible pairs (each output_padding is 0 or 1); the "
        "chapter's table prints it for n = 18 and stops at n = 20: that n = 38 behaves like "
        "n = 18 (the sizes repeat with period 4) is what the exercise asks the reader to find",
}

STOP_WORDS = {"with", "that", "this", "which", "from", "have", "their", "there", "than", "then",
              "when", "what", "into", "only", "also", "every", "some", "same", "does", "both"}


# -- reading the student edition ----------------------------------------------------------------

@dataclass
class Piece:
    chapter: str
    where: str          # "cell 12 (markdown)" / "cell 13 (output)"
    text: str
    exercise: str | None   # the label of the exercise whose statement this is, if any


_EX_START = re.compile(r"^\s*(`{3,}|:{3,})\{exercise-start\}[^\n]*\n\s*:label:\s*(\S+)", re.M)
_EX_END = re.compile(r"^\s*(`{3,}|:{3,})\{exercise-end\}", re.M)


def _html_text(value):
    text = "".join(value) if isinstance(value, list) else value
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _outputs(cell):
    parts = [output_text(cell)]
    for out in cell.get("outputs", []):
        if "text/html" in out.get("data", {}):
            parts.append(_html_text(out["data"]["text/html"]))
    return "\n".join(parts)


def student_pieces(nb, chapter):
    """The markdown and the stored outputs that the student edition of ``nb`` shows."""
    pieces, label = [], None
    for index, (cell, role, kept) in enumerate(se.split_cells(nb, chapter)):
        if role == "solution":
            continue
        if cell["cell_type"] == "markdown":
            start = _EX_START.search(kept)
            if start:
                label = start.group(2)
            pieces.append(Piece(chapter, f"cell {index} (markdown)", kept, label))
            if _EX_END.search(kept):
                label = None
        else:
            pieces.append(Piece(chapter, f"cell {index} (output)", _outputs(cell), label))
    return pieces


def exercise_sites(nb):
    """``{exercise id: (label, statement text)}`` for the checkers a notebook's exercises use."""
    sites, label, statement = {}, None, []
    for cell, role, kept in se.split_cells(nb):
        text = source(cell)
        start = _EX_START.search(text)
        if start:
            label, statement = start.group(2), []
        if label is None:
            continue
        if cell["cell_type"] == "markdown":
            statement.append(kept)
        for exercise in check_ids(text):
            sites.setdefault(exercise, (label, statement))
        if re.search(r"\{solution-end\}", text):
            label = None
    return {ex: (lab, "\n".join(st)) for ex, (lab, st) in sites.items()}


# -- the forms of an answer ---------------------------------------------------------------------

def _number(value):
    """A regex for one number as a student would see it printed."""
    v = float(value)
    if v.is_integer():
        return rf"{int(v)}(?:\.0*)?"
    forms = {f"{v:.3f}", f"{v:.4f}", f"{v:.3g}", f"{v:.4g}"}
    forms |= {f.rstrip("0") for f in forms if "." in f}
    return "(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + ")"


def _bounded(pattern):
    """``pattern`` as a whole: not part of a longer number, word or comma-separated run."""
    return (rf"(?<![\w.])(?<![\d.],)(?<![\d.], ){pattern}(?![\w]|\.\d)(?!,\s*\d)")


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _name_words(exercise):
    return [w for w in re.split(r"[-/]", exercise.split("/", 1)[1]) if len(w) >= 4]


def answer_forms(exercise, value):
    """``[(form, compiled regex)]``: how ``value`` would be recognised in text."""
    forms = []
    if _is_number(value):
        num = _number(value)
        if float(value).is_integer():
            if abs(value) >= BARE_NUMBER_FROM:
                forms.append(("number", _bounded(num)))
            for word in _name_words(exercise):
                # the first number after a word of the exercise's name: "period 2"
                forms.append((f"phrase '{word}'", rf"(?i)\b{re.escape(word)}\w{{0,2}}"
                              rf"\s*(?:=|:|is|of)?\s*\**\s*" + _bounded(num)))
        else:
            forms.append(("value", _bounded(num)))
    elif isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and 2 <= value.size <= 16:
        nums = [_number(v) for v in value.ravel()]
        forms.append(("array", r"\[\s*" + r"[\s,\[\]]+".join(nums) + r"\s*\]"))
        if value.ndim == 1 and value.size >= 3:
            forms.append(("run", _bounded(r",\s*".join(nums))))
    elif (isinstance(value, (tuple, list)) and 2 <= len(value) <= 16
          and all(_is_number(v) for v in value)):
        nums = [_number(v) for v in value]
        comma = r",\s*".join(nums)
        forms.append(("tuple", _bounded(r"\(\s*" + comma + r"\s*,?\s*\)")))
        forms.append(("list", _bounded(r"\[\s*" + comma + r"\s*\]")))
        if len(nums) == 2:
            forms.append(("shape", _bounded(nums[0] + r"\s*(?:x|×|\\times)\s*" + nums[1])))
        else:
            forms.append(("run", _bounded(r",\s*".join(nums[:-1]) + r",?\s*(?:,|and)\s*"
                                          + nums[-1])))
            forms.append(("array", r"\[\s*" + r"[\s,]+".join(nums) + r"\s*\]"))
    return [(name, re.compile(rx)) for name, rx in forms]


def _choice(statement, letter):
    """The text of choice ``letter`` in a multiple-choice statement, or None."""
    m = re.search(rf"^\s*[*-]\s*\({re.escape(letter)}\)\s*(.+?)(?=^\s*[*-]\s*\(\w\)|\n\s*\n|\Z)",
                  statement, flags=re.M | re.S)
    return m.group(1).strip() if m else None


def _stem(word):
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def _content_words(text):
    text = re.sub(r"\$[^$]*\$", " ", text)
    return {_stem(w) for w in re.findall(r"[a-z][a-z-]{3,}", text.lower())} - STOP_WORDS


def _math_spans(text):
    return [" ".join(m.split()) for m in re.findall(r"\$([^$]+)\$", text)]


def _sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[*-]\s", text) if s.strip()]


# -- the search ---------------------------------------------------------------------------------

def find_leaks(exercise, value, label, statement, pieces):
    """``[(form, where, excerpt)]`` for every place ``pieces`` show the answer ``value``."""
    found = []
    if isinstance(value, str):
        choice = _choice(statement, value)
        if choice is None:
            return found
        words = _content_words(choice)
        spans = _math_spans(choice)
        outside = [p for p in pieces if p.exercise != label]
        if len(words) >= 2:
            for p in outside:
                for sentence in _sentences(p.text):
                    if words <= _content_words(sentence):
                        found.append(("sentence", f"{p.chapter}, {p.where}",
                                      " ".join(sentence.split())[:160]))
        if spans:
            blob = " ".join(" ".join(p.text.split()) for p in outside)
            if all(span in blob for span in spans):
                found.append(("formula", "outside the exercise", "; ".join(spans)[:160]))
        return found
    for form, rx in answer_forms(exercise, value):
        if (exercise, form) in ALLOWED:
            continue
        for p in pieces:
            m = rx.search(p.text)
            if m:
                found.append((form, f"{p.chapter}, {p.where}",
                              " ".join(p.text[max(0, m.start() - 60): m.end() + 40].split())))
    return found


def _answer(exercise):
    try:
        value = tc.checkers._REGISTRY[exercise].solve()
    except Exception:  # a checker that cannot state its answer cannot leak it
        return None
    if isinstance(value, np.ndarray) or _is_number(value) or isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)) and value and all(_is_number(v) for v in value):
        return tuple(value)
    return None


def _chapter_cases():
    cases = []
    for path in CHAPTERS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for exercise, (label, statement) in exercise_sites(nb).items():
            if exercise in tc.checkers._REGISTRY and _answer(exercise) is not None:
                cases.append(pytest.param(path, exercise, label, statement,
                                          id=f"{path.stem}:{exercise}"))
    return cases


_PIECES = {}


def pieces_of(path):
    if path not in _PIECES:
        nb = json.loads(path.read_text(encoding="utf-8"))
        _PIECES[path] = student_pieces(nb, path.stem)
    return _PIECES[path]


@pytest.mark.parametrize("path, exercise, label, statement", _chapter_cases())
def test_the_student_edition_does_not_show_the_answer(path, exercise, label, statement):
    leaks = find_leaks(exercise, _answer(exercise), label, statement, pieces_of(path))
    assert not leaks, (f"{exercise} ({label}): the student edition shows the answer "
                       f"{_answer(exercise)!r}:\n" + "\n".join(
                           f"  [{form}] {where}: ...{excerpt}..." for form, where, excerpt
                           in leaks[:8]))


def test_every_allowed_entry_is_used_and_has_a_reason():
    for (exercise, form), reason in ALLOWED.items():
        assert exercise in tc.checkers._REGISTRY, exercise
        assert len(reason) > 20, f"{exercise}: say why {form} may appear"
        forms = dict(answer_forms(exercise, _answer(exercise)))
        assert form in forms, f"{exercise}: no form {form!r} to allow"


# -- the detector itself finds the give-aways this test was written against ------------------

def _pieces(*texts, exercise=None):
    return [Piece("ch", f"cell {i}", t, exercise) for i, t in enumerate(texts)]


@pytest.mark.parametrize("exercise, value, text", [
    ("matrix-view/shape", (3, 5), "A for n = 5: (3, 5)\n[[2. 3. 0. 0. 0.]]"),
    ("matrix-view/shape", (3, 5), "so $A$ is $3 \\times 5$."),
    ("shape-formula/reachable", (10, 11, 12), "the lengths are 10, 11 and 12"),
    ("shape-formula/reachable", (10, 11, 12), "sizes: [10, 11, 12]"),
    ("checkerboard/flat-score", 0.4358898943540674, " 3  2     0.4359             0.4077"),
    ("checkerboard/flat-score", 0.4358898943540674, "the score is about 0.436."),
    ("checkerboard/mismatch-period", 2, "The period is **2 output samples**, never 6."),
    ("matrix-view/gram-row", np.array([0., 3., 8., 14., 8., 3., 0.]),
     "row 3: [ 0.  3.  8. 14.  8.  3.  0.]"),
])
def test_the_detector_finds_printed_answers(exercise, value, text):
    assert find_leaks(exercise, value, "ex-x", "", _pieces("Unrelated: 7.", text))


@pytest.mark.parametrize("exercise, value, text", [
    ("matrix-view/shape", (3, 5), "A for n = 5: (3, 6) and (13, 5)"),
    ("shape-formula/reachable", (10, 11, 12), "the lengths are 10, 11 and 13; 110, 11, 12"),
    ("checkerboard/flat-score", 0.4358898943540674, "0.4366 and 0.43"),
    ("checkerboard/mismatch-period", 2, "period 12, then 2 of them"),
])
def test_the_detector_passes_other_numbers(exercise, value, text):
    assert not find_leaks(exercise, value, "ex-x", "", _pieces(text))


FLIP_STATEMENT = """Which kernels?

* (a) for no kernel;
* (b) for symmetric kernels, $w_a = w_{k-1-a}$;
* (c) for kernels no longer than the stride;
"""
ONE_STATEMENT = """Which one?

* (b) some other input always gives it;
* (c) it is the same input through another kernel: $D_{w'}[x]$ with $w' = (0, w_0, \\dots,
  w_{k-1})$;
"""


def test_the_detector_finds_a_stated_choice():
    stated = _pieces("The impulse makes it visible.\nOnly a symmetric kernel hides the mistake.")
    assert find_leaks("painting-view/flip", "b", "ex-pv-flip", FLIP_STATEMENT, stated)
    shown = _pieces("Then $D_{w'}[x] = T_1 D_w[x]$, prepend a zero tap: $w' = (0, w_0,\n"
                    "\\dots, w_{k-1})$ works, and so does $D_{w'}[x]$.")
    assert find_leaks("equivariance/one-sample-shift", "c", "ex-eq-one", ONE_STATEMENT, shown)
    # the statement itself, inside the exercise, lists every choice: that is not a leak
    own = _pieces(FLIP_STATEMENT, exercise="ex-pv-flip")
    assert not find_leaks("painting-view/flip", "b", "ex-pv-flip", FLIP_STATEMENT, own)


def test_student_pieces_leave_out_the_solutions():
    nb = json.loads((ROOT / "chapters" / "01_matrix_view.ipynb").read_text(encoding="utf-8"))
    text = "\n".join(p.text for p in student_pieces(nb, "01"))
    assert "solution-start" not in text and "✔ correct" not in text
    assert "not answered yet" in text
