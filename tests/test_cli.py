"""The command line: version, help, usage errors, unreadable input and lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

from conftest import EXAMPLES, ROOT

HEAVY = ("openai", "black", "jinja2", "markdown_it")

BROKEN = """\
---
spec: broken
---

# Adding {#add_task}

It MUST add.

```specc
fn add(a: int, b: int) -> int
```

```examples
add(1, "two") == 3
```
"""


def test_version_prints_the_package_version(cli):
    import specc

    for flag in ("--version", "-V"):
        result = cli(flag)
        assert result.exit_code == 0
        assert result.output.strip() == f"specc, version {specc.__version__}"
    assert specc.__version__ == version("specc")


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1].split()
    assert "check" in commands and "ir" in commands
    assert "Exit codes" in result.output
    assert cli("-h").output == result.output


def test_check_on_a_folder_without_specs_reports_e005(cli, tmp_path):
    (tmp_path / "notes.md").write_text("# Not a spec file name\n")
    result = cli("check", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}:1:1: error[E005]" in result.stderr
    report = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    assert [d["code"] for d in report["diagnostics"]] == ["E005"]
    assert report["summary"]["errors"] == 1
    assert report["summary"]["specs"] == 0


def test_check_finds_specs_in_nested_folders(cli, tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "todo.spec.md").write_bytes((EXAMPLES / "todo.spec.md").read_bytes())
    (tmp_path / "README.md").write_text("# ignored {#x authority}\n")
    report = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    assert report["summary"]["specs"] == 1
    assert report["summary"]["errors"] == 0


def test_ir_without_a_spec_is_a_usage_error(cli):
    result = cli("ir")
    assert result.exit_code == 2
    assert "give a SPEC file, or --schema" in result.stderr
    assert result.stdout == ""


def test_ir_of_a_spec_with_errors_exits_1_with_diagnostics_on_stderr(cli, tmp_path):
    spec = tmp_path / "broken.spec.md"
    spec.write_text(BROKEN)
    result = cli("ir", str(spec))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{spec}:14:8: error[E053]" in result.stderr
    assert '14 | add(1, "two") == 3' in result.stderr
    assert "Traceback" not in result.output


LONE_SURROGATES = """\
---
spec: lone
title: Lone
version: 1.0.0
---

# Lone {#lone}

## Count {#count}

`count` MUST count a map's keys.

```specc
fn count(m: map<string, int>) -> int
```

```examples
count({"\\udc00": 1}) == 1
count({"\\ud800": 1, "\\ud800": 2}) == 2
```
"""


def test_a_lone_surrogate_is_checked_as_a_key_and_refused_by_ir_without_traceback(
    cli, tmp_path
):
    """A map key holding a lone surrogate: a repeated one is E062 (the check once
    crashed turning keys into JSON); `specc ir` says why it cannot write JSON."""
    spec = tmp_path / "lone.spec.md"
    spec.write_text(LONE_SURROGATES)
    checked = cli("check", str(spec))
    assert "Traceback" not in checked.output
    assert f"{spec}:19:21: error[E062]: this key appears twice" in checked.output
    spec.write_text(LONE_SURROGATES.replace('"\\ud800": 2', '"\\ud801": 2'))
    assert cli("check", str(spec)).exit_code == 0
    result = cli("ir", str(spec))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert f"{spec}: error: a string in an example or default holds a lone" in (
        result.stderr
    )


def test_a_missing_spec_is_e001_without_traceback(cli, tmp_path):
    missing = tmp_path / "nope.spec.md"
    for args in (("check",), ("check", "--format", "json"), ("ir",)):
        result = cli(*args, str(missing))
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        if "json" in args:
            (diagnostic,) = json.loads(result.stdout)["diagnostics"]
            assert (diagnostic["code"], diagnostic["path"]) == ("E001", str(missing))
        else:
            assert f"{missing}:1:1: error[E001]" in result.stderr


def test_a_folder_given_as_the_ir_spec_is_e001(cli, tmp_path):
    result = cli("ir", str(tmp_path))
    assert result.exit_code == 1
    assert "error[E001]" in result.stderr


def _loaded_modules(code: str) -> list[str]:
    """Run Python code in a fresh interpreter; return which heavy modules it loaded."""
    probe = (  # what the interpreter's site imported before the code does not count
        f"import sys\nsite = set(sys.modules)\n{code}\n"
        f"print('loaded:', *(m for m in {HEAVY!r} if m in sys.modules and m not in site),"
        " file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in done.stderr, done.stderr
    (line,) = [t for t in done.stderr.splitlines() if t.startswith("loaded:")]
    return line.split()[1:]


def test_importing_the_cli_loads_no_heavy_module():
    assert _loaded_modules("import specc.commands.main") == []


def test_version_loads_no_heavy_module():
    code = (
        "from specc.commands.main import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert _loaded_modules(code) == []


def test_check_loads_only_the_markdown_parser():
    code = (
        "from specc.commands.main import main\n"
        f"try:\n    main(['check', {str(EXAMPLES / 'todo.spec.md')!r}])\n"
        "except SystemExit:\n    pass"
    )
    assert _loaded_modules(code) == ["markdown_it"]


def test_each_command_is_imported_when_used_under_its_own_name():
    """The group imports a command's module only when it is run or listed, and
    every name it lists gives the command of that name (none lost, none extra)."""
    code = (
        "import sys\n"
        "import click\n"
        "from specc.commands.main import COMMANDS, main\n"
        "print(sorted(m for m in sys.modules if m.startswith('specc.commands.')))\n"
        "ctx = click.Context(main)\n"
        "names = main.list_commands(ctx)\n"
        "assert names == sorted(COMMANDS), names\n"
        "for name in names:\n"
        "    command = main.get_command(ctx, name)\n"
        "    assert isinstance(command, click.Command) and command.name == name, name\n"
        "assert main.get_command(ctx, 'bild') is None\n"
        "print('ok', len(names))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['specc.commands.main']", "ok 16"]


@pytest.mark.parametrize("value", ["", " , "])
def test_a_target_option_naming_no_target_is_a_usage_error(cli, tmp_path, value):
    """`--target ""` (an empty shell variable) builds nothing rather than everything."""
    spec = ROOT / "specs" / "semver.spec.md"
    result = cli("build", str(spec), "--target", value, "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert "names no target" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
