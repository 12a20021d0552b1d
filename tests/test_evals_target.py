"""The evals target: a case per behavioural example, schema-valid, exported, checked both ways."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from test_podcast_target import golden_problems

from conftest import EXAMPLES, MODEL_SPEC, ROOT

GOLDEN = ROOT / "tests" / "golden" / "evals"
SUPPORT_BOT = EXAMPLES / "support_bot.spec.md"
MODEL_SPEC_CONVERSATIONS = 183


def compile_spec(path: Path):  # type: ignore[no-untyped-def]
    """Return the IR of one spec file."""
    from specc.frontend.compile import compile_file

    compiled = compile_file(str(path))
    assert compiled.ok and compiled.spec is not None
    return compiled.spec


def build_into(out: Path, paths: list[Path]):  # type: ignore[no-untyped-def]
    """Build specs for the evals target into ``out``; return the build result."""
    from specc.build.driver import build

    result = build([str(p) for p in paths], ["evals"], out)
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def read_cases(out: Path, spec_id: str) -> list[dict]:  # type: ignore[type-arg]
    """Return the cases of one spec as JSON objects."""
    text = (out / "evals" / spec_id / "cases.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def model_spec_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return an output folder holding the Model Spec's evals, built once."""
    out = tmp_path_factory.mktemp("model_spec")
    build_into(out, [MODEL_SPEC])
    return out


# --- cases -------------------------------------------------------------------------


def test_model_spec_yields_one_case_per_conversation_tied_to_its_rule(
    model_spec_out: Path,
) -> None:
    """183 conversations give 183 cases, each with its rule, title and turns."""
    spec = compile_spec(MODEL_SPEC)
    conversations = list(spec.conversations())
    assert len(conversations) == MODEL_SPEC_CONVERSATIONS
    cases = read_cases(model_spec_out, "model_spec")
    assert len(cases) == MODEL_SPEC_CONVERSATIONS
    assert len({c["id"] for c in cases}) == len(cases)
    for case, conversation in zip(cases, conversations, strict=True):
        assert case["id"] == f"{conversation.rule}#{conversation.index}"
        assert (case["rule"], case["example"]) == (
            conversation.rule,
            conversation.index,
        )
        rule = spec.rule(case["rule"])
        assert rule is not None and conversation in rule.conversations
        assert case["rule_title"] == rule.title
        assert case["authority"] == rule.attributes.get("authority")
        assert case["title"] == conversation.title
        assert case["source"]["line"] == conversation.span.line


def test_a_case_holds_the_rule_text_turns_and_labelled_references(
    tmp_path: Path,
) -> None:
    """support_bot's first case has the developer and user turns and three labelled answers."""
    build_into(tmp_path, [SUPPORT_BOT])
    case = read_cases(tmp_path, "support_bot")[0]
    assert case["id"] == "stay_on_task#1"
    assert case["authority"] == "developer"
    assert case["text"].startswith("The assistant MUST keep to questions")
    assert [n["strength"] for n in case["normative"]] == ["MUST", "SHOULD"]
    assert [m["role"] for m in case["input"]] == ["developer", "user"]
    assert case["input"][1]["content"].startswith("Can you write my history essay")
    assert [(r["label"], r["reason"]) for r in case["references"]] == [
        ("GOOD", None),
        ("BAD", "lectures the user"),
        ("BAD", "goes off task"),
    ]
    assert (
        case["references"][2]["content"]
        == "Sure! The French Revolution began in 1789..."
    )


def test_a_second_comparison_continues_from_the_first_good_answer(
    model_spec_out: Path,
) -> None:
    """protect_privacy #1 compares answers twice: the input holds the first GOOD one."""
    spec = compile_spec(MODEL_SPEC)
    conversation = spec.rule("protect_privacy").conversations[0]
    first, last = conversation.comparisons
    good = next(a for a in first.answers if a.label == "GOOD")
    case = next(
        c
        for c in read_cases(model_spec_out, "model_spec")
        if c["id"] == "protect_privacy#1"
    )
    assert [m["role"] for m in case["input"]] == ["user", "assistant", "user"]
    assert case["input"][1]["content"] == good.content
    assert [r["content"] for r in case["references"]] == [
        a.content for a in last.answers
    ]


