"""The chapters run interactively: JupyterLab in a real browser, offline (issue 14).

One JupyterLab server for the whole module, started the way ``python3 tasks.py lab`` starts it
(``tasks.lab_command`` and ``tasks.lab_env``: 127.0.0.1, a free port, token authentication on,
the project's Jupyter config in ``.jupyter/``) from the Python that runs the tests (the venv the
README builds), on a temporary folder that holds a copy of ``chapters/`` and the student
edition's sources (``student/``, written by ``tools/student_edition.py``); the repository's own
notebooks are never opened, so nothing (not even an autosave) can write to them. It is opened in
headless chromium (``/usr/bin/chromium``) with every request to another host blocked twice over:
no other host name resolves, and a request filter aborts (and records) any request that leaves
127.0.0.1. The test fails on any such request and on any page error.

Every kernel runs with the CPU restricted (``tasks.RESTRICTED_CPU``: torch, oneDNN and OpenBLAS
limited to AVX2, one thread), the second CPU on which the stored outputs must hold.

1. **Every chapter** (instructor's edition), a few at a time (``TCONV_LAB_PARALLEL``, default 3,
   so that both cores stay busy): opened in one JupyterLab page, its outputs cleared, Run All,
   wait until the run has finished and the kernel is idle; no error output and every code cell
   executed; the notebook is saved (in the temporary copy) and every code cell's outputs are
   compared with the stored ones *by nbval's own comparison* (``nbval.plugin``'s
   ``compare_outputs``, ``coalesce_streams``, cell tags and comment markers, the sanitizing
   regexes of ``tests/nbval_sanitize.cfg``; images are skipped as nbval skips them). This is
   nbval under the restricted CPU, and the only execution of the chapters in ``tasks.py test``
   (``tasks.py nbval`` runs nbval itself).
2. **Every live explorer** (chapters with ``.widget()``), one at a time, once no chapter runs any
   more (the student's exercises, 3, run meanwhile in other pages): one frame on show, with one
   picture, sharp and shown at its natural size, its caption as its ``alt`` text, no tab bar
   showing (the live face keeps a frame per combination in the page, in ``Tab`` widgets linked
   to the sliders); then every control is operated as a learner does (a slider is moved with
   the keyboard; a dropdown gets another option; a button is pressed), :data:`MOVES` times at
   least, each from a settled explorer. Each move must change the caption, change the picture
   on show at most once and end with one frame on show, drawn (never "drawing..."); no frame
   may be filled in twice (nothing drawn twice); every control must change the picture's bytes
   at least once (two settings may draw the same picture); the frames and the output area must
   stay as they were (nothing piles up). The in-page redraw time, from the input event to the
   new picture decoded in the page (a ``MutationObserver`` on the explorer, the ``decode()``
   of the picture now on show, ``performance.now()``), is recorded for every move (in
   ``redraw.json`` beside the screenshots) and its p50/p95 per explorer printed as a table,
   with how many moves had to wait for the kernel to draw their frame (not asserted: the
   100 ms target is for an idle machine, see ``bench/bench_explorers.py``; a move must only
   show its image within 20 s). Two ways to time them: in ``tasks.py test`` the student's
   exercises share the machine, drawing ahead is off (every move not made before is a new
   draw, the worst case) and each control goes one step there and back; with
   ``TCONV_LAB_QUIET_EXPLORERS=1`` they are timed as a learner meets them (:data:`MOVES`).
   The exercises render with jupyterlab-myst (numbered titles, no raw directive text).
3. **The student edition** (at the same time as 2, in :data:`STUDENT_PAGES` more pages of the
   same server, each taking the next chapter when it is done with one): in
   every chapter with a checkable exercise, the answer cell of one exercise (:data:`STUDENT`)
   is run as it is ("not answered yet"), then the right answer (``solve()`` of the instructor's
   checker, written as a Python literal) and a typical wrong answer are typed into it through the
   page and run; the output must show the verdict the checker gives in this process (✔, or ✘
   with the mistake's own hint). Only the cell that imports ``tconvlib`` runs before: the answer
   cell needs nothing else, and a full Run All of the student edition is tested elsewhere
   (``tests/test_student_edition.py``). The notebooks one page opens share a kernel (each is
   opened on it): one kernel start per page, not one per chapter.

Cost (an idle 2-core machine, 2026-11-28, TCONV_LAB_QUIET_EXPLORERS=1): 514 s, of which Run All
of the 13 chapters 276 s and the explorers 118 s; chromium used 506 CPU-seconds (opening a
chapter costs it about 10: MyST rendering, JupyterLab's core, layout). In ``tasks.py test``, as
the last test of the builds half (ci14, two student pages): 491 s, of which server and pages
47, Run All 271, the explorers and the student's exercises side by side 169; with bytecode
written and the explorers' shorter moves (ci22-ci25, 2026-11-29): 357-452 s, of which Run All
165-280 and the explorers beside the student's exercises 129-167. Measured and
rejected: JupyterLab's ``contentVisibility`` windowing (the cells are then rendered in idle
time: the same browser time, later), a ``document.fonts.ready`` that resolves at once (the
style recalculations CodeMirror forces per cell editor happen anyway), no rule for ``::before``
and ``::after`` in the no-animation style (no change beyond noise). Kept: ``TCP_NODELAY`` on
the kernels' websockets (``.jupyter/jupyter_server_config.py``): it removes the 40 ms that each
message of a redraw waited for the browser's delayed acknowledgement of the one before. In three
full runs with it Run All took 341, 358 and 288 s and chromium 488, 497 and 411 CPU-seconds, in
five without it 271, 280, 336, 353 and 347 s and 370, 415, 511, 523 and 490 CPU-seconds: no
difference beyond the spread between runs. On a quiet machine (chapters 7, 8, 9, 13, one run each,
``TCONV_LAB_QUIET_EXPLORERS=1``) the redraw p50 was 55-75 ms with it and 68-89 ms without, p95
109-164 ms and 134-163 ms, chromium 127 and 130 CPU-seconds. ``TCONV_LAB_CHAPTERS`` (a
comma-separated list of chapter numbers) runs a subset while developing; the output comparison
then covers only that subset.

Redraw as a learner meets it (an idle 2-core machine, 2026-11-29, ``TCONV_LAB_QUIET_EXPLORERS=1``,
all 13 chapters open in one page, 20 moves per explorer, drawing ahead on, 1 s before each
move). With one image whose bytes the kernel replaced on every move (before 3556d5f): p50
64-101 ms, p95 87-218 ms, 4 of 12 explorers under 100 ms at p95; what was left after drawing
ahead was the round trip (page -> server -> kernel -> page) and a fresh decode. With a frame per
combination in the page, switched by the sliders there (``Explorer.widget``): p50 21-44 ms,
p95 31-98 ms, **12 of 12 under 100 ms** (chapter 1 the slowest, p95 98 ms, max 142 ms); every
move found its frame drawn ahead (the "drawn" column: 0). A move to a frame not drawn yet still
waits for the round trip and the drawing: in ``tasks.py test`` (drawing ahead off, beside the
student's exercises, on a loaded machine) p50 116-463 ms.

Screenshots: each explorer after its moves (and before them, and the chapter around it, with
:data:`ALL_SHOTS`), each student exercise with its verdict on the wrong answer, under
``_build/screenshots/lab/``.
"""

