"""The built book in a real browser, offline: every page, headless Debian chromium.

The book built by the session's ``book_build`` fixture (tests/conftest.py, the same build as
``python3 tasks.py book``) is served on 127.0.0.1 and every page is opened in headless chromium
(``/usr/bin/chromium``; ``python3 tasks.py test`` installs Debian's package when it is missing,
a test tool never downloads a browser). Every request to another host is blocked, twice over:
the browser resolves no other host name, and a request filter aborts (and records) any request
that leaves 127.0.0.1. A page fails on

- any console error or uncaught page error;
- any request to another host, any failed local request (HTTP status >= 400 or a network error);
- any formula left untypeset: MathJax must have finished, every ``.math`` element must hold a
  typeset ``mjx-container`` with a MathML copy for screen readers (``mjx-assistive-mml``) or a
  spoken label, no MathJax error box, and no raw ``$$``, ``\\(``, ``\\[`` or ``$\\cmd`` left
  in the page's text outside code;
- any broken image (``naturalWidth`` 0 once loaded);
- a live-widget output left in the HTML (nothing can render it offline: a dead widget);
- an explorer player that does not change what it shows when operated: each range input is
  moved with the keyboard across its whole range and must change the frame or the caption; a
  Play button must advance the frames, and Pause must stop them;
- on chapter pages: no download button for the chapter's ``.ipynb``, or one that does not serve
  the notebook; any launch button (Binder, Colab, JupyterHub, Thebe need a network);
- accessibility (WCAG 2.1 AA, issue 18): any serious or critical violation found by axe-core
  (pinned in tests/a11y/, injected from its local copy; every A/AA and best-practice rule,
  experimental ones included; ``test_axe_summary`` prints the per-rule count of all of them);
  an ``<img>`` whose alternative text is missing, empty or a file path; at 390 px width, a page
  body that scrolls sideways (reflow); a player that the keyboard alone cannot operate (Tab to
  its controls, a visible focus outline, the arrow keys step, Space plays and pauses) or whose
  current caption is not its image's alt and an ``aria-live="polite"`` region.

The search page is also queried, to show that search works from the build alone. A full-page
screenshot of every page is saved under ``_build/screenshots/`` (a build artifact to look at).
"""

import collections
import functools
import http.server
import json
import os
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import tasks  # noqa: E402  (wait_for_setup: chromium and axe-core may still be installing)

CHROMIUM = Path(os.environ.get("TCONV_CHROMIUM", "/usr/bin/chromium"))
SHOTS = ROOT / "_build" / "screenshots"
# axe-core, the accessibility engine of browsers' audit tools, pinned in tests/a11y/package.json
# (+ package-lock.json); `python3 tasks.py test` runs `npm ci` there when node_modules is
# missing. It is injected into each page from this file: nothing comes from a CDN.
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
NARROW = {"width": 390, "height": 844}       # a phone held upright (reflow, WCAG 1.4.10)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage",
         # no name resolves except the local server's: nothing can reach another host
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]

pytestmark = pytest.mark.slow

#: full-page screenshots (to read a whole page): TCONV_FULL_SCREENSHOTS=1
FULL_SCREENSHOTS = tasks.env_flag("TCONV_FULL_SCREENSHOTS")


