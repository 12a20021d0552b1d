"""Template overrides that extend the built-in template and replace one block."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "templates"
SEMVER = str(ROOT / "specs" / "semver.spec.md")
TODO = str(ROOT / "examples" / "specs" / "todo.spec.md")


def test_the_example_override_changes_only_its_block_on_every_page(cli, tmp_path):
    plain, custom = tmp_path / "plain", tmp_path / "custom"
    assert cli("build", SEMVER, "-t", "docs", "--out", str(plain)).exit_code == 0
    done = cli(
        "build", SEMVER, "-t", "docs", "--out", str(custom), "--templates", str(EXAMPLE)
    )
    assert done.exit_code == 0, done.output
    pages = sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    assert len(pages) >= 2
    meta = '<meta name="robots" content="noindex">'
    for page in pages:
        before = (plain / page).read_text().splitlines()
        after = (custom / page).read_text().splitlines()
        assert meta not in before and after.count(meta) == 1, page
        after.remove(meta)
        assert after == before, page  # everything else is the built-in layout


def test_specc_templates_lists_blocks_and_overrides(cli):
    shown = cli("templates", "--templates", str(EXAMPLE)).output.splitlines()
    assert "ts/api.ts.jinja: interface" in shown
    assert "project/new.spec.md.jinja: front_matter, introduction, uses, rules" in shown
    (base,) = [line for line in shown if line.startswith("docs/base.html.jinja:")]
    assert base.endswith(f"[overridden by {EXAMPLE / 'docs' / 'base.html.jinja'}]")
    assert not any(
        "overridden" in line for line in cli("templates").output.splitlines()
    )


def test_a_new_spec_template_can_extend_the_built_in_one(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "team.spec.md.jinja"
    template.write_text(
        '{% extends "!project/new.spec.md.jinja" %}\n'
        "{% block introduction %}\nOwned by the payments team.\n{% endblock %}\n"
    )
    assert cli("new", "refunds", "--template", str(template)).exit_code == 0
    text = (tmp_path / "specs" / "refunds.spec.md").read_text()
    assert "Owned by the payments team.\n" in text
    assert "Say what the feature is for" not in text
    assert "## A first rule {#refunds_first}" in text  # the other blocks stay
    assert cli("check", "--strict").exit_code == 0


def test_the_next_build_in_the_same_process_uses_the_overrides_as_they_are_now(
    cli, tmp_path
):
    """Builds in one process (watch, the language server) share the templates
    they compiled, never an override's older text: one added where the built-in
    template was used, one rewritten in place (same size, same modification
    time), one removed."""
    import os
    import shutil

    templates = tmp_path / "templates"
    (templates / "docs").mkdir(parents=True)
    override = templates / "docs" / "base.html.jinja"
    text = (EXAMPLE / "docs" / "base.html.jinja").read_text()
    meta = '<meta name="robots" content="noindex">'
    assert meta in text

    def page() -> str:
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        done = cli(
            "build",
            TODO,
            "-t",
            "docs",
            "--out",
            str(out),
            "--templates",
            str(templates),
        )
        assert done.exit_code == 0, done.output
        return (out / "docs" / "todo.html").read_text()

    assert "robots" not in page()
    override.write_text(text)
    assert meta in page()
    written = override.stat()
    override.write_text(text.replace("noindex", "nofollo"))
    os.utime(override, ns=(written.st_atime_ns, written.st_mtime_ns))
    shown = page()
    assert '<meta name="robots" content="nofollo">' in shown and meta not in shown
    override.unlink()
    assert "robots" not in page()


def test_the_built_in_templates_are_where_importlib_resources_finds_them() -> None:
    """`builtin_templates` finds the package's folder without `importlib.resources`
    (whose readers cost every build about 15 ms), and finds the same folder."""
    from importlib.resources import files

    from specc.templating import builtin_templates

    found = builtin_templates()
    assert found == Path(str(files("specc.templates")))
    assert (found / "ts").is_dir() and (found / "docs").is_dir()
