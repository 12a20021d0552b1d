"""The podcast target: scripts that cover every rule, a check proven both ways, audio."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, MODEL_SPEC, ROOT

GOLDEN = ROOT / "tests" / "golden" / "podcast"
GOLDEN_SPECS = ("todo", "support_bot")
CHECKED = (EXAMPLES / "todo.spec.md", EXAMPLES / "support_bot.spec.md", MODEL_SPEC)


def compile_spec(path: Path):  # type: ignore[no-untyped-def]
    """Return the IR of one spec file."""
    from specc.frontend.compile import compile_file

    compiled = compile_file(str(path))
    assert compiled.ok and compiled.spec is not None
    return compiled.spec


def build_into(out: Path, paths: list[Path], **options: object):  # type: ignore[no-untyped-def]
    """Build specs for the podcast target into ``out``; return the build result."""
    from specc.build.driver import build

    result = build(
        [str(p) for p in paths], ["podcast"], out, options={"podcast": options}
    )
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def load(out: Path, spec_id: str):  # type: ignore[no-untyped-def]
    """Return the built script.json of a spec as the script model."""
    from specc.emitters.podcast.emitter import load_script

    return load_script((out / "podcast" / spec_id / "script.json").read_text("utf-8"))


def rerender(out: Path, spec, script) -> None:  # type: ignore[no-untyped-def]
    """Write an edited script back to disk as both JSON and Markdown."""
    from specc.emitters.podcast.emitter import render_markdown
    from specc.emitters.podcast.script import to_json
    from specc.templating import environment

    folder = out / "podcast" / spec.id
    (folder / "script.json").write_text(to_json(script), "utf-8")
    (folder / "script.md").write_text(
        render_markdown(environment(), spec, script), "utf-8"
    )


def statuses(results) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Return rule ID -> status."""
    return {r.rule: r.status for r in results}


@pytest.fixture(scope="module")
def specs() -> dict:
    """Compile the checked specs once."""
    return {s.id: s for s in (compile_spec(p) for p in CHECKED)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, specs) -> Path:
    """Build todo, support_bot and the Model Spec once, with default options."""
    out = tmp_path_factory.mktemp("podcast") / "out"
    build_into(out, list(CHECKED))
    return out