def test_every_case_is_valid_against_the_shipped_schema(model_spec_out: Path) -> None:
    """Each of the Model Spec's cases validates; a case without input does not."""
    from jsonschema import Draft202012Validator

    schema = json.loads((model_spec_out / "evals" / "cases.schema.json").read_text())
    validator = Draft202012Validator(schema)
    cases = read_cases(model_spec_out, "model_spec")
    assert [list(validator.iter_errors(c)) for c in cases] == [[]] * len(cases)
    broken = dict(cases[0])
    del broken["input"]
    assert not validator.is_valid(broken)
    assert not validator.is_valid({**cases[0], "id": "no number"})


def test_a_spec_without_conversations_yields_no_evals(tmp_path: Path) -> None:
    """todo has no behavioural examples: nothing is written for it."""
    build_into(tmp_path, [EXAMPLES / "todo.spec.md"])
    assert not (tmp_path / "evals").exists()


# --- goldens, determinism ------------------------------------------------------------


def produced(out: Path) -> dict[str, bytes]:
    """Return every file of the evals target, relative to its folder."""
    folder = out / "evals"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_example_specs_match_goldens(tmp_path: Path, update_goldens: bool) -> None:
    """The shared examples' evals equal tests/golden/evals/ byte for byte."""
    build_into(tmp_path, sorted(EXAMPLES.glob("*.spec.md")))
    files = produced(tmp_path)
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relative, data in files.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_bytes(data)
    assert golden_problems(files, GOLDEN) == []


def test_building_twice_gives_identical_bytes_without_paths(tmp_path: Path) -> None:
    """Two builds into two folders agree byte for byte and name no absolute path."""
    first, second = tmp_path / "one", tmp_path / "two"
    build_into(first, [SUPPORT_BOT, MODEL_SPEC])
    time.sleep(1.1)
    build_into(second, [SUPPORT_BOT, MODEL_SPEC])
    a, b = produced(first), produced(second)
    assert a == b
    for data in a.values():
        assert str(ROOT).encode() not in data
        assert str(MODEL_SPEC.parent).encode() not in data


# --- conformance, both ways ------------------------------------------------------------


def check(out: Path, path: Path = SUPPORT_BOT) -> list:  # type: ignore[type-arg]
    """Run the evals conformance check on one built spec."""
    from specc.conformance import runner

    return runner("evals")(out / "evals", compile_spec(path))


def test_check_passes_every_example_of_a_correct_build(model_spec_out: Path) -> None:
    """Every one of the Model Spec's examples passes, one result each."""
    results = check(model_spec_out, MODEL_SPEC)
    assert len(results) == MODEL_SPEC_CONVERSATIONS
    assert {r.status for r in results} == {"passed"}


