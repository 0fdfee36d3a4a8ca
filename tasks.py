#!/usr/bin/env python3
"""Project tasks, runnable on a fresh machine that has only Python 3 and pip.

    python3 tasks.py book [--lang en|zh]
                               build the HTML book: the English edition into _build/html and
                               the Chinese edition (中文版) into _build/html/zh (--lang: one)
    python3 tasks.py i18n update|report|check
                               the Chinese translation catalogues (locales/zh_CN/): merge new
                               English text into them, print how complete they are, check
                               them (markup kept, glossary terms used); tools/i18n.py
    python3 tasks.py test      run every test: unit tests and doctests, the book build with
                               warnings as errors, every page of the built book in headless
                               chromium, offline, with an axe-core accessibility audit, both
                               PDFs of the print edition, and every chapter executed once, in
                               JupyterLab (tests/test_lab.py), its outputs compared with the
                               stored ones as nbval compares them, with the kernels' CPU
                               restricted (AVX2, one thread) (installs Debian's chromium and
                               the print edition's TeX packages when missing, and axe-core by
                               `npm ci` in tests/a11y when its node_modules is missing)
    python3 tasks.py nbval [NOTEBOOK ...]
                               nbval (strict) alone, on this machine's CPU (default: every
                               chapter)
    python3 tasks.py nbval-restricted [NOTEBOOK ...]
                               nbval alone with the CPU restricted (default: every chapter)
    python3 tasks.py execute [NOTEBOOK ...]
                               Restart & Run All: store fresh outputs in the chapter notebooks
    python3 tasks.py bench     run the benchmarks in bench/ (ratios against torch; explorer
                               redraw times against 100 ms at p95)
    python3 tasks.py pdf       the print edition: _build/pdf/book.pdf (with solutions) and
                               _build/pdf/book-student.pdf (without), from the stored outputs
                               (installs Debian's TeX packages first when they are missing)
    python3 tasks.py student   the student edition: every chapter without its solutions, run
                               top to bottom, in _build/student/ (notebooks) and
                               _build/student/_build/html/ (HTML), and the handout
                               _build/student/handout.zip (notebooks, the student build of
                               tconvlib, requirements.txt, README.md with the install line)
    python3 tasks.py grade-release [CHAPTER ...]
                               otter-grader releases, one per chapter (default: all), in
                               _build/grading/<chapter>/ (tools/grade_release.py)
    python3 tasks.py lab [--student] [JUPYTER-OPTION ...]
                               run the chapters interactively: JupyterLab on 127.0.0.1 (token
                               authentication on), opened at the first chapter; with --student,
                               in the student edition (built first when it is missing). Stop it
                               with Ctrl-C. Offline: the project's Jupyter config (.jupyter/)
                               turns off the news, update checks and announcements

Each task first makes sure the virtual environment ``.venv`` exists and holds exactly the pinned
requirements (it is created, or updated when requirements.txt or pyproject.toml change).
The Makefile's targets call these same tasks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".requirements.sha256"
BUILD_ARGS = ["-W", "-n", "--keep-going"]   # warnings are errors, nitpicky references


def _say(msg):
    print(f"[tasks] {msg}", flush=True)


def _env():
    """Environment for subprocesses: the venv first on PATH. (MPLBACKEND is left alone: the
    kernels draw figures inline, and the notebooks ask for that themselves.)"""
    env = dict(os.environ)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = str(VENV)
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"   # no debugger warning in kernels' stderr
    env.pop("PYTHONHOME", None)
    # bytecode is written (into .venv's and the package's __pycache__, both ignored by git):
    # with PYTHONDONTWRITEBYTECODE set, as on some machines, every process compiles every module
    # it imports again from source. The test run starts some fifty Python processes (kernels,
    # Sphinx builds, otter, pytest), most of them importing torch: the grading test alone took
    # 93 CPU-seconds with no bytecode ever written, 52 with it written as it goes
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def env_flag(name):
    """Whether the environment variable ``name`` is set to something other than "" or "0"."""
    return os.environ.get(name, "") not in ("", "0")


def _run(cmd, **kw):
    _say(" ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=_env(), **kw).returncode


def _setup_run(cmd, **kw):
    """Run a setup command (apt-get, npm) with its output captured, so that setup steps running
    side by side (see setup_for_tests) do not interleave their output: one line when it ends,
    the last lines of its output when it fails. Returns the exit status."""
    import time  # noqa: PLC0415
    start = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace", **kw)
    what = " ".join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(cmd))
    _say(f"{what}: {'done' if proc.returncode == 0 else f'failed ({proc.returncode})'} "
         f"in {time.perf_counter() - start:.0f} s")
    if proc.returncode:
        print("\n".join(proc.stdout.splitlines()[-40:]), flush=True)
    return proc.returncode


def _requirements_hash():
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_env():
    """Create .venv and install the pinned requirements if they are missing or changed."""
    if not PY.exists():
        _say(f"creating the virtual environment {VENV.name}/")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    want = _requirements_hash()
    if STAMP.exists() and STAMP.read_text().strip() == want:
        return
    _say("installing the pinned requirements (first run: a minute or more)")
    rc = _install_with_uv()
    if rc:
        _say("uv could not install them: pip installs them instead")
        # --no-compile: no bytecode for every file of every package (torch alone has
        # thousands); Python compiles what is imported, when it is first imported
        rc = _run([PY, "-m", "pip", "install", "--disable-pip-version-check", "-q",
                   "--no-compile", "-r", "requirements.txt"])
    if rc:
        sys.exit(rc)
    STAMP.write_text(want + "\n")


#: uv installs the requirements (pip fetches one file after another: 90 s of a fresh CI run
#: with one core idle; uv fetches side by side). pip is the fallback wherever uv fails.
UV = "uv==0.13.9"


def _pip_settings():
    """pip's settings on this machine (its config files and PIP_* variables) that say where
    packages come from: {"find-links": [...], "extra-index-url": [...], "index-url": [...],
    "constraint": [...], "cert": [...]}."""
    out = subprocess.run([PY, "-m", "pip", "config", "list"], capture_output=True, text=True,
                         env=_env()).stdout
    found = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        name = key.split(".", 1)[-1]
        if name in ("find-links", "extra-index-url", "index-url", "constraint", "cert"):
            found.setdefault(name, []).extend(value.strip().strip("'\"").split())
    return {name: list(dict.fromkeys(values)) for name, values in found.items()}


def _install_with_uv():
    """Install requirements.txt into the venv with uv, from the sources pip would use (its
    index, its extra indexes that exist, its find-links: the machines carry torch's CPU wheel
    there). Returns the exit status (non-zero: let pip do it)."""
    if _run([PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", UV]):
        return 1
    pip = _pip_settings()
    # unsafe-best-match: every index is searched for every package, as pip does (uv's default
    # takes a package from the first index that has it, at whatever versions that one has)
    cmd = [BIN / "uv", "pip", "install", "--quiet", "--python", PY, "--index-strategy",
           "unsafe-best-match", "-r", "requirements.txt"]
    for url in pip.get("index-url", [])[:1]:
        cmd += ["--index-url", url]
    for url in pip.get("extra-index-url", []):
        if not url.startswith("file:") or Path(url[len("file://"):]).is_dir():
            cmd += ["--extra-index-url", url]
    for where in pip.get("find-links", []):
        cmd += ["--find-links", where]
    for path in pip.get("constraint", []):
        if Path(path).is_file():
            cmd += ["--constraint", path]
    env = _env()
    for cert in pip.get("cert", [])[:1]:
        env.setdefault("SSL_CERT_FILE", cert)
    _say(" ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode


def build_book(argv=()):
    """Build the HTML book: the English edition into _build/html, then the Chinese edition
    (translated from locales/zh_CN, tools/i18n.py) into _build/html/zh, warnings as errors.
    ``--lang en`` or ``--lang zh`` builds one edition only."""
    argv = list(argv)
    lang = "all"
    if "--lang" in argv:
        i = argv.index("--lang")
        lang = argv[i + 1] if i + 1 < len(argv) else ""
    if lang not in ("all", "en", "zh"):
        _say(f"--lang ({lang!r}) must be en or zh (no --lang: both editions)")
        return 2
    ensure_env()
    rc = 0
    if lang in ("all", "en"):
        rc = _run([BIN / "jupyter-book", "build", ".", *BUILD_ARGS])
        if rc == 0:
            _say(f"the English edition is at {ROOT / '_build' / 'html' / 'index.html'}")
    if rc == 0 and lang in ("all", "zh"):
        rc = _run([PY, ROOT / "tools" / "i18n.py", "build"])
        if rc == 0:
            _say(f"the Chinese edition is at {ROOT / '_build' / 'html' / 'zh' / 'index.html'}")
    return rc


def i18n(argv=()):
    """The translation catalogues (tools/i18n.py): update, report, check."""
    ensure_env()
    return _run([PY, ROOT / "tools" / "i18n.py", *argv])


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium():
    """Install Debian's chromium for the browser test (tests/test_browser.py) if it is missing.

    A test tool never downloads a browser; the system's package manager installs it (as root,
    non-interactive). Without root or apt-get this says how, and the browser test then fails.
    """
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (apt and root):
        _say(f"{CHROMIUM} is missing and cannot be installed here (needs root and apt-get): "
             f"run `sudo apt-get install -y chromium`; the browser test will fail without it")
        return
    _say("installing Debian's chromium for the browser test")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _apt_update(apt, env)
    # without chromium's recommends: they serve a desktop browser (the setuid sandbox helper,
    # udev, upower, Mesa's GL drivers, a notification daemon, printer setup with avahi and
    # CUPS helpers: about a hundred packages and their setup scripts, minutes on a fresh
    # machine), while the tests run it headless, unsandboxed, without a GPU. Its one
    # recommended font package is asked for by name: the pages are laid out with it.
    rc = _setup_run([apt, "install", "-y", "-q", "--no-install-recommends", "chromium",
                     "fonts-liberation"], env=env)
    if rc:
        _say(f"apt-get install chromium failed ({rc}); the browser test will fail")


#: A second CPU for nbval: torch's own kernels (ATen), oneDNN and OpenBLAS limited to AVX2, and
#: one thread everywhere. A stored output that depends on the vector width (AVX2 vs AVX-512) or
#: on the thread count, i.e. on the order in which floats are summed, then differs between the
#: two runs on a machine with AVX-512, and on any machine with more than one core.
RESTRICTED_CPU = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2",
                  "OPENBLAS_CORETYPE": "Haswell", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


NBVAL_FLAGS = ["--nbval", "--nbval-current-env", "--nbval-cell-timeout=300",
               "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]


def _nbval_cmd(paths=()):
    """pytest with nbval (strict) on the given notebooks (default: every chapter)."""
    paths = list(paths) or ["chapters"]
    return [str(c) for c in [PY, "-m", "pytest", *paths, *NBVAL_FLAGS, "-ra",
                             "-p", "no:cacheprovider", "--durations=15"]]


def nbval_restricted(paths=()):
    """nbval on the chapters only, in subprocesses that inherit RESTRICTED_CPU (the kernels
    nbval starts inherit it too). ``tasks.py test`` covers this in tests/test_lab.py; this task
    runs it alone, on the given notebooks."""
    ensure_env()
    _say("nbval again with the CPU restricted: "
         + " ".join(f"{k}={v}" for k, v in RESTRICTED_CPU.items()))
    cmd = _nbval_cmd(paths)
    _say(" ".join(cmd))
    return subprocess.run(cmd, cwd=ROOT, env=dict(_env(), **RESTRICTED_CPU)).returncode


A11Y = ROOT / "tests" / "a11y"


def ensure_axe():
    """Install axe-core for the browser test's accessibility audit (tests/a11y/, pinned in its
    package-lock.json) with ``npm ci`` when node_modules is missing. Without npm this says how,
    and the browser test then fails."""
    if (A11Y / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    npm = shutil.which("npm")
    if not npm:
        _say("npm is missing: install Node.js (Debian: apt-get install -y npm), then run "
             "`npm ci` in tests/a11y; the browser test will fail without axe-core")
        return
    _say("installing axe-core for the browser test (npm ci in tests/a11y)")
    rc = _setup_run([npm, "ci", "--no-audit", "--no-fund"], cwd=A11Y)
    if rc:
        _say(f"npm ci failed ({rc}); the browser test will fail")


_APT_UPDATED = []


def _apt_update(apt, env):
    """``apt-get update``, once per run."""
    if not _APT_UPDATED:
        _setup_run([apt, "update", "-q"], env=env)
        _APT_UPDATED.append(True)


def _apt_install(packages, why):
    """``apt-get install --no-install-recommends`` (root, non-interactive); False if it can't."""
    apt = shutil.which("apt-get")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if not (apt and root):
        _say(f"{why} needs Debian's {' '.join(packages)}, which cannot be installed here (needs "
             f"root and apt-get): run `sudo apt-get install --no-install-recommends "
             f"{' '.join(packages)}`")
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _apt_update(apt, env)
    _say(f"installing Debian's {' '.join(packages)} for {why}")
    rc = _setup_run([apt, "install", "-y", "-q", "--no-install-recommends", *packages], env=env)
    if rc:
        _say(f"apt-get install failed ({rc}); {why} will fail")
    return rc == 0


