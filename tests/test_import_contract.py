"""The import contract of pyproject.toml's [tool.importlinter] holds: web -> cases ->
workflows, the rooms of ``cases`` import downwards only (the core none of the others), and
no modules import each other in a circle. An upward import fails here with import-linter's
account of the offending chain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_imports_keep_the_layers_and_make_no_circle() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
