"""`specc lsp` across the specs of a project (examples/project): definition, references,
hover and rename follow a name into the spec that declares it and the specs that use it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lsp_client import apply, open_text, position
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import ROOT
from specc.diagnostics import Severity
from specc.frontend.project import Project, project_files

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPECS = ("common", "billing", "inventory", "checkout")
MONEY = r"(?<!## )(?<!summary: )\bMoney\b"
"""Each `Money` the specs write, but in a heading's title or a summary (prose)."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of examples/project, so each test has files of its own."""
    return Path(shutil.copytree(ROOT / "examples" / "project", tmp_path / "project"))


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


def _places(text: str, pattern: str) -> list[types.Position]:
    """Return where each match of ``pattern`` (its first group, if any) starts."""
    found = []
    for match in re.finditer(pattern, text):
        start = match.start(1) if match.groups() else match.start()
        line = text.count("\n", 0, start)
        found.append(types.Position(line, start - (text.rfind("\n", 0, start) + 1)))
    return found


async def _definition(
    client: LanguageClient, uri: str, at: types.Position
) -> types.Location:
    result = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert isinstance(result, types.Location), result
    return result


async def test_definition_goes_to_the_spec_that_declares_the_name(
    client: LanguageClient, project: Path
) -> None:
    checkout = project / "checkout.spec.md"
    text = checkout.read_text()
    common = (project / "common.spec.md").read_text()
    billing = (project / "billing.spec.md").read_text()
    inventory = (project / "inventory.spec.md").read_text()
    uri, _ = await open_text(client, checkout)
    cases = [
        # a name `use` imports, where it is imported and where it is used
        (position(text, "use common.Money", 11), "common", common, "record Money {"),
        (position(text, "-> Money raises", 3), "common", common, "record Money {"),
        # a qualified name, and the spec before it
        (position(text, "common.Sku", 7), "common", common, "Sku = string"),
        (position(text, "billing.Receipt", 8), "billing", billing, "Receipt {"),
        # fields, tags and fields of another spec's types in examples
        (position(text, "{cents: 1400}", 1), "common", common, "cents:    int"),
        (position(text, 'voucher{code: "SPRING"}'), "billing", billing, "voucher {"),
        (position(text, "on_hand: 9", 0), "inventory", inventory, "on_hand: int"),
        # a link to another spec's rule, and a spec ID
        (position(text, "(inventory#stock)", 11), "inventory", inventory, "#stock}"),
        (position(text, "- billing >=1.2", 2), "billing", billing, "billing\n"),
        (position(text, "use inventory.", 4), "inventory", inventory, "inventory\n"),
    ]
    for at, spec, declaring, expected in cases:
        found = await _definition(client, uri, at)
        assert found.uri == _uri(project / f"{spec}.spec.md"), (at, expected)
        skip = len(expected.split()[0]) + 1 if expected.startswith("record") else 0
        skip = 1 if expected.startswith("#") else skip
        assert found.range.start == position(declaring, expected, skip), expected
    local = await _definition(client, uri, position(text, "list<CartLine>", 5))
    assert (local.uri, local.range.start) == (uri, position(text, "CartLine {"))


async def _references(
    client: LanguageClient, uri: str, at: types.Position, declaration: bool = True
) -> list[tuple[str, types.Position]]:
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=at,
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )
    assert found is not None
    return sorted((f.uri, f.range.start) for f in found)  # type: ignore[no-any-return]


def _everywhere(project: Path, pattern: str) -> list[tuple[str, types.Position]]:
    """Return each match of ``pattern`` in every spec of the project, by URI."""
    return sorted(
        (_uri(project / f"{spec}.spec.md"), at)
        for spec in SPECS
        for at in _places((project / f"{spec}.spec.md").read_text(), pattern)
    )


async def test_references_of_a_declaration_list_its_uses_in_every_spec(
    client: LanguageClient, project: Path
) -> None:
    """Every `Money` the project's specs write, and every `cents:` of a money value,
    are found from the declaration in common and from a use in checkout."""
    common = project / "common.spec.md"
    text = common.read_text()
    uri, _ = await open_text(client, common)
    money = _everywhere(project, MONEY)
    assert {u for u, _ in money} == {_uri(project / f"{s}.spec.md") for s in SPECS}
    assert await _references(client, uri, position(text, "record Money", 7)) == money
    without = await _references(
        client, uri, position(text, "record Money", 7), declaration=False
    )
    assert without == [
        m for m in money if m != (uri, position(text, "record Money", 7))
    ]
    cents = _everywhere(project, r"\b(cents):")
    assert len(cents) > 20
    assert await _references(client, uri, position(text, "cents:    int")) == cents
    checkout = project / "checkout.spec.md"
    other = checkout.read_text()
    from_use = await _references(
        client, (await open_text(client, checkout))[0], position(other, "-> Money", 3)
    )
    assert from_use == money


