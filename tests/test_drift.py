"""Drift: `specc status` lists the rules whose spec changed since each target passed them.

The project's semver spec is implemented by hand in TypeScript, Python and
Rust; `specc test` records each rule's digest when a target passes it. Editing
one example of `bump` makes `specc status` list exactly `bump`, for every
target, until the implementations pass again.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from impls.breakages import SEMVER_DESTINATIONS, implementation

from conftest import ROOT
from specc.drift import record_passes, rule_digest, rule_digests

SPEC = ROOT / "specs" / "semver.spec.md"
DESTINATIONS = SEMVER_DESTINATIONS
BUMP_EXAMPLE = (
    "bump({major: 1, minor: 2, patch: 3}, patch) == {major: 1, minor: 2, patch: 4}"
)
EDITED_EXAMPLE = (
    "bump({major: 3, minor: 2, patch: 9}, patch) == {major: 3, minor: 2, patch: 10}"
)


def compiled(text: str):  # type: ignore[no-untyped-def]
    """Return the IR of a spec's text."""
    from specc.frontend.compile import compile_source

    result = compile_source("semver.spec.md", text.encode())
    assert result.ok and result.spec is not None
    return result.spec


def status(cli, spec: Path, out: Path, *more: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    done = cli("status", str(spec), "--out", str(out), "--format", "json", *more)
    return done.exit_code, json.loads(done.stdout)


def listed(found: dict, kind: str) -> dict[str, list[str]]:
    """Return target -> the rules listed under ``kind``."""
    return {t: [e["rule"] for e in s[kind]] for t, s in found["targets"].items()}


def test_a_rule_digest_changes_with_its_examples_and_declarations_only() -> None:
    text = SPEC.read_text("utf-8")
    before = rule_digests(compiled(text))
    edited = rule_digests(compiled(text.replace(BUMP_EXAMPLE, EDITED_EXAMPLE)))
    assert [r for r in before if before[r] != edited[r]] == ["bump"]
    # A line added above every rule moves their spans, not their digests.
    moved = rule_digests(compiled(text.replace("# Semantic", "\n\n# Semantic", 1)))
    assert moved == before
    # `pre` is a field of Version, which every operation's examples use.
    renamed = text.replace("  pre: string?", "  prerelease: string?").replace(
        "pre:", "prerelease:"
    )
    changed = rule_digests(compiled(renamed))
    assert sorted(r for r in before if before[r] != changed[r]) == [
        "bump",
        "compare",
        "newest",
        "parse",
        "types",
    ]


def test_passes_keep_the_digest_of_the_last_passing_run() -> None:
    spec = compiled(SPEC.read_text("utf-8"))
    digest = rule_digest(spec, spec.rule("bump"))
    run = {
        "specs": {
            "semver": {
                "rules": [
                    {
                        "rule": "bump",
                        "digest": digest,
                        "targets": {"ts": {"status": "passed"}},
                    }
                ]
            }
        }
    }
    passes = record_passes(None, run, ["ts"])
    assert passes["specs"]["semver"]["bump"] == {"ts": digest}
    failed = json.loads(json.dumps(run).replace('"passed"', '"failed"'))
    failed["specs"]["semver"]["rules"][0]["digest"] = "0" * 16
    assert record_passes(passes, failed, ["ts"]) == passes


def test_editing_one_example_lists_exactly_that_rule_for_every_target(
    cli, tmp_path: Path, shared_typescript: Path
) -> None:
    spec = tmp_path / "semver.spec.md"
    shutil.copy(SPEC, spec)
    out = tmp_path / "out"
    targets = ",".join(sorted(DESTINATIONS))
    done = cli("build", str(spec), "--target", targets, "--out", str(out))
    assert done.exit_code == 0, done.output
    for target, path in DESTINATIONS.items():
        (out / path).write_text(implementation(target, "semver"), "utf-8")

    code, found = status(cli, spec, out, "--target", targets)
    assert listed(found, "never_implemented") == {
        t: ["parse", "compare", "bump", "newest"] for t in DESTINATIONS
    }

    def test() -> None:
        done = cli("test", str(spec), "--target", targets, "--out", str(out))
        assert done.exit_code == 0, done.output

    test()
    code, found = status(cli, spec, out, "--strict")
    assert (code, found["clean"]) == (0, True)
    assert sorted(found["targets"]) == sorted(DESTINATIONS)

    spec.write_text(SPEC.read_text("utf-8").replace(BUMP_EXAMPLE, EDITED_EXAMPLE))
    code, found = status(cli, spec, out, "--strict")
    assert code == 1
    assert listed(found, "changed") == {t: ["bump"] for t in DESTINATIONS}
    assert listed(found, "never_implemented") == {t: [] for t in DESTINATIONS}
    assert listed(found, "failing") == {t: [] for t in DESTINATIONS}
    text = cli("status", str(spec), "--out", str(out)).stdout
    assert len(re.findall(r"^  changed since last pass +semver bump$", text, re.M)) == 3

    test()
    code, found = status(cli, spec, out, "--strict")
    assert (code, found["clean"]) == (0, True)


@pytest.mark.parametrize("broken", [False, True])
def test_docs_show_changed_since_last_pass(tmp_path: Path, broken: bool) -> None:
    """The coverage page lists a changed rule, with a badge beside its results."""
    from specc.build.driver import build
    from specc.reports import PASSES, TESTS, write_report

    out = tmp_path / "out"
    spec = compiled(SPEC.read_text("utf-8"))
    digests = rule_digests(spec)
    recorded = dict(digests, bump="0" * 16) if broken else digests
    cells = {"python": {"status": "passed", "passed": 1}}
    rows = [{"rule": r, "targets": cells} for r in digests]
    write_report(out, TESTS, {"version": 1, "specs": {"semver": {"rules": rows}}})
    passes = {r: {"python": d} for r, d in recorded.items()}
    write_report(out, PASSES, {"version": 1, "specs": {"semver": passes}})
    result = build([str(SPEC)], ["docs"], out)
    assert result.ok
    page = (out / "docs" / "coverage.html").read_text("utf-8")
    section = page.split('id="coverage/changed"')[1].split("</section>")[0]
    if broken:
        assert 'data-rule="bump"' in section
        assert "changed since last pass" in section
        assert section.count("<tr data-spec") == 1
        assert 'data-targets="python"' in (out / "docs" / "semver.html").read_text()
    else:
        assert "<tr data-spec" not in section


def test_a_rule_digest_follows_the_types_it_uses_from_another_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changing a type in a used spec changes the digest of the rules that use it."""
    from test_imports import BILLING, COMMON

    from specc.frontend.project import Project, project_files

    (tmp_path / "common.spec.md").write_text(COMMON)
    (tmp_path / "billing.spec.md").write_text(BILLING)
    monkeypatch.chdir(tmp_path)

    def digests() -> dict[str, str]:
        files = ["common.spec.md", "billing.spec.md"]
        compiled = Project(project_files(files, [])).compile("billing.spec.md")
        assert compiled.ok and compiled.spec is not None, compiled.diagnostics
        return rule_digests(compiled.spec)

    before = digests()
    edited = COMMON.replace(
        "enum Currency { usd, eur }", "enum Currency { usd, eur, chf }"
    )
    (tmp_path / "common.spec.md").write_text(edited)
    assert digests()["bill"] != before["bill"]
