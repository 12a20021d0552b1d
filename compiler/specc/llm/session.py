"""One LLM-assisted run: config, settings, lock and client, then the lock saved and stats."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from specc.diagnostics import Diagnostic
from specc.source import Span

if TYPE_CHECKING:  # imported when a run uses the model: most builds do not
    from specc.llm.client import Client, LlmError, Request

NO_ENDPOINT = (
    "no LLM endpoint is configured (set OPENAI_BASE_URL or OPENAI_API_KEY, "
    "or base_url in the [llm] table of specc.toml)"
)
TEMPLATES_SERVE = (
    f"notice: {NO_ENDPOINT}, and there is no specc.lock; the template backends serve"
)
LOCK_ONLY = (
    "notice: no LLM endpoint is configured; every answer comes from specc.lock "
    "(one it lacks is an error)"
)


@dataclass(frozen=True, eq=False, repr=False)
class LlmFlags:
    """What the command line asked of the LLM layer."""

    enabled: bool | None = None
    """`--llm` (True), `--no-llm` (False), or neither: the project's `[llm]` decides."""
    frozen: bool = False
    model: str | None = None
    concurrency: int | None = None
    max_requests: int | None = None


@dataclass(eq=False, repr=False)
class Session:
    """The LLM client of one run (None when the template backends serve), and its problems."""

    client: Client | None = None
    notice: str | None = None
    """A line to print on standard error before the run."""
    no_endpoint: bool = False
    """Whether the run wanted a model but has neither an endpoint nor a lock."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def frozen(self) -> bool:
        """Return whether the run may not call out."""
        return self.client is not None and self.client.frozen

    def finish(self, scope: Iterable[str] | None, write: bool = True) -> str | None:
        """Save the lock (pruned to ``scope`` when given) and return the stats line."""
        if self.client is None:
            return None
        if write and not self.client.frozen:
            self.client.lock.save(scope)
        return self.client.stats.summary()


def open_session(paths: Sequence[str | Path], flags: LlmFlags) -> Session:
    """Load the configuration found from the specs upwards and, when asked for, make the client."""
    from specc import config

    folder = config.project_dir(paths)
    loaded, problems = config.load(folder)
    if problems:
        return Session(diagnostics=problems)
    enabled = loaded.llm.enabled if flags.enabled is None else flags.enabled
    if not (enabled or flags.frozen):
        return Session()
    from specc.llm.client import Client, Settings
    from specc.llm.lock import LOCK_NAME, Lock, LockError

    settings = Settings.resolve(loaded.llm, flags.model, flags.concurrency)
    # Beside the configuration file, as Cargo.lock sits beside Cargo.toml; else
    # beside the specs.
    lock_path = (loaded.root if loaded.path is not None else folder) / LOCK_NAME
    # Without an endpoint the lock answers alone, so a clone without the key
    # builds the same bytes; only an answer it lacks needs an endpoint.
    offline = not settings.configured and not flags.frozen
    if offline and not lock_path.exists():
        return Session(notice=TEMPLATES_SERVE, no_endpoint=True)
    try:
        lock = Lock.load(lock_path)
    except LockError as error:
        return Session(
            diagnostics=[
                Diagnostic(
                    "E134",
                    f"cannot read the lock: {error}",
                    Span(path=str(lock_path), line=1),
                    "restore it from version control, or delete it to ask again",
                )
            ]
        )
    client = Client(settings, lock, flags.frozen or offline, flags.max_requests)
    client.offline = offline
    return Session(client=client, notice=LOCK_ONLY if offline else None)


def problems(error: LlmError, where: Span) -> list[Diagnostic]:
    """Return the diagnostics that report an LLM failure."""
    from specc.llm.client import BudgetExceeded, FrozenMissing

    if isinstance(error, FrozenMissing):
        return [_missing(r, error.offline, where) for r in error.requests]
    code = "E132" if isinstance(error, BudgetExceeded) else "E130"
    return [Diagnostic(code, str(error), where)]


def _missing(request: Request, offline: bool, where: Span) -> Diagnostic:
    """Return E131 for an answer the lock lacks, saying why nothing may ask for it."""
    if not offline:
        why = "--frozen forbids asking"
        hint = "run once without --frozen against an endpoint, and commit specc.lock"
    else:
        why = "no LLM endpoint is configured to ask"
        hint = (
            "set OPENAI_BASE_URL or OPENAI_API_KEY (or [llm] base_url), run again "
            "and commit specc.lock"
        )
        if not request.artifact.startswith(("implement/", "evals/")):
            hint += "; or build without the model: --no-llm"
    return Diagnostic(
        "E131",
        f"`{request.artifact}` needs an answer about {_subject(request.rule)} "
        f"that specc.lock does not hold, and {why}",
        request.span or where,
        hint,
    )


def _subject(rules: str | None) -> str:
    """Return "rule `a`", "rules `a`, `b`" or "the spec" for a request's rule field."""
    if not rules:
        return "the spec"
    names = rules.split(", ")
    listed = ", ".join(f"`{n}`" for n in names)
    return f"rule{'s' if len(names) > 1 else ''} {listed}"