async def test_references_of_a_rule_and_a_spec_follow_links_and_uses(
    client: LanguageClient, project: Path
) -> None:
    common = project / "common.spec.md"
    text = common.read_text()
    uri, _ = await open_text(client, common)
    links = await _references(
        client, uri, position(text, "{#money}", 2), declaration=False
    )
    assert links == _everywhere(project, r"common#(money)\)")
    uses = await _references(client, uri, position(text, "spec: common", 6))
    assert uses == _everywhere(project, r"(?<![#\w])(common)\b(?!\.spec)")


async def _hover(client: LanguageClient, uri: str, at: types.Position) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), at)
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_describes_a_name_from_the_spec_that_declares_it(
    client: LanguageClient, project: Path
) -> None:
    checkout = project / "checkout.spec.md"
    text = checkout.read_text()
    uri, _ = await open_text(client, checkout)
    money = await _hover(client, uri, position(text, "amount: Money", 9))
    assert "record Money {" in money and "currency: Currency = usd" in money
    assert "An amount of money in cents of its currency." in money
    assert "Declared under rule `#money`." in money
    assert "From spec `common`." in money
    tag = await _hover(client, uri, position(text, 'card{last4: "1881"}', 1))
    assert "PaymentMethod.card { last4: string }" in tag
    rule = await _hover(client, uri, position(text, "(billing#charge)", 10))
    assert "**Charging** `#charge`" in rule
    assert "- **MUST**: `charge` MUST charge a positive amount" in rule
    spec = await _hover(client, uri, position(text, "- inventory ^2.0", 3))
    assert spec.startswith("**Inventory** · spec `inventory` 2.0.0")


async def test_an_open_document_is_followed_as_typed_not_as_saved(
    client: LanguageClient, project: Path
) -> None:
    """With common open and edited (unsaved), definition from checkout lands where
    `Money` is in the edited text."""
    common = project / "common.spec.md"
    saved = common.read_text()
    edited = saved.replace(
        "## Money {#money}", "## Money {#money}\n\nA new paragraph.\n"
    )
    await open_text(client, common, edited)
    checkout = project / "checkout.spec.md"
    text = checkout.read_text()
    uri, _ = await open_text(client, checkout)
    found = await _definition(client, uri, position(text, "-> Money raises", 3))
    assert found.uri == _uri(common)
    assert found.range.start == position(edited, "record Money {", 7)
    assert position(edited, "record Money") != position(saved, "record Money")


async def test_rename_a_declaration_renames_it_in_the_specs_that_use_it(
    client: LanguageClient, project: Path
) -> None:
    money = _everywhere(project, MONEY)
    common = project / "common.spec.md"
    text = common.read_text()
    uri, _ = await open_text(client, common)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            types.TextDocumentIdentifier(uri),
            position(text, "record Money", 7),
            "Cents",
        )
    )
    assert edit is not None and edit.changes is not None
    assert set(edit.changes) == {_uri(project / f"{s}.spec.md") for s in SPECS}
    for spec in SPECS:
        path = project / f"{spec}.spec.md"
        path.write_text(apply(path.read_text(), edit.changes[_uri(path)]))
    files = [str(project / f"{s}.spec.md") for s in SPECS]
    compiler = Project(project_files(files))
    for path in files:
        found = compiler.compile(path)
        assert not [d for d in found.diagnostics if d.severity is Severity.ERROR]
        assert found.spec is not None
    assert _everywhere(project, r"\bCents\b") == money
    assert _everywhere(project, MONEY) == []


async def test_related_places_of_a_diagnostic_are_in_the_files_they_are_in(
    client: LanguageClient, project: Path
) -> None:
    """A clash with an imported name points at both declarations: the local one in
    this document, the imported one in common; a version out of range at common."""
    checkout = project / "checkout.spec.md"
    text = (
        checkout.read_text()
        .replace("common ^1.2", "common ^2.0")
        .replace("error UnknownItem", "record Money { cents: int }\nerror UnknownItem")
    )
    uri, diagnostics = await open_text(client, checkout, text)
    common = (project / "common.spec.md").read_text()
    found = {
        d.code: [
            (r.location.uri, r.location.range.start, r.message)
            for r in d.related_information or []
        ]
        for d in diagnostics
        if d.code in ("E162", "E164")
    }
    assert found == {
        "E162": [
            (uri, position(text, "record Money {", 7), "`Money` is declared here"),
            (
                _uri(project / "common.spec.md"),
                position(common, "record Money {", 7),
                "`common.Money` is declared here",
            ),
        ],
        "E164": [
            (
                _uri(project / "common.spec.md"),
                types.Position(0, 0),
                "`common`: 1.3.0",
            )
        ],
    }