import asyncio
import copy
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import traceback
import urllib.request
from collections import OrderedDict, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402  (the same command as `python3 tasks.py lab`)

CHROMIUM = Path(os.environ.get("TCONV_CHROMIUM", "/usr/bin/chromium"))
#: where the screenshots end up; they are taken into a temporary folder and copied here when
#: the session ends (``tasks.py test`` runs this module beside the other tests, whose book build
#: starts by wiping ``_build``)
SHOTS_OUT = ROOT / "_build" / "screenshots" / "lab"
SHOTS = SHOTS_OUT                       # the folder in use (set by the fixture)
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

ALL_CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _pick(names):
    pick = os.environ.get("TCONV_LAB_CHAPTERS", "").strip()
    if not pick or pick == "all":
        return list(names)
    nums = {n.strip().zfill(2) for n in pick.split(",")}
    return [c for c in names if c[:2] in nums]


CHAPTERS = _pick(ALL_CHAPTERS)
#: every chapter whose notebook shows a live explorer (``.widget()``)
WITH_EXPLORER = [c for c in CHAPTERS
                 if ".widget()" in (ROOT / "chapters" / c).read_text(encoding="utf-8")]
PARALLEL = int(os.environ.get("TCONV_LAB_PARALLEL", "3"))
#: the explorers timed as a learner meets them (``TCONV_LAB_QUIET_EXPLORERS=1``): alone on the
#: machine (the student's exercises after them, not beside them), drawing ahead on as in
#: ``python3 tasks.py lab``, a pause of LEARNER_PAUSE_S before each move (a learner looks at the
#: picture), MOVES moves per explorer at least. Otherwise (``tasks.py test``) every move not
#: made before is a new draw (drawing ahead off: the worst case), each control goes one step
#: there and back (MOVES at least), and the times printed are those of a loaded machine
QUIET_EXPLORERS = tasks.env_flag("TCONV_LAB_QUIET_EXPLORERS")
MOVES = 20 if QUIET_EXPLORERS else 4
#: every screenshot (each explorer before its moves too, unless timing as a learner, and the
#: page around it) when timing as a learner or with TCONV_LAB_ALL_SHOTS=1; in ``tasks.py test``
#: only each explorer after its moves and each student verdict (a screenshot costs the browser
#: a second or two of CPU time)
ALL_SHOTS = QUIET_EXPLORERS or tasks.env_flag("TCONV_LAB_ALL_SHOTS")
LEARNER_PAUSE_S = 1.0
#: pages that work through the student's exercises side by side (each its own renderer process
#: and kernel): opening a notebook costs the browser seconds of one core's time
STUDENT_PAGES = int(os.environ.get("TCONV_LAB_STUDENT_PAGES", "2"))
RUN_TIMEOUT_S = 420        # one chapter's Run All, on a loaded machine, with others running

#: one exercise per chapter with a checkable exercise: (exercise id, a typical wrong answer as a
#: Python literal). The right answer is the instructor's ``solve()``, written as a literal.
STUDENT = {
    "01": ("matrix-view/shape", "(11, 4)"),                    # rows and columns swapped
    "02": ("painting-view/projective-field", "[1, 2, 3, 4]"),  # the stride not applied
    "03": ("shape-formula/size", "23"),                        # fence posts
    "04": ("equivariance/output-shift", "(6, 2)"),             # swapped
    "05": ("checkerboard/variance-ratio", "1.5"),              # one axis only
    "06": ("initialization/fan-in", "[[4, 6], [6, 9]]"),       # C_in forgotten
    "07": ("remedies/phase-sums", "[[2.25, 2.25], [2.25, 2.25]]"),   # the balanced ideal
    "08": ("pixel-shuffle/k-sub", "2"),                        # rounded down
    "09": ("alignment/offset", "0.0"),                         # the block centre forgotten
    "10": ("applications/unet-op", "(1, 1)"),                  # ceil(n/2) ignored
    "11": ("misconceptions/size", "(8, 0)"),                   # "s times the input"
    "13": ("gpu/tf32-unit", "0.0009765625"),                   # 2**-10: the whole gap
}
STUDENT_CHAPTERS = [c for c in CHAPTERS if c[:2] in STUDENT]

pytestmark = pytest.mark.slow


# -- nbval's comparison of a cell's outputs, reused ---------------------------------------------

#: the output keys nbval does not compare (``nbval.plugin.IPyNbFile.__init__``, without nbdime)
NBVAL_SKIP_COMPARE = ('metadata', 'traceback', 'prompt_number', 'output_type', 'name',
                      'execution_count', 'application/vnd.jupyter.widget-view+json',
                      'image/png', 'image/jpeg')


def sanitize_patterns(path=SANITIZE):
    from nbval.plugin import get_sanitize_patterns
    return OrderedDict(get_sanitize_patterns(Path(path).read_text(encoding="utf-8")))


class _NbvalCell:
    """Just enough of an ``nbval.plugin.IPyNbCell`` to call its own comparison methods."""

    def __init__(self, patterns):
        from nbval.plugin import IPyNbCell, nocolors

        class Parent:
            skip_compare = NBVAL_SKIP_COMPARE
            sanitize_patterns = patterns
        self.parent = Parent()
        self.colors = nocolors
        self.comparison_traceback = []
        self._cls = IPyNbCell

    def sanitize(self, s):
        return self._cls.sanitize(self, s)

    def format_output_compare(self, key, left, right):
        # nbval formats this with pytest's assertion hooks; a unified diff says the same
        import difflib
        from nbval.plugin import _trim_base64
        left, right = (_trim_base64(x) if isinstance(x, str) else repr(x) for x in (left, right))
        self.comparison_traceback.append(f" mismatch '{key}' (stored / this run):")
        self.comparison_traceback.extend(list(difflib.unified_diff(
            left.splitlines(), right.splitlines(), "stored", "this run", lineterm="", n=1))[:40])

    def compare(self, test, ref):
        self.comparison_traceback = []
        return self._cls.compare_outputs(self, test, ref)


def compare_with_stored(stored, executed, patterns=None):
    """Every code cell's outputs in ``executed`` against ``stored`` (two notebooks), as nbval
    compares them: the same cell options (tags and comment markers: ``nbval-ignore-output``,
    ``nbval-skip``...), streams coalesced, the same sanitizing, the same keys skipped. Returns a
    list of differences (empty: nbval would pass)."""
    from nbval.plugin import coalesce_streams, find_comment_markers, find_metadata_tags

    cmp = _NbvalCell(sanitize_patterns() if patterns is None else patterns)
    ref_cells = [c for c in stored.cells if c.cell_type == "code"]
    run_cells = [c for c in executed.cells if c.cell_type == "code"]
    if [c.source for c in ref_cells] != [c.source for c in run_cells]:
        return ["the code cells differ from the stored notebook's (sources)"]
    diffs = []
    for i, (ref, run) in enumerate(zip(ref_cells, run_cells)):
        options = defaultdict(bool, find_metadata_tags(ref.metadata))
        options.update(dict(find_comment_markers(ref.source)))
        options.setdefault("check", True)
        if options["skip"]:
            continue
        if ref.execution_count is None:           # nbval: an unrun reference is not compared
            if ref.outputs:
                diffs.append(f"code cell {i}: unrun reference cell has outputs")
            continue
        if not options["check"]:
            continue
        test = coalesce_streams(copy.deepcopy(run.outputs))
        want = coalesce_streams(copy.deepcopy(ref.outputs))
        if not cmp.compare(test, want):
            diffs.append(f"code cell {i} ({ref.source.splitlines()[0][:60] if ref.source else ''}"
                         f"): outputs differ\n" + "\n".join(map(str, cmp.comparison_traceback)))
    return diffs


