"""What the test server answers as a model that does its job: docs explanations, podcast dialogue."""

from __future__ import annotations

import json
import re


def explain(body: dict) -> str:  # type: ignore[type-arg]
    """Answer a docs prompt with an explanation and a scenario of its rule."""
    prompt = body["messages"][-1]["content"]
    rule = prompt.split("Explain rule `", 1)[1].split("`", 1)[0]
    return json.dumps(
        {
            "explanation": f"Rule {rule} in plain words.\n\nSecond paragraph.",
            "scenario": f"Say you call it: {rule} <b>works</b>.",
        }
    )


def dialogue(body: dict, omit: str | None = None) -> str:  # type: ignore[type-arg]
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


def either(body: dict) -> str:  # type: ignore[type-arg]
    """Answer a docs prompt with `explain`, a podcast prompt with `dialogue`."""
    prompt = body["messages"][-1]["content"]
    return explain(body) if "Explain rule `" in prompt else dialogue(body)