def _pages():
    """Every page of the book: the table of contents plus Sphinx's own pages (index.html is
    Jupyter Book's redirect to the root page)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files + ["index", "search", "genindex"]


PAGES = _pages()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(book_build):
    returncode, log, html = book_build
    if returncode != 0:
        pytest.fail("the book did not build (see test_book.py):\n" + log[-3000:])
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")       # closed when this module's tests end
def browser():
    tasks.wait_for_setup("chromium", "axe")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `python3 tasks.py test` installs Debian's chromium "
                    f"(apt-get install -y chromium) before running the tests")
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: `python3 tasks.py test` runs `npm ci` "
                    f"in tests/a11y/ first (axe-core, pinned in its package-lock.json)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def test_every_built_page_is_checked(site):
    _, html = site
    built = {str(p.relative_to(html).with_suffix("")) for p in html.rglob("*.html")
             # _static: the theme's template macros; zh: the Chinese edition (test_browser_zh)
             if p.relative_to(html).parts[0] not in ("_static", "zh")}
    assert built <= set(PAGES), f"pages the browser test does not open: {sorted(built - set(PAGES))}"


# -- checks run inside the page ---------------------------------------------------------------

MATH_JS = """
async () => {
  const M = window.MathJax;
  const nodes = [...document.querySelectorAll('.math')];
  if (M && M.startup && M.startup.promise) { await M.startup.promise; }
  const out = {loaded: !!(M && M.startup && M.startup.promise), n: nodes.length,
               untypeset: [], errors: [], raw: []};
  for (const el of nodes) {
    if (!el.querySelector('mjx-container')) out.untypeset.push(el.textContent.slice(0, 80));
  }
  // accessible maths: each typeset formula carries a MathML copy for screen readers
  // (MathJax's assistive-mml) or a spoken label (its speech explorer)
  out.mute = nodes.filter(el => { const c = el.querySelector('mjx-container');
    return c && !c.querySelector('mjx-assistive-mml math') && !c.getAttribute('aria-label'); })
    .map(el => el.textContent.slice(0, 60));
  for (const el of document.querySelectorAll('mjx-merror')) {
    out.errors.push((el.getAttribute('data-mjx-error') || el.textContent).slice(0, 120));
  }
  const skip = 'PRE, CODE, SCRIPT, STYLE, TEXTAREA, MJX-CONTAINER, KBD, SAMP';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = /\\$\\$|\\\\\\(|\\\\\\)|\\\\\\[|\\\\\\]|\\$\\\\[A-Za-z]|\\\\begin\\{/;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const p = t.parentElement;
    if (p && p.closest(skip)) continue;
    const m = raw.exec(t.textContent);
    if (m) {
      const i = Math.max(0, m.index - 30);
      out.raw.push(t.textContent.slice(i, m.index + 50).replace(/\\s+/g, ' '));
    }
  }
  return out;
}
"""

IMAGES_JS = """
async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => (i.complete && i.naturalWidth) || !i.getAttribute('src') ? null
    : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r);
                         setTimeout(r, 10000); })));
  return imgs.filter(i => i.getAttribute('src') && i.naturalWidth === 0)
             .map(i => i.getAttribute('src').slice(0, 100));
}
"""

# what a player shows: its image, its caption, its frame number
STATE_JS = """
r => { const img = r.querySelector('img.tconv-frame');
       return {src: img.getAttribute('src') || '', cap: r.querySelector('.tconv-caption').textContent,
               frame: r.getAttribute('data-frame'),
               broken: !!img.getAttribute('src') && img.complete && img.naturalWidth === 0}; }
"""


# -- accessibility (WCAG 2.1 AA): axe-core, alternative texts, reflow, keyboard ---------------

# every axe rule of WCAG 2.x A and AA and of best practice, the experimental ones included
# (label-content-name-mismatch is one); not the AAA rules (color-contrast-enhanced, ...)
AXE_JS = """
async wholeCode => {
  const ids = axe.getRules().filter(r => !r.tags.includes('wcag2aaa')).map(r => r.ruleId);
  const context = wholeCode ? document : {exclude: [['div.highlight']]};
  const res = await axe.run(context, {runOnly: {type: 'rule', values: ids},
                                      resultTypes: ['violations']});
  return res.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' (' +
           (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160) + ')')}));
}
"""
AXE_FAIL = ("serious", "critical")
AXE_TALLY = collections.defaultdict(lambda: {"impact": "", "pages": 0, "nodes": 0})
AXE_PAGES = []                                   # the pages axe has checked (for the table)
_AXE_LOCK = threading.Lock()

ALTS_JS = """
() => [...document.images].map(i => ({src: (i.getAttribute('src') || '').slice(0, 60),
                                      alt: i.getAttribute('alt')}))
