"""The LLM layer: the only importer of `openai`; bounded, retried and recorded in a lock.

Public API (what the LLM-assisted emitters and `specc eval` use)::

    from specc.llm import client as llm
    from specc.llm.lock import Lock

    settings = llm.Settings.resolve(config.llm, model="gpt-4o-mini")
    client = llm.Client(settings, Lock.load(folder / "specc.lock"))
    answers = client.complete_many([
        llm.Request("docs/semver", messages, rule="bump"),
        llm.Request("evals/chat", messages, response_format={"type": "json_object"}),
    ])
    answers[0].text, answers[1].json()
    client.lock.save(scope={"docs/semver", "evals/chat"})
    print(client.stats.summary())

`complete_many` answers from the lock what it can and sends the rest at once,
at most `settings.concurrency` in flight, retrying 429, 5xx and timeouts with
exponential back-off (honouring `Retry-After`). Answers come back in request
order; every one is recorded in the lock under its request's artifact. It
raises `LlmError` (one printable line: endpoint down, key rejected, model
unknown), `FrozenMissing` (with `frozen=True`, listing what the lock lacks)
or `BudgetExceeded` (before sending more than `max_requests`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from specc.config import DEFAULT_MODEL
from specc.llm.lock import Entry, Lock, request_key
from specc.llm.prompts import answer_json
from specc.naming import plural

if TYPE_CHECKING:
    from specc.config import LlmConfig
    from specc.source import Span

DEFAULT_URL = "https://api.openai.com/v1"
MAX_RETRY_AFTER = 120.0
"""Longest `Retry-After` honoured, in seconds (a longer one is clamped)."""


class LlmError(Exception):
    """An endpoint failure, worded as one line for the user."""


class FrozenMissing(LlmError):
    """Raised under `--frozen` when the lock lacks answers; carries the requests."""

    def __init__(self, requests: list[Request], offline: bool = False) -> None:
        self.requests = requests
        self.offline = offline
        """Whether no endpoint is configured (rather than `--frozen` given)."""
        names = sorted({r.artifact for r in requests})
        super().__init__(
            f"{plural(len(requests), 'answer')} missing from the lock for "
            f"{', '.join(names)}"
        )


class BudgetExceeded(LlmError):
    """Raised before sending requests that would exceed `--max-requests`."""


@dataclass(frozen=True)
class Settings:
    """Where and how to ask: endpoint, key, model, parameters and limits."""

    base_url: str | None
    api_key: str | None = field(default=None, repr=False)
    model: str = DEFAULT_MODEL
    concurrency: int = 8
    temperature: float = 0.0
    max_tokens: int | None = None
    seed: int | None = None
    timeout: float = 120.0
    retries: int = 5
    backoff: float = 1.0

    @classmethod
    def resolve(
        cls,
        config: LlmConfig,
        model: str | None = None,
        concurrency: int | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Combine flags, then the environment, then `[llm]`, then defaults."""
        env = os.environ if environ is None else environ
        return cls(
            base_url=env.get("OPENAI_BASE_URL") or config.base_url,
            api_key=env.get(config.api_key_env) or None,
            model=model or config.model,
            concurrency=concurrency or config.concurrency,
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            seed=config.seed,
            timeout=config.timeout,
            retries=config.retries,
            backoff=config.backoff,
        )

    @property
    def configured(self) -> bool:
        """Return whether an endpoint is set (a base URL, or a key for the default one)."""
        return bool(self.base_url or self.api_key)

    @property
    def url(self) -> str:
        """Return the endpoint's base URL."""
        return (self.base_url or DEFAULT_URL).rstrip("/")

    def params(self) -> dict[str, Any]:
        """Return the sampling parameters that go into every request and its hash."""
        found = {"temperature": self.temperature, "max_tokens": self.max_tokens}
        found["seed"] = self.seed
        return {k: v for k, v in found.items() if v is not None}


@dataclass(frozen=True)
class Request:
    """One chat completion wanted by one artifact (and, usually, one rule)."""

    artifact: str
    """What is built from the answer, such as `docs/semver`."""
    messages: list[dict[str, str]]
    rule: str | None = None
    """The rule the request is about, for diagnostics."""
    response_format: dict[str, Any] | None = None
    """An OpenAI `response_format`, such as `{"type": "json_object"}`."""
    span: Span | None = None
    """Where the rule is, for diagnostics."""

    def key(self, settings: Settings) -> str:
        """Return the hash the lock files this request's answer under."""
        return request_key(
            settings.model, self.messages, settings.params(), self.response_format
        )


