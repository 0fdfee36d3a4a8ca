"""The Chinese edition in a real browser, offline: every page, as tests/test_browser.py does.

The Chinese build (``_build/html/zh``, the session's ``zh_build`` fixture) is served with the
English site it lives in, and every page goes through the English browser test's own
:func:`test_browser.check_page`: no console error, no request to another host, no failed local
request, every formula typeset with a spoken form, no broken image, every player operated
(briefly: one slider step there and back, Play; the same players' full mouse and keyboard
checks ran on the English pages), reflow at phone width (screenshots of a few pages). The axe-core
audit runs on the English pages (same templates, same structure); here it runs on the landing
page, as a check that the language changes nothing it audits.

Then what is particular to the Chinese edition: search finds pages by Chinese words (the index
is segmented with jieba, with the glossary's terms as words), and the edition switch at the top
of a page leads to the same page in English and back.
"""

from pathlib import Path
from urllib.parse import quote

import pytest

from test_browser import (  # noqa: F401 -- browser and site are fixtures
    PAGES, SHOTS, WORKERS, PageSharer, browser, check_page, selected_pages, site)

pytestmark = pytest.mark.slow

ZH_SHOTS = SHOTS / "zh"
#: pages also audited with axe-core here (the rest were audited in English)
AXE_HERE = {"intro"}
#: pages with a full-page screenshot here (the English test takes one of every page; a
#: full-page screenshot of a long chapter costs the browser seconds)
SHOTS_HERE = {"intro", "chapters/01_matrix_view", "chapters/05_checkerboard_origins", "glossary",
              "search"}


class _ZhSharer(PageSharer):
    def _check(self, browser, name):
        return check_page(browser, self.base, self.html, name,
                          shots=ZH_SHOTS if name in SHOTS_HERE else None, axe=name in AXE_HERE,
                          players="smoke")


@pytest.fixture(scope="module")
def zh_site(site, zh_build):
    rc, log, html = zh_build
    if rc != 0:
        pytest.fail("the Chinese edition did not build (see test_i18n.py):\n" + log[-3000:])
    base, _ = site
    return f"{base}/zh", html


@pytest.fixture(scope="module")
def zh_pages(zh_site, request):
    base, html = zh_site
    sharer = _ZhSharer(base, html, selected_pages(request, "test_zh_page_in_browser"), WORKERS)
    yield sharer
    sharer.close()


def test_every_chinese_page_is_checked(zh_site):
    _, html = zh_site
    built = {str(p.relative_to(html).with_suffix("")) for p in html.rglob("*.html")
             if p.relative_to(html).parts[0] != "_static"}
    assert built <= set(PAGES), f"pages the browser test does not open: {sorted(built - set(PAGES))}"


@pytest.mark.parametrize("name", PAGES)
def test_zh_page_in_browser(name, zh_pages, browser):
    problems = zh_pages.problems(browser, name)
    assert not problems, f"zh/{name}.html:\n  " + "\n  ".join(dict.fromkeys(problems))


@pytest.mark.parametrize("query,page", [
    ("转置卷积", "chapters/01_matrix_view"),
    ("棋盘格伪影", "chapters/05_checkerboard_origins"),
    ("亚像素卷积", "chapters/08_pixel_shuffle"),
])
def test_chinese_search_finds_the_page(query, page, zh_site, browser):
    base, _ = zh_site
    p = browser.new_page()
    try:
        p.goto(f"{base}/search.html?q={quote(query)}", wait_until="load")
        p.wait_for_selector("#search-results li, ul.search li", timeout=20000)
        p.wait_for_function("() => !document.querySelector('#search-progress') || "
                            "!document.querySelector('#search-progress').textContent.includes('…')"
                            , timeout=20000)
        hrefs = p.eval_on_selector_all("#search-results li a, ul.search li a",
                                       "els => els.map(e => e.getAttribute('href'))")
        ZH_SHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(ZH_SHOTS / f"search__{page.split('/')[-1]}.jpg"), type="jpeg",
                     quality=70)
    finally:
        p.close()
    assert any(page in (h or "") for h in hrefs), f"{query!r} did not find {page}: {hrefs}"


def test_edition_switch_leads_to_the_same_page_and_back(zh_site, browser):
    base, _ = zh_site
    p = browser.new_page()
    try:
        p.goto(f"{base}/chapters/04_equivariance.html", wait_until="load")
        assert p.get_attribute("html", "lang") == "zh-CN"
        assert p.inner_text("nav.tconv-lang-switch .tconv-edition") == "中文版"
        p.click("nav.tconv-lang-switch a.tconv-other-edition")
        p.wait_for_load_state("load")
        assert p.url.endswith("/chapters/04_equivariance.html") and "/zh/" not in p.url
        assert p.get_attribute("html", "lang") == "en"
        p.click("nav.tconv-lang-switch a.tconv-other-edition")
        p.wait_for_load_state("load")
        assert p.url.endswith("/zh/chapters/04_equivariance.html")
    finally:
        p.close()
