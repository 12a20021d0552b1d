"""What only the TypeScript target has: its manifest, names, -0, error objects,
node's messages, one shared tsc, bigint and node's process (the checks every
code target shares are in test_code_targets.py)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from targets import processes_in

from conftest import DATA, EXAMPLES, ROOT

pytestmark = pytest.mark.usefixtures("shared_typescript")

#: The shared examples that declare operations; support_bot declares none.
CODE_SPECS = ("geometry", "todo")


def build_into(out: Path, paths: list[str]) -> dict[str, object]:
    """Build ``paths`` for ts into ``out``; return the files."""
    from specc.build.driver import build

    result = build(paths, ["ts"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return result.files


@pytest.mark.parametrize("spec_id", CODE_SPECS)
def test_package_json_and_tsconfig_ask_for_strict_and_no_dependencies(
    build_once, spec_id: str
) -> None:
    """`npm test` compiles under `strict` and runs node:test; only typescript and
    node types are dev deps, and nothing is a runtime dependency."""
    package = build_once("ts").folder / spec_id
    config = json.loads((package / "tsconfig.json").read_text())
    assert config["compilerOptions"]["strict"] is True
    manifest = json.loads((package / "package.json").read_text())
    assert "dependencies" not in manifest
    assert set(manifest["devDependencies"]) == {"typescript", "@types/node"}
    assert manifest["scripts"]["test"].startswith("tsc -p . && node --test ")


def test_awkward_names_keep_their_spelling_or_are_renamed(build_once) -> None:
    """Keywords, aliases of optionals, globals (Map, Array, String) as names
    (tests/data/hostile/ts.spec.md; it compiles: test_code_targets.py).

    Properties keep reserved and contextual words as the spec spells them; only
    parameters that are reserved words, a method called `constructor` and error
    fields `Error` already has are renamed.
    """
    package = build_once("ts", DATA / "hostile" / "ts.spec.md").folder / "kitchen-sink"
    types = (package / "src" / "types.ts").read_text()
    # A case's interface gives way to a declared type of its name (record EventNoop).
    assert "export type Event = EventCreated | EventDeleted | EventNoop_;" in types
    assert "export interface EventNoop_ {" in types
    assert "export interface EventNoop {\n  n: number;\n}" in types
    assert '  kind: "deleted";\n  id: number;\n  reason?: string;\n' in types
    assert "  nick?: MaybeName;\n" in types
    assert "  table: Map<string, number[]>;\n" in types
    assert "export class Broken extends Error {" in types
    assert "  readonly code: number;\n  readonly detail?: string;\n" in types
    assert "  readonly name_?: string;\n  readonly from: number;\n" in types
    assert (
        "  constructor(fields: { code: number; detail?: string | undefined; "
        "name_?: string | undefined; from: number }) {"
    ) in types
    for prop in ("default", "class", "new", "from", "type", "of", "as", "number"):
        assert re.search(rf"\n  {prop}\??: ", types), prop
    assert "\n  string?: string;\n  get: number;\n  set: number;\n" in types
    assert "\n  constructor: number;\n" in types
    api = (package / "src" / "api.ts").read_text()
    assert (
        "  of(from: number, default_: number, type: string, arguments_: number)" in api
    )
    assert "  constructor_(): number;" in api


# --- strict comparison by the spec's types, inputs unchanged ----------------

SHOP = ROOT / "tests" / "impls" / "ts" / "shop.spec.md"

#: fault -> (correct text, faulty text) in tests/impls/ts/shop.ts
SHOP_FAULTS = {
    "positional_error": (
        "throw new OutOfStock({ item, wanted, available });",
        "throw new OutOfStock(item, wanted, available);",
    ),
    "always_throws": ("if (wanted > available) throw", "if (wanted >= 0) throw"),
    "endless_negate": ("return -x;", "while (true) {}"),
    "one_wrong_of_forty": (
        "return xs.map((x) => -x);",
        "return xs.map((x) => (x === 20 ? 99 : -x));",
    ),
    "throws_quotes": (
        "return available - wanted;",
        'throw new Error(`can\'t "take" it`);',
    ),
}


def run_shop(
    cli, folder: Path, *faults: str, test: bool = True
) -> tuple[int, dict[tuple[str, int], dict]]:
    """Build shop.spec.md, implement it (with ``faults``), return `specc test` rows."""
    out = folder / "out"
    build_into(out, [str(SHOP)])
    source = (SHOP.parent / "shop.ts").read_text()
    for fault in faults:
        correct, wrong = SHOP_FAULTS[fault]
        assert source.count(correct) == 1, fault
        source = source.replace(correct, wrong)
    package = out / "ts" / "shop"
    (package / "src" / "impl.ts").write_text(source)
    if not test:
        return 0, {}
    done = cli(
        "test", str(SHOP), "--target", "ts", "--out", str(out), "--format", "json"
    )
    rows = {(r["rule"], r["example"]): r for r in json.loads(done.stdout)["results"]}
    return done.exit_code, rows


def test_idiomatic_implementation_with_negative_zero_passes(
    cli, tmp_path: Path
) -> None:
    """`return -x` for negate(0) == 0 passes, also inside lists, options, records,
    variants and maps: integers compare as numbers."""
    code, rows = run_shop(cli, tmp_path)
    assert {k: r["message"] for k, r in rows.items() if r["status"] != "passed"} == {}
    assert len(rows) == 14
    assert code == 0


def test_error_fields_are_one_object_so_positional_arguments_do_not_compile(
    cli, tmp_path: Path
) -> None:
    """`new OutOfStock(item, wanted, available)` is a type error: fields go by name."""
    out = tmp_path / "out"
    build_into(out, [str(SHOP)])
    types = (out / "ts" / "shop" / "src" / "types.ts").read_text()
    assert (
        "  constructor(fields: { item: string; wanted: number; available: number }) {"
        in types
    )
    code, rows = run_shop(cli, tmp_path, "positional_error")
    assert code == 1
    [(key, row)] = rows.items()  # one failure for the spec, not one per example
    from specc.frontend.compile import compile_file

    examples = len(list(compile_file(str(SHOP)).spec.examples()))
    assert key == ("(spec)", 0) and row["status"] == "failed"
    assert row["covers"] == examples > 1
    assert "error TS2554: Expected 1 arguments, but got 3." in row["message"]


def test_an_unexpected_error_is_named_once(cli, tmp_path: Path) -> None:
    """A thrown error reads `OutOfStock: item=…`, never `OutOfStock: OutOfStock: …`."""
    code, rows = run_shop(cli, tmp_path, "always_throws")
    assert rows["take", 1]["message"] == (
        "expected a result, but it threw OutOfStock: item=pen, wanted=2, available=5"
    )
    assert rows["take", 2]["status"] == "passed"
    assert code == 1


# --- node's processes and messages ------------------------------------------------


def node_processes_in(folder: Path) -> list[str]:
    """Return the command lines of running processes working in ``folder``."""
    return list(processes_in(folder).values())


# --- failure messages ------------------------------------------------------------


def test_failure_messages_keep_diff_lines_and_quotes_whole(cli, tmp_path: Path) -> None:
    """node's diff (with its own `...` lines) and a message holding both kinds of
    quotes reach the report whole."""
    code, rows = run_shop(cli, tmp_path, "one_wrong_of_forty", "throws_quotes")
    diff = rows["negate", 4]["message"].splitlines()
    assert diff[0] == "Expected values to be strictly deep-equal:"
    assert diff.count("...") == 2
    assert "+   99," in diff and "-   -20," in diff
    assert diff[-1] == "  ]"
    assert rows["take", 1]["message"] == (
        'expected a result, but it threw Error: can\'t "take" it'
    )
    assert code == 1


# --- one TypeScript install ------------------------------------------------------


def test_one_typescript_install_serves_every_package(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first spec installs TypeScript into specc's cache; the second, tested with
    no npm on PATH at all, reuses it; neither package gets a node_modules."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("SPECC_CACHE_DIR", str(cache))
    first = cli(
        "test", str(EXAMPLES / "todo.spec.md"), "--target", "ts",
        "--out", str(tmp_path / "one"),
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    installs = sorted((cache / "node").iterdir())
    assert len(installs) == 1
    tsc = installs[0] / "node_modules" / "typescript" / "package.json"
    stamp = tsc.stat().st_mtime_ns
    only_node = tmp_path / "bin"
    only_node.mkdir()
    (only_node / "node").symlink_to(shutil.which("node") or "node")
    monkeypatch.setenv("PATH", str(only_node))
    second = cli(
        "test", str(EXAMPLES / "geometry.spec.md"), "--target", "ts",
        "--out", str(tmp_path / "two"),
    )  # fmt: skip
    assert second.exit_code == 0, second.output
    assert "not implemented" in second.output
    assert sorted((cache / "node").iterdir()) == installs
    assert tsc.stat().st_mtime_ns == stamp
    assert not (tmp_path / "one" / "ts" / "todo" / "node_modules").exists()
    assert not (tmp_path / "two" / "ts" / "geometry" / "node_modules").exists()


# --- integers beyond 2^53 ----------------------------------------------------------

BIGIDS = ROOT / "tests" / "impls" / "ts" / "bigids.spec.md"


def test_unsafe_integer_caret_points_at_the_literal(tmp_path: Path) -> None:
    """E084 points at the literal itself, in an example, an indented example and
    a field default, underlining the whole number."""
    from specc.build.driver import build

    spec = tmp_path / "ids.spec.md"
    spec.write_text(
        BIGIDS.read_text().replace(
            "  next_id(-1) == 0", "  next_id(-1) == -9007199254740995"
        )
    )
    result = build([str(spec)], ["ts"], tmp_path / "out")
    assert not result.ok
    where = [
        (d.span.line, d.span.col, d.span.end_col, d.message.split()[0])
        for d in result.diagnostics
        if d.code == "E084"
    ]
    assert where == [
        (11, 27, 43, "9007199254740993"),
        (19, 9, 25, "9007199254740993"),
        (19, 30, 46, "9007199254740994"),
        (20, 18, 35, "-9007199254740995"),
        (21, 9, 28, "9223372036854775807"),
        (22, 17, 33, "9007199254740994"),
        (22, 42, 58, "9007199254740993"),
    ]
    assert all("-O ts.int=bigint" in d.hint for d in result.diagnostics)


def test_bigint_option_builds_and_compares_bigints(cli, tmp_path: Path) -> None:
    """With `-O ts.int=bigint` such a spec builds: `int` is `bigint` in types, API
    and tests (literals `123n`); a correct implementation passes, one that goes
    through `number` loses precision and fails."""
    out = tmp_path / "out"
    option = ("-O", "ts.int=bigint")
    done = cli("build", str(BIGIDS), "--target", "ts", "--out", str(out), *option)
    assert done.exit_code == 0, done.output
    package = out / "ts" / "bigids"
    types = (package / "src" / "types.ts").read_text()
    assert "  n: bigint;\n  seen: bigint[];\n" in types
    assert "n: fields.n ?? 9007199254740993n," in types
    assert "  readonly limit: bigint;\n" in types
    api = (package / "src" / "api.ts").read_text()
    assert "  nextId(id: bigint): bigint;" in api
    assert "  half(x: number): number;" in api
    tests = (package / "test" / "conformance.test.ts").read_text()
    assert "const expected: bigint = 9007199254740994n;" in tests
    source = (BIGIDS.parent / "bigids.ts").read_text()
    for broken in (False, True):
        if broken:
            source = source.replace("return id + 1n;", "return BigInt(Number(id) + 1);")
        (package / "src" / "impl.ts").write_text(source)
        done = cli(
            "test", str(BIGIDS), "--target", "ts", "--out", str(out), *option,
            "--format", "json",
        )  # fmt: skip
        rows = {
            (r["rule"], r["example"]): r for r in json.loads(done.stdout)["results"]
        }
        failed = {k: r["message"] for k, r in rows.items() if r["status"] != "passed"}
        if broken:
            assert list(failed) == [("ids", 1)]
            assert "+ 9007199254740992n\n- 9007199254740994n" in failed["ids", 1]
        else:
            assert failed == {} and len(rows) == 5


def test_killing_specc_ends_the_node_it_started(cli, tmp_path: Path) -> None:
    """`specc test` killed while an example hangs leaves no node process behind."""
    import signal
    import sys

    run_shop(cli, tmp_path, "endless_negate", test=False)
    out = tmp_path / "out"
    specc = subprocess.Popen(
        [sys.executable, "-m", "specc", "test", str(SHOP), "--target", "ts"]
        + ["--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not any("conformance.test.js" in c for c in node_processes_in(out)):
            assert time.monotonic() < deadline, "node never started"
            assert specc.poll() is None, specc.communicate()[0]
            time.sleep(0.1)
    finally:
        specc.send_signal(signal.SIGKILL)
        specc.wait()
    deadline = time.monotonic() + 5
    while node_processes_in(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = processes_in(out)
    for pid in left:  # a failing run must not leave an endless loop spinning
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert list(left.values()) == []
