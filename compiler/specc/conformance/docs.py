"""Check a docs site: every rule has its anchor, every link resolves, every example appears.

One result per rule (`example` 0). Problems outside every rule's section (a
dangling link in the contents or the types reference, a duplicate id, a missing
stylesheet, an index that does not list the page) fail one more result whose
rule is `(page)`, a name no rule ID can take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from specc import ir
from specc.conformance import Result
from specc.emitters.docs.emitter import SEARCH_INDEX
from specc.emitters.docs.markdown import PageEnv, plain
from specc.emitters.docs.page import page_file
from specc.emitters.properties import check_text
from specc.naming import plural

#: The `rule` of the result that carries page-wide problems.
PAGE = "(page)"


@dataclass
class Facts:
    """What one HTML page holds, as the checks need it."""

    ids: set[str] = field(default_factory=set)
    duplicate_ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str | None]] = field(default_factory=list)
    """(href or src, ID of the rule whose section holds it) in page order."""
    contents: set[str] = field(default_factory=set)
    """Hrefs of the links inside `<nav>` (the sidebar)."""
    items: dict[tuple[str, str], str] = field(default_factory=dict)
    """(`example` or `conversation`, `rule#n`) -> the element's text."""


class _PageParser(HTMLParser):
    """Collect ids, links, and the text of example rows and conversations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = Facts()
        self._rules: list[str | None] = []
        self._nav = 0
        self._capture: list[list[Any]] = []  # [kind, key, tag, depth, parts]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        facts = self.facts
        if "id" in a:
            (facts.duplicate_ids if a["id"] in facts.ids else facts.ids).add(a["id"])
        for c in self._capture:
            if c[2] == tag:
                c[3] += 1
        if tag == "section":
            self._rules.append(a.get("data-rule") or self._rule())
        elif tag == "nav":
            self._nav += 1
        target = a.get("href") if tag in ("a", "link") else a.get("src")
        if target is not None and tag in ("a", "link", "script"):
            facts.links.append((target, self._rule()))
            if self._nav and tag == "a":
                facts.contents.add(target)
        for kind in ("example", "conversation"):
            if f"data-{kind}" in a:
                self._capture.append([kind, a[f"data-{kind}"], tag, 1, []])

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._rules:
            self._rules.pop()
        elif tag == "nav" and self._nav:
            self._nav -= 1
        for c in list(self._capture):
            if c[2] == tag:
                c[3] -= 1
                if c[3] == 0:
                    self._capture.remove(c)
                    self.facts.items[(c[0], c[1])] = "".join(c[4])

    def handle_data(self, data: str) -> None:
        for c in self._capture:
            c[4].append(data)

    def _rule(self) -> str | None:
        return self._rules[-1] if self._rules else None


def parse_page(text: str) -> Facts:
    """Return the facts of one HTML page."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.facts


class Site:
    """The built site: pages parsed on first use, links resolved against them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pages: dict[str, Facts | None] = {}

    def page(self, name: str) -> Facts | None:
        """Return the facts of a page, or None when it is missing."""
        if name not in self._pages:
            try:
                text = (self.root / name).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                self._pages[name] = None
            else:
                self._pages[name] = parse_page(text)
        return self._pages[name]

    def broken(self, href: str, page: str) -> str | None:
        """Return why an internal link from ``page`` does not resolve, else None."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None  # leaves the site: not ours to check
        fragment = unquote(parts.fragment)
        target = unquote(parts.path) or page
        path = (self.root / target).resolve()
        if not path.is_relative_to(self.root.resolve()):
            return f"`{href}` points outside the site"
        if not path.is_file():
            return f"`{href}`: no file {target}"
        if fragment and target.endswith(".html"):
            facts = self.page(target)
            if facts is None or fragment not in facts.ids:
                return f"`{href}`: {target} has no element with id `{fragment}`"
        return None


def run(target_dir: Path, spec: ir.Spec, timeout: float = 10.0) -> list[Result]:
    """Read a spec's page (and the index and search index) and check rule by rule."""
    site = Site(target_dir)
    name = page_file(spec)
    facts = site.page(name)
    rules = list(spec.rules())
    if facts is None:
        missing = f"no page {name}; run `specc build --target docs`"
        return [_failed(spec, r, [missing]) for r in rules]
    searchable, search_problem = _search_entries(target_dir, name)
    broken: dict[str | None, list[str]] = {}
    for href, rule_id in facts.links:
        why = site.broken(href, name)
        if why is not None:
            broken.setdefault(rule_id, []).append(why)
    results = []
    for rule in rules:
        problems = _rule_problems(spec, rule, facts, searchable, search_problem)
        problems += broken.pop(rule.id, [])
        if problems:
            results.append(_failed(spec, rule, problems))
        else:
            results.append(
                Result(
                    spec.id, str(rule.id), 0, "passed", _summary(spec, rule), rule.title
                )
            )
    page_problems = [p for found in broken.values() for p in found]
    page_problems += [
        f"two elements have id `{i}`" for i in sorted(facts.duplicate_ids)
    ]
    index = site.page("index.html")
    if index is None or not any(urlsplit(h).path == name for h, _ in index.links):
        page_problems.append(f"index.html does not link to {name}")
    if page_problems:
        message = "; ".join(dict.fromkeys(page_problems))
        results.append(Result(spec.id, PAGE, 0, "failed", message, name))
    return results


