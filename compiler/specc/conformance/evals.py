"""Check the evals target: every case valid against the schema, every example a case."""

from __future__ import annotations

import json
from pathlib import Path

from specc import ir
from specc.conformance import Result, Status
from specc.emitters.evals.cases import spec_cases
from specc.emitters.evals.emitter import SCHEMA_FILE, cases_dir


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Return one result per behavioural example: its case is there, valid and true."""
    expected = {c.id: c for c in spec_cases(spec)}
    if not expected:
        return []
    folder = target_dir / cases_dir(spec)
    try:
        schema = json.loads((target_dir / SCHEMA_FILE).read_text("utf-8"))
        lines = (folder / "cases.jsonl").read_text("utf-8").splitlines()
        samples = (folder / "inspect" / "dataset.jsonl").read_text("utf-8")
    except (OSError, ValueError) as error:
        problem = f"cannot read the cases: {error}; run `specc build --target evals`"
        return [
            _result(spec, c.rule, c.example, c.title, [problem])
            for c in expected.values()
        ]
    found, problems = _read_cases(lines, schema)
    exported = _sample_ids(samples)
    results = []
    for case_id, case in expected.items():
        wrong = list(problems.get(case_id, []))
        data = found.get(case_id)
        if data is None and not wrong:
            wrong.append("no case in cases.jsonl")
        elif data is not None and data != case.model_dump(mode="json"):
            wrong.append("the case differs from the spec's example; rebuild")
        if case_id not in exported:
            wrong.append("no sample in inspect/dataset.jsonl")
        results.append(_result(spec, case.rule, case.example, case.title, wrong))
    for case_id in sorted(set(found) - set(expected)):
        rule = str(found[case_id].get("rule", case_id))
        message = "cases.jsonl has this case, but the spec has no such example"
        results.append(Result(spec.id, rule, 0, "failed", message, case_id))
    for key in sorted(set(problems) - set(expected)):
        message = "\n".join(problems[key])
        results.append(Result(spec.id, key, 0, "failed", message, key))
    return results


def _read_cases(
    lines: list[str], schema: dict[str, object]
) -> tuple[dict[str, dict[str, object]], dict[str, list[str]]]:
    """Return valid cases by ID, and problems by case ID (or line) of the others."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    found: dict[str, dict[str, object]] = {}
    problems: dict[str, list[str]] = {}
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
        except ValueError as error:
            problems.setdefault(f"line {number}", []).append(f"not JSON: {error}")
            continue
        key = str(data.get("id", f"line {number}")) if isinstance(data, dict) else ""
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "(case)"
            problems.setdefault(key, []).append(
                f"cases.jsonl line {number} breaks the schema at {where}: "
                f"{errors[0].message}"
            )
        elif key in found:
            problems.setdefault(key, []).append(f"line {number} repeats the ID")
        else:
            found[key] = data
    return found, problems


def _sample_ids(text: str) -> set[str]:
    ids = set()
    for line in text.splitlines():
        try:
            ids.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            continue
    return ids


def _result(
    spec: ir.Spec, rule: str, example: int, title: str, problems: list[str]
) -> Result:
    status: Status = "failed" if problems else "passed"
    return Result(spec.id, rule, example, status, "\n".join(problems), title)
