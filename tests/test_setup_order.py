"""``tasks.py test`` starts the tests while chromium, TeX and axe-core are still installing
(tasks.setup_for_tests, tasks.wait_for_setup), and each half runs first what needs none of
them (tests/conftest.py); the processes it starts write bytecode (tasks._env)."""

import os
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import conftest  # noqa: E402
import tasks  # noqa: E402


def test_no_wait_outside_tasks_test(monkeypatch):
    monkeypatch.delenv(tasks.SETUP_SIGNALS, raising=False)
    assert tasks.wait_for_setup("chromium", "tex", "axe") == 0.0


def test_waits_until_the_step_has_ended(monkeypatch, tmp_path):
    monkeypatch.setenv(tasks.SETUP_SIGNALS, str(tmp_path))
    (tmp_path / "axe.done").touch()
    assert tasks.wait_for_setup("axe") < 0.5
    timer = threading.Timer(1.0, (tmp_path / "tex.done").touch)
    timer.start()
    try:
        assert tasks.wait_for_setup("axe", "tex", timeout=30) >= 0.9
    finally:
        timer.cancel()
    with pytest.raises(TimeoutError, match="chromium"):
        tasks.wait_for_setup("chromium", timeout=0.6)


def test_an_unknown_step_is_refused():
    with pytest.raises(ValueError, match=r"steps=.*'latex'.*'chromium', 'tex' and 'axe'"):
        tasks.wait_for_setup("latex")


def test_every_step_signals_its_end_even_when_it_fails(monkeypatch, tmp_path):
    ran = []

    def failing():
        ran.append("chromium")
        raise RuntimeError("apt-get is broken")

    slow_env = threading.Event()
    monkeypatch.setattr(tasks, "ensure_chromium", failing)
    monkeypatch.setattr(tasks, "ensure_tex", lambda: ran.append("tex"))
    monkeypatch.setattr(tasks, "ensure_axe", lambda: ran.append("axe"))
    monkeypatch.setattr(tasks, "ensure_env", lambda: slow_env.set())
    threads = tasks.setup_for_tests(tmp_path)
    assert slow_env.is_set()
    for t in threads:
        t.join(timeout=30)
    assert sorted(ran) == ["axe", "chromium", "tex"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["axe.done", "chromium.done", "tex.done"]


def _item(path, fixtures=(), slow=False):
    return SimpleNamespace(path=Path(path), fixturenames=list(fixtures),
                           get_closest_marker=lambda name: object() if slow and name == "slow"
                           else None)


def _order(monkeypatch, half, items):
    monkeypatch.setattr(conftest, "HALF", half)
    deselected = []
    config = SimpleNamespace(hook=SimpleNamespace(
        pytest_deselected=lambda items: deselected.extend(items)))
    items = list(items)
    conftest.pytest_collection_modifyitems(config, items)
    return [it.path.name for it in items]


def test_each_half_runs_what_needs_no_system_package_first(monkeypatch):
    """builds: chromium last; light: the slow modules without TeX, the PDFs, the rest."""
    items = [_item("test_book.py", ["book_build"]),
             _item("test_browser.py", ["pages", "browser", "site"], slow=True),
             _item("test_browser.py", ["site"], slow=True),
             _item("test_conv.py"),
             _item("test_grading.py", [], slow=True),
             _item("test_i18n.py", ["zh_build"]),
             _item("test_lab.py", ["lab"]),
             _item("test_pdf.py", ["pdfs"], slow=True),
             _item("test_pdf.py", [], slow=True)]
    assert _order(monkeypatch, "builds", items) == [
        "test_book.py", "test_i18n.py", "test_browser.py", "test_browser.py", "test_lab.py"]
    assert _order(monkeypatch, "light", items) == [
        "test_grading.py", "test_pdf.py", "test_pdf.py", "test_conv.py"]


def test_the_commands_let_python_write_bytecode(monkeypatch):
    """With PYTHONDONTWRITEBYTECODE set (as on some machines) every process of the test run
    would compile every module it imports from source again: the commands' environment drops
    it, and keeps the rest."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("TCONV_SOMETHING_ELSE", "kept")
    env = tasks._env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["TCONV_SOMETHING_ELSE"] == "kept"
    assert "PYTHONDONTWRITEBYTECODE" not in tasks.lab_env("token")
