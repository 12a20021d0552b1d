"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests, scriptable per test.

It serves `POST /v1/chat/completions` and `GET /v1/models` from a thread.
Tests script it: canned answers (`reply`), answers chosen by what the prompt
contains (`reply(..., when=...)`) or computed (`reply_with`), injected
failures with `Retry-After` (`fail`), a delay per request, and a log of every
request with its timestamps, from which `peak_in_flight` is measured.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = dict[str, Any]


@dataclass
class Logged:
    """One request the server received: its body, status, and when it ran."""

    path: str
    body: Body
    status: int
    started: float
    ended: float = 0.0
    authorization: str = ""

    @property
    def prompt(self) -> str:
        """Return every message's content joined, to search the prompt."""
        return "\n".join(
            str(m.get("content", "")) for m in self.body.get("messages", [])
        )


@dataclass
class _Rule:
    answer: Callable[[Body], str]
    when: str | None
    times: int | None
    delay: float = 0.0


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: str | None
    when: str | None


@dataclass
class LlmServer:
    """The server's script and log; start it with `start()` (the fixture does)."""

    models: list[str] = field(default_factory=lambda: ["test-model"])
    api_key: str | None = None
    """When set, requests must carry `Authorization: Bearer <api_key>`."""
    delay: float = 0.0
    """Seconds each chat completion takes."""
    default: str = "OK"
    log: list[Logged] = field(default_factory=list)
    _rules: list[_Rule] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _mutex: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: int = 0
    peak: int = 0
    """Most chat completions in flight at once, counted live."""
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """Return the base URL to give the client, ending in `/v1`."""
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reply(
        self,
        answer: str,
        when: str | None = None,
        times: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer ``answer`` to prompts containing ``when`` (any prompt if None).

        Rules are tried in the order they were added; one with ``times`` is
        used that many times, then skipped. ``delay`` holds the answer back
        that many seconds (so a test can act while a request is in flight).
        """
        self.reply_with(lambda body: answer, when, times, delay)

    def reply_with(
        self,
        answer: Callable[[Body], str],
        when: str | None = None,
        times: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer with ``answer(request body)`` to prompts containing ``when``."""
        with self._mutex:
            self._rules.append(_Rule(answer, when, times, delay))

    def in_flight(self) -> int:
        """Return how many chat completions the server is working on now."""
        with self._mutex:
            return self._in_flight

    def fail(
        self,
        status: int,
        times: int = 1,
        retry_after: str | None = None,
        when: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (429, 500, …)."""
        with self._mutex:
            self._failures.append(_Failure(status, times, retry_after, when))

    def completions(self) -> list[Logged]:
        """Return the logged chat completion requests, failed ones included."""
        return [r for r in self.log if r.path.endswith("/chat/completions")]

    def answered(self) -> list[Logged]:
        """Return the chat completion requests that got a 200 answer."""
        return [r for r in self.completions() if r.status == 200]

    def peak_in_flight(self) -> int:
        """Return the most requests that overlapped in time, from the log's timestamps."""
        events = []
        for r in self.completions():
            events += [(r.started, 1), (r.ended, -1)]
        peak = current = 0
        for _, step in sorted(events, key=lambda e: (e[0], e[1])):
            current += step
            peak = max(peak, current)
        return peak

    def start(self) -> LlmServer:
        """Start serving on a free port of 127.0.0.1 in a daemon thread."""
        handler = type("Handler", (_Handler,), {"script": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _next_failure(self, prompt: str) -> _Failure | None:
        with self._mutex:
            for failure in self._failures:
                if failure.times > 0 and (
                    failure.when is None or failure.when in prompt
                ):
                    failure.times -= 1
                    return failure
        return None

    def _answer(self, body: Body, prompt: str) -> str:
        with self._mutex:
            chosen = None
            for rule in self._rules:
                if rule.times == 0 or (
                    rule.when is not None and rule.when not in prompt
                ):
                    continue
                if rule.times is not None:
                    rule.times -= 1
                chosen = rule
                break
        if chosen is None:
            return self.default
        time.sleep(chosen.delay)  # outside the mutex: other requests go on
        return chosen.answer(body)

    def _enter(self) -> None:
        with self._mutex:
            self._in_flight += 1
            self.peak = max(self.peak, self._in_flight)

    def _leave(self) -> None:
        with self._mutex:
            self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    """Serves the OpenAI routes from the `LlmServer` script it is bound to."""

    script: LlmServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the
    # body waits for the client's delayed ACK (40 ms a request), as no real
    # server lets it.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""

    def do_GET(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        if self.path.rstrip("/").endswith("/models"):
            data = [
                {"id": m, "object": "model", "owned_by": "test"}
                for m in self.script.models
            ]
            self._send(200, {"object": "list", "data": data})
        else:
            self._send(404, _error("no such route", "not_found"))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        entry = Logged(
            self.path,
            body,
            0,
            time.monotonic(),
            0.0,
            self.headers.get("Authorization", ""),
        )
        self.script._enter()
        try:
            status, payload, headers = self._complete(body, entry.prompt)
        finally:
            entry.ended = time.monotonic()
            self.script._leave()
        entry.status = status
        with self.script._mutex:
            self.script.log.append(entry)
        self._send(status, payload, headers)

    def _complete(self, body: Body, prompt: str) -> tuple[int, Body, dict[str, str]]:
        script = self.script
        if (
            script.api_key
            and self.headers.get("Authorization") != f"Bearer {script.api_key}"
        ):
            return 401, _error("Incorrect API key provided", "invalid_api_key"), {}
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return 404, _error("no such route", "not_found"), {}
        if body.get("model") not in script.models:
            message = f"The model `{body.get('model')}` does not exist"
            return 404, _error(message, "model_not_found"), {}
        if script.delay:
            time.sleep(script.delay)
        failure = script._next_failure(prompt)
        if failure is not None:
            headers = (
                {"Retry-After": failure.retry_after} if failure.retry_after else {}
            )
            return (
                failure.status,
                _error(f"injected {failure.status}", "injected"),
                headers,
            )
        text = script._answer(body, prompt)
        return 200, _completion(body, prompt, text), {}

    def _authorized(self) -> bool:
        key = self.script.api_key
        if key and self.headers.get("Authorization") != f"Bearer {key}":
            self._send(401, _error("Incorrect API key provided", "invalid_api_key"))
            return False
        return True

    def _send(
        self, status: int, payload: Body, headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away mid-request


def _completion(body: Body, prompt: str, text: str) -> Body:
    """Return a chat completion object as the OpenAI API shapes it."""
    tokens_in, tokens_out = len(prompt.split()), len(text.split())
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }


def _error(message: str, code: str) -> Body:
    return {
        "error": {"message": message, "type": "invalid_request_error", "code": code}
    }
