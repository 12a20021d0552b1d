"""Eval cases in the formats of other eval tools: Inspect AI and the OpenAI Evals API."""

from __future__ import annotations

import json

from specc import ir
from specc.emitters.evals.cases import Case, chat_messages

#: What an item of the OpenAI export holds (the eval's `item_schema`).
ITEM_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "rule": {"type": "string"},
        "input": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "role": {"type": "string"},
                    "content": {"type": "string"},
                },
                "required": ["role", "content"],
            },
        },
        "criterion": {"type": "string"},
    },
    "required": ["id", "rule", "input", "criterion"],
}


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def inspect_dataset(cases: list[Case], criteria: list[str]) -> str:
    """Return an Inspect AI dataset: JSON Lines of `id`, `input`, `target`, `metadata`."""
    lines = []
    for case, criterion in zip(cases, criteria, strict=True):
        sample = {
            "id": case.id,
            "input": chat_messages(case, developer="system"),
            "target": criterion,
            "metadata": {
                "spec": case.spec,
                "rule": case.rule,
                "example": case.example,
                "title": case.title,
            },
        }
        lines.append(json.dumps(sample, ensure_ascii=False) + "\n")
    return "".join(lines)


def openai_eval(spec: ir.Spec, judge: str, model: str) -> str:
    """Return the body of `client.evals.create`: the item schema and a model grader."""
    body = {
        "name": f"specc {spec.id}",
        "metadata": {"spec": spec.id, "generator": "specc"},
        "data_source_config": {
            "type": "custom",
            "item_schema": ITEM_SCHEMA,
            "include_sample_schema": True,
        },
        "testing_criteria": [
            {
                "type": "label_model",
                "name": "follows the rule",
                "model": model,
                "input": [{"role": "user", "content": judge}],
                "labels": ["pass", "fail"],
                "passing_labels": ["pass"],
            }
        ],
    }
    return _dumps(body)


def openai_run(
    spec: ir.Spec, cases: list[Case], criteria: list[str], model: str
) -> str:
    """Return the body of `client.evals.runs.create`: the items and the model to test."""
    items = [
        {
            "item": {
                "id": case.id,
                "rule": case.rule,
                "input": chat_messages(case),
                "criterion": criterion,
            }
        }
        for case, criterion in zip(cases, criteria, strict=True)
    ]
    body = {
        "name": f"specc {spec.id}",
        "data_source": {
            "type": "completions",
            "model": model,
            "input_messages": {
                "type": "item_reference",
                "item_reference": "item.input",
            },
            "source": {"type": "file_content", "content": items},
        },
    }
    return _dumps(body)
