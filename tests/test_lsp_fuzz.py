"""Half-typed specs through a real client: no error response, no error logged, no server exit.

Hypothesis feeds `specc lsp` specs from the format's grammar and example specs
mutated at random (the strategies of test_fuzz), opens each, cuts it short with
an incremental edit (a spec being typed), and asks for every feature at a few
places. ``SPECC_FUZZ_EXAMPLES=500`` runs more cases.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsp_client import published, start
from lsprotocol import types
from test_fuzz import FUZZ, SPEC, mutated

CASES = int(os.environ.get("SPECC_FUZZ_EXAMPLES", "40"))
LSP_FUZZ = settings(FUZZ, max_examples=CASES)
Result = TypeVar("Result")


class Session:
    """A pytest-lsp client and its server, driven from plain (hypothesis) tests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        # Block checks from the first change on, so the fast path is fuzzed too.
        options = {"debounce": 0.0, "blockCheckAbove": 0.0, "fullCheckAfter": 0.05}
        self.client = self.run(start(options))
        self.opened = 0

    def run(self, work: Coroutine[Any, Any, Result], timeout: float = 60) -> Result:
        """Run a coroutine on the client's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def close(self) -> None:
        """Shut the server down and stop the loop."""
        self.run(self.client.shutdown_session())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    lsp = Session()
    yield lsp
    lsp.close()


def _errors_logged(session: Session) -> list[str]:
    client = session.client
    logged = [
        m.message for m in client.log_messages if m.type == types.MessageType.Error
    ]
    shown = [m.message for m in client.messages if m.type == types.MessageType.Error]
    return logged + shown


async def _exercise(
    session: Session, text: str, cut: int, places: list[tuple[int, int]]
) -> None:
    """Open ``text``, cut it at ``cut`` characters, and ask for every feature."""
    client = session.client
    session.opened += 1
    uri = Path(f"/tmp/specc-lsp-fuzz/case{session.opened}.spec.md").as_uri()
    doc = types.TextDocumentIdentifier(uri=uri)
    waiting = asyncio.ensure_future(published(client, uri, 1))
    await asyncio.sleep(0)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "markdown", 1, text)
        )
    )
    await waiting
    lines = text.split("\n")
    line = text.count("\n", 0, cut)
    character = cut - (text.rfind("\n", 0, cut) + 1)
    end = types.Position(
        line=len(lines) - 1, character=len(lines[-1].encode("utf-16-le")) // 2
    )
    start_at = types.Position(
        line=line, character=len(text[cut - character : cut].encode("utf-16-le")) // 2
    )
    waiting = asyncio.ensure_future(published(client, uri, 2))
    await asyncio.sleep(0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(version=2, uri=uri),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start_at, end), text=""
                )
            ],
        )
    )
    await waiting
    for row, column in places:
        at = types.Position(line=row, character=column)
        await client.text_document_hover_async(types.HoverParams(doc, at))
        await client.text_document_definition_async(types.DefinitionParams(doc, at))
        await client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc,
                position=at,
                context=types.ReferenceContext(include_declaration=True),
            )
        )
        await client.text_document_completion_async(types.CompletionParams(doc, at))
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(doc, at)
        )
        await client.text_document_rename_async(types.RenameParams(doc, at, "renamed"))
        whole = types.Range(types.Position(line=0, character=0), at)
        await client.text_document_code_action_async(
            types.CodeActionParams(doc, whole, types.CodeActionContext(diagnostics=[]))
        )
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(doc))
    await client.text_document_formatting_async(
        types.DocumentFormattingParams(doc, types.FormattingOptions(2, True))
    )
    client.text_document_did_close(types.DidCloseTextDocumentParams(doc))


PLACES = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 90)), min_size=1, max_size=3
)


def _check(
    session: Session, text: str, cut: int, places: list[tuple[int, int]]
) -> None:
    session.run(_exercise(session, text, min(cut, len(text)), places))
    server = session.client._server
    assert server is not None and server.returncode is None, "the server exited"
    assert session.client.error is None
    assert _errors_logged(session) == []


@LSP_FUZZ
@given(text=SPEC, cut=st.integers(0, 5000), places=PLACES)
def test_specs_from_the_grammar_half_typed(
    session: Session, text: str, cut: int, places: list[tuple[int, int]]
) -> None:
    _check(session, text, cut, places)


@LSP_FUZZ
@given(data=mutated(), cut=st.integers(0, 8000), places=PLACES)
def test_mutated_specs_half_typed(
    session: Session, data: bytes, cut: int, places: list[tuple[int, int]]
) -> None:
    _check(session, data.decode("utf-8", "replace"), cut, places)
