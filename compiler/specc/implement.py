"""`specc implement`: ask a model for a spec's implementation file until its conformance tests pass.

For one spec and one code target the loop sends the spec's text, the
generated types and API and the scaffold; takes the last fenced block of the
answer as the whole file; writes it atomically; runs the target's conformance
runner; and on failure sends the failing examples with their messages back,
up to a number of attempts. A file that passes stays; otherwise the file as it
was is put back. Every answer is recorded in the lock under
`implement/<target>/<spec>`, the accepted one last, so a rerun (or `--frozen`)
writes the same file without asking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from specc.build.backup import BackupExists, replacing
from specc.diagnostics import Diagnostic
from specc.llm.prompts import last_fenced_block, messages
from specc.source import Span

if TYPE_CHECKING:
    import jinja2

    from specc import ir
    from specc.conformance import Result
    from specc.emitters.base import OutputFile
    from specc.llm.client import Client

LANGUAGES = {"ts": "TypeScript", "rust": "Rust", "python": "Python"}
FENCES = {"ts": "ts", "rust": "rust", "python": "python"}
PROMPT = "llm/implement.jinja"
FEEDBACK = "llm/implement_feedback.jinja"
#: Most failing examples sent back at once, and the longest message of each.
MAX_FAILURES, MAX_MESSAGE = 20, 1200


@dataclass
class Job:
    """One spec's implementation file on one target, and what the prompt shows."""

    target: str
    spec: ir.Spec
    target_dir: Path
    """The target's output folder, such as `out/ts`."""
    scaffold: OutputFile
    context: list[OutputFile]
    """The generated source files the implementation builds on (types, API)."""

    @property
    def artifact(self) -> str:
        """Return the lock's name for what this job builds."""
        return f"implement/{self.target}/{self.spec.id}"

    @property
    def path(self) -> Path:
        """Return the implementation file on disk."""
        return self.target_dir / self.scaffold.path


@dataclass
class Outcome:
    """How a job ended: the last conformance results, and whether they all passed."""

    job: Job
    accepted: bool = False
    attempts: int = 0
    results: list[Result] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def jobs(
    target: str, specs: list[ir.Spec], target_dir: Path, files: dict[str, OutputFile]
) -> list[Job]:
    """Return a job per spec that has code, from a build's files (keyed `target/path`)."""
    from specc.emitters.code import has_operations, package_dir

    found = []
    for spec in specs:
        if not has_operations(spec):  # a data model has nothing to implement
            continue
        prefix = f"{target}/{package_dir(spec)}/"
        mine = [f for k, f in sorted(files.items()) if k.startswith(prefix)]
        scaffold = next(f for f in mine if f.kind == "scaffold")
        context = [f for f in mine if f.kind == "generated" and _is_source(f.path)]
        found.append(Job(target, spec, target_dir, scaffold, context))
    return found


def _is_source(path: str) -> bool:
    """Return whether a generated file is library source (not a test, not config)."""
    parts = path.split("/")
    return "src" in parts and path.endswith((".ts", ".rs", ".py"))


def implement(
    client: Client, env: jinja2.Environment, job: Job, attempts: int, force: bool
) -> Outcome:
    """Run the loop for one job; see the module docstring."""
    outcome = Outcome(job)
    original = _read(job.path)
    first = messages(env, PROMPT, **_prompt_values(job))
    if not force and original not in (
        None,
        job.scaffold.content,
        _accepted(client, job),
    ):
        outcome.diagnostics.append(_edited(job))
        return outcome
    try:
        with replacing(job.path) as guard:
            if not _replay(client, job, first, outcome):
                _loop(client, env, job, first, attempts, outcome)
            if outcome.accepted:
                guard.keep()
    except BackupExists as waiting:
        outcome.diagnostics.append(_backup_waiting(job, waiting))
    if outcome.attempts and not outcome.accepted:
        client.lock.forget(job.artifact)  # a rerun asks again, not replays this
    return outcome


def _replay(
    client: Client, job: Job, first: list[dict[str, str]], outcome: Outcome
) -> bool:
    """Try the answer the lock accepted last time, if it answered this same prompt."""
    from specc.llm.client import Request

    keys = client.lock.recorded(job.artifact)
    entries = [e for k in keys if (e := client.lock.get(k)) is not None]
    first_key = Request(job.artifact, first).key(client.settings)
    if not keys or keys[0] != first_key or len(entries) != len(keys):
        return False
    code = last_fenced_block(entries[-1].answer)
    if code is None:
        return False
    _write(job.path, code)
    outcome.results = _run(job)
    outcome.attempts = len(keys)
    if _all_passed(outcome.results):
        client.reuse(job.artifact, keys)
        outcome.accepted = True
    return outcome.accepted