@pytest.fixture
def copy_of(built: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Return a fresh copy of the module's build, for tests that edit it."""
    target = tmp_path / "out"
    shutil.copytree(built, target)
    return target


# --- the done-when: three specs build and pass their check ----------------------


def test_specs_build_and_pass_their_check_through_the_cli(
    cli, tmp_path: Path, specs
) -> None:
    """`specc test --target podcast` passes every rule of todo, support_bot and the Model Spec."""
    done = cli(
        "test",
        *map(str, CHECKED),
        "--target",
        "podcast",
        "--out",
        str(tmp_path),
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)["results"]
    expected = {(s.id, r.id) for s in map(compile_spec, CHECKED) for r in s.rules()}
    assert {(r["spec"], r["rule"]) for r in rows} == expected
    assert len([r for r in rows if r["spec"] == "model_spec"]) == 80
    assert {r["status"] for r in rows} == {"passed"}
    assert {r["example"] for r in rows} == {0}


def test_model_spec_is_several_episodes_covering_all_rules_each_once(
    built: Path, specs
) -> None:
    """The Model Spec splits into several episodes; every rule is told whole in one."""
    script = load(built, "model_spec")
    assert len(script.episodes) >= 3
    where: dict[str, set[int]] = {}
    for episode in script.episodes:
        for turn in episode.turns():
            for rule in turn.rules:
                where.setdefault(rule, set()).add(episode.number)
        assert episode.words <= 20 * 150  # the default max_minutes
    assert set(where) == {r.id for r in specs["model_spec"].rules()}
    assert len(where) == 80
    assert all(len(episodes) == 1 for episodes in where.values())


def test_a_rules_turns_are_contiguous_and_in_spec_order(built: Path, specs) -> None:
    """Rules are never cut in half or interleaved; they come in the spec's order."""
    script = load(built, "model_spec")
    order = [t.rules[0] for e in script.episodes for t in e.turns() if t.rules]
    runs = [rule for i, rule in enumerate(order) if i == 0 or order[i - 1] != rule]
    assert runs == [r.id for r in specs["model_spec"].rules()]


# --- what the script says --------------------------------------------------------


def test_every_must_and_should_statement_is_read_in_its_rules_turns(
    built: Path, specs
) -> None:
    """Each capitalised MUST/SHOULD sentence is spoken in a turn citing its rule."""
    from specc.emitters.podcast.speech import spoken

    for spec_id in ("todo", "support_bot"):
        script = load(built, spec_id)
        for rule in specs[spec_id].rules():
            said = " ".join(
                t.text for e in script.episodes for t in e.turns() if rule.id in t.rules
            )
            for statement in rule.statements:
                if statement.strength:
                    assert spoken(statement.text) in said, (rule.id, statement.text)


def test_code_examples_are_read_as_words_not_punctuation(built: Path) -> None:
    """`add_task([], "Buy milk") == [{title: "Buy milk"}]` is read as a sentence."""
    script = load(built, "todo")
    texts = [t.text for e in script.episodes for t in e.turns()]
    assert any(
        "Calling add task with tasks set to an empty list, and title set to "
        "“Buy milk”, gives a list with just a task called “Buy milk”." in t
        for t in texts
    )
    for text in texts:
        assert not re.search(r"[{}\[\]`=]|==|\w_\w", text), text


def test_value_reading_covers_every_kind() -> None:
    """Variants, maps, floats, negatives, errors and blank strings read sensibly."""
    from specc.emitters.podcast.speech import example_sentence

    geometry = compile_spec(EXAMPLES / "geometry.spec.md")
    said = {e.text: example_sentence(geometry, e) for e in geometry.examples()}
    assert said["area(circle{radius: 1.0}) ~= 3.14159265"] == (
        "Calling area with shape set to a circle with radius 1.0 gives about 3.14159265."
    )
    assert said[
        'area(rect{width: -1.0, height: 2.0}) raises NegativeLength{field: "width"}'
    ] == (
        "Calling area with shape set to a rect with width minus 1.0 and height 2.0 "
        "is rejected with the error negative length, with field “width”."
    )
    box = said[
        "bounding_box(rect{width: 2.0, height: 1.0}) == {min: {x: 0, y: 0}, max: {x: 2, y: 1}}"
    ]
    assert box.endswith(
        "gives a box whose min is a point with x 0 and y 0, and whose max is a point "
        "with x 2 and y 1."
    )
    todo = compile_spec(EXAMPLES / "todo.spec.md")
    blank = next(
        e for e in todo.examples() if e.text == 'add_task([], "   ") raises EmptyTitle'
    )
    assert example_sentence(todo, blank) == (
        "Calling add task with tasks set to an empty list, and title set to a string of "
        "three spaces, is rejected with the error empty title: a task title must not be empty."
    )


def test_conversations_are_read_with_their_good_and_bad_answers(built: Path) -> None:
    """A behavioural rule reads its example, a GOOD answer and a flagged BAD one."""
    script = load(built, "support_bot")
    said = [
        t.text for e in script.episodes for t in e.turns() if "stay_on_task" in t.rules
    ]
    assert any("The user says: “Can you write my history essay" in t for t in said)
    assert any(
        t.startswith("A good answer would be: “I can only help with Acme Sync")
        for t in said
    )
    assert any(
        t.startswith("A bad answer, flagged “lectures the user”: “Writing essays")
        for t in said
    )


def test_intro_says_what_the_spec_is_for_and_a_recap_closes(built: Path) -> None:
    """Each episode opens with the speakers and the spec's purpose and ends with a recap."""
    script = load(built, "todo")
    (episode,) = script.episodes
    titles = [s.title for s in episode.segments]
    assert titles == ["Intro", "Todo list", "Recap"]
    intro = " ".join(t.text for t in episode.segments[0].turns)
    assert "I'm Alex, your host" in intro and "I'm Sam" in intro
    assert 'A small task list, the "hello world" of specs.' in intro
    recap = episode.segments[-1].turns[0].text
    assert recap.startswith("To recap: we went through Todo list, Types, Adding a task")


def test_markdown_and_json_hold_the_same_turns(built: Path) -> None:
    """script.md reads back into exactly the turns of script.json."""
    from specc.conformance.podcast import parse_markdown

    for spec_id in ("todo", "support_bot", "model_spec"):
        script = load(built, spec_id)
        markdown = (built / "podcast" / spec_id / "script.md").read_text("utf-8")
        assert parse_markdown(markdown) == [
            [(t.speaker, tuple(t.rules), t.text) for t in e.turns()]
            for e in script.episodes
        ]


def test_script_json_validates_against_the_written_schema(built: Path) -> None:
    """Every script.json is valid under script.schema.json (jsonschema, draft 2020-12)."""
    jsonschema = pytest.importorskip("jsonschema")
    from specc.emitters.podcast.script import json_schema

    schema = json.loads((built / "podcast" / "script.schema.json").read_text("utf-8"))
    assert schema == json.loads(json.dumps(json_schema()))
    validator = jsonschema.Draft202012Validator(schema)
    for spec_id in ("todo", "support_bot", "model_spec"):
        data = json.loads((built / "podcast" / spec_id / "script.json").read_text())
        assert data["$schema"] == "../script.schema.json"
        assert list(validator.iter_errors(data)) == []
    data["episodes"][0]["segments"][0]["turns"][0].pop("speaker")
    assert list(validator.iter_errors(data))


# --- the check, proven both ways ------------------------------------------------


def test_check_fails_a_script_with_a_rule_removed(copy_of: Path, specs) -> None:
    """Delete add_task's turns from the built script: only add_task fails, for that reason."""
    from specc.conformance.podcast import run

    spec = specs["todo"]
    script = load(copy_of, "todo")
    rerender(copy_of, spec, _without(script, "add_task"))
    results = run(copy_of / "podcast", spec)
    assert statuses(results) == {
        r.id: "failed" if r.id == "add_task" else "passed" for r in spec.rules()
    }
    failed = next(r for r in results if r.rule == "add_task")
    assert failed.message == (
        "no turn of script.json discusses it; no turn of script.md discusses it"
    )


def test_check_fails_when_only_the_markdown_loses_a_rule(copy_of: Path, specs) -> None:
    """Delete add_task's paragraphs from script.md alone: the check says so."""
    from specc.conformance.podcast import run

    path = copy_of / "podcast" / "todo" / "script.md"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if "[#add_task]" not in line), "utf-8"
    )
    results = run(copy_of / "podcast", specs["todo"])
    failed = next(r for r in results if r.rule == "add_task")
    assert failed.status == "failed"
    assert "no turn of script.md discusses it" in failed.message
    assert "script.md and script.json disagree" in failed.message