@dataclass(frozen=True)
class Answer:
    """A model's answer to one request."""

    text: str
    key: str
    from_lock: bool

    def json(self) -> Any:
        """Return the answer parsed as JSON (raise `ValueError` if it is not)."""
        return answer_json(self.text)


@dataclass
class Stats:
    """What a run cost: requests, retries, tokens and wall time."""

    sent: int = 0
    from_lock: int = 0
    retried: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    started: float = field(default_factory=time.monotonic)
    _mutex: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        """Add to counters, safely from any thread."""
        with self._mutex:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def summary(self) -> str:
        """Return the one-line report printed at the end of an LLM-assisted run."""
        wall = time.monotonic() - self.started
        return (
            f"llm: {plural(self.sent, 'request')} sent, "
            f"{self.from_lock} answered from the lock, "
            f"{self.retried} retried, {self.tokens_in} tokens in, "
            f"{self.tokens_out} tokens out, {wall:.2f} s"
        )


class Client:
    """Answers requests from the lock or the endpoint; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        lock: Lock,
        frozen: bool = False,
        max_requests: int | None = None,
    ) -> None:
        self.settings = settings
        self.lock = lock
        self.frozen = frozen
        self.offline = False
        """Whether the run has no endpoint: frozen, as the lock is all it has."""
        self.max_requests = max_requests
        self.stats = Stats()
        self.failure: LlmError | None = None
        """The endpoint's failure, once it failed; later calls raise it at once."""
        self._client: Any = None
        self._client_mutex = threading.Lock()
        self._stop = threading.Event()
        """Set when a request failed for good: the others stop retrying."""

    def complete(self, request: Request) -> Answer:
        """Return the answer to one request."""
        return self.complete_many([request])[0]

    def complete_many(self, requests: Sequence[Request]) -> list[Answer]:
        """Return answers in request order, sending what the lock lacks concurrently."""
        if self.failure is not None:
            raise self.failure  # the endpoint failed this run: do not ask again
        keys = [r.key(self.settings) for r in requests]
        missing = {
            k: r
            for k, r in zip(keys, requests, strict=True)
            if self.lock.get(k) is None
        }
        if missing and self.frozen:
            raise FrozenMissing(list(missing.values()), self.offline)
        budget = self.max_requests
        if budget is not None and self.stats.sent + len(missing) > budget:
            raise BudgetExceeded(
                f"the run needs {plural(len(missing), 'more request')} after "
                f"{self.stats.sent}, over the budget of --max-requests {budget}; "
                "nothing more was sent"
            )
        self.stats.add(from_lock=len(requests) - len(missing))
        fresh = self._fetch_all(missing) if missing else set()
        answers = []
        for key, request in zip(keys, requests, strict=True):
            entry = self.lock.get(key)
            assert entry is not None
            self.lock.record(request.artifact, key)
            answers.append(Answer(entry.answer, key, key not in fresh))
        return answers

    def derive(self, settings: Settings) -> Client:
        """Return a client with other settings over the same lock, limits and stats."""
        other = Client(settings, self.lock, self.frozen, self.max_requests)
        other.offline, other.stats = self.offline, self.stats
        return other

    def reuse(self, artifact: str, keys: Sequence[str]) -> None:
        """Record answers an earlier run recorded for ``artifact`` as used again."""
        for key in keys:
            self.lock.record(artifact, key)
        self.stats.add(from_lock=len(keys))

    def _fetch_all(self, missing: dict[str, Request]) -> set[str]:
        """Send requests with at most `concurrency` in flight; stop at the first failure.

        Answers that arrived before a failure stay in the lock, so a rerun
        does not pay for them again.
        """
        pool = ThreadPoolExecutor(
            max_workers=self.settings.concurrency, thread_name_prefix="specc-llm"
        )
        try:
            futures = [pool.submit(self._send, k, r) for k, r in missing.items()]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:  # a signal: nobody waits for the answers in flight
            self._stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        failed = [e for f in done if (e := f.exception()) is not None]
        if failed:
            self._stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        if failed:
            if isinstance(failed[0], LlmError):
                self.failure = failed[0]
            raise failed[0]
        return set(missing)

    def _openai(self) -> Any:
        """Return the `openai` client, created on first use (the import is slow)."""
        with self._client_mutex:
            if self._client is None:
                import openai

                self._client = openai.OpenAI(
                    base_url=self.settings.url,
                    api_key=self.settings.api_key or "none",
                    max_retries=0,  # retries are ours, so they honour our policy
                    timeout=self.settings.timeout,
                )
            return self._client

    def _send(self, key: str, request: Request) -> None:
        """Send one request, retrying what is worth retrying; record its answer."""
        import openai

        client = self._openai()
        settings = self.settings
        self.stats.add(sent=1)
        for attempt in range(settings.retries + 1):
            if self._stop.is_set():
                return  # another request failed for good; this run is over
            try:
                completion = client.chat.completions.create(
                    model=settings.model,
                    messages=request.messages,
                    **settings.params(),
                    **(
                        {"response_format": request.response_format}
                        if request.response_format
                        else {}
                    ),
                )
            except (openai.APIStatusError, openai.APITimeoutError) as error:
                if not _worth_retrying(error):
                    raise LlmError(_explain(error, settings, client)) from None
                if attempt == settings.retries:
                    raise LlmError(
                        f"{settings.url} still failing after {attempt + 1} tries: "
                        f"{_describe(error)}"
                    ) from None
                self.stats.add(retried=1)
                self._stop.wait(_delay(error, settings.backoff, attempt))
            except openai.APIError as error:
                raise LlmError(_explain(error, settings, client)) from None
            else:
                entry = _entry(completion, settings.model)
                self.stats.add(tokens_in=entry.tokens_in, tokens_out=entry.tokens_out)
                self.lock.put(key, entry)
                return


