#!/usr/bin/env python3
"""Benchmark: how fast every chapter's explorer redraws (target: p95 under 100 ms).

Executes each chapter notebook top to bottom in a fresh kernel (a temporary copy: the stored
outputs are not touched) with ``TCONV_EXPLORER_TIMINGS`` set; every ``Explorer.render`` then
appends its time to that file. A player renders every combination of its controls once, and the
live widget draws its first frame, so the timings are a full sweep of each explorer's
parameter space: exactly the redraws a reader triggers by moving the sliders in Jupyter.
Prints, per explorer, the number of redraws, p50 and p95 of the redraw's CPU time and of its
wall-clock time, and PASS/FAIL against 100 ms at p95 of the CPU time. The verdict uses CPU time
(the kernel thread's own work) because a shared, busy machine stretches wall-clock time with
waits for a core; on an idle machine the two agree, and both are printed with the load average.

    python3 tasks.py bench                          # every benchmark in bench/
    .venv/bin/python bench/bench_explorers.py       # this one, every chapter
    .venv/bin/python bench/bench_explorers.py --chapters chapters/01_matrix_view.ipynb

Exit status 1 if an explorer misses the target (or a chapter fails to run). Timings are taken
on whatever machine runs this; they are never stored in a notebook.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.100


def run_chapter(path, timings):
    """Execute one notebook with the timings file set; return {explorer: [seconds, ...]}."""
    nb = nbformat.read(path, as_version=4)
    old = os.environ.get("TCONV_EXPLORER_TIMINGS")
    os.environ["TCONV_EXPLORER_TIMINGS"] = str(timings)    # the kernel inherits it
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if old is None:
            os.environ.pop("TCONV_EXPLORER_TIMINGS", None)
        else:
            os.environ["TCONV_EXPLORER_TIMINGS"] = old
    out = defaultdict(list)
    if timings.exists():
        for line in timings.read_text().splitlines():
            row = json.loads(line)
            out[row["explorer"]].append((row.get("cpu_seconds", row["seconds"]),
                                         row["seconds"]))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", type=Path,
                        default=sorted((ROOT / "chapters").glob("[0-9]*.ipynb")))
    args, _ = parser.parse_known_args(argv)   # tasks.py bench may pass other scripts' options
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

    rows, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(args.chapters):
            path = path.resolve()
            try:
                found = run_chapter(path, Path(tmp) / f"{i}.jsonl")
            except Exception as err:                              # report, go on
                print(f"{path.name}: did not run: {type(err).__name__}: {str(err)[:300]}")
                failed = True
                continue
            if not found:
                print(f"{path.name}: no explorer")
            for name, secs in found.items():
                ms = 1000 * np.asarray(secs)                      # columns: cpu, wall
                cpu50, wall50 = np.percentile(ms, 50, axis=0)
                cpu95, wall95 = np.percentile(ms, 95, axis=0)
                rows.append((path.stem, name, len(ms), cpu50, cpu95, wall50, wall95))

    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"Explorer redraw times in ms (target: p95 of CPU time < {TARGET_S * 1000:.0f} ms; "
          f"{os.cpu_count()} cores, load average {load})")
    head = (f"{'chapter':<24} {'explorer':<40} {'redraws':>7} {'cpu p50':>8} {'cpu p95':>8} "
            f"{'wall p50':>8} {'wall p95':>8}")
    print(head)
    print("-" * len(head) + "  ------")
    for chapter, name, n, cpu50, cpu95, wall50, wall95 in rows:
        ok = cpu95 < TARGET_S * 1000
        failed |= not ok
        print(f"{chapter[:24]:<24} {name[:40]:<40} {n:7d} {cpu50:8.1f} {cpu95:8.1f} "
              f"{wall50:8.1f} {wall95:8.1f}  {'PASS' if ok else 'FAIL'}")
    if rows:
        worst = max(rows, key=lambda r: r[4])
        print(f"\n{len(rows)} explorers; worst CPU p95 {worst[4]:.1f} ms ({worst[1]}): "
              f"{'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