def _print_edition():
    sys.path.insert(0, str(ROOT / "tools"))
    import print_edition  # noqa: PLC0415 -- standard library only at import time
    return print_edition


def ensure_tex():
    """Install the print edition's TeX toolchain and poppler-utils if any part is missing
    (the package list: tools/print_edition.py's APT_PACKAGES, also in the README)."""
    pe = _print_edition()
    missing = pe.missing_tools()
    if missing:
        _say(f"the print edition needs {', '.join(missing)}")
        _apt_install(pe.APT_PACKAGES, "the print edition (PDF)")


def pdf(extra=()):
    """The print edition: both PDFs from the stored outputs (tools/print_edition.py)."""
    ensure_env()
    ensure_tex()
    return _run([PY, str(ROOT / "tools" / "print_edition.py"), *extra])


#: The folder (set by ``tasks.py test`` for its pytest processes) where each setup step that
#: goes on beside the tests (:data:`SETUP_STEPS`) leaves ``<step>.done`` when it ends.
SETUP_SIGNALS = "TCONV_SETUP_SIGNALS"
SETUP_STEPS = ("chromium", "tex", "axe")


def setup_for_tests(signals=None):
    """Everything the tests need, the independent parts side by side: the virtual environment
    (uv, or pip) here, Debian's chromium and TeX packages (apt-get, one after the other: dpkg
    has one lock) in one thread and axe-core (npm ci) in another. Each step says when it starts
    and ends. Without ``signals`` this returns when all have ended. With ``signals`` (a folder)
    it returns as soon as the virtual environment is ready, and the other steps go on beside the
    tests: each leaves ``signals/<step>.done`` when it ends, and a test that needs one waits for
    it (:func:`wait_for_setup`). A fresh machine spends minutes in apt-get (chromium, then TeX,
    whose format files are built when it is installed); the tests that need neither run
    meanwhile. Returns the threads."""
    import threading  # noqa: PLC0415

    def step(name, func):
        def run():
            try:
                func()
            except Exception as e:             # noqa: BLE001 -- the next step still runs
                _say(f"setting up {name} failed: {type(e).__name__}: {e}")
            finally:
                if signals is not None:
                    (Path(signals) / f"{name}.done").touch()
        return run

    def system_packages():
        step("chromium", ensure_chromium)()
        step("tex", ensure_tex)()

    threads = [threading.Thread(target=system_packages, name="system_packages"),
               threading.Thread(target=step("axe", ensure_axe), name="ensure_axe")]
    for t in threads:
        t.start()
    try:
        ensure_env()
    finally:
        if signals is None:
            for t in threads:
                t.join()
    return threads


