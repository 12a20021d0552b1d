"""Project configuration: specc.toml or [tool.specc], found upwards; one test per diagnostic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT

SPEC = """\
# Shop {#shop}

## Prices {#price}

`price` MUST return the sum.

```specc
fn price(cents: list<int>) -> int
```

```examples
price([1, 2]) == 3
```
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """Return a git-rooted project folder with one spec in specs/, as the current folder."""
    (tmp_path / ".git").mkdir()  # the upward search stops here
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "shop.spec.md").write_text(SPEC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _problems(cli, *args: str) -> list[tuple[str, str, int, int, str]]:  # type: ignore[no-untyped-def]
    """Run a command and return (code, path, line, col, message) of its config problems."""
    import re

    result = cli(*args)
    assert result.exit_code == 1, result.output
    found = re.findall(
        r"^(\S+?):(\d+):(\d+): error\[(E12\d)\]: (.*)$", result.output, re.M
    )
    return [
        (code, path, int(line), int(col), msg) for path, line, col, code, msg in found
    ]


# --- Where the configuration comes from ---------------------------------------


def test_build_with_no_arguments_uses_the_config_from_a_subfolder(
    cli, project, monkeypatch
):
    (project / "specc.toml").write_text(
        'specs = ["specs"]\nout = "generated"\n\n[targets.docs]\ntitle = "Shop docs"\n'
    )
    (project / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(project / "deep" / "er")
    result = cli("build")
    assert result.exit_code == 0, result.output
    index = project / "generated" / "docs" / "index.html"
    assert "Shop docs" in index.read_text()
    assert not (project / "generated" / "ts").exists()  # only the configured target
    assert "../../generated" in result.output  # paths shown from where we stand
    checked = cli("check")
    assert checked.exit_code == 0 and "checked 1 spec" in checked.output


def test_command_line_options_win_over_the_config(cli, project):
    (project / "specc.toml").write_text('[targets.docs]\ntitle = "From config"\n')
    result = cli("build", "--target", "docs", "-O", "docs.title=From CLI", "--out", "o")
    assert result.exit_code == 0, result.output
    assert "From CLI" in (project / "o" / "docs" / "index.html").read_text()


def test_pyproject_tool_specc_is_read(cli, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.specc]\nout = "built"\n\n'
        '[tool.specc.targets.docs]\ntitle = "Py docs"\n'
    )
    assert cli("build").exit_code == 0
    assert "Py docs" in (project / "built" / "docs" / "index.html").read_text()


def test_the_search_stops_at_the_repository_root(cli, project, tmp_path_factory):
    outer = project.parent / "specc.toml"
    if outer.exists():  # pragma: no cover - a shared tmp folder
        pytest.skip("a specc.toml above the test folder")
    from specc import config

    assert config.find(project / "specs") is None
    (project / "specc.toml").write_text("")
    assert config.find(project / "specs") == project / "specc.toml"


def test_specc_config_shows_what_is_in_effect(cli, project, monkeypatch):
    (project / "specc.toml").write_text('out = "o"\nllm = true\n')
    monkeypatch.chdir(project / "specs")
    shown = json.loads(cli("config").output)
    assert shown["file"] == "../specc.toml" and shown["out"] == "../o"
    assert shown["specs"] == ["."] and shown["llm"]["enabled"] is True
    # The model a run would ask, though the file names none.
    assert shown["llm"]["model"] == "gpt-4o-mini"


# --- One test per diagnostic ---------------------------------------------------


def test_e120_invalid_toml_points_at_the_line(cli, project):
    (project / "specc.toml").write_text('out = "o"\nspecs = ["a" "b"]\n')
    assert _problems(cli, "check") == [
        ("E120", "specc.toml", 2, 14, "not valid TOML: Unclosed array")
    ]


def test_e120_a_config_that_is_not_utf8(cli, project):
    (project / "specc.toml").write_bytes(b'out = "\xff"\n')
    (found,) = _problems(cli, "build")
    assert found[0] == "E120" and found[4].startswith("cannot read specc.toml")


def test_e121_unknown_keys_and_tables(cli, project):
    (project / "specc.toml").write_text(
        'spec = ["specs"]\n\n[llm]\nmodle = "x"\n\n[watch]\ndelay = 1\n'
    )
    assert _problems(cli, "check") == [
        ("E121", "specc.toml", 1, 1, "unknown key `spec`"),
        ("E121", "specc.toml", 4, 1, "unknown key `llm.modle`"),
        ("E121", "specc.toml", 6, 1, "unknown key `watch`"),
    ]


def test_e121_an_unknown_target_option(cli, project):
    (project / "specc.toml").write_text("[targets.docs]\ntitel = 'x'\n")
    assert _problems(cli, "build") == [
        ("E121", "specc.toml", 2, 1, "unknown option `targets.docs.titel`")
    ]


def test_e122_values_of_the_wrong_form(cli, project):
    (project / "specc.toml").write_text(
        "out = 3\nspecs = []\n\n[llm]\nconcurrency = 0\n"
    )
    found = _problems(cli, "check")
    assert [(code, line) for code, _, line, _, _ in found] == [
        ("E122", 1),
        ("E122", 2),
        ("E122", 5),
    ]
    assert found[0][4] == "`out`: Input should be a valid string"
    assert found[1][4].startswith("`specs`: List should have at least 1 item")
    assert found[2][4].startswith("`llm.concurrency`: Input should be greater than")


def test_e122_a_bad_target_option_value_and_an_unknown_target(cli, project):
    (project / "specc.toml").write_text(
        "[targets.podcast]\nminutes = -1\n\n[targets.nope]\n"
    )
    found = _problems(cli, "build")
    assert [(code, line) for code, _, line, _, _ in found] == [("E122", 2), ("E122", 4)]
    assert "`targets.podcast.minutes`" in found[0][4]
    assert "unknown target `nope`" in found[1][4]


def test_e122_configured_paths_that_do_not_exist(cli, project):
    (project / "specc.toml").write_text(
        'specs = ["specs", "missing"]\ntemplates = ["tpl"]\n'
    )
    assert _problems(cli, "build") == [
        ("E122", "specc.toml", 1, 1, "`specs`: missing does not exist"),
        ("E122", "specc.toml", 2, 1, "`templates`: tpl is not a folder"),
    ]


def test_e122_in_pyproject_points_at_the_pyproject_line(cli, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.specc]\nout = "o"\n\n'
        "[tool.specc.llm]\nretries = -2\n"
    )
    (found,) = _problems(cli, "check")
    assert found[:4] == ("E122", "pyproject.toml", 8, 1)
    assert found[4].startswith("`llm.retries`")


