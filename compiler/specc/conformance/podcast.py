"""Check a podcast script: rules covered, no unknown rule cited, turns in order, length on target."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from specc import ir
from specc.conformance import Result
from specc.emitters.podcast.emitter import TOLERANCE, load_script, script_dir
from specc.emitters.podcast.script import WORDS_PER_MINUTE, Script, word_count

_EPISODE = re.compile(r"^## Episode (\d+) of (\d+): ")
_TURN = re.compile(
    r"^\*\*(?P<speaker>[^*]+)\*\*(?: \[(?P<rules>[^\]]*)\])?: (?P<text>.*)$"
)

Spoken = tuple[str, tuple[str, ...], str]
"""A turn as either file has it: speaker, cited rule IDs, text."""


@dataclass
class Findings:
    """What the checks found, by rule and by episode."""

    discussed: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    """File name -> rule ID -> episodes (from 1) that cite it."""
    unknown: dict[str, list[str]] = field(default_factory=dict)
    """Rule ID the spec lacks -> where it is cited."""
    episode_problems: dict[int, list[str]] = field(default_factory=dict)
    """Episode number -> what is wrong with it as a whole."""


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Read a spec's script.json and script.md and return one result per rule."""
    rules = list(spec.rules())
    folder = target_dir / script_dir(spec)
    try:
        script = load_script((folder / "script.json").read_text("utf-8"))
        markdown = (folder / "script.md").read_text("utf-8")
    except OSError as error:
        missing = (
            f"no script: {error.strerror or error}; run `specc build --target podcast`"
        )
        return [_result(spec, r, [missing]) for r in rules]
    except ValueError as error:  # pydantic's ValidationError, or bad JSON
        first = str(error).splitlines()[:3]
        return [
            _result(spec, r, ["script.json is not a valid script: " + " ".join(first)])
            for r in rules
        ]
    if script.spec != spec.id:
        wrong = f"script.json is the script of `{script.spec}`, not of `{spec.id}`"
        return [_result(spec, r, [wrong]) for r in rules]
    findings = check(spec, script, markdown)
    results = []
    for rule in rules:
        results.append(_result(spec, rule, _rule_problems(rule, findings), findings))
    for rule_id, places in findings.unknown.items():
        where = ", ".join(places[:3]) + (" and more" if len(places) > 3 else "")
        message = f"{where} cites `{rule_id}`, but the spec has no rule with this ID"
        results.append(Result(spec.id, rule_id, 0, "failed", message, rule_id))
    return results


def check(spec: ir.Spec, script: Script, markdown: str) -> Findings:
    """Run every check on both files of a script."""
    findings = Findings()
    known = {r.id for r in spec.rules()}
    speakers = [s.name for s in script.speakers]
    from_json = [
        [(t.speaker, tuple(t.rules), t.text) for t in e.turns()]
        for e in script.episodes
    ]
    from_md = parse_markdown(markdown)
    for name, episodes in (("script.json", from_json), ("script.md", from_md)):
        cited = findings.discussed.setdefault(name, {})
        for number, turns in enumerate(episodes, start=1):
            for index, (_speaker, rule_ids, _text) in enumerate(turns, start=1):
                for rule_id in rule_ids:
                    if rule_id in known:
                        cited.setdefault(rule_id, set()).add(number)
                    else:
                        where = f"{name} episode {number} turn {index}"
                        findings.unknown.setdefault(rule_id, []).append(where)
            _episode_checks(
                findings, name, number, turns, speakers, script.target_minutes
            )
    _compare(findings, from_json, from_md)
    return findings


def _episode_checks(
    findings: Findings,
    name: str,
    number: int,
    turns: list[Spoken],
    speakers: list[str],
    target: float | None,
) -> None:
    """Record turn-order and length problems of one episode."""
    problems = findings.episode_problems.setdefault(number, [])
    for index, (speaker, _, _) in enumerate(turns, start=1):
        expected = speakers[(index - 1) % len(speakers)]
        if speaker not in speakers:
            problems.append(
                f"{name} episode {number} turn {index}: `{speaker}` is not one of the speakers"
            )
            break
        if speaker != expected:
            problems.append(
                f"{name} episode {number} turn {index}: {speaker} speaks where {expected} should (speakers take turns in order)"
            )
            break
    if target is not None and name == "script.json":
        words = sum(word_count(text) for _, _, text in turns)
        length = words / WORDS_PER_MINUTE
        if abs(length - target) > TOLERANCE * target:
            problems.append(
                f"episode {number} runs about {length:.1f} minutes ({words} words), "
                f"outside {target:g} minutes ± {TOLERANCE:.0%}"
            )


def _compare(
    findings: Findings, from_json: list[list[Spoken]], from_md: list[list[Spoken]]
) -> None:
    """Record where script.md says something other than script.json."""
    if len(from_md) != len(from_json):
        for number in range(1, max(len(from_md), len(from_json)) + 1):
            findings.episode_problems.setdefault(number, []).append(
                f"script.md has {len(from_md)} episodes, script.json {len(from_json)}"
            )
        return
    for number, (json_turns, md_turns) in enumerate(
        zip(from_json, from_md, strict=True), start=1
    ):
        differ = next(
            (
                i
                for i, (a, b) in enumerate(
                    zip(json_turns, md_turns, strict=False), start=1
                )
                if a != b
            ),
            (
                None
                if len(json_turns) == len(md_turns)
                else min(len(json_turns), len(md_turns)) + 1
            ),
        )
        if differ is not None:
            findings.episode_problems.setdefault(number, []).append(
                f"episode {number} turn {differ}: script.md and script.json disagree"
            )


def parse_markdown(text: str) -> list[list[Spoken]]:
    """Return the turns of each episode of a script.md, in order."""
    episodes: list[list[Spoken]] = []
    for line in text.splitlines():
        if _EPISODE.match(line):
            episodes.append([])
            continue
        match = _TURN.match(line)
        if match is None or not episodes:
            continue
        cited = match.group("rules")
        rule_ids = (
            tuple(r.strip().removeprefix("#") for r in cited.split(","))
            if cited
            else ()
        )
        episodes[-1].append((match.group("speaker"), rule_ids, match.group("text")))
    return episodes


def _rule_problems(rule: ir.Section, findings: Findings) -> list[str]:
    """Return what is wrong for one rule: not discussed, or in an episode with problems."""
    problems: list[str] = []
    episodes: set[int] = set()
    for name, cited in findings.discussed.items():
        found = cited.get(str(rule.id), set())
        if not found:
            problems.append(f"no turn of {name} discusses it")
        episodes |= found
    discussing = {n for c in findings.discussed.values() for e in c.values() for n in e}
    for number, wrong in sorted(findings.episode_problems.items()):
        # An episode that discusses no rule at all fails every rule.
        if number in episodes or number not in discussing:
            problems += wrong
    return list(dict.fromkeys(problems))


def _result(
    spec: ir.Spec,
    rule: ir.Section,
    problems: list[str],
    findings: Findings | None = None,
) -> Result:
    if problems:
        return Result(
            spec.id, str(rule.id), 0, "failed", "; ".join(problems), rule.title
        )
    assert findings is not None
    episodes = sorted(findings.discussed["script.json"][str(rule.id)])
    where = ", ".join(str(n) for n in episodes)
    message = f"discussed in episode{'s' if len(episodes) > 1 else ''} {where}"
    return Result(spec.id, str(rule.id), 0, "passed", message, rule.title)