"""
# the read-only checks of a page in one round trip: MATH_JS, IMAGES_JS and ALTS_JS (passed in as
# source text), the live-widget outputs left in the HTML, and on a chapter page its .ipynb
# download (fetched) and any launch button
PAGE_JS = """
async (a) => {
  const run = src => (0, eval)('(' + src + ')')();
  const math = await run(a.math), broken = await run(a.images), alts = run(a.alts);
  const dead = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  let download = null, launch = 0;
  if (a.stem !== null) {
    const link = document.querySelector(`a[href$="${a.stem}.ipynb"]`);
    if (link) {
      const href = link.getAttribute('href');
      const r = await fetch(href);
      download = [href, r.status, await r.text()];
    }
    launch = document.querySelectorAll(
      '[class*="launch"] a, a[href*="binder"], a[href*="colab"]').length;
  }
  return [math, broken, alts, dead, download, launch];
}
"""
_IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?|pdf)\s*$", re.I)


def alt_problem(alt):
    """Why an image's alternative text says nothing to a screen-reader user, or None.

    Missing or empty, or a file path / file name (MyST-NB's default is the image's path,
    ``../_images/f122b5....png``, which a screen reader reads out character by character).
    """
    if alt is None:
        return "has no alt attribute"
    text = alt.strip()
    if not text:
        return "has an empty alt"
    if (text.startswith(("data:", "/", "./", "../", "http:", "https:", "file:"))
            or _IMAGE_FILE.search(text) or "_images/" in text
            or (not re.search(r"\s", text) and re.search(r"[\\/]", text))):
        return f"has a file path as its alt ({text[:60]!r})"
    return None


def _alt_problems(images, problems):
    for img in images:
        why = alt_problem(img["alt"])
        if why:
            problems.append(f"<img src={img['src']!r}...> {why}")


def _check_alts(page, problems):
    _alt_problems(page.evaluate(ALTS_JS), problems)


#: the page whose code blocks axe audits inside: a chapter page's code cells are mostly
#: Pygments' token spans (8765 of 15484 elements on chapter 5), and auditing them doubles axe's
#: time (color-contrast above all); their colours come from one stylesheet and their blocks
#: from one template, the same on every page, so one chapter (code and outputs) covers them.
#: The other pages are audited without the insides of ``div.highlight``.
AXE_WHOLE_CODE = {"chapters/01_matrix_view"}


def _run_axe(page, name, problems):
    """axe-core on the page as it is now; tallies every violation, fails serious/critical."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_JS, name in AXE_WHOLE_CODE or not name.startswith("chapters/"))
    with _AXE_LOCK:                          # pages may be checked in several threads
        AXE_PAGES.append(name)
        for v in violations:
            tally = AXE_TALLY[v["id"]]
            tally["impact"], tally["pages"], tally["nodes"] = (
                v["impact"], tally["pages"] + 1, tally["nodes"] + v["nodes"])
    for v in violations:
        if v["impact"] in AXE_FAIL:
            problems.append(f"axe {v['impact']} {v['id']} ({v['help']}) on {v['nodes']} "
                            f"element(s): " + "; ".join(v["where"]))


def axe_table():
    """The per-rule count of axe violations over the pages checked so far (text)."""
    rows = sorted(AXE_TALLY.items(), key=lambda kv: (-kv[1]["nodes"], kv[0]))
    lines = [f"{'axe-core rule':34} {'impact':9} {'pages':>5} {'elements':>8}"]
    lines += [f"{rule:34} {t['impact'] or '?':9} {t['pages']:5d} {t['nodes']:8d}"
              for rule, t in rows] or ["(no violations of any impact)"]
    return "\n".join(lines)


# Reflow: at a phone's width the page body must not scroll sideways. Wide code blocks, tables
# and display formulas may scroll inside their own box (an ancestor with overflow-x other than
# visible), and off-canvas drawers (the theme's sidebars) are not content.
REFLOW_JS = """
() => {
  const W = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - W;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= W + 1 || r.left >= W) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.position === 'fixed') continue;
    let boxed = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.overflowX !== 'visible' || ps.position === 'fixed') { boxed = true; break; }
    }
    if (boxed) continue;
    const id = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string'
                ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
    out.push(id + ' reaches ' + Math.round(r.right) + ' px');
  }
  return {over: over, culprits: out.slice(0, 4)};
}
"""


def _check_reflow(page, problems):
    page.set_viewport_size(NARROW)
    page.wait_for_timeout(150)                           # let the theme's layout settle
    got = page.evaluate(REFLOW_JS)
    if got["over"] > 1 or got["culprits"]:
        problems.append(f"at {NARROW['width']} px the page scrolls sideways by {got['over']} px "
                        f"(reflow, WCAG 1.4.10): " + "; ".join(got["culprits"]))


# the element that has the keyboard focus, where it is, and whether its focus is visible
FOCUS_JS = """
r => { const a = document.activeElement, cs = getComputedStyle(a);
       return {inside: r.contains(a), tag: a.tagName.toLowerCase(),
               cls: a.className || '', type: a.getAttribute('type') || '',
               outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2}; }
"""
# what assistive technology is told about the current frame
SPOKEN_JS = """
r => { const img = r.querySelector('img.tconv-frame'), cap = r.querySelector('.tconv-caption');
       return {alt: img.getAttribute('alt'), cap: cap.textContent,
               live: cap.getAttribute('aria-live')}; }
"""


