"""Helpers for driving `specc lsp` with pytest-lsp's client: documents, waiting, edits."""

from __future__ import annotations

import asyncio
import sys
import weakref
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "specc", "lsp"])
"""The server under test, started the way an editor starts it."""

WHOLE_CHECKS = {"blockCheckAbove": 3600.0, "debounce": 0.0}
"""Initialization options that make every re-check a full one, published once."""


class _Published:
    """Every diagnostics notification a client received, in order.

    pytest-lsp's `wait_for_notification` hands a notification only to a waiter
    registered when it arrives: two that come in one read (a fast check and the
    full one after it, or another document's) leave the second to no one, and a
    wait for it would time out. This log keeps them all.
    """

    def __init__(self) -> None:
        self.seen: list[types.PublishDiagnosticsParams] = []
        self.changed = asyncio.Event()

    def add(self, params: types.PublishDiagnosticsParams) -> None:
        self.seen.append(params)
        self.changed.set()


_LOGS: weakref.WeakKeyDictionary[LanguageClient, _Published] = (
    weakref.WeakKeyDictionary()
)


def _record_published(client: LanguageClient) -> None:
    """Log every diagnostics notification, then let pytest-lsp's handler keep it."""
    log = _LOGS[client] = _Published()
    features = client.protocol.fm.features
    handler = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> Any:
        log.add(params)
        return handler(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record


async def start(options: dict[str, Any] | None = None) -> LanguageClient:
    """Start the server and open an LSP session with it."""
    client = await SERVER.start()
    _record_published(client)
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            document_symbol=types.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=True
            )
        )
    )
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            initialization_options=options if options is not None else WHOLE_CHECKS,
        )
    )
    return client


async def published(
    client: LanguageClient, uri: str, version: int, timeout: float = 60
) -> list[types.Diagnostic]:
    """Wait for the diagnostics the server publishes for a version of a document.

    The first such notification after the call counts (start waiting before the
    edit that causes it).
    """
    log = _LOGS[client]
    start = len(log.seen)

    async def wait() -> list[types.Diagnostic]:
        at = start
        while True:
            for params in log.seen[at:]:
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            at = len(log.seen)
            log.changed.clear()
            await log.changed.wait()

    return await asyncio.wait_for(wait(), timeout)


async def open_text(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> tuple[str, list[types.Diagnostic]]:
    """Open a spec (its saved text unless given) and return its URI and first diagnostics."""
    uri = path.resolve().as_uri()
    waiting = asyncio.ensure_future(published(client, uri, version))
    await asyncio.sleep(0)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri, "markdown", version, path.read_text() if text is None else text
            )
        )
    )
    return uri, await waiting


async def replace(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    new: str,
    wait: bool = True,
) -> list[types.Diagnostic]:
    """Send an incremental edit and return the diagnostics of the new version."""
    waiting = asyncio.ensure_future(published(client, uri, version)) if wait else None
    await asyncio.sleep(0)
    where = types.Range(types.Position(*start), types.Position(*end))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [types.TextDocumentContentChangePartial(range=where, text=new)],
        )
    )
    return await waiting if waiting is not None else []


def position(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """Return the position of the ``nth`` occurrence of ``needle`` (plus ``offset`` characters)."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += offset
    line = text.count("\n", 0, index)
    return types.Position(line, index - (text.rfind("\n", 0, index) + 1))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Return ``text`` with LSP edits applied (ASCII text: characters are code units)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return starts[p.line] + p.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = (
            text[: offset(edit.range.start)]
            + edit.new_text
            + text[offset(edit.range.end) :]
        )
    return text
