"""The committed out/ folder is exactly what `specc build specs/` makes."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_committed_out_is_fresh() -> None:
    """`specc build specs/ --check` finds nothing missing, stale or changed in out/."""
    done = subprocess.run(
        [sys.executable, "-m", "specc", "build", "specs", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stderr