def _check_player_keyboard(page, root, label, problems):
    """Operate a player with the keyboard alone, as a reader without a mouse does.

    Tab from just before the player must land on its first control; Space on it plays and
    pauses (an animation), the arrow keys step the frame of a focused slider; each focused
    control shows a focus outline; the current frame's caption is in an aria-live region and is
    the image's alternative text.
    """
    root.scroll_into_view_if_needed()
    root.evaluate("r => { const s = document.createElement('span'); s.tabIndex = -1; "
                  "s.className = 'tconv-test-anchor'; r.before(s); s.focus(); }")
    page.keyboard.press("Tab")
    focus = root.evaluate(FOCUS_JS)
    if not focus["inside"]:
        problems.append(f"{label}: Tab from just before the player lands outside it "
                        f"(on <{focus['tag']} class={focus['cls']!r}>)")
        return
    spoken = root.evaluate(SPOKEN_JS)
    if spoken["live"] != "polite":
        problems.append(f"{label}: the caption is not an aria-live=\"polite\" region")
    if not spoken["alt"] or spoken["alt"].strip() != (spoken["cap"].strip() or spoken["alt"].strip()):
        problems.append(f"{label}: the image's alt ({spoken['alt']!r}) is not the caption "
                        f"({spoken['cap']!r})")
    has_play = root.locator("button.tconv-play").count() > 0
    seen = 0
    while focus["inside"] and seen < 12:
        seen += 1
        what = f"{focus['tag']}.{focus['cls'] or focus['type']}"
        if not focus["outline"]:
            problems.append(f"{label}: the focused {what} shows no focus outline")
        before = root.evaluate(STATE_JS)
        if has_play and (focus["tag"] == "button" or focus["type"] == "range"):
            page.keyboard.press("Space")                                         # play
            try:
                page.wait_for_function("([r, f]) => r.getAttribute('data-frame') !== f",
                                       arg=[root.element_handle(), before["frame"]],
                                       timeout=10000)
                started = True
            except Exception:
                problems.append(f"{label}: Space on the focused {what} did not start playing")
                started = False
            page.keyboard.press("Space")                                         # pause
            paused = root.evaluate(STATE_JS)
            page.wait_for_timeout(1600)
            if root.evaluate(STATE_JS)["frame"] != paused["frame"]:
                problems.append(f"{label}: a second Space on the {what} did not pause")
            if started and (paused["src"] == before["src"] or paused["cap"] == before["cap"]):
                problems.append(f"{label}: playing did not change both the image and the "
                                f"caption")
            before = paused
        if focus["tag"] == "input" and focus["type"] == "range":
            lo, hi, val = root.evaluate("r => { const a = document.activeElement; "
                                        "return [+a.min, +a.max, +a.value]; }")
            key, back = ("ArrowRight", "ArrowLeft") if val < hi else ("ArrowLeft", "ArrowRight")
            if hi > lo:
                page.keyboard.press(key)
                after = root.evaluate(STATE_JS)
                if after["frame"] == before["frame"]:
                    problems.append(f"{label}: {key} on a slider did not step the frame")
                elif (after["src"] == before["src"]) or (after["cap"] == before["cap"]):
                    problems.append(f"{label}: {key} on a slider stepped the frame number but "
                                    f"not both the image and the caption")
                spoken = root.evaluate(SPOKEN_JS)
                if spoken["alt"] != (spoken["cap"] or spoken["alt"]):
                    problems.append(f"{label}: after {key} the image's alt is not the caption")
                page.keyboard.press(back)
                if root.evaluate(STATE_JS)["frame"] != before["frame"]:
                    problems.append(f"{label}: {back} did not step back to the frame before")
        page.keyboard.press("Tab")
        focus = root.evaluate(FOCUS_JS)
    root.evaluate("r => r.previousElementSibling.remove()")