def _loop(
    client: Client,
    env: jinja2.Environment,
    job: Job,
    prompt: list[dict[str, str]],
    attempts: int,
    outcome: Outcome,
) -> None:
    """Ask, write, test; feed failures back; stop at the first passing file."""
    from specc.llm.client import Request

    for attempt in range(1, attempts + 1):
        outcome.attempts = attempt
        answer = client.complete(Request(job.artifact, prompt, span=_span(job)))
        code = last_fenced_block(answer.text)
        if code is None:
            problem = {"missing_block": True, "failures": [], "total": 0}
        else:
            _write(job.path, code)
            outcome.results = _run(job)
            if _all_passed(outcome.results):
                outcome.accepted = True
                return
            failures = [r for r in outcome.results if r.status != "passed"]
            problem = {
                "missing_block": False,
                "failures": [_trim(r) for r in failures[:MAX_FAILURES]],
                "total": sum(r.covers for r in failures),
            }
        reply = messages(env, FEEDBACK, job=job, file=job.scaffold.path, **problem)
        prompt = prompt + [{"role": "assistant", "content": answer.text}] + reply
    outcome.diagnostics.append(_gave_up(job, attempts))


def _prompt_values(job: Job) -> dict[str, object]:
    return {
        "spec": job.spec,
        "language": LANGUAGES[job.target],
        "fence": FENCES[job.target],
        "scaffold": job.scaffold,
        "context": job.context,
    }


def _run(job: Job) -> list[Result]:
    """Run the target's conformance tests (raises `ToolchainError`)."""
    from specc import conformance

    return conformance.runner(job.target)(job.target_dir, job.spec)


def _all_passed(results: list[Result]) -> bool:
    return all(r.status == "passed" for r in results)


def _trim(result: Result) -> Result:
    """Return a result whose message is short enough to send back."""
    from dataclasses import replace

    message = result.message
    if result.status == "not_implemented":
        message = "not implemented: " + message
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + " …"
    return replace(result, message=message)


def _accepted(client: Client, job: Job) -> str | None:
    """Return the file the lock's accepted answer makes (it may be overwritten)."""
    keys = client.lock.recorded(job.artifact)
    entry = client.lock.get(keys[-1]) if keys else None
    return last_fenced_block(entry.answer) if entry else None


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except OSError:
        return None


def _write(path: Path, text: str) -> None:
    from specc.build.writer import atomic_write

    atomic_write(path, text.encode("utf-8"))


def _span(job: Job) -> Span:
    return Span(path=job.spec.path, line=1)


def _edited(job: Job) -> Diagnostic:
    return Diagnostic(
        "E137",
        f"{job.path} is no longer the untouched scaffold; specc implement "
        "will not overwrite your code",
        _span(job),
        "pass --force to replace it anyway",
    )


def _backup_waiting(job: Job, waiting: BackupExists) -> Diagnostic:
    return Diagnostic(
        "E138",
        f"{waiting.backup} holds {job.path} as it was before an interrupted run "
        "replaced it; specc implement will not replace the file again until you "
        "decide which to keep",
        _span(job),
        waiting.hint,
    )


def _gave_up(job: Job, attempts: int) -> Diagnostic:
    return Diagnostic(
        "E135",
        f"no implementation of `{job.spec.id}` in {LANGUAGES[job.target]} passed "
        f"every conformance test in {attempts} attempts; {job.path} is as it was",
        _span(job),
        "raise --attempts, try another --model, or finish it by hand",
    )


def rule_table(results: list[Result]) -> list[tuple[str, str, int, int]]:
    """Return (spec, rule, passed, total) per rule, in the order rules first appear."""
    rows: dict[tuple[str, str], list[int]] = {}
    for r in results:
        row = rows.setdefault((r.spec, r.rule), [0, 0])
        row[0] += r.status == "passed"
        row[1] += r.covers  # a spec-wide compile error stands for every example
    return [(spec, rule, n, total) for (spec, rule), (n, total) in rows.items()]