# -- JupyterLab --------------------------------------------------------------------------------

def _start_lab(root_dir, workdir):
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        pytest.fail("JupyterLab is not installed in this environment: it is pinned in "
                    "requirements.txt (python3 tasks.py env installs it)")
    token = secrets.token_hex(16)
    port = tasks._free_port()
    env = tasks.lab_env(token)
    env.update(tasks.RESTRICTED_CPU)            # the kernels inherit it: nbval's second CPU
    # no drawing ahead in the background (tconvlib.explorer) unless the explorers are timed as
    # a learner meets them: every move below is then a real draw (the worst case), and the
    # kernels spend no CPU time on pictures nobody asks for while the other chapters run
    env["TCONV_EXPLORER_PREFETCH"] = "1" if QUIET_EXPLORERS else "0"
    env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(workdir / "workspaces")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env["PATH"]
    log = open(workdir / "lab.log", "w+")
    # expose_app_in_browser: the test drives the notebooks through window.jupyterapp
    cmd = tasks.lab_command(root_dir, port, python=sys.executable, open_browser=False,
                            extra=["--LabApp.expose_app_in_browser=True",
                                   f"--LabApp.workspaces_dir={env['JUPYTERLAB_WORKSPACES_DIR']}"])
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"JupyterLab exited ({proc.returncode}):\n{log.read()[-3000:]}")
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not answer within 90 s")
    return proc, base, token, log


def _kernel_envs(proc):
    """The environments of the kernels the server started (Linux /proc, via psutil)."""
    try:
        import psutil
        kids = psutil.Process(proc.pid).children(recursive=True)
        return [k.environ() for k in kids if "ipykernel" in " ".join(k.cmdline())]
    except Exception:                                   # noqa: BLE001 -- best effort
        return None


def _cpu_seconds():
    """CPU seconds so far of this test's processes, by kind (kernels, server, browser, test)."""
    try:
        import psutil
    except ImportError:
        return {}
    me = psutil.Process()
    out = defaultdict(float)
    for p in [me] + me.children(recursive=True):
        try:
            t = p.cpu_times()
            cmd = " ".join(p.cmdline())
        except psutil.Error:
            continue
        kind = ("kernels" if "ipykernel" in cmd else "jupyterlab" if "jupyterlab" in cmd
                else "browser" if ("chrom" in cmd or "playwright" in cmd) else
                "pytest" if p.pid == me.pid else "other")
        out[kind] += t.user + t.system
    return dict(out)


# -- in the page --------------------------------------------------------------------------------

HELPERS_JS = r"""() => {
  if (window.__lab) return;
  const lab = window.__lab = {nb: {}, runs: {}};
  lab.codeCells = path => lab.nb[path].content.widgets.filter(c => c.model.type === 'code');
  lab.open = async (path, activate, kernelId) => {
    const w = await jupyterapp.commands.execute('docmanager:open',
      {path, factory: 'Notebook', options: {activate: !!activate},
       kernel: kernelId ? {id: kernelId} : undefined});
    await w.context.ready;
    await w.sessionContext.ready;
    w.node.setAttribute('data-labtest', path);
    lab.nb[path] = w;
    return w.id;
  };
  lab.idle = path => { const s = lab.nb[path].sessionContext.session;
    return !!(s && s.kernel && s.kernel.status === 'idle'); };
  lab.runAll = async path => {
    const w = lab.nb[path];
    await jupyterapp.commands.execute('notebook:clear-all-cell-outputs',
                                      {widgetId: w.id, activate: false});
    const left = lab.codeCells(path).filter(c => c.model.outputs.length ||
                                                 c.model.executionCount !== null).length;
    const st = lab.runs[path] = {done: false, ok: null, left};
    jupyterapp.commands.execute('notebook:run-all-cells', {widgetId: w.id, activate: false})
      .then(ok => { st.ok = ok; st.done = true; },
            e => { st.ok = false; st.err = String(e); st.done = true; });
    return left;
  };
  lab.runDone = path => lab.runs[path].done && lab.idle(path);
  lab.summary = path => {
    const cells = lab.codeCells(path);
    const errors = [];
    cells.forEach((c, i) => {
      const tags = c.model.getMetadata('tags') || [];
      c.model.outputs.toJSON().forEach(o => {
        if (o.output_type === 'error' && !tags.includes('raises-exception'))
          errors.push(`code cell ${i}: ${o.ename}: ${String(o.evalue).slice(0, 300)}`);
      });
    });
    return {ok: lab.runs[path].ok, err: lab.runs[path].err || null, n: cells.length,
            unrun: cells.map((c, i) => c.model.executionCount === null ? i : -1)
                        .filter(i => i >= 0),
            errors};
  };
  lab.kernelId = path => lab.nb[path].sessionContext.session.kernel.id;
  lab.close = path => { lab.nb[path].dispose(); delete lab.nb[path]; };
  lab.save = async path => { await lab.nb[path].context.save(); };
  lab.shutdown = async path => {
    const w = lab.nb[path];
    if (w.sessionContext.session) await w.sessionContext.shutdown();
  };
  lab.activate = path => { jupyterapp.shell.activateById(lab.nb[path].id); };
  lab.shown = path => { const w = lab.nb[path];
    return jupyterapp.shell.currentWidget === w && w.isVisible; };
  // rendered markdown of one notebook: exercise headers, raw directive text left over
  lab.myst = path => {
    const md = [...lab.nb[path].node.querySelectorAll('.jp-MarkdownCell')].map(c => {
      const r = c.cloneNode(true);
      r.querySelectorAll('.jp-InputArea-editor').forEach(e => e.remove());
      return r.textContent.replace(/\s+/g, ' '); });
    return {exercises: md.filter(t => /Exercise \d+ \(/.test(t)).map(t => t.slice(0, 80)),
            raw: md.filter(t => /:label:|:class: dropdown|\{exercise-start\}/.test(t))
                   .map(t => t.slice(0, 120))};
  };
  // select code cell `index` (among code cells) of a notebook, mark its node for the test
  lab.select = (path, index) => {
    const w = lab.nb[path];
    const cell = lab.codeCells(path)[index];
    w.content.activeCellIndex = w.content.widgets.indexOf(cell);
    w.content.deselectAll();
    document.querySelectorAll('[data-labtest-cell]').forEach(e =>
      e.removeAttribute('data-labtest-cell'));
    cell.node.setAttribute('data-labtest-cell', '1');
    return cell.model.sharedModel.getSource();
  };
  lab.runSelected = async path => {
    const w = lab.nb[path];
    return await jupyterapp.commands.execute('notebook:run-cell',
                                             {widgetId: w.id, activate: false});
  };
  lab.cellState = (path, index) => {
    const c = lab.codeCells(path)[index];
    return {count: c.model.executionCount, text: c.node.querySelector('.jp-OutputArea')
            .textContent, source: c.model.sharedModel.getSource(), idle: lab.idle(path),
            executing: c.node.querySelector('.jp-InputPrompt').textContent.includes('*')};
  };
  // a cheap digest of an image's bytes (a live frame's src is a data URL: its base64 text
  // tells whether the picture itself changed)
  lab.digest = img => {
    const src = img ? img.getAttribute('src') || '' : '';
    let h = 2166136261 >>> 0;
    for (let i = 0; i < src.length; i++) {
      h ^= src.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0;
    }
    return src ? src.length + ':' + h.toString(16) : '';
  };
  // what a live explorer shows: the one frame on show (every frame the kernel has drawn is in
  // the page; the sliders pick one through Tabs whose other children are display: none)
  lab.live = el => {
    const frames = [...el.querySelectorAll('.tconv-live-frame')]
      .filter(f => f.getClientRects().length > 0);
    const f = frames.length === 1 ? frames[0] : null;
    const img = f ? f.querySelector('img.tconv-live-image') : null;
    const cap = f ? f.querySelector('.tconv-live-caption') : null;
    const key = f ? f.querySelector('.tconv-live-values') : null;
    return {n: frames.length, frame: f, img, caption: cap ? cap.textContent : null,
            pending: !!(f && f.querySelector('.tconv-live-pending')),
            // the values the frame was drawn for, and the values the sliders show
            values: key ? JSON.parse(key.dataset.values) : null,
            readouts: [...el.querySelectorAll('.widget-readout')].map(r => r.textContent.trim())};
  };
}"""

