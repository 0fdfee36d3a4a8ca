"""Helpers shared by the exercise tests: find a chapter's exercises, solutions, checker calls and
the material that only its solutions contain. (Not a test module: pytest does not collect it.)"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_edition as se  # noqa: E402

KINDS = ("compute by hand", "derive", "code", "predict, then check", "conceptual")
TITLE = re.compile(r"\((★|★★|★★★), (" + "|".join(re.escape(k) for k in KINDS) + r")\)\s*$")
_FENCE = r"^\s*(`{3,}|:{3,})"
EXERCISE = re.compile(_FENCE + r"\{exercise(?:-start)?\}[ \t]*(?P<title>[^\n]*)$", re.M)
SOLUTION = re.compile(_FENCE + r"\{solution(?:-start)?\}[ \t]*(?P<label>[^\n]*)$", re.M)
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):[ \t]*(?P<value>[^\n]*)$")
#: ``tc.check("id", ...)``, ``tconvlib.check(...)``, ``checkers.check(...)`` or ``check(...)``
CHECK_ID = re.compile(r"(?<![\w.])(?:(?:tc|tconvlib|checkers)\.)?check\(\s*[\"']([^\"']+)[\"']")
CORRECT_MARK = "✔ correct"
PLACEHOLDER_MESSAGES = ("not answered yet", "not implemented yet")


def source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _options(text, start):
    """The ``:key: value`` lines right after a directive line that ends at ``start``."""
    opts = {}
    for line in text[start:].lstrip("\n").splitlines():
        m = OPTION.match(line)
        if not m:
            break
        opts[m.group("key")] = m.group("value").strip()
    return opts


def _directives(nb, pattern, key):
    """``[(m.group(key), options), ...]`` for every match of ``pattern`` in markdown cells."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        for m in pattern.finditer(text):
            found.append((m.group(key).strip(), _options(text, m.end())))
    return found


def exercises(nb):
    """``[(title, label), ...]`` of a notebook's exercises, in order."""
    return [(title, opts.get("label")) for title, opts in _directives(nb, EXERCISE, "title")]


def solutions(nb):
    """``[(label, options), ...]`` of a notebook's solutions, in order."""
    return _directives(nb, SOLUTION, "label")


def check_ids(text):
    return CHECK_ID.findall(text)


def output_text(cell):
    """All text a code cell's stored outputs show (streams, text/plain, errors)."""
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        data = out.get("data", {})
        for mime in ("text/plain", "text/markdown"):
            if mime in data:
                value = data[mime]
                parts.append("".join(value) if isinstance(value, list) else value)
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def normalise(line):
    return " ".join(line.split())


def _lines(text):
    return [normalise(line) for line in text.splitlines() if normalise(line)]


def distinctive_solution_lines(nb, min_length=16):
    """Lines that only the solutions of ``nb`` contain: solution code, solution prose and the
    stored outputs of solution cells, each long enough to be telling and found nowhere in the
    rest of the notebook (sources or outputs). Returns ``{"code": [...], "prose": [...],
    "output": [...]}``."""
    public, secret = [], {"code": [], "prose": [], "output": []}
    for cell, role, kept in se.split_cells(nb):
        text = source(cell)
        if role == "keep":
            public.append(text)
            public.append(output_text(cell))
        elif role == "cut":
            public.append(kept)
            kept_lines = set(_lines(kept))
            secret["prose"] += [ln for ln in _lines(text) if ln not in kept_lines]
        elif cell["cell_type"] == "code":
            secret["code"] += _lines(text)
            secret["output"] += _lines(output_text(cell))
        else:
            secret["prose"] += _lines(text)
    blob = "\n".join(normalise(line) for part in public for line in part.splitlines())
    return {kind: sorted({ln for ln in lines if len(ln) >= min_length and ln not in blob
                          and not se.SOLUTION_MARKERS.search(ln)})
            for kind, lines in secret.items()}


def literal_check_calls(code):
    """``[(exercise_id, value), ...]`` for every ``check("id", <literal>)`` call in ``code``
    (Python source) whose answer is a literal; calls with a name or ``...`` are skipped."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) >= 2):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "check" or not isinstance(node.args[0], ast.Constant):
            continue
        try:
            value = ast.literal_eval(node.args[1])
        except (ValueError, SyntaxError, TypeError):
            continue
        if value is not Ellipsis and value is not None:
            calls.append((node.args[0].value, value))
    return calls


def inline_code_spans(markdown):
    """The inline code spans and fenced code blocks of a markdown text."""
    spans = re.findall(r"```[^\n]*\n(.*?)```", markdown, flags=re.S)
    spans += re.findall(r"(?<!`)`([^`\n]+)`(?!`)", markdown)
    return spans