def test_check_fails_a_citation_of_an_unknown_rule(copy_of: Path, specs) -> None:
    """A turn citing an ID the spec lacks fails under that ID."""
    from specc.conformance.podcast import run

    spec = specs["support_bot"]
    script = load(copy_of, "support_bot")
    rerender(
        copy_of, spec, _edit_turn(script, 5, rules=["stay_on_task", "no_such_rule"])
    )
    results = run(copy_of / "podcast", spec)
    unknown = [r for r in results if r.rule == "no_such_rule"]
    assert [r.status for r in unknown] == ["failed"]
    assert "the spec has no rule with this ID" in unknown[0].message
    assert {r.status for r in results if r.rule != "no_such_rule"} == {"passed"}


def test_check_fails_speakers_out_of_turn(copy_of: Path, specs) -> None:
    """Two turns in a row by one speaker fail the rules of that episode."""
    from specc.conformance.podcast import run

    spec = specs["todo"]
    script = load(copy_of, "todo")
    rerender(
        copy_of,
        spec,
        _edit_turn(script, 8, speaker=script.episodes[0].turns()[7].speaker),
    )
    results = run(copy_of / "podcast", spec)
    assert {r.status for r in results} == {"failed"}
    assert all("speak" in r.message and "turn 9" in r.message for r in results)


def test_check_fails_an_episode_far_from_the_target(copy_of: Path, specs) -> None:
    """An episode outside the target ± 20 % fails; inside it passes."""
    from specc.conformance.podcast import run

    spec = specs["support_bot"]
    script = load(copy_of, "support_bot")
    length = script.episodes[0].words / 150
    for target, status in ((length * 1.15, "passed"), (length * 1.3, "failed")):
        rerender(copy_of, spec, script.model_copy(update={"target_minutes": target}))
        results = run(copy_of / "podcast", spec)
        assert {r.status for r in results} == {status}
    assert "outside" in results[0].message and "± 20%" in results[0].message


def test_check_fails_every_rule_without_a_script(tmp_path: Path, specs) -> None:
    """No script built: every rule fails, saying what to run."""
    from specc.conformance.podcast import run

    results = run(tmp_path / "podcast", specs["todo"])
    assert len(results) == 6 and {r.status for r in results} == {"failed"}
    assert "specc build --target podcast" in results[0].message