# the state of one live explorer: its image, its caption, its output area
LIVE_JS = """el => { const s = window.__lab.live(el);
  const img = s.img;
  const area = el.closest('.jp-OutputArea');
  const shownImgs = [...el.querySelectorAll('img')].filter(i => i.getClientRects().length > 0);
  return {n_frames: s.n, n_images: shownImgs.length, src: img ? img.getAttribute('src') : '',
          natural: img ? img.naturalWidth : 0, shown: img ? img.getBoundingClientRect().width : 0,
          alt: img ? img.alt : '', caption: s.caption, digest: window.__lab.digest(img),
          values: s.values, readouts: s.readouts,
          frames: el.querySelectorAll('.tconv-live-frame').length,
          tabbars: [...el.querySelectorAll('.lm-TabBar')].filter(
            b => b.getClientRects().length > 0).length,
          outputs: area ? area.querySelectorAll('.jp-OutputArea-child').length : -1,
          dpr: window.devicePixelRatio}; }"""

# the controls of one explorer, in order: sliders (noUiSlider handles), dropdowns, buttons
CONTROLS_JS = """el => {
  const out = [];
  el.querySelectorAll('.noUi-handle').forEach((h, i) => out.push({kind: 'slider', i}));
  el.querySelectorAll('select').forEach((s, i) => out.push({kind: 'select', i,
                                                            n: s.options.length}));
  el.querySelectorAll('button').forEach((b, i) => out.push({kind: 'button', i,
                                                            label: b.textContent.trim() ||
                                                                   b.title || b.className}));
  return out; }"""

# Start one move of a control and resolve when the new image is decoded in the page (or after
# 20 s): the time from the input event to the new image, taken by a MutationObserver on the
# explorer (a frame shown or hidden, a frame filled in) and the decode() of the image now on
# show. The observer stays on `el.__move` until MOVE_END_JS, so that a second (late) change of
# the picture in the same move is counted too, and so is a frame filled in twice.
MOVE_JS = """async (el, [kind, i, dir, path]) => {
  const lab = window.__lab;
  const s0 = lab.live(el);
  // frames filled in: in this move, and since the explorer was first moved (none twice)
  const all = el.__filled || (el.__filled = new Set());
  const m = el.__move = {imgChanges: 0, tSrc: null, tShown: null, tCap: null, refills: 0,
                         cap0: s0.caption, img: s0.img, filled: new Set()};
  const check = recs => {
    for (const r of recs) {
      const f = r.type === 'childList' && r.target.closest &&
                r.target.closest('.tconv-live-frame');
      if (f && r.addedNodes.length) {
        if (all.has(f)) m.refills++;
        all.add(f); m.filled.add(f);
      }
    }
    const s = lab.live(el);
    if (s.img && s.img !== m.img) {
      m.img = s.img; m.imgChanges++;
      if (m.tSrc === null) {
        m.tSrc = performance.now();
        const done = () => { if (m.tShown === null) m.tShown = performance.now(); };
        s.img.decode().then(done, done);
      }
    }
    if (m.tCap === null && s.caption !== null && s.caption !== m.cap0)
      m.tCap = performance.now();
  };
  m.obs = new MutationObserver(check);
  m.obs.observe(el, {subtree: true, childList: true, attributes: true,
                     attributeFilter: ['class', 'style', 'hidden']});
  let t0;
  if (kind === 'slider') {
    const handle = el.querySelectorAll('.noUi-handle')[i];
    handle.focus();
    // at an end of its range a slider steps the other way
    if (handle.hasAttribute('aria-valuenow')) {
      const now = +handle.getAttribute('aria-valuenow');
      if (now >= +handle.getAttribute('aria-valuemax')) dir = -1;
      else if (now <= +handle.getAttribute('aria-valuemin')) dir = 1;
    }
    const key = dir > 0 ? 'ArrowRight' : 'ArrowLeft';
    t0 = m.t0 = performance.now();
    handle.dispatchEvent(new KeyboardEvent('keydown', {key, code: key, bubbles: true}));
  } else if (kind === 'select') {
    const s = el.querySelectorAll('select')[i];
    s.focus();
    t0 = m.t0 = performance.now();
    s.selectedIndex = (s.selectedIndex + (dir > 0 ? 1 : s.options.length - 1)) % s.options.length;
    s.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    const b = el.querySelectorAll('button')[i];
    t0 = m.t0 = performance.now();
    b.click();
  }
  // done: the new image is decoded; or the caption changed, the kernel is idle again and no
  // image came for 150 ms (two settings can draw the same picture: then no new image is sent)
  while (performance.now() - t0 < 20000) {
    if (m.tShown !== null) break;
    if (m.tCap !== null && m.tSrc === null && window.__lab.idle(path) &&
        performance.now() - m.tCap > 150) break;
    await new Promise(r => setTimeout(r, 4));
  }
  return {ms: m.tShown !== null ? m.tShown - t0 : null,
          cap: m.tCap !== null, image: m.tSrc !== null}; }"""

# End a move (the kernel is idle again): how often the image was replaced, what it shows now.
# An image that arrived after MOVE_JS gave up on it (its message came more than 150 ms after
# the caption's, on a loaded machine) is waited for here, and timed.
MOVE_END_JS = """async el => {
  const m = el.__move;
  const t = performance.now();
  while (m.tSrc !== null && m.tShown === null && performance.now() - t < 20000) {
    await new Promise(r => setTimeout(r, 4));
  }
  m.obs.disconnect();
  const s = window.__lab.live(el);
  return {imgChanges: m.imgChanges, refills: m.refills, frames: s.n,
          drawn: !!(s.frame && m.filled.has(s.frame)), values: s.values,
          readouts: s.readouts,
          captionChanged: s.caption !== null && s.caption !== m.cap0,
          digest: window.__lab.digest(s.img), pending: s.pending,
          ms: m.tShown !== null ? m.tShown - m.t0 : null}; }"""


