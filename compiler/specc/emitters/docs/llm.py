"""The docs target's LLM-assisted part: a plain explanation and a worked scenario per rule.

The generated text sits beside the rule's normative text, marked as generated
and naming the model; the normative text itself is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from specc.diagnostics import Diagnostic
from specc.llm.prompts import messages

if TYPE_CHECKING:
    from specc.emitters.base import EmitContext
    from specc.emitters.docs.page import SpecPage
    from specc.llm.client import Answer, Request

PROMPT = "llm/docs_rule.jinja"
JSON_OBJECT = {"type": "json_object"}


@dataclass(frozen=True)
class Generated:
    """What the model wrote about one rule, and which model wrote it."""

    model: str
    explanation: list[str]
    """Paragraphs of the plain-language explanation."""
    scenario: list[str]
    """Paragraphs of the worked scenario."""


def explain(ctx: EmitContext, pages: list[SpecPage]) -> None:
    """Ask for every rule's explanation at once and attach them to the pages."""
    from specc.llm.client import Request

    requests: list[tuple[SpecPage, Request]] = []
    for page in pages:
        spec = page.spec
        for rule in spec.rules():
            prompt = messages(ctx.env, PROMPT, spec=spec, rule=rule)
            request = Request(
                f"docs/{spec.id}",
                prompt,
                rule=rule.id,
                response_format=JSON_OBJECT,
                span=rule.span,
            )
            requests.append((page, request))
    answers = ctx.llm.complete_many([r for _, r in requests])
    for (page, request), answer in zip(requests, answers, strict=True):
        generated = _parse(answer, ctx.llm.settings.model)
        if isinstance(generated, str):
            ctx.diagnostics.append(_rejected(request, generated))
        else:
            page.generated[str(request.rule)] = generated


def _parse(answer: Answer, model: str) -> Generated | str:
    """Return the answer as `Generated`, or what is wrong with it."""
    try:
        data = answer.json()
    except ValueError as error:
        return f"the answer is not JSON ({error})"
    if not isinstance(data, dict):
        return "the answer is not a JSON object"
    parts = []
    for name in ("explanation", "scenario"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"the answer has no `{name}` text"
        parts.append([p.strip() for p in value.split("\n\n") if p.strip()])
    return Generated(model, parts[0], parts[1])


def _rejected(request: Request, why: str) -> Diagnostic:
    from specc.source import Span

    return Diagnostic(
        "W133",
        f"`{request.artifact}`: the generated explanation of rule `{request.rule}` "
        f"was rejected: {why}; the page shows the rule without one",
        request.span or Span(path="specc", line=1),
    )
