"""The bibliography and the citations agree: every entry of references.bib is cited somewhere in
the book (a chapter, a back-matter page or the landing page), and every cited key exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def _keys():
    return re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(encoding="utf-8"),
                      flags=re.M)


def _cited():
    cited = {}
    pages = [p for p in sorted(ROOT.glob("*.md")) if p.name not in ("README.md", "CONTRIBUTING.md")]
    for path in sorted(ROOT.glob("chapters/*.ipynb")) + pages:
        for group in CITE.findall(path.read_text(encoding="utf-8")):
            for key in group.split(","):
                cited.setdefault(key.strip(), path.name)
    return cited


def test_every_entry_is_cited():
    cited = _cited()
    uncited = [k for k in _keys() if k not in cited]
    assert not uncited, f"entries of references.bib cited nowhere: {uncited}"


def test_every_citation_has_an_entry():
    keys = set(_keys())
    missing = {k: where for k, where in _cited().items() if k not in keys}
    assert not missing, f"cited keys missing from references.bib: {missing}"


def test_keys_are_unique():
    keys = _keys()
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