def wait_for_setup(*steps, timeout=3600):
    """Wait until the named setup steps (:data:`SETUP_STEPS`) that ``tasks.py test`` runs
    beside the tests have ended (whether they installed anything or failed: the test then
    checks for what it needs itself). Returns at once when the tests were not started by
    ``tasks.py test`` (no TCONV_SETUP_SIGNALS). Returns the seconds waited."""
    import time  # noqa: PLC0415
    unknown = set(steps) - set(SETUP_STEPS)
    if unknown:
        raise ValueError(f"steps={steps!r}: unknown step(s) {sorted(unknown)}; the steps are "
                         + ", ".join(map(repr, SETUP_STEPS[:-1])) + f" and {SETUP_STEPS[-1]!r}")
    folder = os.environ.get(SETUP_SIGNALS)
    start = time.monotonic()
    if not folder:
        return 0.0
    while True:
        left = [s for s in steps if not (Path(folder) / f"{s}.done").exists()]
        if not left:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"the setup step(s) {left} of `tasks.py test` did not end within "
                               f"{timeout} s")
        time.sleep(0.5)


def test(extra=()):
    """Every test: the unit tests, doctests, the book builds (both editions), the browser, PDF,
    JupyterLab, grading and student-edition tests (``tests``, ``tconvlib``), in two pytest
    processes at once (TCONV_TEST_HALF, see tests/conftest.py): "builds" (every test that needs
    the HTML book build, a browser or JupyterLab) and "light" (the rest: unit tests, the PDFs,
    the student HTML, grading). A Sphinx build and most unit tests use one core each, so side by
    side they keep both cores busy. (An earlier split, the JupyterLab test beside everything
    else, was slower, and the explorers' redraws timed out.) The light half's report is
    printed after the builds half's. ``extra`` (pytest options) goes to both.

    The tests start as soon as the virtual environment is ready: Debian's chromium and TeX
    packages and axe-core are installed beside them (:func:`setup_for_tests`), and each half
    runs first what needs none of them (tests/conftest.py orders them); a test that needs one
    waits for it (:func:`wait_for_setup`).

    Every chapter is executed once: tests/test_lab.py runs each one in JupyterLab (Run All) and
    compares every code cell's outputs with the stored ones by nbval's own comparison (same
    cell options, sanitizing and skipped keys), with its kernels under RESTRICTED_CPU (AVX2,
    one thread: a CPU other than the one that stored them). Every build reuses the stored
    outputs. ``python3 tasks.py nbval`` runs nbval itself on this machine's CPU."""
    import tempfile  # noqa: PLC0415
    import time  # noqa: PLC0415
    start = time.perf_counter()
    signals = Path(tempfile.mkdtemp(prefix="tconv-setup-"))
    threads = setup_for_tests(signals)
    env = {**_env(), SETUP_SIGNALS: str(signals)}
    cmd = [PY, "-m", "pytest", "tests", "tconvlib", *NBVAL_FLAGS, "-ra", "--durations=25",
           *extra]
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        _say("light half (in the background, reported at the end): TCONV_TEST_HALF=light "
             + " ".join(str(c) for c in cmd))
        light = subprocess.Popen([str(c) for c in [*cmd, "-p", "no:cacheprovider"]], cwd=ROOT,
                                 env={**env, "TCONV_TEST_HALF": "light"}, stdout=log,
                                 stderr=subprocess.STDOUT)
        try:
            _say("builds half: TCONV_TEST_HALF=builds " + " ".join(str(c) for c in cmd))
            rc_builds = subprocess.run([str(c) for c in cmd], cwd=ROOT,
                                       env={**env, "TCONV_TEST_HALF": "builds"}).returncode
            rc_light = light.wait()
        finally:
            if light.poll() is None:          # interrupted: no pytest left behind
                light.kill()
                light.wait()
            for t in threads:
                t.join()
            shutil.rmtree(signals, ignore_errors=True)
        log.seek(0)
        _say("the light half's report:")
        sys.stdout.write(log.read())
    # pytest's 5: no test collected (a half can be empty when `extra` selects tests)
    rcs = [rc for rc in (rc_builds, rc_light) if rc != 5] or [5]
    _say(f"builds half: exit {rc_builds}, light half: exit {rc_light}; "
         f"{time.perf_counter() - start:.0f} s in all")
    return max(rcs)


