"""A string value holding a lone surrogate (`"\\udc00"` in a spec): every target
writes it as its format can carry it, none fails with E082 (Rust refuses it, E084)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

#: A default, an error message, example arguments, results, map keys and an
#: error field holding lone surrogates, and a conversation for the evals target.
SPEC = r"""---
spec: lone
title: Lone
version: 1.0.0
---

# Echo {#echo authority=developer}

`echo` MUST return its argument.

```specc
record Thing { name: string = "\udc00", tags: map<string, int> = {} }
error Bad "bad \ud800 thing" { why: string }
fn echo(s: string) -> string
fn make(t: Thing) -> Thing raises Bad
```

```examples
echo("\udc00") == "\udc00"
echo("a\ud800b") == "a\ud800b"
make({name: "\udc00", tags: {"\udfff": 1}}) == {name: "\udc00", tags: {"\udfff": 1}}
make({}) raises Bad {why: "\udc00"}
```

**Example**: echo a word

~~~xml
<user>
Echo \udc00 back.
</user>
<comparison>
<assistant> <!-- GOOD -->
\udc00
</assistant>
<assistant> <!-- BAD: refuses -->
No.
</assistant>
</comparison>
~~~
"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lone") / "lone.spec.md"
    path.write_text(SPEC, "utf-8")
    return path


def built(cli: Any, spec: Path, out: Path, target: str) -> Path:
    """Build ``spec`` for one target; it must succeed without E082."""
    result = cli("build", str(spec), "-t", target, "--out", str(out))
    assert "E082" not in result.output
    assert result.exit_code == 0, result.output
    return out / target


def test_jsonschema_writes_the_json_escape(
    cli: Any, spec: Path, tmp_path: Path
) -> None:
    folder = built(cli, spec, tmp_path, "jsonschema")
    text = (folder / "lone.schema.json").read_text("utf-8")
    assert '"default": "\\udc00"' in text
    schema = json.loads(text)
    thing = schema["$defs"]["Thing"]
    assert thing["properties"]["name"]["default"] == "\udc00"
    assert schema["$defs"]["Bad"]["x-specc-message"] == "bad \ud800 thing"


def test_docs_show_the_escape_as_the_spec_wrote_it(
    cli: Any, spec: Path, tmp_path: Path
) -> None:
    folder = built(cli, spec, tmp_path, "docs")
    page = (folder / "lone.html").read_text("utf-8")
    shown = unescape(re.sub(r"<[^>]+>", "", page))
    assert '"\\udc00"' in shown  # the default, in the fields table
    assert "Message: bad \\ud800 thing" in shown
    assert "<td><code>&#34;\\udc00&#34;</code></td>" in page


def test_the_podcast_says_the_escape_in_both_script_files(
    cli: Any, spec: Path, tmp_path: Path
) -> None:
    folder = built(cli, spec, tmp_path, "podcast")
    script = json.loads((folder / "lone" / "script.json").read_text("utf-8"))
    turns = [
        turn["text"]
        for episode in script["episodes"]
        for segment in episode["segments"]
        for turn in segment["turns"]
    ]
    said = " ".join(turns)
    assert "Calling echo with s set to “\\udc00” gives “\\udc00”." in said
    assert "saying “bad \\ud800 thing”" in said
    markdown = (folder / "lone" / "script.md").read_text("utf-8")
    assert "Calling echo with s set to “\\udc00” gives “\\udc00”." in markdown


def test_evals_write_the_conversation(cli: Any, spec: Path, tmp_path: Path) -> None:
    folder = built(cli, spec, tmp_path, "evals")
    lines = (folder / "lone" / "cases.jsonl").read_text("utf-8").splitlines()
    case = json.loads(lines[0])
    assert case["input"][-1]["content"] == "Echo \\udc00 back."


@pytest.mark.parametrize("target", ["ts", "python"])
def test_code_targets_escape_it_in_their_literals(
    cli: Any, spec: Path, tmp_path: Path, target: str
) -> None:
    folder = built(cli, spec, tmp_path, target)
    assert any("\\udc00" in p.read_text("utf-8") for p in folder.rglob("*.*"))


def test_rust_refuses_it_with_e084(cli: Any, spec: Path, tmp_path: Path) -> None:
    result = cli("build", str(spec), "-t", "rust", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "error[E084]: a string holds a lone surrogate" in result.output
    assert "E082" not in result.output


def _slow_escape(text: str) -> str:
    """The escape character by character, without the ASCII shortcut."""
    return "".join(
        f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "é “quoted” 😀",
        "\udc00",
        "a\ud800b\udfffc",
        "\\udc00",
        "x\ud7ff\ue000",
    ],
)
def test_escape_surrogates_matches_the_slow_way(text: str) -> None:
    from specc.naming import escape_surrogates

    assert escape_surrogates(text) == _slow_escape(text)
    dumped = escape_surrogates(json.dumps({"k": text}, ensure_ascii=False))
    dumped.encode("utf-8")
    assert json.loads(dumped) == {"k": text}
