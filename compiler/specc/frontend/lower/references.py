"""Cross-references: links and answer labels that cite a rule ID no heading has."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from specc import ir
from specc.diagnostics import Diagnostic
from specc.frontend.check.scope import suggest
from specc.frontend.lower.drafts import SectionDraft
from specc.source import Span

if TYPE_CHECKING:
    from specc.frontend.check.imports import ImportResolver
    from specc.frontend.lower.prose import ProseReader


def check_spec_links(
    drafts: list[SectionDraft], prose: ProseReader, resolver: ImportResolver
) -> None:
    """Check `[text](spec#rule)` links; drop `name#part` links that name no spec."""
    prose.loose_links = resolver.links(prose.loose_links)
    stack = list(drafts)
    while stack:
        draft = stack.pop()
        stack.extend(draft.children)
        if any(link.spec for link in draft.links):
            draft.links = resolver.links(draft.links)


def check_references(
    drafts: list[SectionDraft],
    loose_links: list[ir.Link],
    rule_ids: dict[str, Span],
    report: Callable[[Diagnostic], None],
) -> None:
    """Report cross-references to IDs the spec lacks."""
    stack = list(drafts)
    ids = list(rule_ids)
    _check_targets(loose_links, rule_ids, ids, report)
    while stack:
        draft = stack.pop()
        stack.extend(draft.children)
        _check_targets(draft.links, rule_ids, ids, report)
        for item in draft.items:
            if isinstance(item, ir.ConversationBlock):
                for answer in item.conversation.answers:
                    for ref in answer.refs:
                        if ref not in rule_ids:
                            report(
                                Diagnostic(
                                    "E030",
                                    f"label cites `#{ref}`, which no heading has",
                                    answer.span,
                                    suggest(ref, ids, prefix="#"),
                                )
                            )


def _check_targets(
    links: list[ir.Link],
    rule_ids: dict[str, Span],
    ids: list[str],
    report: Callable[[Diagnostic], None],
) -> None:
    for link in links:
        if link.spec is None and link.target not in rule_ids:
            report(
                Diagnostic(
                    "E030",
                    f"link to `#{link.target}`, which no heading has",
                    link.span,
                    suggest(link.target, ids, prefix="#"),
                )
            )
