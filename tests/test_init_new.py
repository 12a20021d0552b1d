"""`specc init` and `specc new`: a project that builds and tests out of the box."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _specc(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the installed `specc` command in ``cwd``."""
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "specc", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.slow
def test_init_new_build_then_test_reports_every_example_not_implemented(
    tmp_path, ts_node_modules
):
    project = tmp_path / "shop"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    for args in (("init",), ("new", "checkout"), ("build",)):
        done = _specc(project, *args)
        assert done.returncode == 0, (args, done.stderr)
    assert _specc(project, "check", "--strict").returncode == 0
    # `specc test` with no arguments: every configured target, rule by rule.
    done = _specc(project, "test", "--format", "json")
    assert done.returncode == 0, done.stderr
    matrix = json.loads(done.stdout)
    todo = {
        (spec, rule["rule"], target): cell.get("not_implemented")
        for spec, entry in matrix["specs"].items()
        for rule in entry["rules"]
        for target, cell in rule["targets"].items()
        if rule["examples"]
    }
    assert todo == {
        ("checkout", "checkout_first", "ts"): 2,
        ("checkout", "checkout_first", "python"): 2,
        ("checkout", "checkout_first", "docs"): 0,
        ("greeting", "greet", "ts"): 3,
        ("greeting", "greet", "python"): 3,
        ("greeting", "greet", "docs"): 0,
    }
    # With a target, each example of both specs is listed, not implemented.
    done = _specc(project, "test", "--target", "ts", "--format", "json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert sorted(
        (r["spec"], r["rule"], r["example"], r["status"]) for r in results
    ) == [
        ("checkout", "checkout_first", 1, "not_implemented"),
        ("checkout", "checkout_first", 2, "not_implemented"),
        ("greeting", "greet", 1, "not_implemented"),
        ("greeting", "greet", 2, "not_implemented"),
        ("greeting", "greet", 3, "not_implemented"),
    ]
    _check_gitignore(project)


def _check_gitignore(project: Path) -> None:
    """Implementations, generated files and the lock stay; toolchain caches go."""

    def ignored(relative: str) -> bool:
        done = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", relative], cwd=project
        )
        return done.returncode == 0

    (project / "specc.lock").write_text("{}\n")
    kept = [
        "specc.toml",
        "specc.lock",
        "specs/checkout.spec.md",
        "out/ts/checkout/src/impl.ts",
        "out/python/checkout/src/checkout/implementation.py",
        "out/ts/checkout/src/types.ts",
        "out/.specc-manifest.json",
    ]
    for relative in kept:
        assert (project / relative).exists(), relative
        assert not ignored(relative), relative
    dropped = [
        "out/ts/checkout/node_modules/typescript/package.json",
        "out/rust/x/target/debug/x",
    ]
    dropped += [
        "out/python/checkout/.pytest_cache/",
        "out/python/checkout/src/__pycache__/a.pyc",
    ]
    assert [r for r in dropped if not ignored(r)] == []


