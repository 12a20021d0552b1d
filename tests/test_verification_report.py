"""One verification report per rule: the rule × target matrix, tests.json, docs badges, coverage.

geometry is built for every code target and implemented in part: TypeScript
correctly, Python with one wrong line (area #4 fails), Rust not at all (the
scaffold). `specc test` without `--target` runs every toolchain; the matrix, the
kept report and the docs badges must all say what each toolchain reported.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from impls.breakages import implementation
from targets import link_modules
from test_docs_browser import Browser, chromium_path

from conftest import EXAMPLES

GEOMETRY = EXAMPLES / "geometry.spec.md"
SUPPORT_BOT = EXAMPLES / "support_bot.spec.md"

#: What each toolchain must report, per rule: (status, passed, failed, not implemented).
EXPECTED = {
    "geometry": {
        "ts": ("no_examples",),
        "rust": ("no_examples",),
        "python": ("no_examples",),
    },
    "shapes": {
        "ts": ("no_examples",),
        "rust": ("no_examples",),
        "python": ("no_examples",),
    },
    "area": {
        "ts": ("passed", 6, 0, 0),
        "rust": ("not_implemented", 0, 0, 6),
        "python": ("failed", 5, 1, 0),
    },
    "total_area": {
        "ts": ("passed", 2, 0, 0),
        "rust": ("not_implemented", 0, 0, 2),
        "python": ("passed", 2, 0, 0),
    },
    "bounding_box": {
        "ts": ("passed", 3, 0, 0),
        "rust": ("not_implemented", 0, 0, 3),
        "python": ("passed", 3, 0, 0),
    },
}


@pytest.fixture(scope="module")
def tested(tmp_path_factory: pytest.TempPathFactory, ts_node_modules: Path):  # type: ignore[no-untyped-def]
    """Build geometry, implement it in part, run `specc test` (JSON); return (out, report, exit)."""
    from click.testing import CliRunner

    from specc.build.driver import build
    from specc.commands.main import main

    out = tmp_path_factory.mktemp("verified") / "out"
    result = build([str(GEOMETRY)], ["ts", "rust", "python", "docs"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    (out / "ts" / "geometry" / "src" / "impl.ts").write_text(
        implementation("ts", "geometry")
    )
    link_modules(out / "ts" / "geometry", ts_node_modules)
    python_impl = out / "python" / "geometry" / "src" / "geometry" / "implementation.py"
    python_impl.write_text(implementation("python", "geometry", broken=True))
    done = CliRunner().invoke(
        main,
        ["test", str(GEOMETRY), "--out", str(out), "--format", "json"],
        catch_exceptions=False,
    )
    return out, json.loads(done.stdout), done.exit_code


def test_matrix_agrees_with_each_toolchain(tested) -> None:  # type: ignore[no-untyped-def]
    """Every cell of the matrix is what that toolchain reported for that rule."""
    out, report, exit_code = tested
    assert exit_code == 1  # python fails area #4
    rows = {r["rule"]: r["targets"] for r in report["specs"]["geometry"]["rules"]}
    assert list(rows) == list(EXPECTED)
    for rule, targets in EXPECTED.items():
        assert set(rows[rule]) == {"ts", "rust", "python", "docs"}
        assert rows[rule]["docs"]["status"] == "passed"
        for target, expected in targets.items():
            cell = rows[rule][target]
            counts = (
                cell.get("passed"),
                cell.get("failed"),
                cell.get("not_implemented"),
            )
            got = (cell["status"],) + (counts if len(expected) > 1 else ())
            assert got == expected, (rule, target)
    # The same, derived from the raw results each runner returned.
    for rule, targets in rows.items():
        for target in ("ts", "rust", "python"):
            mine = [
                r
                for r in report["results"]
                if r["rule"] == rule and r["target"] == target
            ]
            statuses = {r["status"] for r in mine}
            want = (
                "failed"
                if "failed" in statuses
                else (
                    "not_implemented"
                    if "not_implemented" in statuses
                    else "passed" if statuses else "no_examples"
                )
            )
            assert targets[target]["status"] == want
    assert "expected float 6.0, got float -6.0" in rows["area"]["python"]["message"]


def test_tests_json_keeps_the_matrix(tested) -> None:  # type: ignore[no-untyped-def]
    """out/report/tests.json holds the same cells as the printed matrix."""
    out, report, _ = tested
    kept = json.loads((out / "report" / "tests.json").read_text())
    assert kept["specs"] == report["specs"]
    assert kept["version"] == 1


class _Badges(HTMLParser):
    """Collect rule -> target -> status from a page's verification badges."""

    def __init__(self) -> None:
        super().__init__()
        self.rule: str | None = None
        self.found: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("data-rule"):
            self.rule = a["data-rule"]
        classes = (a.get("class") or "").split()
        if "status" in classes and self.rule and "data-target" in a:
            self.found.setdefault(self.rule, {})[str(a["data-target"])] = str(
                a["data-status"]
            )


