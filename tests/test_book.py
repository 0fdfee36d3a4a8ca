"""The book builds with warnings as errors (-W -n --keep-going), and the pages are there.

This is the main job's check: the ``book_build`` fixture (tests/conftest.py) runs the same
build as ``python3 tasks.py book``, once per session; tests/test_browser.py reuses it.
"""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_chapter_notebook_is_in_the_toc():
    listed = set(_toc_files())
    on_disk = {f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("[0-9]*.ipynb")}
    assert on_disk <= listed, f"chapters missing from _toc.yml: {sorted(on_disk - listed)}"


@pytest.mark.slow
def test_book_builds_without_warnings(book_build):
    returncode, log, html = book_build        # the session's one build (tests/conftest.py)
    assert returncode == 0, log[-6000:]
    # Sphinx's own warnings (-W already makes them fatal; this names them). The kernels'
    # "[IPKernelApp] WARNING | ... TCP without encryption" notice is not a Sphinx warning.
    warnings = [line for line in log.splitlines() if "WARNING:" in line]
    assert not warnings, "\n".join(warnings)
    for page in _toc_files():
        assert (html / f"{page}.html").exists(), f"{page}.html was not built"
    chapter = (html / "chapters" / "01_matrix_view.html").read_text()
    assert chapter.count("<img") >= 4, "the chapter's figures are missing from the HTML"
    # MathJax is served from the build itself, not from a CDN
    assert (html / "_static" / "mathjax" / "tex-chtml.js").exists()
    index = (html / "index.html").read_text()
    assert "cdn.jsdelivr.net/npm/mathjax" not in index
