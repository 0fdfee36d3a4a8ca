"""Small result tables for the chapters: a real HTML table in the book, plain text for nbval.

A chapter's key results are shown as a :class:`Table`. In the built book (and in Jupyter) it
renders as an HTML ``<table>`` that fits a narrow column (it wraps instead of scrolling); its
plain-text form, which nbval compares, is the same table as aligned text.
"""

from __future__ import annotations

import html

__all__ = ["Table"]


class Table:
    """A small table of results, displayed as HTML, compared as text.

    Parameters
    ----------
    columns : sequence of str
        Column headings.
    rows : sequence of sequences
        One entry per column in every row; values are shown with ``str`` (format numbers
        before passing them when a fixed precision matters).
    caption : str, optional
        A line above the table (HTML-escaped; plain text, not markdown).
    align : str, optional
        One letter per column, ``"l"``, ``"r"`` or ``"c"``; default: right-aligned numbers,
        left-aligned text.

    Examples
    --------
    >>> t = Table(["s", "ratio"], [[1, "1.06"], [2, "4.00"]], caption="zero insertion / painting")
    >>> print(t)
    zero insertion / painting
    s  ratio
    1   1.06
    2   4.00
    >>> "<th>ratio</th>" in t._repr_html_()
    True
    >>> Table(["a"], [[1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: rows[0] has 2 entries; columns has 1 (every row needs one entry per column)
    """

    def __init__(self, columns, rows, caption=None, align=None):
        self.columns = [str(c) for c in columns]
        if not self.columns:
            raise ValueError("columns must name at least one column")
        self.rows = [list(r) for r in rows]
        for i, r in enumerate(self.rows):
            if len(r) != len(self.columns):
                raise ValueError(f"rows[{i}] has {len(r)} entries; columns has "
                                 f"{len(self.columns)} (every row needs one entry per column)")
        self.caption = None if caption is None else str(caption)
        if align is None:
            align = "".join("r" if self.rows and all(_is_number(r[j]) for r in self.rows)
                            else "l" for j in range(len(self.columns)))
        if len(align) != len(self.columns) or set(align) - set("lrc"):
            raise ValueError(f"align ({align!r}) must have one letter l, r or c per column "
                             f"({len(self.columns)} columns)")
        self.align = align

    def _cells(self):
        return [[str(v) for v in r] for r in self.rows]

    def __str__(self):
        cells = self._cells()
        widths = [max([len(h)] + [len(r[j]) for r in cells]) for j, h in enumerate(self.columns)]

        def line(values):
            out = []
            for v, w, a in zip(values, widths, self.align):
                out.append(v.rjust(w) if a == "r" else v.center(w) if a == "c" else v.ljust(w))
            return "  ".join(out).rstrip()

        text = [line(self.columns)] + [line(r) for r in cells]
        if self.caption:
            text.insert(0, self.caption)
        return "\n".join(text)

    __repr__ = __str__

    def _repr_html_(self):
        side = {"l": "left", "r": "right", "c": "center"}
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.columns)
        body = "".join(
            "<tr>" + "".join(f'<td style="text-align:{side[a]}">{html.escape(v)}</td>'
                             for v, a in zip(r, self.align)) + "</tr>"
            for r in self._cells())
        cap = (f'<caption style="caption-side:top;text-align:left">'
               f"{html.escape(self.caption)}</caption>" if self.caption else "")
        return ('<table class="tconv-table" style="max-width:100%;width:auto;'
                'border-collapse:collapse">' f"{cap}<thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")


def _is_number(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    try:
        float(str(v).replace(" ", "").rstrip("%"))
        return True
    except ValueError:
        return False
