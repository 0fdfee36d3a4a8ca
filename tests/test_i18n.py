"""The Chinese edition (issue 17): complete, consistent with the English, built, linked.

* The catalogues are complete: the English messages are extracted afresh (a gettext build of
  the current sources, so an English edit not followed by ``tasks.py i18n update`` is seen)
  and every one must have a translation that is not fuzzy. A per-page report (translated,
  fuzzy, untranslated) is printed on every run.
* Every translation keeps the message's markup (math, inline code, roles and their targets,
  link targets, emphasis that still renders) and uses the glossary's Chinese equivalent of every
  glossary term its English uses (``tools/i18n.py``'s checks; a translator's comment
  ``term-exempt: <term>: <reason>`` exempts one term of one message).
* The Chinese build (``_build/html/zh``) passes with warnings as errors, has every page of the
  English one, says it is the Chinese edition, and links each page to its English counterpart
  and back; exercise titles, figure captions and alternative texts are Chinese there.
The browser test of the Chinese pages is ``tests/test_browser_zh.py``.
"""

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


# -- the checks themselves catch what they are for ---------------------------------------------
@pytest.mark.parametrize("msgid,msgstr,ok", [
    ("The stride $s$ of `conv`.", "`conv` 的步幅 $s$。", True),
    ("The stride $s$ of `conv`.", "`conv` 的步幅 s。", False),                # math dropped
    ("The stride $s$ of `conv`.", "conv 的步幅 $s$。", False),                # code dropped
    ("See {numref}`fig-a`.", "见 {numref}`fig-b`。", False),                  # target changed
    ("A {term}`stride`.", "一个{term}`步幅 <stride>`。", True),                # term: text may change
    ("A {term}`stride`.", "一个{term}`步幅 <padding>`。", False),
    ("Read [the docs](https://x.org/a).", "阅读[文档](https://x.org/a)。", True),
    ("Read [the docs](https://x.org/a).", "阅读[文档](https://x.org/b)。", False),
    ("The value {glue:text}`n-pos` holds.", "值 {glue:text}`n-pos` 成立。", True),
    ("This is **(a)** so.", "这是**（a）**所以。", False),                     # ** does not close
    ("This is **(a)** so.", "这是（**a**）所以。", True),
])
def test_markup_check(msgid, msgstr, ok):
    assert (i18n.markup_problems(msgid, msgstr) == []) == ok


def test_term_check():
    terms = [("transposed convolution", ["转置卷积"]), ("kernel", ["卷积核"]),
             ("padding", ["填充"]), ("checkerboard artifact", ["棋盘格伪影"])]
    en = "Transposed convolutions with an even kernel cause checkerboard artifacts."
    assert i18n.term_problems(en, "偶数卷积核的转置卷积会产生棋盘格伪影。", terms=terms) == []
    assert i18n.term_problems(en, "偶数核的转置卷积会产生棋盘格伪影。", terms=terms) == [
        "'kernel' without 卷积核"]
    # a term inside code or math is not the term; an exemption needs a reason
    assert i18n.term_problems("Set `padding=1`.", "设 `padding=1`。", terms=terms) == []
    gpu = "The GPU kernel is slow."
    assert i18n.term_problems(gpu, "GPU 核函数很慢。", ["term-exempt: kernel: a GPU kernel"],
                              terms=terms) == []
    assert i18n.term_problems(gpu, "GPU 核函数很慢。", ["term-exempt: kernel"], terms=terms)


def test_glossary_terms_are_read():
    terms = dict(i18n.glossary_terms())
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    n_entries = len(re.findall(r"^\S.*\n  \S", text.split("```{glossary}")[1], re.M))
    assert len(terms) == n_entries >= 35
    for term, want in [("transposed convolution", "转置卷积"), ("stride", "步幅"),
                       ("padding", "填充"), ("checkerboard artifact", "棋盘格伪影")]:
        assert terms[term][0] == want        # the standard terms of the Chinese literature


# -- the catalogues ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fresh_messages(tmp_path_factory):
    """{page: set of msgids} extracted from the current English sources."""
    out = tmp_path_factory.mktemp("gettext")
    rc = i18n._build("gettext", out / "pot", out / "doctrees", warnings_as_errors=False)
    assert rc == 0, "the gettext extraction failed"
    pages = {}
    for pot in sorted((out / "pot").rglob("*.pot")):
        page = str(pot.relative_to(out / "pot").with_suffix(""))
        pages[page] = {m.id for m in i18n.read_po(pot) if m.id}
    shutil.rmtree(out, ignore_errors=True)
    return pages


