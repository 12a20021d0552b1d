"""The server: open documents, checked as they change, and the features registered on pygls.

Each open document is checked in full on open. On a change the server waits
`DEBOUNCE` seconds for typing to pause; a spec whose full check took longer
than `BLOCK_CHECK_ABOVE` then gets its changed block re-checked at once
(`checking.check_block`) and a full check once typing has paused for
`FULL_CHECK_AFTER`. Full checks run on one worker thread, newest text first;
a result for an old version still serves as the base for the next block check.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from specc import __version__
from specc.diagnostics import Diagnostic
from specc.lsp.checking import Checked, check_block, check_text
from specc.lsp.diagnostics import lsp_diagnostic
from specc.lsp.text import Text
from specc.source import Span

DEBOUNCE = 0.03
"""Seconds a change waits for the next keystroke before anything is checked."""
BLOCK_CHECK_ABOVE = 0.15
"""A spec whose full check takes longer than this many seconds is re-checked by block."""
FULL_CHECK_AFTER = 0.6
"""Seconds of no typing before such a spec is checked in full again."""

Result = TypeVar("Result")


@dataclass
class Document:
    """One open document: its text, its version and its last full check."""

    uri: str
    path: str
    text: Text
    version: int
    checked: Checked | None = None
    """The newest full check, possibly of an older version."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while a full check of this document runs."""
    cache: dict[str, Any] = field(default_factory=dict)
    """What features derived from ``checked`` (its index), by name."""

    @property
    def current(self) -> Checked | None:
        """Return the full check of the current version, if there is one."""
        checked = self.checked
        return checked if checked and checked.version == self.version else None


class SpeccServer(LanguageServer):
    """specc's language server: documents and their checks."""

    def __init__(self) -> None:
        super().__init__("specc", __version__)
        self.documents: dict[str, Document] = {}
        self.checker = ThreadPoolExecutor(1, thread_name_prefix="specc-check")
        self.timing = {
            "debounce": DEBOUNCE,
            "blockCheckAbove": BLOCK_CHECK_ABOVE,
            "fullCheckAfter": FULL_CHECK_AFTER,
        }
        """The seconds above; the client may set each in `initializationOptions`."""

    def configure(self, options: Any) -> None:
        """Take the timing the client asked for in `initializationOptions`."""
        if not isinstance(options, dict):
            return
        for key in self.timing:
            value = options.get(key)
            if isinstance(value, (int, float)) and 0 <= value <= 3600:
                self.timing[key] = float(value)

    @property
    def encoding(self) -> str:
        """Return how the client counts characters (negotiated at initialize)."""
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def open(self, item: types.TextDocumentItem) -> Document:
        """Start tracking a document the client opened."""
        path = to_fs_path(item.uri) or item.uri
        doc = Document(item.uri, path, Text(item.text, self.encoding), item.version)
        self.documents[item.uri] = doc
        return doc

    async def full_check(self, doc: Document) -> Checked:
        """Check the document's current text in full (once per version) and publish."""
        async with doc.lock:
            if doc.current is not None:
                return doc.current
            version, text = doc.version, doc.text.text
            loop = asyncio.get_running_loop()
            checked = await loop.run_in_executor(
                self.checker, check_text, doc.path, text, version
            )
            if doc.checked is None or checked.version >= doc.checked.version:
                doc.checked = checked
                doc.cache.clear()
            if doc.version == version and self.documents.get(doc.uri) is doc:
                self.publish(doc, checked.compiled.diagnostics)
            return checked

    async def changed(self, doc: Document) -> None:
        """Re-check after a change, once typing pauses (see the module's docstring)."""
        version = doc.version
        await asyncio.sleep(self.timing["debounce"])
        if doc.version != version:
            return
        last = doc.checked
        if last is not None and last.seconds > self.timing["blockCheckAbove"]:
            found = check_block(last, doc.path, doc.text.text)
            if found is not None:
                self.publish(doc, found)
                await asyncio.sleep(self.timing["fullCheckAfter"])
                if doc.version != version:
                    return
        await self.full_check(doc)

    def publish(self, doc: Document, found: list[Diagnostic]) -> None:
        """Send the client a document's diagnostics for its current version."""
        locate = self.locator(doc)
        diagnostics = [lsp_diagnostic(d, doc.text, locate) for d in found]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(doc.uri, diagnostics, doc.version)
        )

    def locator(self, doc: Document) -> Callable[[Span], types.Location | None]:
        """Return what places a span of the document's project: in the document, in
        another open one, or in a file as saved (read once)."""
        texts: dict[Path, Text | None] = {}
        mine = resolved(doc.path)

        def text_of(path: Path) -> Text | None:
            if path not in texts:
                other = next(
                    (d for d in self.documents.values() if resolved(d.path) == path),
                    None,
                )
                try:
                    found = other.text if other else Text(path.read_text("utf-8"))
                except (OSError, UnicodeDecodeError):
                    found = None
                texts[path] = found
            return texts[path]

        def locate(span: Span) -> types.Location | None:
            path = mine if span.path == doc.path else resolved(span.path)
            text = doc.text if path == mine else text_of(path)
            if text is None:
                return None
            return types.Location(path.as_uri(), text.span_range(span))

        return locate

    def log_error(self, what: str) -> None:
        """Tell the client, in its log, about an error of the server itself."""
        message = f"specc lsp: {what} failed:\n{traceback.format_exc()}"
        logging.getLogger(__name__).error(message)
        self.window_log_message(
            types.LogMessageParams(types.MessageType.Error, message)
        )


def resolved(path: str) -> Path:
    """Return a path made absolute (symbolic links followed, where they can be)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path).absolute()


def guarded(
    what: str,
) -> Callable[
    [Callable[[SpeccServer, Any], Awaitable[Result]]],
    Callable[[SpeccServer, Any], Awaitable[Result | None]],
]:
    """Return a decorator that turns a handler's exception into a log line and no result."""

    def wrap(
        handler: Callable[[SpeccServer, Any], Awaitable[Result]],
    ) -> Callable[[SpeccServer, Any], Awaitable[Result | None]]:
        @functools.wraps(handler)
        async def run(ls: SpeccServer, params: Any) -> Result | None:
            try:
                return await handler(ls, params)
            except Exception:  # a spec being typed must never take the server down
                ls.log_error(what)
                return None

        return run

    return wrap