def _check_player(page, root, label, problems):
    """Operate one player like a reader: every slider over its range; Play, then Pause."""
    inputs = root.locator("input[type=range]")
    for j in range(inputs.count()):
        inp = inputs.nth(j)
        name = inp.get_attribute("aria-label") or f"control {j}"
        lo, hi = int(inp.get_attribute("min")), int(inp.get_attribute("max"))
        start = int(inp.input_value())
        if hi <= lo:
            problems.append(f"{label}: slider {name} has a single value: it can never move")
            continue
        inp.scroll_into_view_if_needed()
        inp.focus()
        keys = (["ArrowRight"] * (hi - start) + ["ArrowLeft"] * (hi - lo)
                + ["ArrowRight"] * (start - lo))
        shown_changes = 0
        before = root.evaluate(STATE_JS)
        for key in keys:
            page.keyboard.press(key)
            after = root.evaluate(STATE_JS)
            if after["frame"] == before["frame"]:
                problems.append(f"{label}: pressing {key} on slider {name} did not change "
                                f"the frame")
                break
            if after["broken"]:
                problems.append(f"{label}: frame {after['frame']} is a broken image")
            shown_changes += (after["src"], after["cap"]) != (before["src"], before["cap"])
            before = after
        if int(inp.input_value()) != start:
            problems.append(f"{label}: slider {name} did not come back to its start value")
        if shown_changes == 0:
            problems.append(f"{label}: moving slider {name} over its whole range never changed "
                            f"the image or the caption (a dead slider)")
    play = root.locator("button.tconv-play")
    if play.count():
        first, playing = _press_play(page, root, play, label, problems)
        if playing is not None and (playing["src"], playing["cap"]) == (first["src"],
                                                                         first["cap"]):
            problems.append(f"{label}: Play changed the frame number but not the picture")
        play.click()                                                     # pause
        paused = root.get_attribute("data-frame")
        page.wait_for_timeout(1600)
        if root.get_attribute("data-frame") != paused:
            problems.append(f"{label}: Pause did not stop the animation")


def _press_play(page, root, play, label, problems):
    """Press a player's Play button; the frames must advance within 10 s. Returns the player's
    state before and once playing (None when it did not advance); it is left playing."""
    play.scroll_into_view_if_needed()
    first = root.evaluate(STATE_JS)
    play.click()
    try:
        page.wait_for_function("([r, f]) => r.getAttribute('data-frame') !== f",
                               arg=[root.element_handle(), first["frame"]], timeout=10000)
    except Exception:
        problems.append(f"{label}: Play did not advance the frames within 10 s")
        return first, None
    return first, root.evaluate(STATE_JS)


def _smoke_player(page, root, label, problems):
    """A short operation of one player (for a second edition of pages whose players
    :func:`_check_player` and :func:`_check_player_keyboard` have operated in full): one
    arrow-key step of its first slider changes the image and the caption, and steps back;
    Play advances the frames."""
    root.scroll_into_view_if_needed()
    inp = root.locator("input[type=range]").first
    if root.locator("input[type=range]").count():
        lo, hi = int(inp.get_attribute("min")), int(inp.get_attribute("max"))
        start = int(inp.input_value())
        if hi > lo:
            key, back = ("ArrowRight", "ArrowLeft") if start < hi else ("ArrowLeft", "ArrowRight")
            inp.focus()
            before = root.evaluate(STATE_JS)
            page.keyboard.press(key)
            after = root.evaluate(STATE_JS)
            if after["frame"] == before["frame"] or after["broken"] or (
                    (after["src"], after["cap"]) == (before["src"], before["cap"])):
                problems.append(f"{label}: {key} on its slider did not show another frame")
            page.keyboard.press(back)
    play = root.locator("button.tconv-play")
    if play.count():
        _press_play(page, root, play, label, problems)
        play.click()                                                     # pause


def _check_search(page, base, problems):
    page.goto(f"{base}/search.html?q=convolution", wait_until="load")
    try:
        page.wait_for_selector("#search-results li, ul.search li", timeout=15000)
    except Exception:
        problems.append("search for 'convolution' found nothing (the local index did not load?)")


