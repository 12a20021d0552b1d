"""Behavioural examples: `~~~xml` conversations with GOOD/BAD labelled answers."""

from __future__ import annotations

import re
from typing import Literal

from specc import ir
from specc.frontend.lexer import LexError
from specc.source import Span

Role = Literal["system", "developer", "user", "assistant", "tool"]
Label = Literal["GOOD", "BAD", "OK"]
ROLES: tuple[Role, ...] = ("system", "developer", "user", "assistant", "tool")
_OPEN = re.compile(
    r"<(system|developer|user|assistant|tool|comparison)((?:\s+[\w.:-]+=\"[^\"]*\")*)\s*>"
)
_ATTR = re.compile(r"([\w.:-]+)=\"([^\"]*)\"")
_LABEL = re.compile(r"[ \t]*<!--\s*([A-Za-z_]+)(\[[^\]]*\])?\s*(?:[:,]\s*(.*?))?\s*-->")
_LABELS: tuple[Label, ...] = ("GOOD", "BAD", "OK")
_ELISION = re.compile(r"^\s*(?:\[\.\.\.\]|\.\.\.|…)\s*$")


def looks_like_conversation(text: str) -> bool:
    """Return whether a fenced block's text opens with a conversation tag."""
    match = _OPEN.search(text)
    return match is not None and not text[: match.start()].strip()


class _Scanner:
    def __init__(self, path: str, text: str, line: int, col: int) -> None:
        self.path, self.text, self.line, self.col = path, text, line, col

    def position(self, offset: int) -> tuple[int, int]:
        before = self.text[:offset]
        newlines = before.count("\n")
        column = offset - (before.rfind("\n") + 1)
        return self.line + newlines, self.col + column

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(
            path=self.path, line=line, col=col, end_line=end_line, end_col=end_col
        )

    def fail(self, message: str, offset: int) -> LexError:
        line, col = self.position(offset)
        return LexError(message, line, col)

    def elements(self, start: int, stop: int) -> list[tuple[re.Match[str], int, int]]:
        """Return (open tag, content end, element end) for each top-level element."""
        found: list[tuple[re.Match[str], int, int]] = []
        pos = start
        while True:
            match = _OPEN.search(self.text, pos, stop)
            stray = self.text[pos : match.start() if match else stop]
            if stray.strip() and not _ELISION.match(stray):
                offset = pos + len(stray) - len(stray.lstrip())
                raise self.fail(
                    "text outside a <system>, <developer>, <user>, <assistant>, "
                    "<tool> or <comparison> element",
                    offset,
                )
            if match is None:
                return found
            close = f"</{match.group(1)}>"
            end = self.text.find(close, match.end(), stop)
            if end == -1:
                raise self.fail(f"<{match.group(1)}> is never closed", match.start())
            found.append((match, end, end + len(close)))
            pos = end + len(close)


def parse_conversation(
    path: str, text: str, line: int, col: int, title: str, rule: str | None, index: int
) -> ir.Conversation:
    """Parse a conversation block; raise `LexError` where it is malformed."""
    scanner = _Scanner(path, text, line, col)
    turns: list[ir.Turn] = []
    comparisons: list[ir.Comparison] = []
    for match, end, stop in scanner.elements(0, len(text)):
        tag = match.group(1)
        answers: list[ir.Answer] = []
        if tag == "comparison":
            for inner, inner_end, _inner_stop in scanner.elements(match.end(), end):
                if inner.group(1) != "assistant":
                    raise scanner.fail(
                        "a <comparison> holds only <assistant> answers", inner.start()
                    )
                answers.append(_answer(scanner, inner, inner_end))
        elif tag == "assistant" and _LABEL.match(text, match.end()):
            answers.append(_answer(scanner, match, end))
        if tag == "comparison" or answers:
            if not answers:
                raise scanner.fail(
                    "the <comparison> holds no <assistant> answer", match.start()
                )
            comparisons.append(
                ir.Comparison(
                    after=len(turns),
                    answers=answers,
                    span=scanner.span(match.start(), stop),
                )
            )
            continue
        assert tag in ROLES  # `_OPEN` matches only these besides `comparison`
        turns.append(
            ir.Turn(
                role=tag,
                content=_content(text[match.end() : end]),
                attributes=dict(_ATTR.findall(match.group(2))),
                span=scanner.span(match.start(), stop),
            )
        )
    if not turns and not comparisons:
        raise scanner.fail("the conversation has no turns", 0)
    return ir.Conversation(
        rule=rule,
        index=index,
        title=title,
        turns=turns,
        comparisons=comparisons,
        span=scanner.span(0, len(text.rstrip())),
    )


def _answer(scanner: _Scanner, match: re.Match[str], end: int) -> ir.Answer:
    text = scanner.text
    label = _LABEL.match(text, match.end())
    body_start = match.end()
    verdict: Label | None = None
    reason: str | None = None
    refs: list[str] = []
    if label:
        word = label.group(1)
        if word not in _LABELS:
            line, col = scanner.position(label.start(1))
            raise LexError(
                f"unknown answer label `{word}`; use GOOD, BAD or OK",
                line,
                col,
                "E071",
            )
        verdict = word
        reason = label.group(3) or None
        if label.group(2):
            refs = [
                r.strip().lstrip("#")
                for r in label.group(2)[1:-1].split(",")
                if r.strip()
            ]
        body_start = label.end()
    return ir.Answer(
        label=verdict,
        reason=reason,
        refs=refs,
        content=_content(text[body_start:end]),
        attributes=dict(_ATTR.findall(match.group(2))),
        span=scanner.span(match.start(), end + len("</assistant>")),
    )


def _content(text: str) -> str:
    return text.strip("\n").rstrip()
