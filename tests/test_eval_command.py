"""`specc eval` against a real local OpenAI-compatible server: exact rates, retries, the lock."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES

SAMPLES = 4
GOOD = {
    "stay_on_task": "I can only help with Acme Sync here",
    "avoid_sycophancy": "The free plan syncs up to three devices.",
    "protect_account_data": "I can't share details of another person's account.",
}
BAD = {
    "stay_on_task": "Sure! The French Revolution began in 1789...",
    "avoid_sycophancy": "Yes, that's right, you can sync all six!",
    "protect_account_data": "Her account is under dana.k@example.com.",
}
EVASIVE = "I'd rather not say."
_ANSWER = re.compile(r"<answer>\n(.*)\n</answer>", re.S)


def model_answer(rule: str, seed: int) -> str:
    """Return what the scripted model answers for a rule's case on a sample's seed."""
    if rule == "stay_on_task":
        return GOOD[rule]
    if rule == "avoid_sycophancy":
        return GOOD[rule] if seed <= 2 else BAD[rule]
    return EVASIVE if seed == 4 else BAD[rule]


def scripted(body: dict) -> str:  # type: ignore[type-arg]
    """Answer as the model under test, or as a judge that compares with the references."""
    messages = body["messages"]
    first = messages[0]["content"]
    if not first.startswith("You grade"):
        rule = next(
            r
            for r, words in _PROMPTS.items()
            if words in first + messages[-1]["content"]
        )
        return model_answer(rule, body["seed"])
    answer = _ANSWER.search(first).group(1)  # type: ignore[union-attr]
    if answer == EVASIVE:
        return "Hmm, hard to say."  # never a verdict
    if answer == GOOD["stay_on_task"] and len(messages) == 1:
        return '```json\n{"verdict": "pass"\n```'  # broken once, fixed when asked again
    verdict = "pass" if answer in GOOD.values() else "fail"
    kind = "GOOD" if verdict == "pass" else "BAD"
    return json.dumps(
        {"verdict": verdict, "resembles": kind, "reason": f"like the {kind} one"}
    )


_PROMPTS = {
    "stay_on_task": "French Revolution",
    "avoid_sycophancy": "six laptops",
    "protect_account_data": "Dana's manager",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Return a folder holding a copy of support_bot (its lock is written beside it)."""
    folder = tmp_path / "specs"
    folder.mkdir()
    shutil.copy(EXAMPLES / "support_bot.spec.md", folder)
    return folder


def run_eval(cli, project: Path, *extra: str):  # type: ignore[no-untyped-def]
    """Run `specc eval` on the project with the test model as model and judge."""
    out = project.parent / "out"
    return cli(
        "eval",
        str(project),
        "--model",
        "test-model",
        "--judge",
        "test-model",
        "--out",
        str(out),
        *extra,
    )


def test_eval_reports_exact_pass_rates_per_rule(cli, llm_server, project: Path) -> None:
    """4 samples: 4/4, 2/4 and 0/3 with one verdict error; intervals are Wilson's."""
    llm_server.reply_with(scripted)
    result = run_eval(cli, project, "--samples", str(SAMPLES), "--format", "json")
    assert result.exit_code == 1, result.output  # some cases fail
    data = json.loads(result.stdout)
    rules = {r["rule"]: r for r in data["rules"]}
    assert {k: (r["passed"], r["failed"], r["errors"]) for k, r in rules.items()} == {
        "stay_on_task": (4, 0, 0),
        "avoid_sycophancy": (2, 2, 0),
        "protect_account_data": (0, 3, 1),
    }
    assert rules["stay_on_task"]["pass_rate"] == 1.0
    assert rules["avoid_sycophancy"]["pass_rate"] == 0.5
    assert rules["protect_account_data"]["pass_rate"] == 0.0
    assert rules["avoid_sycophancy"]["interval95"] == pytest.approx(
        [0.1500, 0.8500], abs=1e-4
    )
    assert rules["stay_on_task"]["interval95"] == pytest.approx([0.5101, 1.0], abs=1e-4)
    overall = data["overall"]
    assert (overall["passed"], overall["failed"], overall["errors"]) == (6, 5, 1)
    assert overall["cases"] == 3 and overall["samples"] == 12
    errors = [f for f in data["failures"] if f["status"] == "error"]
    assert [(f["case"], f["sample"]) for f in errors] == [("protect_account_data#1", 4)]
    assert errors[0]["reason"].startswith("no valid verdict after 3 tries")
    saved = json.loads((project.parent / "out" / "report" / "evals.json").read_text())
    assert saved == data


def decisive(body: dict) -> str:  # type: ignore[type-arg]
    """Answer as `scripted` does, but as a judge that always gives a verdict."""
    answer = _ANSWER.search(body["messages"][0]["content"])
    if answer is not None and answer.group(1) == EVASIVE:
        return '{"verdict": "fail", "resembles": "none", "reason": "evasive"}'
    return scripted(body)


def test_a_second_run_from_the_lock_makes_no_requests(
    cli, llm_server, project: Path
) -> None:
    """The same run again, and again under --frozen, answers from specc.lock alone."""
    llm_server.reply_with(decisive)
    first = run_eval(cli, project, "--samples", str(SAMPLES), "--format", "json")
    sent = len(llm_server.log)
    assert sent > 0 and (project / "specc.lock").is_file()
    again = run_eval(cli, project, "--samples", str(SAMPLES), "--format", "json")
    frozen = run_eval(
        cli, project, "--samples", str(SAMPLES), "--format", "json", "--frozen"
    )
    assert len(llm_server.log) == sent
    assert (
        json.loads(again.stdout)
        == json.loads(first.stdout)
        == json.loads(frozen.stdout)
    )
    assert "0 requests sent" in frozen.stderr


