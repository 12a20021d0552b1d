"""The VS Code extension: built with tsc, packaged with vsce, its grammar checked with vscode-textmate.

The extension's npm packages (pinned in editors/vscode/package-lock.json) are
installed once into `.cache/vscode` with `npm ci`, and again when the lockfile
changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, installing

VSCODE = ROOT / "editors" / "vscode"
CACHE = ROOT / ".cache" / "vscode"


def _run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """Return the extension's packages, installed from its lockfile."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed; run scripts/install-toolchains")
    lock = (VSCODE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()
    stamp = CACHE / ".installed-lock-sha256"
    modules = CACHE / "node_modules"
    with installing(CACHE):  # another worker may be installing them now
        ready = (modules / ".bin" / "vsce").exists() and (
            modules / ".bin" / "tsc"
        ).exists()
        if not ready or not stamp.exists() or stamp.read_text() != digest:
            CACHE.mkdir(parents=True, exist_ok=True)
            for name in ("package.json", "package-lock.json"):
                shutil.copy(VSCODE / name, CACHE / name)
            _run(npm, "ci", "--no-audit", "--no-fund", "--silent", cwd=CACHE)
            stamp.write_text(digest)
    return modules


@pytest.fixture(scope="module")
def vsix(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> Path:
    """Build the extension with tsc and package it with vsce, as docs/editors.md says."""
    build = tmp_path_factory.mktemp("vscode") / "specc"
    shutil.copytree(
        VSCODE, build, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix")
    )
    (build / "node_modules").symlink_to(node_modules, target_is_directory=True)
    _run(node_modules / ".bin" / "tsc", "-p", ".", cwd=build)
    package = build / "specc.vsix"
    _run(
        node_modules / ".bin" / "vsce",
        "package",
        "--allow-missing-repository",
        "--skip-license",
        "-o",
        package,
        cwd=build,
    )
    return package


def test_the_vsix_starts_specc_lsp_with_its_own_libraries(
    vsix: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    extension = tmp_path / "extension"
    assert "extension/out/extension.js" in names
    assert "extension/syntaxes/specc.markdown.tmLanguage.json" in names
    assert not any(n.startswith("extension/src/") for n in names)
    manifest = json.loads((extension / "package.json").read_text())
    grammars = manifest["contributes"]["grammars"]
    assert {g["scopeName"] for g in grammars} == {
        "markdown.specc.injection",
        "markdown.specc.heading",
    }
    assert all(g["injectTo"] == ["text.html.markdown"] for g in grammars)
    assert "extension/syntaxes/specc.heading.tmLanguage.json" in names
    setting = manifest["contributes"]["configuration"]["properties"]["specc.path"]
    assert setting["default"] == "specc"
    # Activate the packaged code: the real client library must load from the
    # package, and the client must be given `specc.path` and `lsp`.
    shown = json.loads(
        _run("node", VSCODE / "test" / "activate.js", extension, cwd=tmp_path)
    )
    [started] = shown["started"]
    assert started["serverOptions"]["command"] == "/opt/specc/bin/specc"
    assert started["serverOptions"]["args"] == ["lsp"]
    selector = started["clientOptions"]["documentSelector"]
    assert {
        "scheme": "file",
        "language": "markdown",
        "pattern": "**/*.spec.md",
    } in selector
    assert shown["subscriptions"] == 1


def _tokens(node_modules: Path, spec: Path) -> list[dict[str, object]]:
    found = _run("node", VSCODE / "test" / "grammar.js", node_modules, spec, cwd=VSCODE)
    tokens = json.loads(found)
    assert isinstance(tokens, list)
    return tokens


def _scopes(tokens: list[dict[str, object]], line_text: str, text: str) -> list[str]:
    """Return the scopes of the first token ``text`` on the first line holding ``line_text``."""
    lines = (EXAMPLES / "todo.spec.md").read_text().split("\n")
    number = next(n for n, line in enumerate(lines, 1) if line_text in line)
    token = next(t for t in tokens if t["line"] == number and t["text"] == text)
    scopes = token["scopes"]
    assert isinstance(scopes, list)
    return [str(s) for s in scopes]


def test_the_grammar_scopes_a_spec_inside_markdown(node_modules: Path) -> None:
    tokens = _tokens(node_modules, EXAMPLES / "todo.spec.md")
    keyword = _scopes(tokens, "record Task {", "record")
    assert keyword[0] == "text.html.markdown"
    assert "storage.type.declaration.specc" in keyword
    assert "meta.embedded.block.specc.specc" in keyword
    assert "entity.name.type.specc" in _scopes(tokens, "fn add_task(", "Task")
    assert "entity.name.function.specc" in _scopes(tokens, "fn add_task(", "add_task")
    rule_id = _scopes(tokens, "## Adding a task {#add_task}", "add_task")
    assert "entity.name.label.rule-id.specc" in rule_id
    assert "markup.heading.markdown" in rule_id
    call = _scopes(tokens, 'add_task([], "Buy milk")', "add_task")
    assert "entity.name.function.specc" in call
    assert "meta.embedded.block.examples.specc" in call
    operator = _scopes(tokens, 'add_task([], "Buy milk")', "==")
    assert "keyword.operator.comparison.specc" in operator


def test_other_fences_are_left_to_markdown(node_modules: Path, tmp_path: Path) -> None:
    sample = tmp_path / "other.md"
    sample.write_text(
        "# Notes\n\n```python\nrecord = 1\n```\n\nrecord {#not_a_heading}\n"
    )
    tokens = _tokens(node_modules, sample)
    assert tokens and not any(
        "specc" in scope for t in tokens for scope in t["scopes"]  # type: ignore[attr-defined]
    )