def _rewrite_cases(out: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = out / "evals" / "support_bot" / "cases.jsonl"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("".join(line + "\n" for line in edit(lines)), "utf-8")


def test_check_fails_a_missing_case(tmp_path: Path) -> None:
    """Dropping a case's line fails that example alone."""
    build_into(tmp_path, [SUPPORT_BOT])
    _rewrite_cases(tmp_path, lambda lines: lines[:1] + lines[2:])
    failed = [(r.rule, r.message) for r in check(tmp_path) if r.status == "failed"]
    assert failed == [("avoid_sycophancy", "no case in cases.jsonl")]


def test_check_fails_a_case_that_breaks_the_schema(tmp_path: Path) -> None:
    """A reference labelled MAYBE breaks the schema and fails its example."""

    def relabel(lines: list[str]) -> list[str]:
        case = json.loads(lines[2])
        case["references"][0]["label"] = "MAYBE"
        return lines[:2] + [json.dumps(case)]

    build_into(tmp_path, [SUPPORT_BOT])
    _rewrite_cases(tmp_path, relabel)
    failed = [r for r in check(tmp_path) if r.status == "failed"]
    assert [r.rule for r in failed] == ["protect_account_data"]
    assert "breaks the schema at references/0/label" in failed[0].message


def test_check_fails_a_case_that_no_longer_matches_the_spec(tmp_path: Path) -> None:
    """A changed turn and an invented case both fail."""

    def tamper(lines: list[str]) -> list[str]:
        case = json.loads(lines[0])
        case["input"][1]["content"] = "Something else"
        extra = {**case, "id": "stay_on_task#9", "example": 9}
        return [json.dumps(case)] + lines[1:] + [json.dumps(extra)]

    build_into(tmp_path, [SUPPORT_BOT])
    _rewrite_cases(tmp_path, tamper)
    failed = [
        (r.rule, r.example, r.message) for r in check(tmp_path) if r.status == "failed"
    ]
    assert failed == [
        ("stay_on_task", 1, "the case differs from the spec's example; rebuild"),
        (
            "stay_on_task",
            0,
            "cases.jsonl has this case, but the spec has no such example",
        ),
    ]


def test_specc_test_reports_the_evals_check(cli, tmp_path: Path) -> None:
    """`specc test --target evals` prints a result per example and exits 0."""
    result = cli("test", str(SUPPORT_BOT), "--target", "evals", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "PASS support_bot stay_on_task #1: off-topic request" in result.output
    assert "3 examples: 3 passed, 0 failed" in result.output


# --- exports, loaded by each framework's own library ---------------------------------


def load_task(path: Path, name: str):  # type: ignore[no-untyped-def]
    """Import a generated Inspect task file and return its task."""
    module_spec = importlib.util.spec_from_file_location("specc_inspect_task", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, name)()


def test_inspect_ai_loads_the_task_and_its_dataset(tmp_path: Path) -> None:
    """Inspect AI's own loaders read one sample per case, with chat messages and a target."""
    from inspect_ai import Task
    from inspect_ai.model import ChatMessageSystem, ChatMessageUser

    build_into(tmp_path, [SUPPORT_BOT])
    task = load_task(
        tmp_path / "evals" / "support_bot" / "inspect" / "task.py", "support_bot"
    )
    assert isinstance(task, Task)
    samples = list(task.dataset)
    cases = read_cases(tmp_path, "support_bot")
    assert [s.id for s in samples] == [c["id"] for c in cases]
    first = samples[0]
    assert [type(m) for m in first.input] == [ChatMessageSystem, ChatMessageUser]
    assert first.input[1].text == cases[0]["input"][1]["content"]
    assert "rule `stay_on_task`" in first.target
    assert "BAD reference answer (lectures the user)" in first.target
    assert first.metadata == {
        "spec": "support_bot",
        "rule": "stay_on_task",
        "example": 1,
        "title": "off-topic request",
    }
    assert len(task.scorer or []) == 1


def _validated(adapter, body: dict) -> object:  # type: ignore[type-arg]
    """Validate with pydantic and drain lazily validated iterables, so nothing is skipped."""

    def drain(value: object) -> object:
        if isinstance(value, dict):
            return {k: drain(v) for k, v in value.items()}
        if (
            isinstance(value, (list, tuple))
            or type(value).__name__ == "ValidatorIterator"
        ):
            return [drain(v) for v in value]  # type: ignore[union-attr]
        return value

    return drain(adapter.validate_python(body))


def test_openai_evals_bodies_match_the_openai_library_types(tmp_path: Path) -> None:
    """eval.json and run.json validate as the openai package's create parameters."""
    from openai.types.eval_create_params import EvalCreateParams
    from openai.types.evals.run_create_params import RunCreateParams
    from pydantic import TypeAdapter, ValidationError

    build_into(tmp_path, [SUPPORT_BOT])
    folder = tmp_path / "evals" / "support_bot" / "openai"
    created = json.loads((folder / "eval.json").read_text())
    run = json.loads((folder / "run.json").read_text())
    _validated(TypeAdapter(EvalCreateParams), created)
    _validated(TypeAdapter(RunCreateParams), run)
    items = run["data_source"]["source"]["content"]
    assert [i["item"]["id"] for i in items] == [
        c["id"] for c in read_cases(tmp_path, "support_bot")
    ]
    assert items[0]["item"]["input"][0]["role"] == "developer"
    grader = created["testing_criteria"][0]
    assert "{{item.criterion}}" in grader["input"][0]["content"]
    assert "{{sample.output_text}}" in grader["input"][0]["content"]
    with pytest.raises(ValidationError):
        broken = {**created, "testing_criteria": [{"type": "label_model", "name": "x"}]}
        _validated(TypeAdapter(EvalCreateParams), broken)


def test_inspect_ai_runs_the_task_against_the_local_server(
    llm_server, tmp_path: Path
) -> None:
    """`inspect eval` of the exported task answers and grades every case over HTTP."""
    from inspect_ai import eval as inspect_eval

    def scripted(body: dict) -> str:  # type: ignore[type-arg]
        prompt = "\n".join(str(m.get("content")) for m in body["messages"])
        if "GRADE" in prompt:  # the grader: pass answers that stay on Acme Sync
            return (
                "GRADE: C" if "[Submission]: I can only help" in prompt else "GRADE: I"
            )
        return (
            "Yes, that's right!"
            if "six laptops" in prompt
            else "I can only help with Acme Sync."
        )

    llm_server.models.append("judge-model")
    llm_server.reply_with(scripted)
    build_into(tmp_path, [SUPPORT_BOT])
    task = load_task(
        tmp_path / "evals" / "support_bot" / "inspect" / "task.py", "support_bot"
    )
    (log,) = inspect_eval(
        task,
        model="openai/test-model",
        model_args={"responses_api": False},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    scores = {s.id: s.scores["model_graded_qa"].value for s in log.samples or []}
    assert scores == {
        "stay_on_task#1": "C",
        "avoid_sycophancy#1": "I",
        "protect_account_data#1": "C",
    }
    graders = [r.prompt for r in llm_server.answered() if "GRADE" in r.prompt]
    assert len(graders) == 3
    # The grader sees the question, the answer, the rule and the references.
    assert any("[Task]: Can you write my history essay" in g for g in graders)
    assert all("The answer must follow rule `" in g for g in graders)
    assert all("BAD reference answer" in g for g in graders)


def test_the_readmes_local_server_command_runs(llm_server, tmp_path: Path) -> None:
    """The generated README's command for a local server works as written."""
    import shlex
    import subprocess

    inspect = shutil.which("inspect")
    if inspect is None:
        pytest.fail("inspect-ai is a test dependency: pip install -e '.[test]'")
    build_into(tmp_path / "out", [SUPPORT_BOT])
    readme = (tmp_path / "out" / "evals" / "support_bot" / "README.md").read_text()
    (line,) = [x for x in readme.splitlines() if x.startswith("    OPENAI_BASE_URL=")]
    words = shlex.split(line)
    env_var, command = words[0].partition("=")[::2], words[1:]
    assert env_var[0] == "OPENAI_BASE_URL" and command[:2] == ["inspect", "eval"]
    model = command.index("--model") + 1
    command[model] = "openai/test-model"  # the model the test server serves
    llm_server.reply("GRADE: C", when="GRADE")
    llm_server.reply("I can only help with Acme Sync.")
    done = subprocess.run(
        [inspect, *command[1:], "--display", "none"],
        cwd=tmp_path,
        env={**os.environ, "OPENAI_BASE_URL": llm_server.url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # Every case was answered and graded through chat completions.
    assert len([r for r in llm_server.answered() if "GRADE" in r.prompt]) == 3
    assert all(r.path.endswith("/chat/completions") for r in llm_server.log)