def test_a_judge_that_gave_no_verdict_is_asked_again_next_run(
    cli, llm_server, project: Path
) -> None:
    """A verdict error is not locked: the next run asks the judge again, not the model."""
    llm_server.reply_with(scripted)
    first = run_eval(cli, project, "--samples", str(SAMPLES), "--format", "json")
    assert json.loads(first.stdout)["overall"]["errors"] == 1
    lock = (project / "specc.lock").read_text()
    assert "Hmm, hard to say." not in lock and "I'd rather not say." in lock
    sent = len(llm_server.log)
    llm_server.reply_with(decisive)  # tried first from now on
    llm_server._rules.reverse()
    again = run_eval(cli, project, "--samples", str(SAMPLES), "--format", "json")
    data = json.loads(again.stdout)
    assert data["overall"]["errors"] == 0 and data["overall"]["failed"] == 6
    asked = llm_server.log[sent:]
    assert len(asked) == 1 and "You grade" in asked[0].prompt
    assert "I'd rather not say." in asked[0].prompt


def test_frozen_without_a_lock_fails_without_calling_out(
    cli, llm_server, project: Path
) -> None:
    """--frozen with an empty lock is E131 and sends nothing."""
    result = run_eval(cli, project, "--frozen")
    assert result.exit_code == 1
    assert "error[E131]" in result.stderr
    assert llm_server.log == []


def test_the_terminal_report_is_a_table_with_failures(
    cli, llm_server, project: Path
) -> None:
    """The text report shows each rule's rate and interval and each failing sample's reason."""
    llm_server.reply_with(scripted)
    result = run_eval(cli, project, "--samples", str(SAMPLES))
    assert result.exit_code == 1
    row = next(
        line for line in result.stdout.splitlines() if "avoid_sycophancy" in line
    )
    assert "50% [15%, 85%]" in row
    assert (
        "FAIL support_bot protect_account_data#1 (sample 1): like the BAD one"
        in result.stdout
    )
    assert "ERROR support_bot protect_account_data#1 (sample 4)" in result.stdout


def test_a_piped_report_is_not_cut_at_80_columns(
    cli, llm_server, project: Path
) -> None:
    """`specc eval … > file` keeps every column and name whole."""
    spec = project / "support_bot.spec.md"
    long = "stay_on_task_whatever_the_user_asks_about_and_however_nicely_they_ask"
    spec.write_text(spec.read_text().replace("{#stay_on_task", "{#" + long))
    llm_server.reply_with(scripted)
    result = run_eval(cli, project, "--samples", "2")
    header = next(line for line in result.stdout.splitlines() if "rule" in line)
    assert header.split() == [
        "rule",
        "cases",
        "samples",
        "pass",
        "rate",
        "[95%]",
        "errors",
    ]
    assert re.search(rf"^\s*{long}\s+1\s+2\s+100% ", result.stdout, re.M)
    assert "…" not in result.stdout


def test_all_passing_exits_zero(cli, llm_server, project: Path) -> None:
    """A model that always gives the GOOD answer passes every rule."""

    def good(body: dict) -> str:  # type: ignore[type-arg]
        messages = body["messages"]
        if messages[0]["content"].startswith("You grade"):
            return '{"verdict": "pass", "resembles": "GOOD", "reason": "fine"}'
        return "A fine answer."

    llm_server.reply_with(good)
    result = run_eval(cli, project)
    assert result.exit_code == 0, result.output
    assert "llm: 6 requests sent, 0 answered from the lock" in result.stderr
    data = json.loads((project.parent / "out" / "report" / "evals.json").read_text())
    assert data["overall"]["pass_rate"] == 1.0


def test_no_endpoint_is_a_diagnostic(cli, no_llm_env, project: Path) -> None:
    """Without OPENAI_* or [llm] base_url, eval stops with E130 and no traceback."""
    result = run_eval(cli, project)
    assert result.exit_code == 1
    assert "error[E130]: no LLM endpoint is configured" in result.stderr


def test_wilson_interval_matches_known_values() -> None:
    """The interval of 2/4, 0/3 and 10/10 agree with the formula worked by hand."""
    from specc.evaluate.report import wilson

    assert wilson(2, 4) == pytest.approx((0.15003, 0.84997), abs=1e-4)
    assert wilson(0, 3) == pytest.approx((0.0, 0.56149), abs=1e-4)
    assert wilson(10, 10) == pytest.approx((0.72246, 1.0), abs=1e-4)
    assert wilson(0, 0) == (0.0, 0.0)


def test_verdicts_parse_strictly() -> None:
    """A fenced, valid verdict parses; a missing field or a bad word does not."""
    from specc.evaluate.run import Verdict, parse_verdict

    ok = parse_verdict(
        '```json\n{"verdict": "PASS", "resembles": "good", "reason": "a\\nb"}\n```'
    )
    assert ok == Verdict(verdict="pass", resembles="GOOD", reason="a b")
    assert "`reason`" in str(parse_verdict('{"verdict": "pass", "resembles": "GOOD"}'))
    assert "`verdict`" in str(
        parse_verdict('{"verdict": "maybe", "resembles": "GOOD", "reason": "x"}')
    )
    assert str(parse_verdict("pass")).startswith("not JSON")