def check_page(browser, base, html, name, *, shots=SHOTS, axe=True, players="full"):
    """Every per-page check of this module on one page of a site: returns the problems found.

    ``base`` is the URL the site is served at (``http://127.0.0.1:PORT``; any other host is
    blocked and recorded), ``html`` the folder its files are in, ``name`` the page (``intro``,
    ``chapters/01_matrix_view``, ``search``, ...: ``{base}/{name}.html``). A full-page
    screenshot (and one per player) is saved in ``shots`` (none when it is None); ``axe=False``
    skips the axe-core audit (for a second run over pages axe has already checked), and
    ``players="smoke"`` operates each player briefly (:func:`_smoke_player`) instead of in full
    with the mouse and the keyboard (for a second edition of the same players).
    Another test module uses it on another build (``from test_browser import check_page``).
    """
    if players not in ("full", "smoke"):
        raise ValueError(f"players={players!r}: use 'full' or 'smoke'")
    players_mode = players
    html = Path(html)
    netloc = urlsplit(base).netloc
    problems, console, offhost, failed = [], [], [], []

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

    def gate(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != netloc:
            offhost.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    ctx.route("**/*", gate)
    page = ctx.new_page()
    page.on("console", lambda m: m.type == "error" and console.append(
        f"console error: {m.text} ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda e: console.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).netloc == netloc and failed.append(
        f"failed local request: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and failed.append(
        f"HTTP {r.status}: {r.url}"))
    stem = name.replace("/", "__")
    try:
        page.goto(f"{base}/{name}.html", wait_until="load")
        if (html / f"{name}.html").read_text().find('http-equiv="Refresh"') >= 0:
            # a redirect page (index.html): check the page it leads to has loaded
            page.wait_for_url(lambda url: not url.endswith(f"/{name}.html"), timeout=10000)
            page.wait_for_load_state("load")
        # one round trip for the checks that only read the page
        math, broken, alts, dead, download, launch = page.evaluate(PAGE_JS, {
            "math": MATH_JS, "images": IMAGES_JS, "alts": ALTS_JS,
            "stem": Path(name).name if name.startswith("chapters/") else None})
        if math["n"] and not math["loaded"]:
            problems.append(f"MathJax did not load, {math['n']} formulas left as TeX")
        problems += [f"formula not typeset: {t!r}" for t in math["untypeset"][:5]]
        problems += [f"MathJax error: {t!r}" for t in math["errors"][:5]]
        if math["mute"]:
            problems.append(f"{len(math['mute'])} formula(s) without assistive MathML or a "
                            f"spoken label (a screen reader cannot read them), e.g. "
                            f"{math['mute'][0]!r}")
        problems += [f"raw TeX in the page text: {t!r}" for t in math["raw"][:5]]
        problems += [f"broken image: {src}" for src in broken]
        _alt_problems(alts, problems)
        if axe:
            _run_axe(page, name, problems)

        if dead:
            problems.append(f"{dead} live-widget output(s) in the HTML: nothing renders them "
                            f"offline; tag the widget cell remove-cell and show a player")

        if name.startswith("chapters/"):
            if download is None:
                problems.append("no download button for the chapter's .ipynb")
            else:
                href, status, text = download
                if status != 200 or "nbformat" not in json.loads(text or "{}"):
                    problems.append(f"the .ipynb download ({href}) is not the notebook")
            if launch:
                problems.append(f"{launch} launch button(s): they need a network")

        if name == "search":               # the screenshot then shows the results
            _check_search(page, base, problems)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            # the first screen (JPEG); the whole page with TCONV_FULL_SCREENSHOTS=1 (a chapter's
            # full page costs the browser 3-4 s of CPU time to paint and encode)
            page.screenshot(path=str(shots / f"{stem}.jpg"), full_page=FULL_SCREENSHOTS,
                            type="jpeg", quality=70)

        players = page.locator("div.tconv-player")
        for i in range(players.count()):
            if not players.nth(i).is_visible():   # e.g. inside a collapsed solution: open it
                page.evaluate("() => { document.querySelectorAll('.toggle-hidden').forEach("
                              "e => e.classList.remove('toggle-hidden')); "
                              "document.querySelectorAll('details').forEach(d => d.open = true); }")
            label = f"player {i + 1} of {players.count()}"
            if players_mode == "smoke":
                _smoke_player(page, players.nth(i), label, problems)
            else:
                _check_player(page, players.nth(i), label, problems)
                _check_player_keyboard(page, players.nth(i), label, problems)
            if shots is not None:
                players.nth(i).screenshot(path=str(shots / f"{stem}__player{i + 1}.png"))
        _check_reflow(page, problems)

    finally:
        ctx.close()
    return problems + console + failed + [f"request to another host (blocked): {u}"
                                          for u in offhost]


#: browsers checking pages at once: this test's own plus (WORKERS - 1) in threads. A page costs
#: a browser seconds of CPU time (axe-core, MathJax's speech, the full-page screenshot) in one
#: renderer process, so a second browser uses a second core.
WORKERS = int(os.environ.get("TCONV_BROWSER_WORKERS", "2"))


class PageSharer:
    """Check pages in other browsers, in threads, while the tests check theirs in order.

    The tests take the pages from the front of the list, the helpers from the back (each page
    checked once, by whoever claims it first); a test whose page a helper has claimed waits for
    that helper's problems. Every page is still checked by :func:`check_page`, in a browser of
    its own; only who runs it differs.
    """

    def __init__(self, base, html, names, workers):
        tasks.wait_for_setup("chromium", "axe")
        self.base, self.html, self.names = base, html, list(names)
        self.lock = threading.Lock()
        self.owner, self.done, self.result = {}, {}, {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._work, daemon=True, name=f"pages-{i}")
                        for i in range(max(0, workers - 1))]
        for t in self.threads:
            t.start()

    def _check(self, browser, name):
        """The checks of one page (a subclass may pass other options)."""
        return check_page(browser, self.base, self.html, name)

    def _claim(self, name, who):
        with self.lock:
            if name in self.owner:
                return False
            self.owner[name], self.done[name] = who, threading.Event()
            return True

    def _work(self):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
            try:
                for name in reversed(self.names):
                    if self.stop.is_set():
                        break
                    if not self._claim(name, "helper"):
                        continue
                    try:
                        self.result[name] = self._check(b, name)
                    except BaseException as e:            # re-raised in the page's test
                        self.result[name] = e
                    self.done[name].set()
            finally:
                b.close()

    def problems(self, browser, name):
        """The page's problems: checked here in ``browser``, or by the helper that claimed it."""
        if self._claim(name, "test"):
            return self._check(browser, name)
        self.done[name].wait()
        got = self.result[name]
        if isinstance(got, BaseException):
            raise got
        return got

    def close(self):
        self.stop.set()
        for t in self.threads:
            t.join()


