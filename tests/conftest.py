"""Shared test configuration: hypothesis profile, devices, and strategies for conv configs."""

import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "default", max_examples=int(os.environ.get("TCONV_EXAMPLES", "200")), deadline=None,
    derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

#: ``python3 tasks.py test`` runs two pytest processes at once, one per half of the run (set by
#: TCONV_TEST_HALF): "builds", every test that needs the HTML book build, a browser or JupyterLab
#: (one of the fixtures below), and "light", the rest (unit tests, doctests, the PDFs, the student
#: edition's HTML, grading, the student package, the catalogues). A Sphinx or LaTeX build and
#: most unit tests use one core; side by side, the two halves keep both cores busy. Unset: every
#: test.
HALF = os.environ.get("TCONV_TEST_HALF", "")
BUILD_FIXTURES = {"book_build", "zh_build", "site", "zh_site", "lab", "browser"}
#: the fixtures that open chromium
BROWSER_FIXTURES = {"browser", "lab", "pages", "zh_pages"}


def is_build_test(item):
    """Whether a test belongs to the "builds" half."""
    return bool(BUILD_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    if HALF not in ("", "builds", "light"):
        raise pytest.UsageError(f"TCONV_TEST_HALF={HALF!r}: use 'builds' or 'light' (or unset)")
    if not HALF:
        return
    keep = [it for it in items if is_build_test(it) == (HALF == "builds")]
    dropped = [it for it in items if is_build_test(it) != (HALF == "builds")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    # modules stay whole (a module's fixtures are set up once); what needs a package that
    # `tasks.py test` may still be installing (chromium, TeX: tasks.setup_for_tests) goes last
    if HALF == "light":
        # the modules with slow tests first, beside the builds half's browser tests: those
        # without TeX (the student HTML, grading: Sphinx builds and kernels), then the PDFs
        # (by then TeX is installed on a fresh machine, or nearly); the unit tests last
        slow = {str(it.path) for it in keep if it.get_closest_marker("slow") is not None}
        tex = {str(it.path) for it in keep if "pdfs" in getattr(it, "fixturenames", ())}
        keep.sort(key=lambda it: 0 if str(it.path) in slow - tex else
                  1 if str(it.path) in tex else 2)
    else:
        # the book builds and the catalogue tests first, then the browser tests (chromium)
        browser = {str(it.path) for it in keep
                   if BROWSER_FIXTURES & set(getattr(it, "fixturenames", ()))}
        keep.sort(key=lambda it: str(it.path) in browser)
    items[:] = keep


DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="CUDA is not available"))]


@pytest.fixture(params=DEVICES)
def device(request):
    return torch.device(request.param)


@st.composite
def transposed_configs(draw, ndim=None):
    """A valid transposed-convolution configuration (possibly with an output of any size)."""
    ndim = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    per_dim = []
    for _ in range(ndim):
        k = draw(st.integers(1, 4))
        s = draw(st.integers(1, 3))
        d = draw(st.integers(1, 3))
        op = draw(st.integers(0, max(s, d) - 1))
        n = draw(st.integers(1, 5))
        p_max = (s * (n - 1) + d * (k - 1) + op) // 2   # keeps the output non-empty
        p = draw(st.integers(0, min(p_max, 4)))
        per_dim.append((n, k, s, p, op, d))
    batch = draw(st.sampled_from([None, 0, 1, 2]))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    cols = list(zip(*per_dim))
    as_param = (lambda t: t[0] if ndim == 1 and draw(st.booleans()) else tuple(t))
    return dict(ndim=ndim, groups=groups, c_in=c_in, c_out=c_out, size=cols[0], kernel=cols[1],
                stride=as_param(cols[2]), padding=as_param(cols[3]),
                output_padding=as_param(cols[4]), dilation=as_param(cols[5]), batch=batch,
                bias=bias, seed=seed)


def make_arrays(cfg, transposed=True):
    """Random float64 input, weight and bias for a config (numpy)."""
    rng = np.random.default_rng(cfg["seed"])
    lead = () if cfg["batch"] is None else (cfg["batch"],)
    x = rng.standard_normal(lead + (cfg["c_in"],) + tuple(cfg["size"]))
    if transposed:
        w_shape = (cfg["c_in"], cfg["c_out"] // cfg["groups"]) + tuple(cfg["kernel"])
    else:
        w_shape = (cfg["c_out"], cfg["c_in"] // cfg["groups"]) + tuple(cfg["kernel"])
    w = rng.standard_normal(w_shape)
    b = rng.standard_normal(cfg["c_out"]) if cfg["bias"] else None
    return x, w, b


def torch_or_none(a, device="cpu"):
    return None if a is None else torch.as_tensor(a, device=device)


@pytest.fixture(scope="session")
def book_build():
    """Build the book once per test session, as ``python3 tasks.py book`` does (same flags).

    Returns ``(returncode, log, html_dir)``; tests/test_book.py checks the build itself,
    tests/test_browser.py opens its pages. ``TCONV_REUSE_BUILD=1`` reuses an existing
    ``_build/html`` instead (for working on the browser test alone).
    """
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from tasks import BUILD_ARGS   # the same flags as `python3 tasks.py book`

    html = root / "_build" / "html"
    if os.environ.get("TCONV_REUSE_BUILD") == "1" and (html / "index.html").exists():
        return 0, "(reused an existing build: TCONV_REUSE_BUILD=1)", html
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ,
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("MPLBACKEND", None)   # figures are drawn inline by the kernels
    # a fresh build: a stale _build/.doctrees would let Sphinx skip re-reading (and
    # re-executing) unchanged pages, and so skip the warnings they would raise. Only the HTML
    # builds' own folders go: the other half of `tasks.py test` may be writing the PDFs in
    # _build/pdf meanwhile
    for sub in ("html", ".doctrees", ".doctrees-zh", "jupyter_execute", "screenshots"):
        shutil.rmtree(root / "_build" / sub, ignore_errors=True)
    proc = subprocess.run([str(jb), "build", str(root), *BUILD_ARGS],
                          capture_output=True, text=True, env=env, cwd=root)
    return proc.returncode, proc.stdout + proc.stderr, html


@pytest.fixture(scope="session")
def zh_build(book_build):
    """The Chinese edition, built once per session after the English one (into
    ``_build/html/zh``, as ``python3 tasks.py book`` does). Returns ``(returncode, log,
    html_dir)``."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    html = root / "_build" / "html" / "zh"
    if os.environ.get("TCONV_REUSE_BUILD") == "1" and (html / "index.html").exists():
        return 0, "(reused an existing build: TCONV_REUSE_BUILD=1)", html
    proc = subprocess.run([sys.executable, str(root / "tools" / "i18n.py"), "build"],
                          capture_output=True, text=True, cwd=root)
    return proc.returncode, proc.stdout + proc.stderr, html


def transposed_kwargs(cfg):
    """The keyword arguments of a ``transposed_configs`` configuration."""
    return dict(stride=cfg["stride"], padding=cfg["padding"], output_padding=cfg["output_padding"],
                groups=cfg["groups"], dilation=cfg["dilation"])


def torch_reference(cfg, x, w, b):
    """torch's conv_transpose1d/2d (the oracle) on numpy operands, as numpy."""
    import torch.nn.functional as F

    fn = F.conv_transpose1d if cfg["ndim"] == 1 else F.conv_transpose2d
    return fn(torch.as_tensor(x), torch.as_tensor(w), torch_or_none(b),
              **transposed_kwargs(cfg)).numpy()


def run_fresh_python(code):
    """Run ``code`` in a fresh interpreter (nothing imported yet); return its stripped stdout."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()