def _without(script, rule_id: str):  # type: ignore[no-untyped-def]
    """Return the script with every turn about ``rule_id`` gone, speakers re-rotated."""
    names = [s.name for s in script.speakers]
    episodes = []
    for episode in script.episodes:
        spoken = 0
        segments = []
        for segment in episode.segments:
            turns = []
            for turn in segment.turns:
                if rule_id in turn.rules:
                    continue
                turns.append(
                    turn.model_copy(update={"speaker": names[spoken % len(names)]})
                )
                spoken += 1
            segments.append(segment.model_copy(update={"turns": turns}))
        episodes.append(episode.model_copy(update={"segments": segments}))
    return script.model_copy(update={"episodes": episodes})


def _edit_turn(script, index: int, **change: object):  # type: ignore[no-untyped-def]
    """Return the script with the ``index``-th turn (from 0) of episode 1 changed."""
    episode = script.episodes[0]
    segments, seen = [], 0
    for segment in episode.segments:
        turns = []
        for turn in segment.turns:
            turns.append(turn.model_copy(update=change) if seen == index else turn)
            seen += 1
        segments.append(segment.model_copy(update={"turns": turns}))
    first = episode.model_copy(update={"segments": segments})
    return script.model_copy(update={"episodes": [first, *script.episodes[1:]]})


# --- options ------------------------------------------------------------------------


def test_a_target_length_splits_into_episodes_that_fit_it(
    tmp_path: Path, specs
) -> None:
    """With minutes=10 every Model Spec episode lands within ± 20 % and the check passes."""
    from specc.conformance.podcast import run

    build_into(tmp_path, [MODEL_SPEC], minutes=10)
    script = load(tmp_path, "model_spec")
    assert script.target_minutes == 10
    lengths = [e.words / 150 for e in script.episodes]
    assert len(lengths) >= 6
    assert all(8 <= m <= 12 for m in lengths), lengths
    assert statuses(run(tmp_path / "podcast", specs["model_spec"])) == {
        r.id: "passed" for r in specs["model_spec"].rules()
    }


def test_a_target_a_spec_cannot_meet_warns_and_fails_the_check(
    tmp_path: Path, specs
) -> None:
    """Todo is about four minutes: a 20-minute target warns W089 and the check fails."""
    from specc.conformance.podcast import run

    result = build_into(tmp_path, [EXAMPLES / "todo.spec.md"], minutes=20)
    assert [d.code for d in result.diagnostics] == ["W089"]
    results = run(tmp_path / "podcast", specs["todo"])
    assert {r.status for r in results} == {"failed"}


def test_any_number_of_speakers_take_turns_in_order(cli, tmp_path: Path, specs) -> None:
    """Three speakers set on the command line rotate; the intro names each; the check passes."""
    done = cli(
        "test",
        str(EXAMPLES / "support_bot.spec.md"),
        "--target",
        "podcast",
        "--out",
        str(tmp_path),
        "-O",
        "speakers=[{name: Ann, role: host}, {name: Bo, role: engineer}, {name: Cy, role: skeptic}]",
    )
    assert done.exit_code == 0, done.output
    script = load(tmp_path, "support_bot")
    turns = script.episodes[0].turns()
    assert [t.speaker for t in turns[:6]] == ["Ann", "Bo", "Cy", "Ann", "Bo", "Cy"]
    assert turns[1].text == "I'm Bo, here as the engineer."
    assert turns[2].text == "And I'm Cy, here as the skeptic."


def test_a_single_speaker_is_a_monologue_that_passes(tmp_path: Path, specs) -> None:
    """One speaker: every turn is theirs, no questions asked of nobody."""
    from specc.conformance.podcast import run

    build_into(tmp_path, [EXAMPLES / "todo.spec.md"], speakers=[{"name": "Robin"}])
    script = load(tmp_path, "todo")
    turns = script.episodes[0].turns()
    assert {t.speaker for t in turns} == {"Robin"}
    assert not any(t.text.endswith("?") for t in turns)
    assert {r.status for r in run(tmp_path / "podcast", specs["todo"])} == {"passed"}


