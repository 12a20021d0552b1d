"""The evals target: each behavioural example as an eval case, and exports for eval tools.

For every spec with behavioural examples it writes `<spec>/cases.jsonl` (one
case per example, see `specc.emitters.evals.cases`), `<spec>/inspect/` (an Inspect AI task
and its dataset), `<spec>/openai/` (an OpenAI Evals API eval and run) and a
`<spec>/README.md` with the commands; once, `cases.schema.json` beside them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from specc import ir
from specc.emitters.base import (
    EmitContext,
    Emitter,
    OutputFile,
    header,
    owned_by,
    spec_source_name,
)
from specc.emitters.base import Options as BaseOptions
from specc.emitters.evals.cases import Case, json_schema, spec_cases, to_jsonl
from specc.naming import path_segment, snake

if TYPE_CHECKING:
    import jinja2

SCHEMA_FILE = "cases.schema.json"


class EvalsEmitter(Emitter):
    """Emit eval cases (JSONL with a schema) and Inspect AI and OpenAI Evals exports."""

    name = "evals"
    description = (
        "Eval cases from behavioural examples, with Inspect AI and OpenAI Evals exports"
    )

    class Options(BaseOptions):
        """Options of the evals target."""

        model: str = "gpt-4o-mini"
        """The model the OpenAI Evals run tests."""
        judge: str = "gpt-4o-mini"
        """The model the OpenAI Evals grader asks."""

    def emit(self, ctx: EmitContext) -> Iterable[OutputFile]:
        specs = [s for s in ctx.specs if any(True for _ in s.conversations())]
        if specs:
            schema = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
            yield OutputFile(SCHEMA_FILE, schema)
        for spec in specs:
            yield from owned_by(
                spec, self.spec_files(ctx, spec, list(spec_cases(spec)))
            )

    def spec_files(
        self, ctx: EmitContext, spec: ir.Spec, cases: list[Case]
    ) -> Iterable[OutputFile]:
        """Return one spec's cases and their exports."""
        from specc.emitters.evals.export import inspect_dataset, openai_eval, openai_run

        options = ctx.options
        assert isinstance(options, EvalsEmitter.Options)
        root = cases_dir(spec)
        criteria = [criterion(ctx.env, c) for c in cases]
        yield OutputFile(f"{root}/cases.jsonl", to_jsonl(cases))
        yield OutputFile(
            f"{root}/inspect/dataset.jsonl", inspect_dataset(cases, criteria)
        )
        yield OutputFile(
            f"{root}/inspect/task.py",
            ctx.render(
                "evals/inspect_task.py.jinja",
                header=header(spec),
                task=snake(spec.id),
                spec=spec,
            ),
        )
        judge = ctx.render(
            "evals/judge.txt.jinja",
            criterion="{{item.criterion}}",
            answer="{{sample.output_text}}",
            labels_only=True,
        )
        yield OutputFile(
            f"{root}/openai/eval.json", openai_eval(spec, judge, options.judge)
        )
        yield OutputFile(
            f"{root}/openai/run.json", openai_run(spec, cases, criteria, options.model)
        )
        yield OutputFile(
            f"{root}/README.md",
            ctx.render(
                "evals/README.md.jinja",
                header=header(spec),
                spec=spec,
                cases=cases,
                root=f"out/evals/{root}",
                source=spec_source_name(spec),
            ),
        )


def criterion(env: jinja2.Environment, case: Case) -> str:
    """Return what a grader checks an answer of ``case`` against."""
    text = env.get_template("evals/criterion.txt.jinja").render(case=case)
    return text.strip() + "\n"


def cases_dir(spec: ir.Spec) -> str:
    """Return the spec's folder under the evals output folder."""
    return path_segment(spec.id)