def nbval(paths=()):
    """nbval (strict) on the chapters (default: every one), on this machine's CPU."""
    ensure_env()
    return _run(_nbval_cmd(paths))


def execute(paths=()):
    """Restart & Run All on the given notebooks (default: every chapter), storing outputs."""
    ensure_env()
    return _run([PY, str(ROOT / "tests" / "execute_notebooks.py"), *paths])


def student(extra=()):
    """Write, execute and build the student edition (tools/student_edition.py)."""
    ensure_env()
    return _run([PY, str(ROOT / "tools" / "student_edition.py"), *extra])


def grade_release(extra=()):
    """otter-grader releases (tools/grade_release.py)."""
    ensure_env()
    return _run([PY, str(ROOT / "tools" / "grade_release.py"), *extra])


def bench(extra=()):
    ensure_env()
    rc = 0
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        rc |= _run([PY, script, *extra])
    return rc


#: The project's Jupyter configuration (committed): no news, no update check, no announcements
#: pop-up, no extension manager (it would query PyPI); see .jupyter/README.md.
JUPYTER_CONFIG = ROOT / ".jupyter"
FIRST_CHAPTER = "chapters/01_matrix_view.ipynb"
STUDENT_ROOT = ROOT / "_build" / "student"


def lab_env(token):
    """Environment for a JupyterLab server: the venv, the project's Jupyter config, the token."""
    env = _env()
    env["JUPYTER_CONFIG_DIR"] = str(JUPYTER_CONFIG)
    env["JUPYTER_TOKEN"] = token             # in the environment, not on the command line (ps)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"]
                                     if env.get("PYTHONPATH") else "")
    return env