def _pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _literal(value):
    """A Python literal for an answer (numpy arrays and scalars as plain lists and numbers)."""
    import ast

    import numpy as np

    def plain(v):
        if isinstance(v, np.ndarray):
            return plain(v.tolist())
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, (list, tuple)):
            return type(v)(plain(x) for x in v)
        return v
    text = repr(plain(value))
    ast.literal_eval(text)                   # it is a literal
    return text


class Lab:
    """Everything the module checks, run once (one server, one browser, two pages)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.results = {}          # chapter -> {"run": ..., "explorer": ..., "student": ...}
        self.latency = []          # rows of the redraw table
        self.offsite, self.errors = [], []
        self.kernel_envs = None
        self.timing = {}
        self.cpu = {}
        self.steps = []
        self.student_kernels = {}  # student page -> the kernel its notebooks share

    def step(self, what):
        """A timeline of the session (printed with TCONV_LAB_DEBUG=1)."""
        if os.environ.get("TCONV_LAB_DEBUG"):
            cpu = _cpu_seconds()
            what += "  [cpu s: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(cpu.items())) + "]"
        self.steps.append((time.monotonic(), what))

    def fail(self, chapter, part, exc):
        self.results.setdefault(chapter, {})[part] = (
            f"{type(exc).__name__}: {exc}\n" + "".join(traceback.format_tb(exc.__traceback__)[-3:]))

    def ok(self, chapter, part, info=""):
        self.results.setdefault(chapter, {})[part] = None
        if info:
            self.results[chapter][part + "-info"] = info

    # -- pages
    async def page(self, browser, base, token, workspace):
        ctx = await browser.new_context(viewport={"width": 1280, "height": 900},
                                        device_scale_factor=1)
        page = await ctx.new_page()

        async def route(r):
            host = urlsplit(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                await r.continue_()
            else:
                self.offsite.append(r.request.url)
                await r.abort()

        await page.route("**/*", route)
        page.on("pageerror", lambda e: self.errors.append(f"{workspace}: {e}"))
        await page.goto(f"{base}/lab/workspaces/{workspace}-{secrets.token_hex(4)}"
                        f"?reset&token={token}")
        await page.wait_for_function(
            "() => window.jupyterapp && jupyterapp.commands.hasCommand('docmanager:open') && "
            "jupyterapp.commands.hasCommand('notebook:run-all-cells')", timeout=120_000)
        await page.evaluate("async () => { await jupyterapp.restored; }")
        await page.evaluate(HELPERS_JS)
        # no CSS animations or transitions (busy indicators, slider transitions): in a headless
        # browser without a GPU each animated frame is painted by the CPU the kernels need
        await page.add_style_tag(content="*, *::before, *::after { animation: none !important; "
                                         "transition: none !important; }")
        return ctx, page

    # -- 1. every chapter: Run All, no error, outputs as stored
    async def run_chapter(self, page, chapter, sem):
        path = f"chapters/{chapter}"
        async with sem:
            t0 = time.monotonic()
            try:
                await page.evaluate("p => window.__lab.open(p, false)", path)
                await page.wait_for_function("p => window.__lab.idle(p)", arg=path,
                                             timeout=120_000, polling=200)
                self.step(f"{chapter} open, kernel idle")
                await page.evaluate("p => window.__lab.runAll(p)", path)
                await page.wait_for_function("p => window.__lab.runDone(p)", arg=path,
                                             timeout=RUN_TIMEOUT_S * 1000, polling=250)
                run_s = time.monotonic() - t0
                self.step(f"{chapter} run done")
                s = await page.evaluate("p => window.__lab.summary(p)", path)
                assert not s["errors"], f"{chapter}: error output after Run All:\n" + \
                    "\n".join(s["errors"])
                assert s["ok"] and not s["err"], f"{chapter}: Run All did not succeed ({s})"
                assert not s["unrun"], f"{chapter}: code cells not executed: {s['unrun']}"
                await page.evaluate("p => window.__lab.save(p)", path)
                saved = nbformat.read(self.tmp / "book" / path, as_version=4)
                stored = nbformat.read(ROOT / path, as_version=4)
                diffs = compare_with_stored(stored, saved)
                assert not diffs, f"{chapter}: outputs differ from the stored ones under " \
                    f"the restricted CPU ({len(diffs)} cells):\n" + "\n\n".join(diffs)[:6000]
                self.ok(chapter, "run", f"Run All {run_s:.0f} s, {s['n']} code cells")
                self.step(f"{chapter} saved, compared")
            except Exception as e:                     # noqa: BLE001 -- reported per chapter
                self.fail(chapter, "run", e)
            finally:
                self.timing[chapter] = time.monotonic() - t0
                if chapter not in WITH_EXPLORER:
                    await self._quietly(page.evaluate("p => window.__lab.shutdown(p)", path))

    @staticmethod
    async def _quietly(coro):
        try:
            await coro
        except Exception:                                  # noqa: BLE001
            pass

    # -- 2. the explorers, one at a time
    async def explorers(self, page, chapter):
        path = f"chapters/{chapter}"
        stem = chapter[:-len(".ipynb")]
        if not await page.evaluate("p => !!(window.__lab.nb[p])", path):
            raise AssertionError(f"{chapter} did not open (see its Run All test)")
        await page.evaluate("p => window.__lab.activate(p)", path)
        await page.wait_for_function("p => window.__lab.shown(p)", arg=path, timeout=60_000)
        self.step(f"{chapter} shown")
        myst = await page.evaluate("p => window.__lab.myst(p)", path)
        if chapter[:2] in STUDENT:
            assert myst["exercises"], f"{chapter}: no rendered exercise header"
        assert not myst["raw"], f"{chapter}: raw MyST in rendered markdown: {myst['raw'][:3]}"
        lives = await page.query_selector_all(f'[data-labtest="{path}"] .tconv-live')
        if chapter not in WITH_EXPLORER:
            assert not lives
            return
        assert lives, f"{chapter}: no live explorer rendered (a dead widget?)"
        idle = "p => window.__lab.idle(p)"
        for j, el in enumerate(lives):
            await el.scroll_into_view_if_needed()
            await page.wait_for_function(
                "el => { const s = window.__lab.live(el); "
                "return s.img && s.img.naturalWidth > 0; }", arg=el, timeout=60_000)
            state = await el.evaluate(LIVE_JS)
            name = f"{stem} explorer {j}"
            assert state["n_frames"] == 1 and state["n_images"] == 1, \
                f"{name}: {state['n_frames']} frames, {state['n_images']} images on show"
            assert state["src"], f"{name}: no image"
            assert state["tabbars"] == 0, f"{name}: the frames' tab bars show"
            assert state["values"] == state["readouts"], (name, state["values"],
                                                          state["readouts"])
            assert state["alt"] == state["caption"], f"{name}: the caption is not the alt text"
            # natural size, never stretched; at least one image pixel per screen pixel
            assert abs(state["shown"] - state["natural"] / 2) < 2, (name, state)
            assert state["natural"] >= state["shown"] * state["dpr"], (name, state)
            self.step(f"{chapter} explorer {j} checked")
            # not when timing as a learner: a screenshot just before the first move slowed that
            # move (100-170 ms, against 75-90 without it, in chapters 10 and 13)
            if ALL_SHOTS and not QUIET_EXPLORERS:
                await el.screenshot(path=str(SHOTS / f"{stem}-explorer{j}-before.png"))
                self.step(f"{chapter} explorer {j} screenshot")
            controls = await el.evaluate(CONTROLS_JS)
            assert controls, f"{name}: no control"
            times, drawn, changed = [], [], defaultdict(int)
            digest = state["digest"]
            for m in range(max(MOVES, 2 * len(controls))):
                c = controls[m % len(controls)]
                direction = 1 if (m // len(controls)) % 2 == 0 else -1
                await page.wait_for_function(idle, arg=path, timeout=60_000, polling=20)
                if QUIET_EXPLORERS:
                    await asyncio.sleep(LEARNER_PAUSE_S)
                r = await el.evaluate(MOVE_JS, [c["kind"], c["i"], direction, path])
                # settled: the image shown, the kernel idle again (the redraw's message handled)
                await page.wait_for_function(idle, arg=path, timeout=60_000, polling=20)
                end = await el.evaluate(MOVE_END_JS)
                what = f"{name}: {c['kind']} {c['i']} moved ({m})"
                assert end["frames"] == 1, f"{what}: {end['frames']} frames on show"
                assert not end["pending"], f"{what}: the frame was never drawn"
                assert end["values"] == end["readouts"], \
                    f"{what}: the frame on show is for {end['values']}, the sliders say " \
                    f"{end['readouts']}"
                assert end["captionChanged"], f"{what}: the caption did not change"
                assert end["imgChanges"] <= 1, \
                    f"{what}: the picture changed {end['imgChanges']} times in one move"
                assert end["refills"] == 0, f"{what}: a frame was filled in twice (drawn twice)"
                if end["imgChanges"]:
                    ms = r["ms"] if r["ms"] is not None else end["ms"]
                    assert ms is not None, f"{what}: the new image was not decoded"
                    times.append(ms / 1000)
                    drawn.append(end["drawn"])
                    # two settings may draw the same picture: a change counts for the control
                    # only with other bytes
                    if end["digest"] != digest:
                        changed[(c["kind"], c["i"])] += 1
                digest = end["digest"]
            missing = [c for c in controls if not changed[(c["kind"], c["i"])]]
            assert not missing, f"{name}: these controls never changed the picture: {missing}"
            self.step(f"{chapter} explorer {j} moved")
            after = await el.evaluate(LIVE_JS)
            assert after["n_frames"] == 1 and after["n_images"] == 1, \
                f"{name}: {after['n_images']} images on show after the moves"
            assert after["frames"] == state["frames"], \
                f"{name}: frames piled up ({state['frames']} -> {after['frames']})"
            assert after["outputs"] == state["outputs"], \
                f"{name}: outputs piled up ({state['outputs']} -> {after['outputs']})"
            await el.screenshot(path=str(SHOTS / f"{stem}-explorer{j}-after.png"))
            kinds = defaultdict(int)
            for c in controls:
                kinds[c["kind"]] += 1
            self.latency.append({
                "explorer": f"{stem[:2]}/{j}", "controls": ", ".join(
                    f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.items()),
                "moves": len(times), "p50": _pct(times, 0.5), "p95": _pct(times, 0.95),
                "drawn": sum(drawn), "ms": [round(t * 1e3, 1) for t in times],
                "max": max(times)})
        self.step(f"{chapter} explorer screenshot")
        if ALL_SHOTS:
            await page.screenshot(path=str(SHOTS / f"{stem}.png"))
            self.step(f"{chapter} page screenshot")
        await self._quietly(page.evaluate("p => window.__lab.shutdown(p)", path))

    # -- 3. the student edition
    async def student(self, page, chapter, right, wrong):
        path = f"student/chapters/{chapter}"
        # one kernel per student page for the notebooks it opens (each opened on it): one
        # kernel start per page, not one per chapter
        await page.evaluate("([p, k]) => window.__lab.open(p, true, k)",
                            [path, self.student_kernels.get(id(page))])
        await page.wait_for_function("p => window.__lab.idle(p)", arg=path, timeout=120_000,
                                     polling=200)
        if id(page) not in self.student_kernels:
            self.student_kernels[id(page)] = await page.evaluate(
                "p => window.__lab.kernelId(p)", path)
        try:
            return await self._answer(page, chapter, path, right, wrong)
        finally:
            await self._quietly(page.evaluate("p => window.__lab.close(p)", path))  # kernel stays

    async def _answer(self, page, chapter, path, right, wrong):
        stem = chapter[:-len(".ipynb")]
        key = STUDENT[chapter[:2]][0]
        sources = await page.evaluate(
            "p => window.__lab.codeCells(p).map(c => c.model.sharedModel.getSource())", path)
        imports = [i for i, s in enumerate(sources) if re.search(r"^import tconvlib as tc$",
                                                                   s, re.M)]
        cells = [i for i, s in enumerate(sources) if f'tc.check("{key}"' in s]
        assert imports, f"{chapter}: no cell imports tconvlib as tc"
        assert cells, f"{chapter}: no answer cell for {key}"
        index = cells[0]
        self.step(f"student {chapter} open, kernel idle")
        await page.evaluate("([p, i]) => window.__lab.select(p, i)", [path, imports[0]])
        await page.evaluate("p => window.__lab.runSelected(p)", path)
        source = await page.evaluate("([p, i]) => window.__lab.select(p, i)", [path, index])
        await page.evaluate("p => window.__lab.runSelected(p)", path)
        await page.wait_for_function("([p, i]) => { const s = window.__lab.cellState(p, i); "
                                     "return s.count !== null && s.idle && !s.executing; }",
                                     arg=[path, index], timeout=120_000, polling=100)
        state = await page.evaluate("([p, i]) => window.__lab.cellState(p, i)", [path, index])
        assert "not answered yet" in state["text"], (chapter, state["text"][:300])
        self.step(f"student {chapter} imported, placeholder run")
        cell = page.locator("[data-labtest-cell]")
        texts = {}
        for label, answer in (("right", right), ("wrong", wrong)):
            typed = re.sub(r"^(\w+) = \.\.\.", lambda mo: f"{mo.group(1)} = {answer}", source,
                           count=1, flags=re.M)
            assert typed != source, f"{chapter}: no '... ' placeholder in {source!r}"
            count = state["count"]
            await cell.scroll_into_view_if_needed()
            await cell.locator(".cm-content").click()
            await page.keyboard.press("Control+A")
            await page.keyboard.press("Delete")
            await page.keyboard.insert_text(typed)
            await page.keyboard.press("Shift+Enter")
            await page.wait_for_function(
                "([p, i, n]) => { const s = window.__lab.cellState(p, i); "
                "return s.count !== null && s.count !== n && s.idle && !s.executing; }",
                arg=[path, index, count], timeout=120_000, polling=100)
            state = await page.evaluate("([p, i]) => window.__lab.cellState(p, i)",
                                        [path, index])
            assert state["source"] == typed, (chapter, state["source"], typed)
            texts[label] = state["text"]
            self.step(f"student {chapter} {label} answer")
        # the cell as the student sees it after the wrong answer (its verdict and hint)
        await cell.screenshot(path=str(SHOTS / f"student-{stem}-wrong.png"))
        return texts


async def _session(lab, base, token, tmp):
    from playwright.async_api import async_playwright

    import tconvlib as tc
    SHOTS.mkdir(parents=True, exist_ok=True)
    # the answers, and the verdicts the checkers give them in this process
    answers = {}
    for chapter in STUDENT_CHAPTERS:
        key, wrong = STUDENT[chapter[:2]]
        right = _literal(tc.checkers._REGISTRY[key].solve())
        import ast
        good, bad = tc.check(key, ast.literal_eval(right)), tc.check(key, ast.literal_eval(wrong))
        assert good.correct and not bad.correct and bad.answered, (key, good, bad)
        assert bad.message != tc.checkers._REGISTRY[key].fallback, \
            f"{key}: {wrong} gets no specific hint"
        answers[chapter] = (key, right, wrong, str(good), str(bad))

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=FLAGS)
        t0 = time.monotonic()
        lab.step("browser")
        (ctx_i, page_i), *students_pages = await asyncio.gather(
            lab.page(browser, base, token, "instructor"),
            *(lab.page(browser, base, token, f"student{i}") for i in range(STUDENT_PAGES)))
        lab.timing["pages"] = time.monotonic() - t0
        lab.step("pages loaded")

        async def instructor():
            sem = asyncio.Semaphore(PARALLEL)
            # the explorer chapters first: the explorers wait for them
            order = WITH_EXPLORER + [c for c in CHAPTERS if c not in WITH_EXPLORER]
            await asyncio.gather(*(lab.run_chapter(page_i, c, sem) for c in order))

        async def students():
            todo = list(STUDENT_CHAPTERS)
            await asyncio.gather(*(student_worker(page, todo) for _, page in students_pages))

        async def student_worker(page_s, todo):
            while todo:
                chapter = todo.pop(0)
                key, right, wrong, good, bad = answers[chapter]
                try:
                    texts = await lab.student(page_s, chapter, right, wrong)
                    assert good in texts["right"], \
                        f"{chapter} {key}: right answer {right}: want {good!r}, page shows " \
                        f"{texts['right'][:300]!r}"
                    assert bad in texts["wrong"], \
                        f"{chapter} {key}: wrong answer {wrong}: want {bad!r}, page shows " \
                        f"{texts['wrong'][:300]!r}"
                    assert "\u2714" not in texts["wrong"]
                    lab.ok(chapter, "student", f"{key}: right {right}, wrong {wrong}")
                except Exception as e:                 # noqa: BLE001
                    lab.fail(chapter, "student", e)

        t0 = time.monotonic()
        await instructor()
        lab.timing["run all"] = time.monotonic() - t0
        lab.kernel_envs = _kernel_envs(lab.proc)
        # the student's exercises beside the explorers: an explorer waits for a redraw most of
        # the time, and leaves a core free (the Run All above keeps both busy). With
        # TCONV_LAB_QUIET_EXPLORERS=1 they wait until the explorers are done, so that the
        # redraw times are a learner's on an otherwise idle machine
        t0 = time.monotonic()
        if QUIET_EXPLORERS:
            student_task = None
        else:
            student_task = asyncio.ensure_future(students())
        for chapter in CHAPTERS:                  # one explorer at a time
            try:
                await lab.explorers(page_i, chapter)
                lab.ok(chapter, "explorer")
            except Exception as e:                     # noqa: BLE001
                lab.fail(chapter, "explorer", e)
                await lab._quietly(page_i.screenshot(path=str(SHOTS / f"{chapter[:2]}-fail.png")))
        lab.timing["explorers"] = time.monotonic() - t0
        await (student_task if student_task is not None else students())
        lab.timing["students"] = time.monotonic() - t0
        lab.cpu = _cpu_seconds()
        await ctx_i.close()
        for ctx_s, _ in students_pages:
            await ctx_s.close()
        await browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tasks.wait_for_setup("chromium")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `python3 tasks.py test` installs Debian's chromium")
    sys.path.insert(0, str(ROOT / "tools"))
    import student_edition
    tmp = tmp_path_factory.mktemp("lab")
    book = tmp / "book"
    # a copy of the chapters (never the repository's files) and the student edition
    shutil.copytree(ROOT / "chapters", book / "chapters",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for chapter in ALL_CHAPTERS:           # without their outputs: less for the page to load
        nb = nbformat.read(book / "chapters" / chapter, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, book / "chapters" / chapter)
    student_edition.write_sources(book / "student")
    for d in ("runtime", "workspaces"):
        (tmp / d).mkdir()
    global SHOTS
    SHOTS = tmp / "screenshots"
    t0 = time.monotonic()
    proc, base, token, log = _start_lab(book, tmp)
    result = Lab(tmp)
    result.proc = proc
    try:
        result.timing["server"] = time.monotonic() - t0
        asyncio.run(_session(result, base, token, tmp))
        result.timing["total"] = time.monotonic() - t0
        yield result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if SHOTS.is_dir():
            shutil.copytree(SHOTS, SHOTS_OUT, dirs_exist_ok=True)


def _check(lab, chapter, part):
    res = lab.results.get(chapter, {})
    if part not in res:
        pytest.fail(f"{chapter}: {part} was not reached")
    if res[part] is not None:
        pytest.fail(res[part], pytrace=False)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_and_outputs_hold(lab, chapter):
    """Run All in JupyterLab: no error, every cell run, the outputs nbval compares unchanged
    (kernels under the restricted CPU)."""
    _check(lab, chapter, "run")


def test_kernels_ran_with_the_restricted_cpu(lab):
    envs = lab.kernel_envs
    if envs is None:
        pytest.skip("kernel environments cannot be read here (no /proc or psutil)")
    assert envs, "no kernel found under the JupyterLab server"
    for env in envs:
        for k, v in tasks.RESTRICTED_CPU.items():
            assert env.get(k) == v, (k, env.get(k))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_explorers_respond(lab, chapter):
    """Each live explorer's controls change the picture and the caption; MyST renders."""
    _check(lab, chapter, "explorer")