def test_init_refuses_to_overwrite_and_merges_an_existing_gitignore(
    cli, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("secret.txt\nnode_modules/")
    assert cli("init").exit_code == 0
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["secret.txt", "node_modules/"]
    assert "target/" in lines and lines.count("node_modules/") == 1
    spec = (tmp_path / "specs" / "greeting.spec.md").read_text()
    again = cli("init")
    assert again.exit_code == 1 and "exists already" in again.output
    assert (tmp_path / "specs" / "greeting.spec.md").read_text() == spec


def test_init_into_a_named_folder(cli, tmp_path):
    assert cli("init", str(tmp_path / "fresh")).exit_code == 0
    assert (tmp_path / "fresh" / "specc.toml").is_file()


@pytest.fixture
def project(cli, tmp_path, monkeypatch) -> Path:
    """Return a folder `specc init` has set up, as the current folder."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    return tmp_path


def test_new_takes_a_title_and_checks_clean(cli, project):
    result = cli("new", "gift-cards", "--title", "Gift cards")
    assert result.exit_code == 0, result.output
    text = (project / "specs" / "gift-cards.spec.md").read_text()
    assert "title: Gift cards\n" in text and "# Gift cards {#gift-cards}\n" in text
    assert "fn gift_cards(request: Request) -> int" in text
    report = json.loads(cli("check", "--strict", "--format", "json").output)
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0
    assert report["summary"]["specs"] == 2


def test_new_refuses_a_bad_name_and_an_existing_spec(cli, project):
    bad = cli("new", "Check Out")
    assert bad.exit_code == 1 and "is not a spec name" in bad.output
    assert cli("new", "greeting").exit_code == 1


def test_new_from_a_user_template(cli, project):
    template = project / "mine.md.jinja"
    template.write_text(
        "{## my template ##}\n# {{ title }} {#{{ name }}}\n\n"
        "## Rule {#{{ name }}_rule}\n\n`{{ function }}` MUST work.\n"
    )
    assert cli("new", "refunds", "--template", str(template)).exit_code == 0
    text = (project / "specs" / "refunds.spec.md").read_text()
    assert (
        text
        == "# Refunds {#refunds}\n\n## Rule {#refunds_rule}\n\n`refunds` MUST work.\n"
    )
    broken = project / "broken.jinja"
    broken.write_text("line one\n{% if %}\n")
    result = cli("new", "other", "--template", str(broken))
    assert result.exit_code == 1 and "broken.jinja:2: template error" in result.output
    assert "Traceback" not in result.output


def test_new_registers_the_spec_when_the_config_lists_files(cli, project):
    (project / "specc.toml").write_text(
        'specs = [\n  "specs/greeting.spec.md",\n]\n\n[targets.docs]\n'
    )
    result = cli("new", "checkout")
    assert result.exit_code == 0, result.output
    assert "`specs/checkout.spec.md` added to specs" in result.output
    from specc.config import load

    config, problems = load(project)
    assert problems == []
    assert config.project.specs == ["specs/greeting.spec.md", "specs/checkout.spec.md"]
    assert "checked 2 specs" in cli("check").output


def test_new_registers_in_pyproject(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.specc]\nspecs = ["a.spec.md"]\n'
    )
    (tmp_path / "a.spec.md").write_text("# A {#a}\n\nText.\n")
    assert cli("new", "b").exit_code == 0
    assert (tmp_path / "b.spec.md").is_file()
    assert (
        'specs = ["a.spec.md", "b.spec.md"]'
        in (tmp_path / "pyproject.toml").read_text()
    )


def test_init_writes_a_spec_whose_front_matter_is_read(cli, tmp_path):
    from specc.frontend.compile import compile_file

    assert cli("init", str(tmp_path)).exit_code == 0
    path = tmp_path / "specs" / "greeting.spec.md"
    assert path.read_text("utf-8").startswith("---\nspec: greeting\n")
    compiled = compile_file(str(path))
    assert compiled.ok
    assert [d.code for d in compiled.diagnostics if d.code != "H102"] == []
    spec = compiled.spec
    assert (spec.id, spec.title, spec.version) == ("greeting", "Greetings", "0.1.0")
    assert spec.summary.startswith("Greet people by name")


@pytest.fixture
def shop(tmp_path, monkeypatch) -> Path:
    """Return a copy of examples/project (common, billing, inventory, checkout), as here."""
    import shutil

    folder = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "project", folder)
    monkeypatch.chdir(folder)
    return folder


def test_new_uses_specs_of_the_project_at_their_current_versions(cli, shop):
    result = cli(
        "new",
        "shipping",
        "--use",
        "common.Money",
        "--use",
        "billing.{Receipt, PaymentMethod}",
        "--use",
        "inventory",
        "--use",
        "common.Currency",
    )
    assert result.exit_code == 0, result.output
    text = (shop / "shipping.spec.md").read_text()
    # common is 1.3.0, billing 1.2.0, inventory 2.0.0; names of one spec merge.
    assert "uses:\n  - common ^1.3\n  - billing ^1.2\n  - inventory ^2.0\n---\n" in text
    assert (
        "```specc\nuse common.{Money, Currency}\nuse billing.{Receipt, PaymentMethod}\n```\n"
        in text
    )
    assert "use inventory" not in text  # no types named: the `uses` entry alone
    report = json.loads(cli("check", "--format", "json").output)
    assert report["summary"]["errors"] == 0 and report["summary"]["specs"] == 5
    strict = cli("check", "--strict", "--format", "json", "shipping.spec.md")
    assert json.loads(strict.output)["summary"]["warnings"] == 0
    ir = json.loads(cli("ir", "shipping.spec.md").output)
    assert [
        (u["spec"], u["requirement"], u["version"], u["names"]) for u in ir["uses"]
    ] == [
        ("common", "^1.3", "1.3.0", ["Money", "Currency"]),
        ("billing", "^1.2", "1.2.0", ["Receipt", "PaymentMethod"]),
        ("inventory", "^2.0", "2.0.0", []),
    ]


def test_a_new_spec_can_use_a_spec_before_1_0_and_a_pre_release(cli, shop):
    from specc.project.uses import caret

    assert cli("new", "shipping").exit_code == 0  # version 0.1.0
    assert cli("new", "returns", "--use", "shipping.Request").exit_code == 0
    text = (shop / "returns.spec.md").read_text()
    assert "  - shipping ^0.1\n" in text and "use shipping.Request\n" in text
    # The example's own record steps aside for the imported `Request`.
    assert "record ReturnsRequest {" in text and "error EmptyRequest " in text
    assert json.loads(cli("check", "--format", "json").output)["summary"]["errors"] == 0
    assert caret("2.0.0-rc.1+build.5") == "^2.0.0-rc.1"
    assert caret("0.3.1") == "^0.3" and caret(None) is None


@pytest.mark.parametrize(
    ("use", "message"),
    [
        ("biling", "no spec `biling` in the project; did you mean `billing`?"),
        ("zzz", "no spec `zzz` in the project; specs are found by the `spec` ID"),
        ("common.Mony", "spec `common` declares no type `Mony`; did you mean `Money`?"),
        ("common.add", "`common.add` is a function: only types can be used"),
        ("common.{Money", "`common.{Money` is not a spec to use"),
        ("shipping", "spec `shipping` cannot use itself"),
    ],
)
def test_new_refuses_a_use_the_project_cannot_meet(cli, shop, use, message):
    result = cli("new", "shipping", "--use", "billing", "--use", use)
    assert result.exit_code == 2
    assert "Error: Invalid value for '--use': " + message in result.output
    assert "Traceback" not in result.output
    assert not (shop / "shipping.spec.md").exists()