def test_docs_badges_agree_with_the_report(tested) -> None:  # type: ignore[no-untyped-def]
    """Each rule of geometry.html carries one badge per target, with the report's status."""
    out, report, _ = tested
    parser = _Badges()
    parser.feed((out / "docs" / "geometry.html").read_text())
    expected = {
        r["rule"]: {t: c["status"] for t, c in r["targets"].items()}
        for r in report["specs"]["geometry"]["rules"]
    }
    assert parser.found == expected
    page = (out / "docs" / "geometry.html").read_text()
    assert 'title="python: failed: 5 passed, 1 failed, 0 not implemented' in page
    assert ">python ✗ 1/6</a>" in page


def test_coverage_page_sorts_the_rules(tested) -> None:  # type: ignore[no-untyped-def]
    """area fails, the others with examples are not implemented in Rust, two have none."""
    out, _, _ = tested
    page = (out / "docs" / "coverage.html").read_text()
    lists = {}
    for kind, body in re.findall(r'data-kind="(\w+)">(.*?)</section>', page, re.S):
        lists[kind] = re.findall(r'data-rule="(\w+)"', body)
    assert lists == {
        "failing": ["area"],
        "changed": [],
        "not_implemented": ["total_area", "bounding_box"],
        "no_test": [],
        "no_example": ["geometry", "shapes"],
        "weak": [],
    }
    assert "fails on python" in page
    index = (out / "docs" / "index.html").read_text()
    assert 'href="coverage.html"' in index


def test_text_matrix_shows_a_row_per_rule(cli, tested) -> None:  # type: ignore[no-untyped-def]
    """The terminal matrix reads rule by rule, and lists the failure with its message."""
    out, _, _ = tested
    done = cli("test", str(GEOMETRY), "--out", str(out))
    assert done.exit_code == 1
    lines = done.stdout.splitlines()
    area = next(line for line in lines if line.strip().startswith("area"))
    assert re.search(r"area\s+pass 6\s+todo 6\s+FAIL 1/6\s+pass", area)
    assert any(re.match(r"\s*shapes\s+–\s+–\s+–\s+pass", line) for line in lines)
    assert "FAIL geometry area #4:" in done.stdout
    assert (
        "20 cells: 10 passed, 1 failed, 3 not implemented, 6 no examples" in done.stdout
    )


