"""`simple_front_matter` reads the front matter it takes as `yaml.safe_load` does.

A build reads the usual front matter (`key: value` lines of names, words and
versions) without PyYAML; anything else goes to `yaml.safe_load`. Here every
text the shortcut takes is read by PyYAML as well, and must come out the same.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from specc.frontend.frontmatter import simple_front_matter
from specc.frontend.project import split_front_matter

ROOT = Path(__file__).resolve().parent.parent

_WORDS = st.sampled_from(
    [
        "spec",
        "title",
        "version",
        "summary",
        "yes",
        "No",
        "ON",
        "off",
        "True",
        "false",
        "null",
        "Null",
        "NULL",
        "y",
        "n",
        "~",
        "inf",
        ".inf",
        ".NaN",
        "1",
        "0x1f",
        "0o17",
        "012",
        "1_000",
        "1.5",
        "1e3",
        "1.0e+3",
        "1:20",
        "2001-12-14",
        "1.0.0",
        "01.2.3",
        "1.2.3-rc.1",
        "1.2",
        "a-b",
        "-a",
        "a:",
        "a#b",
        "#a",
        "(a)",
        "a,b",
        "a;b",
        "a/b",
        "x.y",
        "_x",
        "<<",
        "=",
        "'a'",
        '"a"',
        "a'b",
        "é",
        "\t",
        "",
        " ",
        "[a]",
        "{a}",
        "!a",
        "&a",
        "*a",
        "|",
        ">",
        "%a",
        "@a",
        "`a`",
        "?",
        "a?",
        "-",
        "---",
        "...",
    ]
)
_VALUES = st.lists(_WORDS, min_size=0, max_size=4).map(" ".join)
_LINES = st.tuples(_WORDS, st.sampled_from([": ", ":", ":  ", " : "]), _VALUES).map(
    "".join
)


def _same_as_yaml(text: str) -> None:
    """Assert that the shortcut, when it takes ``text``, reads it as PyYAML does."""
    fast = simple_front_matter(text)
    if fast is None:
        return
    slow = yaml.safe_load(text)
    assert fast == slow
    assert all(type(k) is str and type(v) is str for k, v in slow.items())


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=5), st.sampled_from(["", "\n", "\n\n"]))
@example(["spec: synth_010", "title: Synthetic part 10", "version: 1.0.0"], "\n")
@example(["spec: a", "spec: b"], "")
@example(["on: a"], "")
@example(["a: On"], "")
@example(["k" * 1100 + ": v"], "")
def test_the_shortcut_reads_what_it_takes_as_yaml_does(
    lines: list[str], end: str
) -> None:
    """Lines of keys and values from words YAML reads in many ways."""
    _same_as_yaml("\n".join(lines) + end)


def test_every_spec_in_the_repository_reads_the_same() -> None:
    """The front matter of every spec here reads the same either way, and the
    benchmark's takes the shortcut (a build of them imports no PyYAML)."""
    texts = []
    for path in sorted(ROOT.glob("**/*.spec.md")):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = split_front_matter(path.read_text("utf-8", errors="replace"))
        if text is not None:
            texts.append(text)
    assert len(texts) > 20
    for text in texts:
        _same_as_yaml(text)
    synth = (
        "spec: synth_010\ntitle: Synthetic part 10\nversion: 1.0.0\n"
        "summary: Synthetic records for benchmarks."
    )
    assert simple_front_matter(synth) == yaml.safe_load(synth)
    assert sum(simple_front_matter(t) is not None for t in texts) > len(texts) // 2
