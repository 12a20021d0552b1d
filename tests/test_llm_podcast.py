"""The podcast target's LLM backend: dialogue per planned segment, checked, retried, fallen back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from specc import conformance
from specc.frontend.compile import compile_file

SPEC = """\
---
spec: lights
title: Traffic lights
version: 1.0.0
---
# Colours {#colours}

A light MUST show exactly one colour at a time.

## Red {#red}

On red, traffic MUST stop at the line.

# Timing {#timing}

The controller MUST run one cycle after another.

## Cycle {#cycle}

The light MUST cycle from red to green to amber and back to red.

## Pedestrians {#walk}

A pedestrian button SHOULD shorten the wait for green.
"""


def dialogue(body: dict, omit: str | None = None) -> str:
    """Answer as a model that follows the prompt would, optionally leaving a rule out."""
    prompt = "\n".join(m["content"] for m in body["messages"])
    ids = json.loads(
        "[" + re.search(r"in this order:\n(.*)\.\n", prompt).group(1) + "]"
    )
    first, last = re.search(
        r"the first turn is (\w+)'s and the last is (\w+)'s", prompt
    ).groups()
    low = int(re.search(r"Between (\d+) and", prompt).group(1))
    other = "Sam" if first == "Alex" else "Alex"
    turns = []
    for rule in [r for r in ids if r != omit]:
        speaker = first if len(turns) % 2 == 0 else other
        turns.append(
            {"speaker": speaker, "text": f"Let us talk about {rule}.", "rules": [rule]}
        )
    if turns[-1]["speaker"] != last:
        turns.append({"speaker": last, "text": "Right.", "rules": []})
    padding = max(0, low - sum(len(t["text"].split()) for t in turns))
    turns[0]["text"] += " So" + " yes" * padding + "."
    return json.dumps({"turns": turns})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "lights.spec.md").write_text(SPEC)
    (specs / "specc.toml").write_text('[llm]\nmodel = "test-model"\n')
    return tmp_path


def _build(cli, project: Path, *flags: str):
    out = project / "out"
    return cli(
        "build",
        str(project / "specs"),
        "--target",
        "podcast",
        "--out",
        str(out),
        *flags,
    )


def _conformance(project: Path) -> list:
    spec = compile_file(str(project / "specs" / "lights.spec.md")).spec
    return conformance.runner("podcast")(project / "out" / "podcast", spec)


def test_each_segment_is_told_by_the_model(cli, llm_server, project):
    llm_server.reply_with(dialogue)
    result = _build(cli, project, "--llm")
    assert result.exit_code == 0, result.output
    assert len(llm_server.completions()) == 2  # one per segment that has rules
    script = json.loads((project / "out/podcast/lights/script.json").read_text())
    texts = [
        t["text"] for e in script["episodes"] for s in e["segments"] for t in s["turns"]
    ]
    assert "Let us talk about walk." in texts
    assert all(r.status == "passed" for r in _conformance(project))
    again = _build(cli, project, "--llm")
    assert again.exit_code == 0 and len(llm_server.completions()) == 2


def test_a_segment_that_omits_a_rule_is_retried_then_falls_back(
    cli, llm_server, project
):
    _build(cli, project)
    plain = json.loads((project / "out/podcast/lights/script.json").read_text())
    llm_server.reply_with(
        lambda body: dialogue(body, omit="cycle"), when="Pedestrians {#walk}"
    )
    llm_server.reply_with(dialogue)
    result = _build(cli, project, "--llm")
    assert result.exit_code == 0, result.output
    timing = [r for r in llm_server.completions() if "Pedestrians {#walk}" in r.prompt]
    assert len(timing) == 2  # asked, then asked again with the check's message
    feedback = timing[1].body["messages"][-1]["content"]
    assert "it does not cite rule `cycle` by ID" in feedback
    assert timing[1].body["messages"][-2]["role"] == "assistant"
    assert "warning[W133]: `podcast/lights` episode 1, segment" in result.output
    assert (
        "failed its check twice (it does not cite rule `cycle` by ID)" in result.output
    )
    script = json.loads((project / "out/podcast/lights/script.json").read_text())
    segments = {s["title"]: s for e in script["episodes"] for s in e["segments"]}
    planned = {s["title"]: s for e in plain["episodes"] for s in e["segments"]}
    assert segments["Timing"] == planned["Timing"]  # the template's version serves
    assert segments["Colours"] != planned["Colours"]  # the model's version passed
    assert all(r.status == "passed" for r in _conformance(project))


def test_invented_ids_and_wrong_turns_are_caught(project):
    from specc.emitters.podcast.llm import Job, check
    from specc.emitters.podcast.script import Segment, Turn

    plan = Segment(title="T", turns=[Turn(speaker="Alex", text="a b c", rules=["red"])])
    job = Job(0, 1, plan, ("red",), ("Alex", "Sam"), 0, "Alex", 1, 50)

    def said(*turns: tuple[str, str, list[str]]) -> str:
        keys = ("speaker", "text", "rules")
        return json.dumps({"turns": [dict(zip(keys, t, strict=True)) for t in turns]})

    assert check(job, said(("Alex", "red light", ["red"])))[1] == ""
    assert "cites `green`" in check(job, said(("Alex", "x", ["red", "green"])))[1]
    assert (
        "turn 2 is Alex's"
        in check(job, said(("Alex", "x", ["red"]), ("Alex", "y", [])))[1]
    )
    assert (
        "last turn must be Alex's"
        in check(job, said(("Alex", "x", ["red"]), ("Sam", "y", [])))[1]
    )
    assert "outside 1 to 50" in check(job, said(("Alex", "x " * 60, ["red"])))[1]
    assert "not the JSON object" in check(job, "Sure! Here it is.")[1]
