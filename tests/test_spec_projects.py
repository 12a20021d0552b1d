"""A project of four specs that use each other: built, tested, rebuilt, and browsed.

`examples/project/` holds `common` (money and SKUs), `billing` and `inventory`
(each using `common`) and `checkout` (using all three), with version ranges.
Hand-written implementations of all four live in `tests/impls/<lang>/project/`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

PROJECT = ROOT / "examples" / "project"
IMPLS = Path(__file__).parent / "impls"
SPECS = ("common", "billing", "inventory", "checkout")

#: Where each target's hand-written implementation goes, and a fault to put in
#: checkout's: the cart total forgets each line's quantity.
CODE_TARGETS = {
    "ts": (
        "ts/{spec}/src/impl.ts",
        "ts",
        ("item.price.cents * line.quantity", "item.price.cents"),
    ),
    "rust": (
        "rust/{spec}/src/implementation.rs",
        "rs",
        ("item.price.cents * line.quantity", "item.price.cents"),
    ),
    "python": (
        "python/{spec}/src/{spec}/implementation.py",
        "py",
        ("prices[line.sku] * line.quantity", "prices[line.sku]"),
    ),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the four-spec project, the current folder."""
    folder = tmp_path / "shop"
    shutil.copytree(PROJECT, folder)
    monkeypatch.chdir(folder)
    return folder


def install(out: Path, target: str, fault: bool = False) -> None:
    """Put the hand-written implementations over the scaffolds (checkout's broken)."""
    where, suffix, (right, wrong) = CODE_TARGETS[target]
    for spec in SPECS:
        text = (IMPLS / target / "project" / f"{spec}.{suffix}").read_text()
        if fault and spec == "checkout":
            assert right in text
            text = text.replace(right, wrong)
        (out / where.format(spec=spec)).write_text(text)


def results(cli, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Return the results of `specc test ARGS --format json`."""
    done = cli("test", *args, "--format", "json")
    assert "Traceback" not in done.output
    return json.loads(done.stdout)["results"]


@pytest.mark.slow
@pytest.mark.parametrize("target", list(CODE_TARGETS))
def test_correct_implementations_pass_and_a_wrong_one_fails_under_its_rule(
    project: Path,
    cli,
    target: str,
    ts_node_modules: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every example passes, then a fault fails exactly its example. For ts, the
    run compiles each package once: `common` is used by the three other specs
    and `billing` and `inventory` by `checkout` (not 4, 2, 2 and 1 times)."""
    built = cli("build", "--target", target, "--out", "out")
    assert built.exit_code == 0, built.output
    install(project / "out", target)
    log = logging_node(tmp_path, monkeypatch)
    passed = results(cli, "--target", target, "--out", "out")
    assert len(passed) == 18
    assert {r["spec"] for r in passed} == set(SPECS)
    assert [r for r in passed if r["status"] != "passed"] == []
    if target == "ts":
        assert sorted(compiles(log)) == sorted(SPECS)
    # One spec alone, into a fresh folder: the specs it uses are built first.
    fresh = project / "fresh"
    built = cli("build", "checkout.spec.md", "--target", target, "--out", str(fresh))
    assert built.exit_code == 0, built.output
    install(fresh, target, fault=True)
    log.write_text("")
    broken = results(cli, "checkout.spec.md", "--target", target, "--out", str(fresh))
    if target == "ts":  # checkout's package, and those of the specs it uses, once
        assert sorted(compiles(log)) == sorted(SPECS)
    failed = [
        (r["spec"], r["rule"], r["example"]) for r in broken if r["status"] != "passed"
    ]
    assert failed == [("checkout", "cart_total", 1)]
    assert len(broken) == 5  # checkout's examples only


def test_the_build_follows_the_graph_and_rebuilds_only_what_an_edit_reaches(
    project: Path, cli
) -> None:
    def build() -> dict:  # type: ignore[type-arg]
        done = cli(
            "build", "--target", "python,docs", "--format", "json", "--out", "out"
        )
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)

    first = build()
    assert [Path(p).name for p in first["compiled"]] == [
        "common.spec.md",
        "billing.spec.md",
        "inventory.spec.md",
        "checkout.spec.md",
    ]
    assert build()["compiled"] == []
    common = project / "common.spec.md"
    common.write_text(
        common.read_text().replace(
            "An amount of money MUST be held", "An amount of money MUST always be held"
        )
    )
    text = cli("build", "--target", "python,docs", "--out", "out")
    assert text.exit_code == 0, text.output
    assert "; 1 compiled (common.spec.md), 3 specs unchanged" in text.stderr
    record = "record Money {\n"
    assert record in common.read_text()
    common.write_text(
        common.read_text().replace(record, record + '  note: string = ""\n')
    )
    again = build()
    assert [Path(p).name for p in again["compiled"]] == [
        "common.spec.md",
        "billing.spec.md",
        "inventory.spec.md",
        "checkout.spec.md",
    ]
    assert "python/common/src/common/types.py" in again["written"]