def _rule_problems(
    spec: ir.Spec,
    rule: ir.Section,
    facts: Facts,
    searchable: dict[str, str],
    search_problem: str | None,
) -> list[str]:
    """Return what is wrong with one rule's anchor, examples and conversations."""
    rule_id = str(rule.id)
    problems = []
    if rule_id not in facts.ids:
        problems.append(f"the page has no anchor `#{rule_id}`")
    if f"#{rule_id}" not in facts.contents:
        problems.append("the contents do not link to it")
    if search_problem:
        problems.append(search_problem)
    elif rule_id not in searchable:
        problems.append("the search index does not list it")
    elif searchable[rule_id] != rule_id:
        problems.append(f"the search index sends it to `#{searchable[rule_id]}`")
    for example in (e for e in spec.examples() if e.rule == rule_id):
        shown = facts.items.get(("example", f"{rule_id}#{example.index}"))
        if shown is None:
            problems.append(f"example #{example.index} is missing")
        elif _squeeze(example.text) not in _squeeze(shown):
            problems.append(f"example #{example.index} does not show `{example.text}`")
    for prop in (p for p in spec.properties() if p.rule == rule_id):
        shown = facts.items.get(("example", f"{rule_id}#{prop.index}"))
        check = check_text(prop)
        head = prop.text.strip()[: -len(check)].rstrip().removesuffix(":")
        if shown is None:
            problems.append(f"property #{prop.index} is missing")
        elif not all(_squeeze(part) in _squeeze(shown) for part in (head, check)):
            problems.append(f"property #{prop.index} does not show `{prop.text}`")
    for conversation in (c for c in spec.conversations() if c.rule == rule_id):
        shown = facts.items.get(("conversation", f"{rule_id}#{conversation.index}"))
        if shown is None:
            problems.append(f"conversation #{conversation.index} is missing")
            continue
        lost = _lost_text(spec, conversation, " ".join(shown.split()))
        if lost:
            problems.append(
                f"conversation #{conversation.index} ({conversation.title!r}) "
                f"does not show {lost}"
            )
    return problems


def _lost_text(spec: ir.Spec, conversation: ir.Conversation, shown: str) -> str | None:
    """Return the first part of a conversation its figure does not show."""
    titles = PageEnv({str(r.id): plain(r.title) for r in spec.rules()})
    wanted = [("its title", plain(conversation.title, titles))]
    wanted += [(f"turn {i}", t.content) for i, t in enumerate(conversation.turns, 1)]
    wanted += [
        (f"answer {i}", a.content) for i, a in enumerate(conversation.answers, 1)
    ]
    wanted += [
        (f"the {a.label} label of answer {i}", a.label)
        for i, a in enumerate(conversation.answers, 1)
        if a.label
    ]
    for what, text in wanted:
        if " ".join(text.split()) not in shown:
            return what
    return None


def _search_entries(root: Path, page: str) -> tuple[dict[str, str], str | None]:
    """Return rule ID -> anchor the search index gives for a page, or why it cannot be read."""
    try:
        text = (root / SEARCH_INDEX).read_text("utf-8")
        start = text.index("=") + 1
        entries = json.loads(text[start:].strip().rstrip(";"))
        found = {e["rule"]: e["anchor"] for e in entries if e["page"] == page}
        return found, None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return {}, f"the search index {SEARCH_INDEX} is unreadable ({error})"


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _summary(spec: ir.Spec, rule: ir.Section) -> str:
    examples = sum(1 for e in spec.examples() if e.rule == rule.id)
    properties = sum(1 for p in spec.properties() if p.rule == rule.id)
    conversations = sum(1 for c in spec.conversations() if c.rule == rule.id)
    found = [f"anchor #{rule.id}"]
    if examples:
        found.append(plural(examples, "example"))
    if properties:
        found.append(f"{properties} propert{'y' if properties == 1 else 'ies'}")
    if conversations:
        found.append(plural(conversations, "conversation"))
    return "found " + ", ".join(found)


def _failed(spec: ir.Spec, rule: ir.Section, problems: list[str]) -> Result:
    message = "; ".join(dict.fromkeys(problems))
    return Result(spec.id, str(rule.id), 0, "failed", message, rule.title)