def selected_pages(request, test_name):
    """The pages of this session's selected ``test_name`` tests in the requesting module."""
    return [item.callspec.params["name"] for item in request.session.items
            if getattr(item, "originalname", "") == test_name and item.path == request.path]


@pytest.fixture(scope="module")
def pages(site, request):
    """The page checks of this session's test_page_in_browser tests, shared among WORKERS
    browsers (only the pages whose tests were selected)."""
    base, html = site
    sharer = PageSharer(base, html, selected_pages(request, "test_page_in_browser"), WORKERS)
    yield sharer
    sharer.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_in_browser(name, pages, browser):
    problems = pages.problems(browser, name)      # check_page(browser, base, html, name)
    assert not problems, f"{name}.html:\n  " + "\n  ".join(dict.fromkeys(problems))


def test_axe_summary(capsys):
    """The per-rule table of every axe violation found above (any impact), in the output."""
    with capsys.disabled():
        print(f"\n\naxe-core {_axe_version()} on {len(AXE_PAGES)} pages (WCAG 2.x A/AA and "
              f"best-practice rules, experimental included; serious and critical fail the "
              f"page):\n" + axe_table() + "\n")


def _axe_version():
    lock = json.loads((AXE.parents[2] / "package-lock.json").read_text())
    return lock["packages"]["node_modules/axe-core"]["version"]


# -- the checks themselves, on players made here (no build needed) ---------------------------

def _draw_bars(fig, frame):
    fig.add_subplot().bar(range(frame + 1), 1)
    return f"frame {frame}"


def _draw_ignoring_s(fig, k, s):
    fig.add_subplot().plot(range(k + 1))
    return f"k={k}"                      # s changes nothing: a dead slider


def _operate(browser, player, check=None):
    import tconvlib as tc  # noqa: F401  -- the players come from the library

    check = check or _check_player
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<html><body>{player._repr_html_()}{player._repr_html_()}</body></html>")
    problems = []
    roots = page.locator("div.tconv-player")
    for i in range(roots.count()):
        check(page, roots.nth(i), f"copy {i + 1}", problems)
    page.close()
    return problems + errors


def test_operating_players_animation_plays_and_pauses(browser):
    import tconvlib as tc

    assert _operate(browser, tc.Animation(_draw_bars, 4, figsize=(2, 1.5)).player()) == []


def test_operating_players_finds_a_dead_slider(browser):
    import tconvlib as tc

    explorer = tc.Explorer(_draw_ignoring_s, {"k": [1, 2], "s": [1, 2, 3]}, figsize=(2, 1.5))
    problems = _operate(browser, explorer.player())
    assert problems == [f"copy {i}: moving slider s over its whole range never changed the image "
                        f"or the caption (a dead slider)" for i in (1, 2)]