def test_worker_processes_build_in_waves_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specc.build import workers
    from specc.build.driver import build

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    monkeypatch.setenv("SPECC_JOBS", "1")
    assert build([str(PROJECT)], ["rust", "docs"], serial, incremental=True).ok
    monkeypatch.setenv("SPECC_JOBS", "2")
    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    seen: list[list[str]] = []
    real = workers.compile_and_emit

    def watched(session, pending):  # type: ignore[no-untyped-def]
        seen.append(sorted(Path(s.path).name for s in pending))
        return real(session, pending)

    monkeypatch.setattr(workers, "compile_and_emit", watched)
    result = build([str(PROJECT)], ["rust", "docs"], parallel, incremental=True)
    assert result.ok
    assert seen == [
        ["common.spec.md"],
        ["billing.spec.md", "inventory.spec.md"],
        ["checkout.spec.md"],
    ]

    def tree(out: Path) -> dict[str, bytes]:
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and ".specc-cache" not in p.parts
        }

    assert tree(parallel) == tree(serial)


def test_the_docs_graph_links_every_spec_in_chromium(project: Path, cli) -> None:
    from test_docs_browser import Browser, chromium_path

    built = cli("build", "--target", "docs", "--out", "out")
    assert built.exit_code == 0, built.output
    site = project / "out" / "docs"
    browser = Browser(chromium_path(), project / "profile")
    try:
        browser.viewport(1280, 860)
        browser.open((site / "index.html").as_uri())
        graph = browser.evaluate(
            "[...document.querySelectorAll('svg.spec-graph a')].map(a => {"
            " const r = a.getBoundingClientRect();"
            " return {href: a.getAttribute('href'), text: a.textContent,"
            " seen: r.width > 0 && r.height > 0}; })"
        )
        assert sorted(n["href"] for n in graph) == sorted(f"{s}.html" for s in SPECS)
        assert all(n["seen"] for n in graph)
        ranges = browser.evaluate(
            "[...document.querySelectorAll('svg.spec-graph .graph-range')]"
            ".map(t => t.textContent).sort()"
        )
        assert ranges == sorted([">=1.2 <2", "^1.0", "^1.2", "^1.2", "^2.0"])
        assert browser.problems() == []
        for spec in SPECS:
            browser.open((site / "index.html").as_uri())
            browser.evaluate(
                f"document.querySelector('svg.spec-graph a[href=\"{spec}.html\"]')"
                ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
            )
            browser.wait_for("Page.loadEventFired")
            assert browser.evaluate("location.pathname").endswith(f"/{spec}.html")
            assert browser.evaluate("document.querySelector('h1').textContent")
        # A used type links to its entry on the other spec's page.
        browser.open((site / "checkout.html").as_uri())
        browser.evaluate(
            "document.querySelector('a.type[href=\"common.html#type/Money\"]')"
            ".dispatchEvent(new MouseEvent('click', {bubbles: true}))"
        )
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("location.pathname").endswith("/common.html")
        assert browser.evaluate("document.querySelector(':target').id") == "type/Money"
        assert browser.problems() == []
    finally:
        browser.close()