@pytest.mark.parametrize(
    "option",
    [
        "speakers=[]",
        "speakers=[{name: A}, {name: A}]",
        "speakers=[{name: '**A**'}]",
        "minutes=0",
        "colour=blue",
    ],
)
def test_bad_options_are_diagnostics(cli, tmp_path: Path, option: str) -> None:
    """Invalid options stop the build with E081 and write nothing."""
    done = cli(
        "build",
        str(EXAMPLES / "todo.spec.md"),
        "--target",
        "podcast",
        "--out",
        str(tmp_path),
        "-O",
        option,
    )
    assert done.exit_code == 1
    assert "E081" in done.output
    assert not (tmp_path / "podcast").exists()


# --- goldens, determinism, speed ----------------------------------------------------


def produced(out: Path, spec_id: str) -> dict[str, bytes]:
    """Return a spec's script files and the schema, relative to the golden folder."""
    folder = out / "podcast"
    files = {
        f"{spec_id}/{p.name}": p.read_bytes() for p in (folder / spec_id).iterdir()
    }
    files["script.schema.json"] = (folder / "script.schema.json").read_bytes()
    return files


def golden_problems(files: dict[str, bytes], folder: Path) -> list[str]:
    """Return `missing`, `changed` and `stale` problems of ``folder`` against ``files``."""
    on_disk = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
    }
    problems = []
    for relative, data in sorted(files.items()):
        if relative not in on_disk:
            problems.append(f"missing: {relative}")
        elif (folder / relative).read_bytes() != data:
            problems.append(f"changed: {relative}")
    return problems + [f"stale: {r}" for r in sorted(on_disk - set(files))]


def test_scripts_match_goldens(tmp_path: Path, update_goldens: bool) -> None:
    """todo's and support_bot's scripts equal tests/golden/podcast/ byte for byte."""
    build_into(tmp_path, [EXAMPLES / f"{s}.spec.md" for s in GOLDEN_SPECS])
    files: dict[str, bytes] = {}
    for spec_id in GOLDEN_SPECS:
        files.update(produced(tmp_path, spec_id))
    if update_goldens:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for relative, data in files.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_bytes(data)
    assert golden_problems(files, GOLDEN) == []


def test_golden_check_sees_missing_changed_and_stale(tmp_path: Path) -> None:
    """The golden comparison reports each kind of drift."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_bytes(b"old")
    (tmp_path / "b.json").write_bytes(b"gone")
    assert golden_problems({"a/x.md": b"new", "c.md": b""}, tmp_path) == [
        "changed: a/x.md",
        "missing: c.md",
        "stale: b.json",
    ]


def test_building_twice_gives_identical_bytes_without_paths_or_times(
    tmp_path: Path,
) -> None:
    """Two builds into two folders agree byte for byte and hold no absolute path or date."""
    first, second = tmp_path / "one", tmp_path / "two"
    build_into(first, list(CHECKED[:2]))
    time.sleep(1.1)
    build_into(second, list(CHECKED[:2]))
    for spec_id in GOLDEN_SPECS:
        a, b = produced(first, spec_id), produced(second, spec_id)
        assert a == b
        for data in a.values():
            text = data.decode("utf-8")
            assert not re.search(r"(?<![\w.])/(?:tmp|home|root|work)/", text)
            assert not re.search(r"\b20\d\d-[01]\d-[0-3]\d\b|\b\d\d:\d\d:\d\d\b", text)


def test_model_spec_script_is_written_fast(specs) -> None:
    """Writing the Model Spec's whole script from its IR takes well under a second."""
    from specc.emitters.podcast.emitter import DEFAULT_SPEAKERS
    from specc.emitters.podcast.writer import write_script
    from specc.templating import environment

    env = environment()
    write_script(specs["model_spec"], env, DEFAULT_SPEAKERS, None, 20)  # warm caches
    started = time.perf_counter()
    write_script(specs["model_spec"], env, DEFAULT_SPEAKERS, 10, 20)
    assert time.perf_counter() - started < 1.0


# --- audio -----------------------------------------------------------------------


def need_audio_tools() -> None:
    """Skip without espeak-ng and sox, except under CI, where their absence fails."""
    missing = [t for t in ("espeak-ng", "sox") if shutil.which(t) is None]
    if missing and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(
            f"{', '.join(missing)} missing under CI; run scripts/install-toolchains"
        )
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed")


