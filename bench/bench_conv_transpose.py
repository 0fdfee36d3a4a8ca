#!/usr/bin/env python3
"""Benchmark: tconvlib's transposed convolution against torch's ``conv_transpose2d``.

Prints, for each method on each backend and device present, the median time of interleaved
runs and the ratio to torch on the same device. The headline is the target of the foundation
issue: numpy ``scatter`` within 1.5x of torch's CPU ``conv_transpose2d`` at N=8, C 64->32,
32x32, k=4, s=2, p=1, float32.

    python3 tasks.py bench                      # or: .venv/bin/python bench/bench_conv_transpose.py
    python bench/bench_conv_transpose.py --repeats 41 --gap 0.01

Interleaving: each round runs every candidate once, in turn, so slow drifts of the machine hit
all of them alike; the median over rounds is reported. A short pause (``--gap``) before each
call lets the thread pools of numpy's BLAS and of torch go idle, so that one library's spinning
threads do not slow the next call of the other.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

import tconvlib as tc

CONFIG = dict(n=8, c_in=64, c_out=32, size=32, k=4, stride=2, padding=1)


def _timer(fn, device):
    def run():
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        if device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - t0
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=31)
    ap.add_argument("--gap", type=float, default=0.05, help="pause before each call (s)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    c = CONFIG
    rng = np.random.default_rng(0)
    x = rng.standard_normal((c["n"], c["c_in"], c["size"], c["size"])).astype(np.float32)
    w = rng.standard_normal((c["c_in"], c["c_out"], c["k"], c["k"])).astype(np.float32)
    kw = dict(stride=c["stride"], padding=c["padding"])

    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    candidates = {}          # name -> (device, fn)
    for m in tc.METHODS:
        candidates[f"numpy/{m}"] = (torch.device("cpu"), lambda m=m: tc.conv_transpose2d(x, w, **kw, method=m))
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

    timers = {name: _timer(fn, dev) for name, (dev, fn) in candidates.items()}
    times = {name: [] for name in timers}
    for _ in range(args.repeats):
        for name, run in timers.items():
            time.sleep(args.gap)
            times[name].append(run())
    med = {name: float(np.median(v)) for name, v in times.items()}

    print(f"conv_transpose2d: N={c['n']}, C {c['c_in']}->{c['c_out']}, {c['size']}x{c['size']}, "
          f"k={c['k']}, s={c['stride']}, p={c['padding']}, float32; median of "
          f"{args.repeats} interleaved rounds; torch threads: {torch.get_num_threads()}")
    print(f"{'candidate':36s} {'median ms':>10s} {'vs torch (same device)':>24s}")
    for name, t in med.items():
        dev = candidates[name][0].type
        base = med[f"torch-{dev}/F.conv_transpose2d"]
        print(f"{name:36s} {t * 1e3:10.2f} {t / base:23.2f}x")
    for name, why in refused.items():
        print(f"{name:36s} {'refused':>10s}   ({why})")
    ratio = med["numpy/scatter"] / med["torch-cpu/F.conv_transpose2d"]
    verdict = "within" if ratio <= 1.5 else "OUTSIDE"
    print(f"\nheadline: numpy scatter / torch CPU conv_transpose2d = {ratio:.2f}x "
          f"({verdict} the 1.5x target)")


if __name__ == "__main__":
    main()
