"""Read spec files as they were at a git revision, for `specc diff --since`."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """Raised when git is missing or refuses (not a repository, unknown revision)."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"cannot run git: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def specs_at(revision: str, paths: list[str]) -> dict[str, bytes]:
    """Return {path as named today: bytes at ``revision``} for every spec under ``paths``."""
    cwd = Path.cwd()
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
    except GitError as error:
        raise GitError(f"`{revision}` is not a commit here ({error})") from error
    found: dict[str, bytes] = {}
    for name in paths:
        # ls-tree prints paths relative to the working folder, as we name them.
        listed = _git(["ls-tree", "-r", "-z", "--name-only", revision, "--", name], cwd)
        for entry in filter(None, listed.decode("utf-8", "replace").split("\0")):
            if Path(name).is_file() or entry.endswith(".spec.md"):
                found[entry] = _git(["show", f"{revision}:./{entry}"], cwd)
    return found