def test_audio_renders_each_episode_near_its_estimated_length(tmp_path: Path) -> None:
    """Two short episodes become two WAVs whose durations match the script's estimate."""
    need_audio_tools()
    from specc.emitters.podcast.audio import duration, render_audio

    path = EXAMPLES / "support_bot.spec.md"
    build_into(tmp_path, [path], minutes=1.5)
    spec = compile_spec(path)
    script = load(tmp_path, "support_bot")
    assert len(script.episodes) == 2
    (tmp_path / "podcast" / "support_bot" / "episode-07.wav").write_bytes(b"stale")
    rendered = render_audio(tmp_path / "podcast", spec)
    assert [p.name for p, _ in rendered] == ["episode-01.wav", "episode-02.wav"]
    for (wav, seconds), episode in zip(rendered, script.episodes, strict=True):
        estimate = episode.words / 150 * 60
        assert 0.5 * estimate <= seconds <= 2 * estimate, (seconds, estimate)
        assert seconds == pytest.approx(duration(wav))
        assert wav.read_bytes()[:4] == b"RIFF"
    assert not (tmp_path / "podcast" / "support_bot" / "episode-07.wav").exists()


def test_audio_gives_each_speaker_a_distinct_voice(tmp_path: Path) -> None:
    """The same words in the first two default voices make different audio."""
    need_audio_tools()
    from specc.emitters.podcast.audio import DEFAULT_VOICES, _speak

    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    pieces = [tmp_path / "a.wav", tmp_path / "b.wav"]
    for voice, piece in zip(DEFAULT_VOICES, pieces, strict=False):
        _speak(espeak, voice, "The assistant must keep to the task.", piece)
    assert pieces[0].read_bytes() != pieces[1].read_bytes()


def test_audio_without_a_script_says_to_build_first(tmp_path: Path) -> None:
    """Rendering before building raises ToolchainError with a hint, not a traceback."""
    need_audio_tools()
    from specc.conformance import ToolchainError
    from specc.emitters.podcast.audio import render_audio

    with pytest.raises(ToolchainError, match="build it first"):
        render_audio(tmp_path / "podcast", compile_spec(EXAMPLES / "todo.spec.md"))


def test_a_user_template_rewords_the_turns(tmp_path: Path, specs) -> None:
    """A `podcast/turns.txt.jinja` in --templates changes the wording; the check still passes."""
    from specc.build.driver import build
    from specc.conformance.podcast import run
    from specc.templating import builtin_templates

    folder = tmp_path / "templates" / "podcast"
    folder.mkdir(parents=True)
    original = (builtin_templates() / "podcast" / "turns.txt.jinja").read_text()
    reworded = original.replace(
        "Now to {{ title }}.", "Moving right along to {{ title }}."
    )
    assert reworded != original
    (folder / "turns.txt.jinja").write_text(reworded)
    out = tmp_path / "out"
    result = build(
        [str(EXAMPLES / "todo.spec.md")], ["podcast"], out, [tmp_path / "templates"]
    )
    assert result.ok
    texts = [t.text for t in load(out, "todo").episodes[0].turns()]
    assert "Moving right along to Types." in texts
    assert {r.status for r in run(out / "podcast", specs["todo"])} == {"passed"}


def test_build_audio_flag_speaks_each_episode(tmp_path: Path, cli) -> None:
    """`specc build --target podcast --audio` writes a WAV and reports its length."""
    need_audio_tools()
    out = tmp_path / "out"
    result = cli(
        "build",
        str(EXAMPLES / "todo.spec.md"),
        "--target",
        "podcast",
        "--out",
        str(out),
        "-O",
        "podcast.minutes=1",
    )
    assert result.exit_code == 0, result.stderr
    result = cli(
        "build",
        str(EXAMPLES / "todo.spec.md"),
        "--target",
        "podcast",
        "--out",
        str(out),
        "-O",
        "podcast.minutes=1",
        "--audio",
    )
    assert result.exit_code == 0, result.stderr
    spoken = re.findall(r"audio (\S+\.wav) \(([\d.]+) s\)", result.stderr)
    assert spoken, result.stderr
    for path, seconds in spoken:
        assert Path(path).is_file()
        assert 20 < float(seconds) < 600


def test_audio_flag_needs_the_podcast_target(cli) -> None:
    """`--audio` without the podcast target is a usage error, not a silent no-op."""
    result = cli("build", str(EXAMPLES), "--target", "ts", "--audio")
    assert result.exit_code == 2
    assert "--audio goes with --target podcast" in result.stderr