def test_a_bad_target_name_is_e122(cli, project):
    (project / "specc.toml").write_text('[targets."../x"]\n')
    (found,) = _problems(cli, "check")
    assert found[0] == "E122" and "is not a target name" in found[4]


def test_the_problem_shows_the_config_line_with_a_caret(cli, project):
    (project / "specc.toml").write_text('out = "o"\n\n[llm]\ntemprature = 1\n')
    result = cli("check")
    assert "4 | temprature = 1\n  | ^" in result.output


# --- The JSON Schema for editors ------------------------------------------------


def test_the_shipped_json_schema_is_current(cli):
    shipped = json.loads((ROOT / "docs" / "specc.toml.schema.json").read_text())
    current = json.loads(cli("config", "--schema").output)
    assert shipped == current, (
        "docs/specc.toml.schema.json is stale: "
        "run `specc config --schema > docs/specc.toml.schema.json`"
    )


def test_the_schema_accepts_a_good_config_and_rejects_a_bad_one():
    import jsonschema

    from specc.config import _tomllib
    from specc.project.schema import json_schema

    schema = json_schema()
    good = _tomllib().loads(
        'specs = ["a"]\nllm = true\n[targets.podcast]\nminutes = 5\n[targets.mine]\nx = 1\n'
    )
    jsonschema.validate(good, schema)
    for bad in (
        "out = 1",
        'specs = "a"',
        "[targets.docs]\ntitel = 'x'",
        "[llm]\nx = 1",
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(_tomllib().loads(bad), schema)