@pytest.mark.parametrize("chapter", STUDENT_CHAPTERS)
def test_student_answers_an_exercise(lab, chapter):
    """Student edition: a right answer typed into the page gets ✔, a wrong one its hint."""
    _check(lab, chapter, "student")


def test_offline_and_no_page_errors(lab):
    assert not lab.offsite, f"requests to another host: {lab.offsite[:5]}"
    assert not lab.errors, f"page errors: {lab.errors[:3]}"


def test_redraw_latency_report(lab, capsys):
    """The in-page redraw time of every explorer, printed as a table; not a timing test (each
    move only has to show its new image within 20 s: the machine may be loaded)."""
    rows = lab.latency
    lines = [f"[lab] in-page redraw, input event -> new image decoded (kernels: "
             f"{', '.join(f'{k}={v}' for k, v in tasks.RESTRICTED_CPU.items())})",
             f"  {'explorer':9s} {'controls':22s} {'moves':>5s} {'p50 ms':>7s} {'p95 ms':>7s} "
             f"{'max ms':>7s} {'drawn':>5s}"]
    for r in rows:
        lines.append(f"  {r['explorer']:9s} {r['controls']:22s} {r['moves']:5d} "
                     f"{r['p50'] * 1e3:7.0f} {r['p95'] * 1e3:7.0f} {r['max'] * 1e3:7.0f} "
                     f"{r['drawn']:5d}")
    lines.append("  (drawn: moves whose frame the kernel drew during the move; the others were "
                 "in the page already)")
    lines.append("[lab] times (s): " + ", ".join(f"{k} {v:.0f}" for k, v in lab.timing.items()
                                                 if not k.endswith(".ipynb")))
    lines.append("[lab] per chapter, open + Run All + compare (s): " + ", ".join(
        f"{k[:2]} {v:.0f}" for k, v in lab.timing.items() if k.endswith(".ipynb")))
    if lab.cpu:
        lines.append("[lab] CPU seconds of still running processes: " + ", ".join(
            f"{k} {v:.0f}" for k, v in sorted(lab.cpu.items())) +
            " (kernels shut down earlier are not counted)")
    over = [r["explorer"] for r in rows if r["p95"] > 0.1]
    lines.append("[lab] the explorers were timed " + (
        "alone (TCONV_LAB_QUIET_EXPLORERS=1)" if QUIET_EXPLORERS else
        "beside the student's exercises (TCONV_LAB_QUIET_EXPLORERS=1 times them alone)"))
    if over:
        lines.append(f"[lab] over the 100 ms p95 target here: {', '.join(over)} (the target is "
                     f"for an idle machine: bench/bench_explorers.py)")
    if os.environ.get("TCONV_LAB_DEBUG") and lab.steps:
        t0 = lab.steps[0][0]
        lines += [f"    {t - t0:7.1f} {what}" for t, what in lab.steps]
    (SHOTS / "redraw.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    explorers = [c for c in WITH_EXPLORER if lab.results.get(c, {}).get("explorer", 1) is None]
    assert len({r["explorer"][:2] for r in rows}) >= len(explorers)


# -- no browser ---------------------------------------------------------------------------------

def test_output_comparison_is_as_strict_as_nbval():
    """The comparison that replaces the restricted nbval run fails where nbval fails: a changed
    digit in a printed line, a changed HTML table or text/plain result, a missing or an extra
    output; and passes where nbval passes: images, the players' frames (sanitized), cells tagged
    nbval-ignore-output."""
    books = {c: nbformat.read(ROOT / "chapters" / c, as_version=4) for c in ALL_CHAPTERS}
    assert all(compare_with_stored(nb, copy.deepcopy(nb)) == [] for nb in books.values())

    def code(nb):
        return [c for c in nb.cells if c.cell_type == "code"]

    def first(pred):
        """(notebook, code cell, output) of the first output that pred(cell, output) accepts"""
        for name, nb in books.items():
            for i, c in enumerate(code(nb)):
                for j, o in enumerate(c.outputs):
                    if pred(c, o):
                        return name, i, j
        raise AssertionError("no such output")

    checked = lambda c: "nbval-ignore-output" not in c.metadata.get("tags", [])  # noqa: E731

    def altered(where, change):
        name, i, j = where
        run = copy.deepcopy(books[name])
        change(code(run)[i].outputs, j)
        return compare_with_stored(books[name], run)

    def digit(s):
        m = re.search(r"\d", s)
        return s[:m.start()] + str((int(m.group()) + 1) % 10) + s[m.end():]

    where = first(lambda c, o: checked(c) and o.output_type == "stream" and
                  re.search(r"\d", o.text))
    assert altered(where, lambda outs, j: outs[j].update(text=digit(outs[j].text)))
    where = first(lambda c, o: checked(c) and "<td>" in o.get("data", {}).get("text/html", ""))
    assert altered(where, lambda outs, j: outs[j].data.update(
        {"text/html": outs[j].data["text/html"].replace("<td>", "<td>x", 1)}))
    where = first(lambda c, o: checked(c) and "text/plain" in o.get("data", {}))
    assert altered(where, lambda outs, j: outs[j].data.update(
        {"text/plain": outs[j].data["text/plain"] + " "}))
    assert altered(where, lambda outs, j: outs.pop(j))
    assert altered(where, lambda outs, j: outs.append(nbformat.v4.new_output(
        "stream", name="stderr", text="a warning\n")))
    # what nbval does not compare
    where = first(lambda c, o: checked(c) and "image/png" in o.get("data", {}))
    assert not altered(where, lambda outs, j: outs[j].data.update({"image/png": "AAAA"}))
    where = first(lambda c, o: not checked(c))
    assert not altered(where, lambda outs, j: outs.__setitem__(j, nbformat.v4.new_output(
        "stream", name="stdout", text="anything\n")))
    # the static players' frames (base64 PNGs in text/html) are sanitized, as for nbval
    where = first(lambda c, o: "tconv-player" in o.get("data", {}).get("text/html", ""))

    def frames(outs, j):
        html = outs[j].data["text/html"]
        frame = re.search(r"[A-Za-z0-9+/]{120,}", html).group()
        outs[j].data["text/html"] = html.replace(frame, frame[::-1])
    assert not altered(where, frames)
    assert altered(where, lambda outs, j: outs[j].data.update(
        {"text/html": outs[j].data["text/html"].replace("tconv-caption", "tconv-captions", 1)}))


def test_nbval_skips_what_this_comparison_skips():
    """NBVAL_SKIP_COMPARE is nbval's own list (read from its source, so an nbval upgrade that
    changes it fails here)."""
    import inspect

    from nbval.plugin import IPyNbFile
    src = inspect.getsource(IPyNbFile.__init__)
    keys = re.findall(r"^\s*'([^']+)',?\s*(?:#.*)?$", src, re.M)
    keys += re.findall(r"\('(image/png)', '(image/jpeg)'\)", src)[0]
    assert set(keys) == set(NBVAL_SKIP_COMPARE), keys


def test_every_chapter_with_an_exercise_has_a_student_check():
    """Each chapter whose notebook has a checked exercise is in STUDENT, with a registered id."""
    import tconvlib as tc
    for chapter in ALL_CHAPTERS:
        text = (ROOT / "chapters" / chapter).read_text(encoding="utf-8")
        if "tc.check(" in text:
            assert chapter[:2] in STUDENT, f"{chapter}: add one exercise to STUDENT"
            key = STUDENT[chapter[:2]][0]
            assert key in tc.checkers.exercise_ids(), key
            assert f'tc.check(\\"{key}\\"' in text or f'tc.check("{key}"' in text, key


def test_config_is_offline():
    """The project's Jupyter config turns off what phones home."""
    cfg = json.loads((ROOT / ".jupyter" / "jupyter_server_config.json").read_text())
    assert cfg["LabApp"]["news_url"] is None
    assert cfg["LabApp"]["check_for_updates_class"] == "jupyterlab.NeverCheckForUpdate"
    page = json.loads((ROOT / ".jupyter" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"]
    cmd = tasks.lab_command(ROOT, 8888)
    assert "--ServerApp.ip=127.0.0.1" in cmd and not any(re.search("token=|password", c)
                                                          for c in cmd)


def test_kernel_websockets_send_each_message_at_once():
    """``.jupyter/jupyter_server_config.py`` makes the server's kernel websockets set
    TCP_NODELAY when they open (a redraw's small messages otherwise wait for the browser's
    delayed acknowledgement), and otherwise behave as jupyter_server's own connection."""
    from jupyter_server.services.kernels.connection.channels import (
        ZMQChannelsWebsocketConnection)
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("jupyter_server_config.py", path=str(ROOT / ".jupyter")).load_config()
    cls = cfg.ServerApp.kernel_websocket_connection_class
    assert issubclass(cls, ZMQChannelsWebsocketConnection) and cls is not \
        ZMQChannelsWebsocketConnection
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(value)

    conn = cls.__new__(cls)
    conn.__dict__["_trait_values"] = {"websocket_handler": Handler()}
    try:
        cls.connect(conn)
    except Exception:               # noqa: BLE001 -- no kernel behind it: only the flag counts
        pass
    assert calls == [True]