def test_a_later_single_target_run_keeps_the_other_cells(
    cli, tested, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`specc test --target docs` replaces only the docs cells of tests.json."""
    import shutil

    out, report, _ = tested
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    done = cli("test", str(GEOMETRY), "--target", "docs", "--out", str(copy))
    assert done.exit_code == 0, done.output
    kept = json.loads((copy / "report" / "tests.json").read_text())
    for spec_id, spec in kept["specs"].items():
        for row, before in zip(
            spec["rules"], report["specs"][spec_id]["rules"], strict=True
        ):
            for target, cell in row["targets"].items():
                # What this run did not test is kept, and marked as older.
                assert cell.pop("earlier", False) is (target != "docs")
            assert row == before


def test_a_build_never_removes_the_report(tested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Rebuilding every target leaves out/report/tests.json as it was."""
    import shutil

    from specc.build.driver import build

    out, _, _ = tested
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    before = (copy / "report" / "tests.json").read_bytes()
    result = build([str(GEOMETRY)], ["ts", "rust", "python", "docs", "evals"], copy)
    assert result.ok
    assert (copy / "report" / "tests.json").read_bytes() == before


def test_eval_rates_show_as_badges(tmp_path: Path) -> None:
    """An evals.json beside tests.json adds an `eval N%` badge to each evaluated rule."""
    from specc.build.driver import build
    from specc.reports import write_report

    out = tmp_path / "out"
    write_report(
        out,
        "evals.json",
        {
            "version": 1,
            "model": "m",
            "judge": "j",
            "samples": 4,
            "overall": {},
            "rules": [
                {
                    "spec": "support_bot",
                    "rule": "avoid_sycophancy",
                    "cases": 1,
                    "samples": 4,
                    "passed": 3,
                    "failed": 1,
                    "errors": 0,
                    "pass_rate": 0.75,
                    "interval95": [0.3006, 0.9544],
                },
            ],
            "failures": [],
        },
    )
    assert build([str(SUPPORT_BOT)], ["docs"], out).ok
    page = (out / "docs" / "support_bot.html").read_text()
    assert re.search(
        r'data-target="eval" data-status="failed" title="eval of m, judged by j: 3/4 samples passed, 95% interval 30%–95%">eval 75%<',
        page,
    )
    coverage = (out / "docs" / "coverage.html").read_text()
    assert (
        'data-rule="avoid_sycophancy"'
        in coverage.split('data-kind="failing"')[1].split("</section>")[0]
    )
    # A malformed report is ignored, never a failed build.
    (out / "report" / "evals.json").write_text('{"rules": "nonsense"}')
    assert build([str(SUPPORT_BOT)], ["docs"], out).ok
    assert "eval 75%" not in (out / "docs" / "support_bot.html").read_text()


def test_without_reports_the_site_has_no_badges_nor_coverage(tmp_path: Path) -> None:
    """No out/report/: no badge and no coverage page (the committed site stays as it was)."""
    from specc.build.driver import build

    assert build([str(GEOMETRY)], ["docs"], tmp_path).ok
    assert not (tmp_path / "docs" / "coverage.html").exists()
    assert "badge status" not in (tmp_path / "docs" / "geometry.html").read_text()


def test_chromium_opens_the_coverage_page(tested, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """From file://, the coverage page loads clean under its CSP and links to the rule."""
    out, _, _ = tested
    browser = Browser(chromium_path(), tmp_path_factory.mktemp("profile"))
    try:
        browser.viewport(1280, 860)
        browser.problems()
        browser.open((out / "docs" / "coverage.html").resolve().as_uri())
        state = browser.evaluate(
            "({rows: [...document.querySelectorAll('section[data-kind=failing] tr[data-rule]')]"
            ".map(r => r.dataset.rule),"
            " badges: document.querySelectorAll('.badge.status').length,"
            " styled: getComputedStyle(document.querySelector('.topbar')).position,"
            " search: (window.SPECC_SEARCH || []).length})"
        )
        assert state["rows"] == ["area"]
        assert (
            state["badges"] > 0 and state["styled"] == "sticky" and state["search"] > 0
        )
        assert browser.problems() == []
        browser.click("section[data-kind=failing] a[href$='#area']")
        browser.wait_for("Page.loadEventFired")
        assert (
            browser.evaluate(
                "location.pathname.endsWith('/geometry.html') && location.hash"
            )
            == "#area"
        )
        badge = browser.evaluate(
            "document.querySelector('#area .badge.status[data-target=python]').textContent"
        )
        assert badge == "python ✗ 1/6"
        assert browser.problems() == []
    finally:
        browser.close()


def test_a_package_that_does_not_compile_fails_every_rule_with_examples(
    cli, tested, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A TypeScript syntax error fails each rule with examples, counting all its examples."""
    import shutil

    out, _, _ = tested
    copy = tmp_path / "out"
    shutil.copytree(out, copy, symlinks=True)
    impl = copy / "ts" / "geometry" / "src" / "impl.ts"
    impl.write_text(impl.read_text() + "\nthis is not TypeScript(\n")
    done = cli("test", str(GEOMETRY), "--target", "ts,docs", "--out", str(copy))
    assert done.exit_code == 1
    kept = json.loads((copy / "report" / "tests.json").read_text())
    rows = {r["rule"]: r["targets"] for r in kept["specs"]["geometry"]["rules"]}
    assert {
        rule: (cells["ts"]["status"], cells["ts"]["failed"])
        for rule, cells in rows.items()
        if rule in ("area", "total_area", "bounding_box")
    } == {
        "area": ("failed", 6),
        "total_area": ("failed", 2),
        "bounding_box": ("failed", 3),
    }
    assert rows["shapes"]["ts"]["status"] == "no_examples"
    assert rows["area"]["python"]["status"] == "failed"  # kept from the earlier run
    assert ">ts ✗ 6/6</a>" in (copy / "docs" / "geometry.html").read_text()


LONG_RULE = "a_rule_whose_id_is_long_enough_that_an_eighty_column_table_cannot_hold_it"
SHORT_SPEC = f"""\
---
spec: lamp
title: Lamp
---
# Lamp {{#lamp}}

## Switching {{#{LONG_RULE}}}

A lamp MUST light when it is switched on.
"""


@pytest.fixture
def docs_project(tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """Return a project, as the current folder, whose `specc test` tests the docs."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "lamp.spec.md").write_text(SHORT_SPEC)
    (tmp_path / "specc.toml").write_text("[targets.docs]\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_matrix_shows_only_what_this_run_tested(cli, docs_project) -> None:  # type: ignore[no-untyped-def]
    """Cells of an earlier run's targets stay in tests.json, marked, not in the matrix."""
    assert cli("test", "--target", "podcast").exit_code == 0
    done = cli("test")
    assert done.exit_code == 0, done.output
    header = next(line for line in done.stdout.splitlines() if "rule" in line)
    assert header.split() == ["rule", "docs"]
    shown = json.loads(cli("test", "--format", "json").stdout)
    cells = [r["targets"] for s in shown["specs"].values() for r in s["rules"]]
    assert cells and all(list(c) == ["docs"] for c in cells)
    kept = json.loads((docs_project / "out/report/tests.json").read_text())
    rows = [r["targets"] for s in kept["specs"].values() for r in s["rules"]]
    assert all(r["podcast"]["earlier"] is True for r in rows)
    assert all("earlier" not in r["docs"] for r in rows)
    page = (docs_project / "out/docs/lamp.html").read_text()
    assert re.search(
        r'title="podcast: passed[^"]*\(in an earlier run of specc test', page
    )


def test_a_piped_matrix_is_not_cut_at_80_columns(cli, docs_project) -> None:  # type: ignore[no-untyped-def]
    done = cli("test")  # the runner's output is not a terminal, as in `specc test > f`
    assert done.exit_code == 0, done.output
    assert re.search(rf"^\s*{LONG_RULE}\s+pass\s*$", done.stdout, re.M), done.stdout
    assert "…" not in done.stdout
