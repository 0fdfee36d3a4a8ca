"""Restart & Run All for chapter notebooks: execute top to bottom in a fresh kernel (cwd =
chapters/), store the outputs, and number the code cells 1..n. Used by ``tasks.py execute``."""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    # keep the file free of what changes from run to run or machine to machine
    nb.metadata.pop("widgets", None)                       # widget state (image bytes)
    nb.metadata.get("language_info", {}).pop("version", None)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{path}: execution counts {counts}"
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                raise SystemExit(f"{path}: a cell wrote to stderr (a warning?): "
                                 f"{''.join(out['text'])[:300]}")
    nbformat.write(nb, path)
    print(f"executed {path.relative_to(ROOT)}: {len(counts)} code cells")


if __name__ == "__main__":
    targets = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for target in targets:
        execute(target)
