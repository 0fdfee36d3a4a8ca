#!/usr/bin/env python3
"""Benchmark: tconvlib's transposed convolution against torch's ``conv_transpose2d``.

Prints, for each method on each backend and device present, the median time of interleaved
runs and the ratio to torch on the same device. The headline is the target of the foundation
issue: numpy ``scatter`` within 1.5x of torch's CPU ``conv_transpose2d`` at N=8, C 64->32,
32x32, k=4, s=2, p=1, float32.

    python3 tasks.py bench                      # or: .venv/bin/python bench/bench_conv_transpose.py
    python bench/bench_conv_transpose.py --repeats 41 --burst 6
    python bench/bench_conv_transpose.py --record   # also write the book's recorded-results box

``--record`` writes ``chapters/_includes/gpu_bench.md``, the box of recorded results that the GPU
appendix includes: both tables, labelled with the date, the machine (CPU model, cores, GPU if
any), the library versions, torch's thread count and the load average during the run. The book
never re-runs the benchmark when it is built: timings change from run to run and machine to
machine, so they are a record, clearly labelled as one, not a regression test.

Interleaving: each round runs every candidate in turn, so slow drifts of the machine hit all of
them alike; the median over rounds is reported. Within a round a candidate runs as a short burst
(``--burst`` calls back to back) and only the calls after the first are timed: each library then
runs with its own thread pool awake, as it would inside a model, and neither pays for the other's
pool (a pause between calls would instead charge torch for waking its OpenMP threads).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import tconvlib as tc

CONFIG = dict(n=8, c_in=64, c_out=32, size=32, k=4, stride=2, padding=1)
#: a teaching-size layer, small enough for the matrix method's sparse A
SMALL = dict(n=2, c_in=8, c_out=8, size=16, k=3, stride=2, padding=1)
#: where ``--record`` writes the recorded-results box of the GPU appendix
RECORD = Path(__file__).resolve().parents[1] / "chapters" / "_includes" / "gpu_bench.md"


def _timer(fn, device, burst):
    """A function that runs ``fn`` ``burst`` times and returns the mean time of the calls
    after the first (which wakes the library's threads and caches)."""
    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    def run():
        fn()
        sync()
        t0 = time.perf_counter()
        for _ in range(burst - 1):
            fn()
        sync()
        return (time.perf_counter() - t0) / (burst - 1)
    return run


def bench(c, repeats, burst):
    """Time every candidate on layer ``c``; print the table; return the medians (seconds)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((c["n"], c["c_in"], c["size"], c["size"])).astype(np.float32)
    w = rng.standard_normal((c["c_in"], c["c_out"], c["k"], c["k"])).astype(np.float32)
    kw = dict(stride=c["stride"], padding=c["padding"])

    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    candidates = {}          # name -> (device, fn)
    for m in tc.METHODS:
        candidates[f"numpy/{m}"] = (torch.device("cpu"),
                                    lambda m=m: tc.conv_transpose2d(x, w, **kw, method=m))
    for dev in devices:
        xt, wt = torch.as_tensor(x, device=dev), torch.as_tensor(w, device=dev)
        candidates[f"torch-{dev.type}/F.conv_transpose2d"] = (
            dev, lambda xt=xt, wt=wt: F.conv_transpose2d(xt, wt, **kw))
        for m in tc.METHODS:
            candidates[f"torch-{dev.type}/{m}"] = (
                dev, lambda xt=xt, wt=wt, m=m: tc.conv_transpose2d(xt, wt, **kw, method=m))

    # correctness first, and drop what is refused (e.g. the memory guard)
    ref = F.conv_transpose2d(torch.as_tensor(x), torch.as_tensor(w), **kw).numpy()
    refused = {}
    for name, (dev, fn) in list(candidates.items()):
        try:
            out = fn()
        except ValueError as exc:
            refused[name] = str(exc).split(";")[0]
            del candidates[name]
            continue
        out = out.cpu().numpy() if isinstance(out, torch.Tensor) else out
        np.testing.assert_allclose(out, ref, rtol=1e-3, atol=1e-3)
        for _ in range(2):   # warm-up
            fn()

    timers = {name: _timer(fn, dev, burst) for name, (dev, fn) in candidates.items()}
    times = {name: [] for name in timers}
    for _ in range(repeats):
        for name, run in timers.items():
            times[name].append(run())
    med = {name: float(np.median(v)) for name, v in times.items()}

    print(f"\nconv_transpose2d: N={c['n']}, C {c['c_in']}->{c['c_out']}, "
          f"{c['size']}x{c['size']}, k={c['k']}, s={c['stride']}, p={c['padding']}, float32; "
          f"median of {repeats} interleaved rounds of {burst}-call bursts; torch threads: {torch.get_num_threads()}")
    print(f"{'candidate':36s} {'median ms':>10s} {'vs torch (same device)':>24s}")
    for name, t in med.items():
        base = med[f"torch-{candidates[name][0].type}/F.conv_transpose2d"]
        print(f"{name:36s} {t * 1e3:10.2f} {t / base:23.2f}x")
    for name, why in refused.items():
        print(f"{name:36s} {'refused':>10s}   ({why})")
    rows = [(name, f"{t * 1e3:.2f}",
             f"{t / med[f'torch-{candidates[name][0].type}/F.conv_transpose2d']:.2f}x")
            for name, t in med.items()]
    rows += [(name, "refused", why) for name, why in refused.items()]
    return med, rows


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _layer(c):
    return (f"N={c['n']}, C {c['c_in']}→{c['c_out']}, {c['size']}×{c['size']}, k={c['k']}, "
            f"s={c['stride']}, p={c['padding']}, float32")


def write_record(path, tables, args, load_before, load_after):
    """The recorded-results box of the GPU appendix (MyST markdown, included by the chapter)."""
    gpu = (torch.cuda.get_device_name(0) if torch.cuda.is_available()
           else "none (no CUDA device: CPU rows only)")
    lines = [
        ":::{admonition} Recorded results: a benchmark run, not re-executed when the book is built",
        ":class: note",
        "",
        f"Written by `bench/bench_conv_transpose.py --record` on "
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. "
        f"Machine: {_cpu_model()}, {os.cpu_count()} logical CPUs; GPU: {gpu}. "
        f"torch {torch.__version__} ({torch.get_num_threads()} "
        f"thread{'s' if torch.get_num_threads() != 1 else ''}), numpy {np.__version__}, "
        f"Python {platform.python_version()}"
        + "".join(f", {k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                      "MKL_NUM_THREADS") if k in os.environ)
        + f". Load average (1 min) {load_before:.1f} before and "
        f"{load_after:.1f} after the run; {args.repeats} interleaved rounds of "
        f"{args.burst}-call bursts.",
        "",
    ]
    for title, c, rows in tables:
        lines += [f"**{title}** ({_layer(c)}):", "",
                  "| candidate | median ms | vs torch (same device) |", "|---|---:|---:|"]
        lines += [f"| {n} | {t} | {r} |" for n, t, r in rows]
        lines.append("")
    lines.append(":::")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"recorded: {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=31)
    ap.add_argument("--burst", type=int, default=4, help="calls per candidate per round (>= 2)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    ap.add_argument("--record", action="store_true",
                    help=f"write the recorded-results box {RECORD.relative_to(RECORD.parents[2])}")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.burst < 2:
        ap.error(f"--burst ({args.burst}) must be at least 2")
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    med, rows = bench(CONFIG, args.repeats, args.burst)
    ratio = med["numpy/scatter"] / med["torch-cpu/F.conv_transpose2d"]
    verdict = "within" if ratio <= 1.5 else "OUTSIDE"
    print(f"\nheadline: numpy scatter / torch CPU conv_transpose2d = {ratio:.2f}x "
          f"({verdict} the 1.5x target)")
    _, small_rows = bench(SMALL, args.repeats, args.burst)
    if args.record:
        load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        write_record(RECORD, [("Decoder-size layer", CONFIG, rows),
                              ("Teaching-size layer", SMALL, small_rows)],
                     args, load_before, load_after)


if __name__ == "__main__":
    main()