def test_catalogues_are_complete(fresh_messages, capsys):
    catalogues = i18n.catalogues()
    problems = []
    with capsys.disabled():
        print("\n[i18n] the Chinese catalogues (locales/zh_CN/LC_MESSAGES):")
        table = i18n.report(out=sys.stdout)
    for page, ids in fresh_messages.items():
        if page not in catalogues:
            problems.append(f"{page}: no catalogue (run `python3 tasks.py i18n update`)")
            continue
        translated = {m.id: m for m in i18n.read_po(catalogues[page]) if m.id}
        new = sorted(ids - set(translated))
        if new:
            problems.append(f"{page}: {len(new)} English message(s) not in the catalogue "
                            f"(the English changed: `python3 tasks.py i18n update`, then "
                            f"translate), e.g. {new[0][:80]!r}")
        for msgid in sorted(ids & set(translated)):
            m = translated[msgid]
            if m.fuzzy or not m.string:
                problems.append(f"{page}: {'fuzzy' if m.fuzzy else 'untranslated'}: "
                                f"{msgid[:80]!r}")
    for page, (t, f, u) in table.items():
        if f or u:
            problems.append(f"{page}: {t} translated, {f} fuzzy, {u} untranslated")
    assert not problems, "\n".join(problems[:40])


def test_translations_keep_markup_and_terms():
    terms = i18n.glossary_terms()
    problems = [p for path in i18n.catalogues().values()
                for p in i18n.check_catalogue(path, terms)
                if not p.endswith(("untranslated", "fuzzy"))]   # reported by the test above
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_translations_are_chinese():
    """Every message with an English sentence is Chinese (a copied msgid is allowed only for
    names, numbers and code: no three English words in a row)."""
    bad = []
    for page, path in i18n.catalogues().items():
        for m in i18n.read_po(path):
            if not m.id or not m.string:
                continue
            prose = i18n._prose(m.id)
            if re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+ [a-z]+", prose) and not HAN.search(
                    m.string):
                bad.append(f"{page}:{m.lineno}: {m.string[:70]!r}")
    assert not bad, "messages left in English:\n" + "\n".join(bad[:30])


# -- the Chinese build ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def zh_site(zh_build, book_build):
    rc, log, html = zh_build
    assert rc == 0, "the Chinese edition did not build:\n" + log[-4000:]
    return book_build[2], html


def test_chinese_build_has_no_warnings(zh_build):
    rc, log, _ = zh_build
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert rc == 0 and not warnings, "\n".join(warnings[:30]) or log[-3000:]


def _pages(html):
    return sorted(str(p.relative_to(html)) for p in html.rglob("*.html")
                  if p.relative_to(html).parts[0] not in ("_static", "zh"))


def test_every_page_in_both_editions_and_linked(zh_site):
    en, zh = zh_site
    assert _pages(en) == _pages(zh)
    for page in _pages(en):
        if page == "index.html":            # a redirect to intro.html
            continue
        depth = page.count("/")
        en_html = (en / page).read_text(encoding="utf-8")
        zh_html = (zh / page).read_text(encoding="utf-8")
        assert '<html lang="en"' in en_html and '<html lang="zh-CN"' in zh_html, page
        want_en = f'href="{"../" * depth}zh/{page}" hreflang="zh-CN"'
        want_zh = f'href="{"../" * depth}../{page}" hreflang="en"'
        assert want_en in en_html, f"{page}: no link to the Chinese page ({want_en})"
        assert want_zh in zh_html, f"{page}: no link to the English page ({want_zh})"
        assert '<span class="tconv-edition">English edition</span>' in en_html
        assert '<span class="tconv-edition">中文版</span>' in zh_html


def test_landing_page_says_which_edition(zh_site):
    _, zh = zh_site
    text = re.sub(r"<[^>]+>", " ", (zh / "intro.html").read_text(encoding="utf-8"))
    assert "这是中文版" in text
    assert i18n.ZH_TITLE in text
    # the parts of the table of contents (captions from _toc.yml) are Chinese too
    captions = re.findall(r'caption-text">([^<]*)<', (zh / "intro.html").read_text("utf-8"))
    assert len(captions) >= 5 and all(HAN.search(c) for c in captions), captions


def test_titles_captions_and_alt_texts_are_chinese(zh_site):
    """The parts of a chapter that gettext does not reach by itself (exercise titles, figure
    captions from cell metadata, images' alternative texts) are translated."""
    from bs4 import BeautifulSoup

    _, zh = zh_site
    untranslated = []
    n = {"exercise titles": 0, "captions": 0, "alt texts": 0}
    for page in sorted((zh / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        checks = [("exercise titles", soup.select("p.admonition-title")),
                  ("captions", soup.select("figcaption .caption-text")),
                  # an explorer player's frames are a code cell's output (their alt text is
                  # the caption the chapter's draw function returns): not translated
                  ("alt texts", [img for img in soup.select("main img") if img.get("alt")
                                 and not img.find_parent(class_="tconv-player")])]
        for kind, elements in checks:
            for el in elements:
                text = el.get("alt") if kind == "alt texts" else el.get_text(" ", strip=True)
                n[kind] += 1
                if not HAN.search(text or ""):
                    untranslated.append(f"{page.name}: {kind}: {text[:70]!r}")
    assert min(n.values()) > 10, n
    assert not untranslated, "\n".join(untranslated[:30])
    # "练习 1.1：标题": no space between the number and the full-width colon
    soup = BeautifulSoup((zh / "chapters" / "01_matrix_view.html").read_text(encoding="utf-8"),
                         "html.parser")
    title = soup.select("p.admonition-title")[0].get_text()
    assert re.fullmatch(r"练习 1\.1：\S.*", title), title
