"""The LSP methods the server answers, each a thin handler over the module that does the work."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from specc.frontend.interfaces import Imports
from specc.lsp import actions, completion, hover, navigation, rename, symbols
from specc.lsp.checking import changed_lines
from specc.lsp.index import Index, Occurrence
from specc.lsp.server import Document, SpeccServer, guarded
from specc.lsp.text import Text
from specc.lsp.workspace import Place, index_of, spec_place, users

TRIGGERS = ["#", "(", ",", ":", "{", "[", " ", "<"]


async def _at(
    ls: SpeccServer, uri: str, position: types.Position
) -> tuple[Document, Index, Occurrence] | None:
    """Return the document, its index and the name under an LSP position."""
    doc = ls.documents.get(uri)
    if doc is None:
        return None
    index = await index_of(ls, doc)
    if index is None:
        return None
    line, char = doc.text.point(position)
    found = index.at(line, char)
    return (doc, index, found) if found is not None else None


def _location(place: Place, o: Occurrence) -> types.Location:
    return types.Location(place.uri, place.text.range(o.line, o.start, o.line, o.end))


def create_server() -> SpeccServer:
    """Return a server with every feature registered."""
    server = SpeccServer()
    register(server)
    return server


def register(server: SpeccServer) -> None:
    """Register every feature on the server."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: SpeccServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded("opening a document")
    async def did_open(
        ls: SpeccServer, params: types.DidOpenTextDocumentParams
    ) -> None:
        await ls.full_check(ls.open(params.text_document))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded("a change")
    async def did_change(
        ls: SpeccServer, params: types.DidChangeTextDocumentParams
    ) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        doc.text = doc.text.changed(list(params.content_changes))
        doc.version = params.text_document.version
        asyncio.ensure_future(guarded("checking")(_changed)(ls, doc))

    async def _changed(ls: SpeccServer, doc: Document) -> None:
        await ls.changed(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("closing a document")
    async def did_close(
        ls: SpeccServer, params: types.DidCloseTextDocumentParams
    ) -> None:
        uri = params.text_document.uri
        if ls.documents.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri, [])
            )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded("hover")
    async def on_hover(
        ls: SpeccServer, params: types.HoverParams
    ) -> types.Hover | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        doc, index, at = found
        report = hover.find_report(doc.path) if at.key.startswith("example:") else None
        if at.spec:  # declared by another spec: described from there
            place = await spec_place(ls, doc, at.spec)
            text = hover.imported_text(place.index, at) if place is not None else None
        else:
            text = hover.hover_text(index, at, report)
        if text is None:
            return None
        content = types.MarkupContent(types.MarkupKind.Markdown, text)
        return types.Hover(content, doc.text.range(at.line, at.start, at.line, at.end))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded("go to definition")
    async def on_definition(
        ls: SpeccServer, params: types.DefinitionParams
    ) -> types.Location | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        doc, index, at = found
        named = navigation.target(index, at)
        if named is None:
            return None
        owner, key = named
        place = await spec_place(ls, doc, owner)
        if place is None:
            return None
        target = navigation.definition(place.index, owner, key)
        return _location(place, target) if target is not None else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded("find references")
    async def on_references(
        ls: SpeccServer, params: types.ReferenceParams
    ) -> list[types.Location] | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        doc, index, at = found
        named = navigation.target(index, at)
        if named is None:
            return None
        owner, key = named
        declaration = params.context.include_declaration
        return [
            _location(place, o)
            for place in await users(ls, doc, owner)
            for o in navigation.references(place.index, owner, key, declaration)
        ]

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGERS),
    )
    @guarded("completion")
    async def on_completion(
        ls: SpeccServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        if doc.checked is None:
            await ls.full_check(doc)
        spec = doc.checked.compiled.spec if doc.checked else None
        if spec is None:
            return None
        line, char = doc.text.point(params.position)
        items = completion.complete(spec, doc.text.lines, line, char)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded("document symbols")
    async def on_symbols(
        ls: SpeccServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        spec = (await ls.full_check(doc)).compiled.spec
        return symbols.outline(spec, doc.text) if spec is not None else None

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded("code actions")
    async def on_code_action(
        ls: SpeccServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        spec = (await ls.full_check(doc)).compiled.spec
        diagnostics = list(params.context.diagnostics)
        found = actions.did_you_mean(doc.uri, doc.text, diagnostics)
        if spec is not None:
            lines = range(params.range.start.line, params.range.end.line + 1)
            found += actions.add_rule_ids(doc.uri, doc.text, spec, lines, diagnostics)
        return found

    @server.feature(
        types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True)
    )
    @guarded("rename")
    async def on_rename(
        ls: SpeccServer, params: types.RenameParams
    ) -> types.WorkspaceEdit | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None or not rename.renamable(found[2]):
            return None
        doc, index, at = found
        problem = rename.invalid_name(at, params.new_name)
        if problem is not None:
            ls.window_show_message(
                types.ShowMessageParams(types.MessageType.Warning, problem)
            )
            return None
        owner, key = index.owner(at), at.key
        changes = {}
        for place in await users(ls, doc, owner):
            edits = [
                types.TextEdit(_location(place, o).range, params.new_name)
                for o in rename.rename_edits(place.index, owner, key)
            ]
            if edits:
                changes[place.uri] = edits
        return types.WorkspaceEdit(changes=changes)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded("prepare rename")
    async def on_prepare_rename(
        ls: SpeccServer, params: types.PrepareRenameParams
    ) -> types.Range | None:
        found = await _at(ls, params.text_document.uri, params.position)
        if found is None or not rename.renamable(found[2]):
            return None
        doc, _, at = found
        return doc.text.range(at.line, at.start, at.line, at.end)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded("formatting")
    async def on_formatting(
        ls: SpeccServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        project = (await ls.full_check(doc)).project
        loop = asyncio.get_running_loop()
        imports = (
            await loop.run_in_executor(ls.checker, project.imports, doc.path)
            if project is not None
            else None
        )
        return _format(doc, imports)


def _format(doc: Document, imports: Imports | None) -> list[types.TextEdit]:
    """Return the edit that formats the document (checked with what its project gives
    it): its changed lines replaced."""
    from specc.fmt.document import MeaningChanged, check_meaning, format_text

    before = doc.text.text
    after = format_text(doc.path, before)
    if after == before:
        return []
    try:
        check_meaning(doc.path, before, after, imports)
    except MeaningChanged:
        return []
    old, new = doc.text.lines, Text(after).lines
    first, old_end, _ = changed_lines(old, new)
    if first is None:
        return []
    tail = len(old) - old_end
    newline = "\r\n" if "\r\n" in before else "\n"
    changed = new[first : len(new) - tail]
    if tail:
        replacement = "".join(line + newline for line in changed)
        where = doc.text.range(first, 0, len(old) - tail, 0)
    else:  # the change reaches the last line, which has no line break after it
        replacement = newline.join(changed)
        where = doc.text.range(first, 0, len(old) - 1, len(old[-1]))
    return [types.TextEdit(where, replacement)]