def test_smoke_check_of_players(browser):
    """The Chinese pages' brief check: a player that works passes; a dead first slider fails."""
    import tconvlib as tc

    assert _operate(browser, tc.Animation(_draw_bars, 4, figsize=(2, 1.5)).player(),
                    _smoke_player) == []
    assert _operate(browser, tc.Explorer(_draw_both, {"k": [1, 2], "s": [1, 2]},
                                         figsize=(2, 1.5)).player(), _smoke_player) == []
    dead = tc.Explorer(_draw_ignoring_s, {"s": [1, 2, 3], "k": [1, 2]}, figsize=(2, 1.5))
    assert _operate(browser, dead.player(), _smoke_player) == [
        f"copy {i}: ArrowRight on its slider did not show another frame" for i in (1, 2)]


def _draw_both(fig, k, s):
    fig.add_subplot().plot(range(k * s + 1))
    return f"k={k}, s={s}"


def _player_page(browser, player):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content(f"<html lang='en'><head><title>player</title></head><body><main>"
                     f"<p><a href='#'>a link before the player</a></p>{player._repr_html_()}"
                     f"</main></body></html>")
    return page, errors


@pytest.mark.parametrize("kind", ["animation", "explorer"])
def test_player_with_the_keyboard_alone(browser, kind):
    """Tab reaches the controls, Space plays and pauses, the arrow keys step, focus is visible;
    the caption is the image's alt and an aria-live region; axe finds no violation at all."""
    import tconvlib as tc

    if kind == "animation":
        player = tc.Animation(_draw_bars, 4, figsize=(2, 1.5), title="bars").player()
    else:
        player = tc.Explorer(_draw_both, {"k": [1, 2], "s": [1, 2]}, figsize=(2, 1.5)).player()
    page, errors = _player_page(browser, player)
    root = page.locator("div.tconv-player")
    problems = []
    _check_player_keyboard(page, root, kind, problems)
    _run_axe(page, f"{kind} player", problems)
    AXE_TALLY.clear()                      # the table counts the book's pages only
    AXE_PAGES.clear()
    page.close()
    assert problems + errors == []


def test_player_keyboard_check_finds_a_player_without_keyboard_support(browser):
    """The keyboard check fails a player whose caption is mute and whose image alt is fixed."""
    import tconvlib as tc

    player = tc.Animation(_draw_bars, 3, figsize=(2, 1.5)).player()
    page, _ = _player_page(browser, player)
    root = page.locator("div.tconv-player")
    root.evaluate("r => { r.querySelector('.tconv-caption').removeAttribute('aria-live'); "
                  "r.querySelector('style').remove(); "
                  "const i = r.querySelector('img'); new MutationObserver(() => { "
                  "if (i.alt !== 'frame.png') i.alt = 'frame.png'; })"
                  ".observe(i, {attributes: true}); i.alt = 'frame.png'; }")
    problems = []
    _check_player_keyboard(page, root, "p", problems)
    page.close()
    assert 'p: the caption is not an aria-live="polite" region' in problems
    assert any("is not the caption" in p for p in problems)


@pytest.mark.parametrize("alt, bad", [
    (None, "no alt"), ("", "empty"), ("  ", "empty"),
    ("../_images/f122b5c0ffee.png", "file path"), ("f122b5c0ffee.png", "file path"),
    ("_images/plot", "file path"), ("figures\\fig1", "file path"),
    ("data:image/png;base64,iVBOR", "file path"),
    ("Two heat maps side by side: the output of a stride-2 transposed convolution shows a "
     "checkerboard of bright and dark pixels; the resize-convolution output is smooth.", None),
    ("k = 3, s = 2: output 1/2 of the pixels get two taps", None)])
def test_alt_text_check(alt, bad):
    why = alt_problem(alt)
    assert (why is None) if bad is None else (bad in why)


def test_alt_check_catches_a_path_alt_in_a_page(browser):
    page = browser.new_page()
    page.set_content('<img src="x.png" alt="../_images/f122b5.png"><img src="y.png" alt="">'
                     '<img src="z.png" alt="A ramp from dark to bright.">')
    problems = []
    _check_alts(page, problems)
    page.close()
    assert len(problems) == 2 and "file path" in problems[0] and "empty alt" in problems[1]