RETRIED = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses another try may cure: time-outs, rate limits, a server or gateway down.
Other 5xx (501 Not Implemented, 505 …) say the request itself cannot succeed."""


def _worth_retrying(error: Exception) -> bool:
    """Return whether an error may pass if the same request is sent again."""
    status = getattr(error, "status_code", None)
    return status is None or status in RETRIED  # None: a time-out


def _entry(completion: Any, model: str) -> Entry:
    """Return the lock entry of a chat completion."""
    choices = completion.choices or []
    text = (choices[0].message.content or "") if choices else ""
    usage = completion.usage
    return Entry(
        model=model,
        answer=text,
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _delay(error: Exception, backoff: float, attempt: int) -> float:
    """Return how long to wait: the server's `Retry-After`, else exponential back-off."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None) or {}
    millis = headers.get("retry-after-ms")
    seconds = headers.get("retry-after")
    try:
        if millis is not None:
            return min(float(millis) / 1000, MAX_RETRY_AFTER)
        if seconds is not None:
            return min(max(float(seconds), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return min(_http_date_delay(seconds), MAX_RETRY_AFTER)
    return backoff * 2.0**attempt


def _http_date_delay(value: str | None) -> float:
    """Return the seconds until an HTTP date (a `Retry-After` may be one)."""
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value or "")
    except (TypeError, ValueError):
        return 1.0
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def _describe(error: Exception) -> str:
    """Return a short description of an API error (status and server message)."""
    status = getattr(error, "status_code", None)
    body = getattr(error, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    text = message or getattr(error, "message", None) or type(error).__name__
    return f"{status} {text}" if status else str(text)


def _served_models(client: Any) -> list[str]:
    """Return the models the endpoint lists at `/models` (none if it cannot say)."""
    import openai

    try:
        return sorted(m.id for m in client.models.list())[:12]
    except (openai.OpenAIError, AttributeError, TypeError):
        return []


def _explain(error: Exception, settings: Settings, client: Any = None) -> str:
    """Return the one-line explanation of an error not worth retrying."""
    import openai

    url, model = settings.url, settings.model
    if isinstance(error, openai.APIConnectionError):
        return f"cannot reach the LLM endpoint at {url}: is it running? ({error})"
    if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return (
            f"the LLM endpoint at {url} rejected the API key "
            f"({_describe(error)}); check OPENAI_API_KEY"
        )
    if isinstance(error, openai.NotFoundError):
        served = _served_models(client)
        return (
            f"the LLM endpoint at {url} does not know model `{model}` "
            f"({_describe(error)}); set --model or [llm] model"
            + (f" (it serves: {', '.join(served)})" if served else "")
        )
    return f"the LLM endpoint at {url} refused the request: {_describe(error)}"
