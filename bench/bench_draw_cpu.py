#!/usr/bin/env python3
"""Benchmark: the CPU cost of one explorer redraw not drawn before (target: p95 <= 60 ms).

For each chapter, the chapter's code cells are run in one IPython shell (cwd = ``chapters/``,
matplotlib's Agg backend, static players not rendered) up to and including the cell that builds
its last explorer (the cell before the last ``remove-cell`` cell that shows a live widget).
Every :class:`tconvlib.Explorer` and :class:`tconvlib.Animation` built on the way is then drawn
as the live face draws it, ``ex._render(params, ex.dpi * 2, compress_level=1)``, for every
combination of its controls, twice over (the first pass builds a reused figure, the second is
what a kept figure costs), each call timed with ``time.thread_time()``: the CPU time of this
thread, which a busy, shared machine does not stretch the way it stretches wall time.

Printed per explorer: frames, and p50 / p95 / max CPU ms over both passes, PASS/FAIL against
the target (and the first pass's p95 on its own, the first picture with a new figure included).

    nice -n 19 python bench/bench_draw_cpu.py               # every chapter with an explorer
    nice -n 19 python bench/bench_draw_cpu.py 1 2 5          # chapters 01, 02 and 05
    nice -n 19 python bench/bench_draw_cpu.py 2 --save /tmp/frames   # also save the PNGs

Exit status 1 if an explorer misses the target or a chapter fails to run. Timings depend on the
machine; they are never stored in a notebook.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TARGET_MS = 60.0


def chapter_paths(numbers):
    """The notebooks for chapter numbers (``"2"``, ``"02"``, or a path); all when empty."""
    every = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
    if not numbers:
        return every
    out = []
    for n in numbers:
        if Path(n).suffix == ".ipynb":
            out.append(Path(n).resolve())
            continue
        match = [p for p in every if p.name.startswith(f"{int(n):02d}_")]
        if not match:
            raise SystemExit(f"no chapter numbered {n!r} in {CHAPTERS}")
        out += match
    return out


def _is_widget_cell(cell):
    return (cell.cell_type == "code" and "remove-cell" in cell.metadata.get("tags", [])
            and ".widget(" in cell.source)


def build_explorers(path):
    """Run the chapter's code cells up to its last explorer; return the explorers built."""
    import matplotlib
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    import tconvlib as tc

    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    widget_cells = [i for i, c in enumerate(cells) if _is_widget_cell(c)]
    if not widget_cells:
        return []
    last = widget_cells[-1]
    sources = [c.source for c in cells[:last] if c.cell_type == "code"
               and not _is_widget_cell(c)]

    built = []
    original_init = tc.Explorer.__init__
    original_player = tc.Explorer.player

    def recording_init(self, *args, **kw):
        original_init(self, *args, **kw)
        if self not in built:
            built.append(self)

    matplotlib.use("Agg", force=True)
    shell = InteractiveShell.instance()
    tc.Explorer.__init__ = recording_init
    tc.Explorer.player = lambda self, *a, **kw: f"<player {self.title!r} not rendered>"
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        shell.run_line_magic("reset", "-f")
        for src in sources:
            # a cell's own `%matplotlib inline` would leave Agg: drop the magics, keep the code
            src = "\n".join(line for line in src.splitlines()
                            if not line.lstrip().startswith("%"))
            with contextlib.redirect_stdout(io.StringIO()):
                result = shell.run_cell(src, silent=True)
            if not result.success:
                err = result.error_in_exec or result.error_before_exec
                raise RuntimeError(f"{path.name}: a cell failed: {type(err).__name__}: {err}")
    finally:
        os.chdir(cwd)
        tc.Explorer.__init__ = original_init
        tc.Explorer.player = original_player
    return built


def time_explorer(ex, passes=2, save=None):
    """CPU seconds of each ``_render`` at the live face's resolution, pass after pass."""
    times = []
    for p in range(passes):
        for i, params in enumerate(ex.combinations()):
            start = time.thread_time()
            png, caption = ex._render(params, ex.dpi * 2, compress_level=1)
            times.append((p, time.thread_time() - start))
            if save is not None and p == passes - 1 and png:
                (save / f"{i:03d}.png").write_bytes(png)
                (save / f"{i:03d}.txt").write_text(caption + "\n")
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*",
                        help="chapter numbers (1 or 01) or notebook paths; default: all")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--save", type=Path,
                        help="save the last pass's PNGs and captions under this folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["TCONV_EXPLORER_PREFETCH"] = "0"

    print(f"Explorer draw CPU (time.thread_time) per picture at 2x, ms; target p95 <= "
          f"{TARGET_MS:.0f} ms")
    head = (f"{'chapter':<24} {'explorer':<40} {'frames':>6} {'p50':>6} {'p95':>6} {'max':>6} "
            f"{'1st p95':>7}")
    print(head)
    print("-" * len(head))
    failed = False
    paths = chapter_paths(args.chapters)
    if len(paths) > 1:
        # one process per chapter: a chapter run after another in the same shell inherits its
        # state (random generators, imported modules, rcParams), and chapter 7's own
        # assertions failed that way; each chapter gets a fresh interpreter, as in Jupyter
        for path in paths:
            cmd = [sys.executable, str(Path(__file__).resolve()), str(path),
                   "--passes", str(args.passes)]
            if args.save is not None:
                cmd += ["--save", str(args.save)]
            run = subprocess.run(cmd, capture_output=True, text=True)
            rows = run.stdout.splitlines()[3:]              # without the title and the header
            print("\n".join(rows) if rows else f"{path.stem[:24]:<24} did not run:\n"
                  + run.stderr[-1000:], flush=True)
            failed |= run.returncode != 0
        return 1 if failed else 0
    for path in paths:
        try:
            explorers = build_explorers(path)
        except Exception as err:                                  # report, go on
            print(f"{path.stem[:24]:<24} did not run: {type(err).__name__}: {str(err)[:300]}")
            failed = True
            continue
        for k, ex in enumerate(explorers):
            save = None
            if args.save is not None:
                save = args.save / f"{path.stem}-{k}"
                save.mkdir(parents=True, exist_ok=True)
            times = time_explorer(ex, args.passes, save)
            ms = 1000 * np.array([t for _, t in times])
            first = 1000 * np.array([t for p, t in times if p == 0])
            p50, p95, top = np.percentile(ms, 50), np.percentile(ms, 95), ms.max()
            ok = p95 <= TARGET_MS
            failed |= not ok
            print(f"{path.stem[:24]:<24} {(ex.title or ex.draw.__name__)[:40]:<40} "
                  f"{ex.n_frames:6d} {p50:6.1f} {p95:6.1f} {top:6.1f} "
                  f"{np.percentile(first, 95):7.1f}  {'PASS' if ok else 'FAIL'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