def lab_command(root_dir, port, *, python=None, open_browser=True, extra=()):
    """The ``jupyter lab`` command line: 127.0.0.1 only, token authentication on (the token
    comes from $JUPYTER_TOKEN, see lab_env), ``root_dir`` as the server's root, the first
    chapter as the page it opens."""
    return [str(python or PY), "-m", "jupyterlab", f"--ServerApp.root_dir={root_dir}",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            *([] if open_browser else ["--no-browser"]),
            f"--LabApp.default_url=/lab/tree/{FIRST_CHAPTER}",
            # in a container one often is root; the server still listens on 127.0.0.1 only
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            *extra]


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab(argv=()):
    """Start JupyterLab on the chapters (``--student``: on the student edition's)."""
    import secrets
    argv = list(argv)
    edition = "student" if "--student" in argv else "instructor"
    argv = [a for a in argv if a != "--student"]
    ensure_env()
    root_dir = ROOT
    if edition == "student":
        root_dir = STUDENT_ROOT
        if not (root_dir / FIRST_CHAPTER).exists():
            _say("the student edition is missing: building it first (python3 tasks.py student)")
            rc = student()
            if rc:
                return rc
    token = secrets.token_urlsafe(24)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/lab/tree/{FIRST_CHAPTER}?token={token}"
    _say(f"JupyterLab ({edition} edition) on {root_dir}")
    _say(f"open: {url}")
    _say("stop it with Ctrl-C (twice, or once and answer y)")
    cmd = lab_command(root_dir, port, extra=argv)
    try:
        return subprocess.run(cmd, cwd=root_dir / "chapters", env=lab_env(token)).returncode
    except KeyboardInterrupt:
        return 0


def main(argv):
    tasks = {"book": build_book, "i18n": i18n, "test": test, "execute": execute, "bench": bench,
             "student": student, "pdf": pdf, "env": lambda a: ensure_env() or 0,
             "nbval": nbval, "nbval-restricted": nbval_restricted,
             "grade-release": grade_release, "lab": lab}
    if not argv or argv[0] not in tasks:
        print(__doc__)
        return 2
    return tasks[argv[0]](argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