def test_each_used_spec_is_modelled_once_per_build_in_a_chain_of_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten specs, each using the three before it: a target's model of a used spec
    is made once per build, not once for each spec that reaches it nor once per
    path to it (the paths grow exponentially with the chain)."""
    import sys

    from specc.build.driver import build
    from specc.emitters import jsonschema
    from specc.emitters.python import model as python_model
    from specc.emitters.rust import model as rust_model
    from specc.emitters.rust import values as rust_values

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    specs = generate(500, tmp_path / "specs", split=True, imports=True)
    made: dict[str, int] = {}
    for name, owner in (
        ("TypeFacts", rust_model),
        ("Names", rust_model),
        ("RsValues", rust_values),
        ("Names", python_model),
        ("SchemaMaker", jsonschema),
    ):
        cls = getattr(owner, name)
        key = f"{owner.__name__}.{name}"
        real = cls.__init__

        def counted(self, *args, _real=real, _key=key, **kwargs):  # type: ignore[no-untyped-def]
            made[_key] = made.get(_key, 0) + 1
            _real(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    monkeypatch.setenv("SPECC_JOBS", "1")
    targets = ["rust", "python", "jsonschema"]
    assert build([str(p) for p in specs], targets, tmp_path / "out").ok
    # each spec's own model (10) and one of each used spec (9) for the whole build,
    # not one per spec reaching it (10 + 0 + 1 + ... + 9 = 55)
    assert made and max(made.values()) <= 19, made


def test_each_used_interface_is_digested_once_per_build_in_a_chain_of_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten specs, each using the three before it: spec k reaches the k specs
    before it, and the cache keys it by their interfaces; each interface is
    digested once per build (9 used specs), not once per importer (45)."""
    import sys

    from specc.build import cache
    from specc.build.driver import build

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    specs = generate(500, tmp_path / "specs", split=True, imports=True)
    digested: list[str] = []
    real = cache.interface_digest

    def counted(interface):  # type: ignore[no-untyped-def]
        digested.append(interface.id)
        return real(interface)

    monkeypatch.setattr(cache, "interface_digest", counted)
    monkeypatch.setenv("SPECC_JOBS", "1")
    out = tmp_path / "out"
    assert build([str(p) for p in specs], ["jsonschema"], out, incremental=True).ok
    assert sorted(digested) == [f"synth_{k:03d}" for k in range(9)]
    # A rebuild takes the interfaces from the cache: still each once.
    digested.clear()
    assert build([str(p) for p in specs], ["jsonschema"], out, incremental=True).ok
    assert sorted(digested) == [f"synth_{k:03d}" for k in range(9)]


def test_each_used_type_is_drafted_once_per_build_in_a_chain_of_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten specs, each using the three before it: spec k's checks see the types
    of the k specs before it, drafted once per build (the 540 records and enums
    of specs 0-8), not once per spec that reaches them (2700)."""
    import sys

    from specc.build.driver import build
    from specc.frontend.check import imports

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import generate

    specs = generate(500, tmp_path / "specs", split=True, imports=True)
    drafted: list[tuple[str, str]] = []
    real = imports._draft

    def counted(decl, spec):  # type: ignore[no-untyped-def]
        drafted.append((spec, decl.name))
        return real(decl, spec)

    monkeypatch.setattr(imports, "_draft", counted)
    monkeypatch.setenv("SPECC_JOBS", "1")
    assert build([str(p) for p in specs], ["jsonschema"], tmp_path / "out").ok
    assert len(drafted) == len(set(drafted))
    assert {spec for spec, _ in drafted} == {f"synth_{k:03d}" for k in range(9)}


def logging_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a `node` first on PATH that logs where and with what it runs, then runs
    the real one; return the log (one line per process: folder, arguments)."""
    real = shutil.which("node")
    assert real is not None
    log = tmp_path / "node.log"
    log.touch()
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "node"
    wrapper.write_text(f'#!/bin/sh\necho "$PWD $*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    return log


def compiles(log: Path) -> list[str]:
    """Return the package folders tsc ran in, one per compile, in order."""
    lines = log.read_text().splitlines()
    return [Path(line.split(" ")[0]).name for line in lines if "/bin/tsc -p ." in line]


@pytest.mark.usefixtures("shared_typescript")
def test_a_used_package_that_changed_within_a_run_is_compiled_again(
    project: Path, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within one run a package is compiled again when its files changed, and so
    is each package using it; a used package that no longer compiles is named."""
    from specc import conformance
    from specc.build.driver import build
    from specc.conformance import ts

    result = build([str(project / "inventory.spec.md")], ["ts"], project / "out")
    assert result.ok
    (inventory,) = result.given_specs
    target = project / "out" / "ts"
    for spec in ("common", "inventory"):
        impl = (IMPLS / "ts" / "project" / f"{spec}.ts").read_text()
        (target / spec / "src" / "impl.ts").write_text(impl)
    log = logging_node(tmp_path, monkeypatch)

    def run() -> list[str]:
        log.write_text("")
        found = ts.run(target, inventory)
        assert found and all(r.status == "passed" for r in found), found
        return compiles(log)

    with conformance.one_run():
        assert run() == ["common", "inventory"]
        assert run() == []  # nothing changed: nothing compiled
        source = target / "common" / "src" / "impl.ts"
        edited = source.read_text() + "\n// edited\n"
        source.write_text(edited)
        assert run() == ["common", "inventory"]
        source.write_text(edited + "const broken: number = 'text';\n")
        failed = ts.run(target, inventory)
        assert [r.rule for r in failed] == ["(spec)"]
        assert failed[0].message.startswith("`common`, which it uses, does not compile")
        assert "TS2322" in failed[0].message
        source.write_text(edited)
        # common's files are again those inventory was compiled against
        assert run() == ["common"]
