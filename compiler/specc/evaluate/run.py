"""`specc eval`: answer each case with a model, then have a judge grade each answer.

Answers and verdicts go through the LLM layer (`specc.llm.client`), so they run
concurrently, are recorded in `specc.lock` and can be replayed with
`--frozen`. A verdict is a JSON object validated here; one that does not
parse is asked for again (a new request that shows the judge its mistake),
and after `VERDICT_TRIES` it is reported as an error, never counted.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from specc.diagnostics import Diagnostic
from specc.emitters.evals.cases import Case, chat_messages
from specc.source import Span

if TYPE_CHECKING:
    import jinja2

    from specc.frontend.compile import Compiled
    from specc.llm import client as llm
    from specc.llm.session import Session

VERDICT_TRIES = 3
"""How many times the judge is asked for a verdict that parses."""
JSON_FORMAT = {"type": "json_object"}


class Verdict(BaseModel):
    """The judge's structured verdict on one answer."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    verdict: Literal["pass", "fail"]
    resembles: Literal["GOOD", "BAD", "OK", "none"]
    """Which kind of reference answer the answer is closest to."""
    reason: str = Field(min_length=1)

    @field_validator("verdict", "resembles", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        word = value.strip()
        return (
            word.lower() if word.lower() in ("pass", "fail", "none") else word.upper()
        )

    @field_validator("reason")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


@dataclass(frozen=True)
class Graded:
    """One sample of one case: the model's answer and what the judge made of it."""

    case: Case
    sample: int
    answer: str
    status: Literal["passed", "failed", "error"]
    resembles: str | None
    reason: str

    def to_json(self) -> dict[str, object]:
        """Return the graded sample as a JSON-ready mapping."""
        return {
            "spec": self.case.spec,
            "case": self.case.id,
            "rule": self.case.rule,
            "sample": self.sample,
            "status": self.status,
            "resembles": self.resembles,
            "reason": self.reason,
            "answer": self.answer,
        }


@dataclass
class Run:
    """What to evaluate and with which clients."""

    cases: list[Case]
    model: llm.Client
    judge: llm.Client
    env: jinja2.Environment
    samples: int = 1


def evaluate(run: Run) -> list[Graded]:
    """Answer every case `samples` times, grade every answer, return them in order."""
    from specc.llm import client as llm

    requests = [
        llm.Request(f"evals/{c.spec}", chat_messages(c), rule=c.rule) for c in run.cases
    ]
    answered: list[tuple[int, int, str]] = []
    for k in range(1, run.samples + 1):
        replies = _sample_client(run.model, k, run.samples).complete_many(requests)
        answered += [(i, k, r.text) for i, r in enumerate(replies)]
    answered.sort(key=lambda a: (a[0], a[1]))
    return grade(run, [(run.cases[i], k, text) for i, k, text in answered])


def _sample_client(client: llm.Client, sample: int, samples: int) -> llm.Client:
    """Return a client whose requests for sample ``sample`` differ by seed from the others."""
    if samples == 1:
        return client
    seed = (client.settings.seed or 0) + sample
    return client.derive(dataclasses.replace(client.settings, seed=seed))


def grade(run: Run, answered: list[tuple[Case, int, str]]) -> list[Graded]:
    """Ask the judge about every answer, asking again where a verdict does not parse."""
    from specc.emitters.evals.emitter import criterion
    from specc.llm import client as llm

    conversations = [
        [{"role": "user", "content": judge_prompt(run.env, criterion(run.env, c), t)}]
        for c, _, t in answered
    ]
    verdicts: list[Verdict | str | None] = [None] * len(answered)
    keys: list[list[str]] = [[] for _ in answered]
    for _ in range(VERDICT_TRIES):
        pending = [i for i, v in enumerate(verdicts) if not isinstance(v, Verdict)]
        if not pending:
            break
        requests = [
            llm.Request(
                f"evals/{answered[i][0].spec}/judge",
                conversations[i],
                rule=answered[i][0].rule,
                response_format=JSON_FORMAT,
            )
            for i in pending
        ]
        for i, reply in zip(pending, run.judge.complete_many(requests), strict=True):
            keys[i].append(reply.key)
            verdicts[i] = parse_verdict(reply.text)
            if not isinstance(verdicts[i], Verdict):
                conversations[i] = conversations[i] + retry_turns(
                    run.env, reply.text, str(verdicts[i])
                )
    for (case, _, _), verdict, asked in zip(answered, verdicts, keys, strict=True):
        if not isinstance(verdict, Verdict):  # asked again next run, not replayed
            run.judge.lock.forget(f"evals/{case.spec}/judge", asked)
    return [_graded(a, v) for a, v in zip(answered, verdicts, strict=True)]


def judge_prompt(env: jinja2.Environment, criterion: str, answer: str) -> str:
    """Return the judge's prompt for one answer."""
    return env.get_template("evals/judge.txt.jinja").render(
        criterion=criterion.strip(), answer=answer, labels_only=False
    )


def parse_verdict(text: str) -> Verdict | str:
    """Return the verdict a judge's reply holds, or why it holds none."""
    try:
        return Verdict.model_validate(json.loads(_strip_fence(text)))
    except ValueError as error:  # JSONDecodeError and ValidationError alike
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "verdict"
            return f"`{where}`: {first['msg']}"
        return f"not JSON: {error}"


def _strip_fence(text: str) -> str:
    """Return a reply without a Markdown code fence around it (judges add them)."""
    body = text.strip()
    if body.startswith("```") and body.endswith("```"):
        body = body[3:-3]
        body = body.split("\n", 1)[1] if "\n" in body else body
    return body


def retry_turns(
    env: jinja2.Environment, reply: str, problem: str
) -> list[dict[str, str]]:
    """Return the turns that show the judge its unusable reply and ask again."""
    again = env.get_template("evals/judge_retry.txt.jinja").render(problem=problem)
    return [
        {"role": "assistant", "content": reply},
        {"role": "user", "content": again.strip()},
    ]


def _graded(answered: tuple[Case, int, str], verdict: Verdict | str | None) -> Graded:
    case, sample, answer = answered
    if not isinstance(verdict, Verdict):
        reason = f"no valid verdict after {VERDICT_TRIES} tries: {verdict}"
        return Graded(case, sample, answer, "error", None, reason)
    status: Literal["passed", "failed"] = (
        "passed" if verdict.verdict == "pass" else "failed"
    )
    return Graded(case, sample, answer, status, verdict.resembles, verdict.reason)


def cases_of(paths: list[str]) -> tuple[list[Compiled], list[Diagnostic], list[Case]]:
    """Compile specs; return them, problems finding them, and their cases."""
    from specc.emitters.evals.cases import spec_cases
    from specc.frontend.compile import compile_file, find_specs

    files, found = find_specs(paths)
    compiled = [compile_file(f) for f in files]
    cases = [case for c in compiled if c.ok and c.spec for case in spec_cases(c.spec)]
    if not found and compiled and all(c.ok for c in compiled) and not cases:
        where = Span(path=compiled[0].path, line=1)
        found = [Diagnostic("E136", "the specs have no behavioural examples", where)]
    return compiled, list(found), cases


def run_session(
    session: Session, cases: list[Case], judge: str | None, samples: int
) -> tuple[dict[str, object] | None, list[Diagnostic]]:
    """Evaluate the cases with the session's client (and a judge over the same lock)."""
    from specc.evaluate.report import report
    from specc.llm import client as llm
    from specc.llm.session import problems
    from specc.templating import environment

    client = session.client
    assert client is not None
    grader = dataclasses.replace(client.settings, model=judge or client.settings.model)
    judge_client = client.derive(grader)
    try:
        graded = evaluate(Run(cases, client, judge_client, environment(), samples))
    except llm.LlmError as error:
        session.finish(None)  # keep what was answered: a rerun does not pay again
        where = Span(path=cases[0].source.path, line=1)
        return None, problems(error, where)
    session.finish({f"evals/{c.spec}{s}" for c in cases for s in ("", "/judge")})
    return report(graded, client.settings.model, grader.model, samples), []
