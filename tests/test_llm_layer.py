"""The LLM layer against a real HTTP server: lock, retries, bound, errors, budget."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from pathlib import Path

import pytest

from conftest import TEST_API_KEY
from specc import config
from specc.llm import client as llm
from specc.llm.lock import Lock


def _client(tmp_path: Path, **overrides: object) -> llm.Client:
    settings = llm.Settings.resolve(config.LlmConfig(model="test-model", backoff=0.05))
    settings = dataclasses.replace(settings, **overrides)
    return llm.Client(settings, Lock.load(tmp_path / "specc.lock"))


def _ask(text: str, artifact: str = "docs/demo") -> llm.Request:
    return llm.Request(artifact, [{"role": "user", "content": text}], rule="r1")


def test_answers_come_back_in_order_and_are_recorded(llm_server, tmp_path):
    llm_server.reply_with(lambda body: "echo " + body["messages"][0]["content"])
    client = _client(tmp_path)
    answers = client.complete_many([_ask(f"q{i}") for i in range(5)])
    assert [a.text for a in answers] == [f"echo q{i}" for i in range(5)]
    assert client.stats.sent == 5 and client.stats.from_lock == 0
    assert client.stats.tokens_in == 5 and client.stats.tokens_out == 10
    assert all(r.authorization == f"Bearer {TEST_API_KEY}" for r in llm_server.log)


def test_a_warm_lock_answers_without_requests(llm_server, tmp_path):
    llm_server.reply("first")
    client = _client(tmp_path)
    client.complete_many([_ask("a"), _ask("b")])
    client.lock.save({"docs/demo"})
    sent = len(llm_server.log)
    llm_server.reply("second", times=None)  # would differ, were it asked
    again = _client(tmp_path)
    answers = again.complete_many([_ask("a"), _ask("b")])
    assert [a.text for a in answers] == ["first", "first"]
    assert all(a.from_lock for a in answers)
    assert len(llm_server.log) == sent and again.stats.from_lock == 2
    assert again.lock.save({"docs/demo"}) is False  # identical bytes


def test_lock_is_sorted_json_without_the_key_and_prunes_unused(llm_server, tmp_path):
    client = _client(tmp_path)
    client.complete_many([_ask("a"), _ask("b", "podcast/demo")])
    client.lock.save({"docs/demo", "podcast/demo"})
    text = (tmp_path / "specc.lock").read_text()
    data = json.loads(text)
    assert list(data["answers"]) == sorted(data["answers"])
    assert set(data["artifacts"]) == {"docs/demo", "podcast/demo"}
    assert TEST_API_KEY not in text
    later = _client(tmp_path)
    later.complete_many([_ask("a")])
    later.lock.save({"docs/demo", "podcast/demo"})  # podcast/demo used nothing now
    data = json.loads((tmp_path / "specc.lock").read_text())
    assert set(data["artifacts"]) == {"docs/demo"} and len(data["answers"]) == 1
    outside = _client(tmp_path)
    outside.lock.save({"rust/other"})  # out of scope: docs/demo is kept
    assert len(json.loads((tmp_path / "specc.lock").read_text())["answers"]) == 1


def test_frozen_never_calls_out(llm_server, tmp_path):
    client = _client(tmp_path)
    client.frozen = True
    with pytest.raises(llm.FrozenMissing) as caught:
        client.complete_many([_ask("a"), _ask("b", "podcast/x")])
    assert {r.artifact for r in caught.value.requests} == {"docs/demo", "podcast/x"}
    assert llm_server.log == []


def test_retries_recover_from_429_and_500(llm_server, tmp_path):
    llm_server.fail(429, times=1, retry_after="0")
    llm_server.fail(500, times=2)
    llm_server.reply("fine")
    client = _client(tmp_path)
    assert client.complete(_ask("x")).text == "fine"
    assert [r.status for r in llm_server.log] == [429, 500, 500, 200]
    assert client.stats.retried == 3 and client.stats.sent == 1
    gaps = [b.started - a.ended for a, b in itertools.pairwise(llm_server.log)]
    # Retry-After: 0 is honoured, then back-off doubles: 0.1 s, 0.2 s.
    # (Only lower bounds: a loaded machine may add delay, never remove it.)
    assert gaps[1] >= 0.09 and gaps[2] >= 0.19 and gaps[0] < gaps[2]


def test_retry_after_is_honoured(llm_server, tmp_path):
    llm_server.fail(429, times=1, retry_after="1")
    client = _client(tmp_path, backoff=0.0)
    assert client.complete(_ask("x")).text == "OK"
    first, second = llm_server.log
    assert second.started - first.ended >= 0.95


def test_retries_give_up_with_one_line(llm_server, tmp_path):
    llm_server.fail(503, times=10, retry_after="0")
    client = _client(tmp_path, retries=2)
    with pytest.raises(llm.LlmError) as caught:
        client.complete(_ask("x"))
    assert "still failing after 3 tries" in str(caught.value)
    assert "\n" not in str(caught.value) and len(llm_server.log) == 3


@pytest.mark.parametrize("status", [501, 505, 400])
def test_an_error_no_retry_can_cure_is_not_retried(llm_server, tmp_path, status):
    llm_server.fail(status, times=10)
    client = _client(tmp_path)
    with pytest.raises(llm.LlmError) as caught:
        client.complete(_ask("x"))
    assert len(llm_server.log) == 1 and client.stats.retried == 0
    assert f"refused the request: {status} injected {status}" in str(caught.value)


def test_the_run_line_counts_in_words(llm_server, tmp_path):
    client = _client(tmp_path)
    client.complete(_ask("x"))
    assert client.stats.summary().startswith("llm: 1 request sent, 0 answered")
    client.complete_many([_ask("y"), _ask("z")])
    assert client.stats.summary().startswith("llm: 3 requests sent, 0 answered")


def test_without_a_model_the_default_is_the_configured_one():
    """`specc config` shows the model a run asks, even when none was set."""
    assert config.LlmConfig().model == "gpt-4o-mini"
    assert llm.Settings.resolve(config.LlmConfig(), environ={}).model == "gpt-4o-mini"


def test_timeouts_are_retried(llm_server, tmp_path):
    llm_server.delay = 0.5
    client = _client(tmp_path, timeout=0.2, retries=1)
    with pytest.raises(llm.LlmError, match="still failing after 2 tries"):
        client.complete(_ask("x"))


def test_concurrency_holds_its_bound(llm_server, tmp_path):
    # Long enough a delay that a busy machine's overhead per request (the
    # client's and the server's work on two shared cores) stays well inside it.
    llm_server.delay = 0.15
    client = _client(tmp_path, concurrency=4)
    started = time.monotonic()
    client.complete_many([_ask(f"q{i}") for i in range(24)])
    elapsed = time.monotonic() - started
    assert llm_server.peak_in_flight() == 4 and llm_server.peak == 4
    assert elapsed < 24 * 0.15  # really concurrent: one at a time takes 3.6 s


def test_budget_stops_before_sending(llm_server, tmp_path):
    client = _client(tmp_path)
    client.max_requests = 3
    client.complete_many([_ask("a"), _ask("b")])
    with pytest.raises(llm.BudgetExceeded, match="--max-requests 3"):
        client.complete_many([_ask("c"), _ask("d")])
    assert len(llm_server.log) == 2


def test_json_response_format_is_sent(llm_server, tmp_path):
    llm_server.reply_with(lambda body: json.dumps({"format": body["response_format"]}))
    client = _client(tmp_path)
    request = llm.Request(
        "evals/x",
        [{"role": "user", "content": "q"}],
        response_format={"type": "json_object"},
    )
    assert client.complete(request).json() == {"format": {"type": "json_object"}}


def test_endpoint_down_is_one_line(tmp_path):
    import socket

    # Bound but not listening: refused, and no other test can take the port meanwhile.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}/v1"
        client = _client(tmp_path, base_url=url, api_key="k")
        with pytest.raises(
            llm.LlmError, match="cannot reach the LLM endpoint"
        ) as caught:
            client.complete(_ask("x"))
    assert "\n" not in str(caught.value)


def test_wrong_key_and_unknown_model_are_one_line(llm_server, tmp_path):
    with pytest.raises(llm.LlmError, match="rejected the API key"):
        _client(tmp_path, api_key="sk-wrong").complete(_ask("x"))
    with pytest.raises(llm.LlmError, match="does not know model `nope`"):
        _client(tmp_path, model="nope").complete(_ask("x"))


def test_settings_precedence(monkeypatch):
    cfg = config.LlmConfig(base_url="http://cfg/v1", model="cfg-model", concurrency=3)
    env = {"OPENAI_BASE_URL": "http://env/v1", "OPENAI_API_KEY": "k"}
    settings = llm.Settings.resolve(cfg, model="flag-model", concurrency=5, environ=env)
    assert (settings.base_url, settings.model, settings.concurrency) == (
        "http://env/v1",
        "flag-model",
        5,
    )
    assert "api_key" not in repr(settings)
    bare = llm.Settings.resolve(config.LlmConfig(), environ={})
    assert not bare.configured and bare.concurrency == 8


def test_config_problems_point_at_their_line(tmp_path):
    (tmp_path / "specc.toml").write_text(
        '# project\n[llm]\nmodel = "m"\nconcurency = 4\ntemperature = "hot"\n'
    )
    loaded, problems = config.load(tmp_path)
    found = [(d.code, d.span.line, d.message) for d in problems]
    assert found == [
        ("E121", 4, "unknown key `llm.concurency`"),
        (
            "E122",
            5,
            "`llm.temperature`: Input should be a valid number, unable to parse string as a number",
        ),
    ]
    (tmp_path / "specc.toml").write_text('[llm]\nmodel = "m"\nmodel = "n"\n')
    _, problems = config.load(tmp_path)
    assert [(d.code, d.span.line) for d in problems] == [("E120", 3)]
    (tmp_path / "specc.toml").write_text("llm = true\n")
    assert config.load(tmp_path)[0].llm.enabled is True


def test_a_fatal_failure_stops_the_others_retrying(llm_server, tmp_path):
    llm_server.fail(429, times=1, retry_after="30", when="slow")
    llm_server.fail(400, times=1, when="bad")
    llm_server.delay = 0.2  # both are in flight before either answers
    client = _client(tmp_path)
    started = time.monotonic()
    with pytest.raises(llm.LlmError, match="refused the request: 400"):
        client.complete_many([_ask("slow"), _ask("bad")])
    assert time.monotonic() - started < 10
    assert len(llm_server.log) == 2  # the 429 was not retried
    with pytest.raises(llm.LlmError, match="refused"):  # the run does not ask again
        client.complete(_ask("other"))
    assert len(llm_server.log) == 2
