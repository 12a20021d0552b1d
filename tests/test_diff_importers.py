"""`specc diff` across a project: the specs that import what a breaking change touches."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent / "examples" / "project"


def _copy(folder: Path) -> Path:
    shutil.copytree(PROJECT, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


@pytest.fixture
def sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    return _copy(tmp_path / "old"), _copy(tmp_path / "new")


def _report(cli, old: Path, new: Path) -> dict:  # type: ignore[no-untyped-def]
    result = cli("diff", "old", "new", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _importers(report: dict, spec: str) -> list[tuple[str, str, str, int]]:
    (found,) = [s for s in report["specs"] if s["spec"] == spec]
    return [(i["spec"], i["how"], i["path"], i["line"]) for i in found["importers"]]


def test_a_project_of_specs_that_use_each_other_is_compared_whole(cli, sides) -> None:
    """Each side is compiled as a project: `billing` finds `common` beside it."""
    result = cli("diff", "old", "new")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 specs changed")


def test_a_breaking_change_lists_the_specs_that_import_the_declaration(
    cli, sides
) -> None:
    old, new = sides
    _edit(
        new / "common.spec.md",
        "enum Currency { usd, eur }",
        "enum Currency { usd, eur, gbp }",
    )
    report = _report(cli, old, new)
    # Only billing imports Currency (`use common.{Money, Currency}`, line 15).
    assert _importers(report, "common") == [
        ("billing", "use common.Currency", "new/billing.spec.md", 15)
    ]
    (found,) = report["specs"]
    assert found["importers"][0]["declaration"] == "Currency"


def test_imports_by_use_and_by_qualified_name_are_both_found(cli, sides) -> None:
    old, new = sides
    # Money's default currency changes (breaking) and Sku becomes optional (breaking).
    _edit(
        new / "common.spec.md",
        "  currency: Currency = usd",
        "  currency: Currency = eur",
    )
    _edit(new / "common.spec.md", "type Sku = string\n", "type Sku = string?\n")
    report = _report(cli, old, new)
    assert _importers(report, "common") == [
        ("billing", "use common.Money", "new/billing.spec.md", 15),
        ("checkout", "use common.Money", "new/checkout.spec.md", 18),
        ("checkout", "common.Sku", "new/checkout.spec.md", 23),
        ("checkout", "common.Sku", "new/checkout.spec.md", 27),
        ("inventory", "use common.Money", "new/inventory.spec.md", 19),
        ("inventory", "use common.Sku", "new/inventory.spec.md", 19),
    ]
    text = cli("diff", "old", "new").output
    assert (
        "  imported by:\n    billing new/billing.spec.md:15: use common.Money\n" in text
    )
    assert "    checkout new/checkout.spec.md:23: common.Sku\n" in text


def test_a_type_imported_from_a_spec_that_imports_others_is_found(cli, sides) -> None:
    """checkout names `billing.PaymentMethod` qualified (line 56); `billing.Receipt`
    on the next line holds a PaymentMethod but did not change itself, so it is
    not listed."""
    old, new = sides
    _edit(new / "billing.spec.md", "  voucher { code: string }\n", "")
    _edit(
        new / "checkout.spec.md",
        'pay({cents: 1400}, voucher{code: "SPRING"}) == {amount: {cents: 1400}, '
        'method: voucher{code: "SPRING"}}\n',
        "",
    )
    _edit(
        new / "billing.spec.md",
        'charge({cents: 100, currency: eur}, voucher{code: ""}) raises '
        'Declined{reason: "empty voucher"}\n',
        "",
    )
    report = _report(cli, old, new)
    assert _importers(report, "billing") == [
        ("checkout", "billing.PaymentMethod", "new/checkout.spec.md", 56),
    ]


def test_a_change_that_breaks_nothing_imported_lists_no_importers(cli, sides) -> None:
    old, new = sides
    # Not breaking: a doc comment of an imported type, and a new optional field.
    _edit(
        new / "common.spec.md", "/// An amount of money in cents", "/// A sum in cents"
    )
    _edit(
        new / "common.spec.md",
        "  cents:    int\n",
        "  cents:    int\n  note: string?\n",
    )
    # Breaking, but to what nobody imports: the parameters of `add` (functions
    # are never imported) and the error CurrencyMismatch.
    _edit(
        new / "common.spec.md",
        "fn add(a: Money, b: Money)",
        "fn add(x: Money, y: Money)",
    )
    _edit(
        new / "common.spec.md",
        "{ left: Currency, right: Currency }",
        "{ left: Currency, right: Currency, note: string? }",
    )
    report = _report(cli, old, new)
    (found,) = report["specs"]
    assert found["breaking"] is True
    kinds = {c["kind"] for c in found["changes"]}
    assert {"declaration-doc", "field-changed", "signature-changed"} <= kinds
    assert found["importers"] == []
    assert "imported by" not in cli("diff", "old", "new").output


def test_a_non_breaking_change_to_an_imported_type_lists_none(cli, sides) -> None:
    old, new = sides
    _edit(
        new / "common.spec.md",
        "  cents:    int\n",
        "  cents:    int\n  note: string?\n",
    )
    report = _report(cli, old, new)
    (found,) = report["specs"]
    assert found["breaking"] is False and found["importers"] == []


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_since_a_revision_one_spec_is_compared_and_the_project_searched(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the major bump, the importers' ranges fail them (E164); they are not
    compared, so the diff of `common` alone still lists where they import it."""
    root = _copy(tmp_path / "shop")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "first")
    _edit(
        root / "common.spec.md",
        "enum Currency { usd, eur }",
        "enum Currency { usd, eur, gbp }",
    )
    _edit(root / "common.spec.md", "version: 1.3.0", "version: 2.0.0")
    monkeypatch.chdir(root)
    result = cli("diff", "--since", "HEAD", "common.spec.md")
    assert result.exit_code == 0, result.output
    assert "needs a major bump, the version has major: ok\n" in result.output
    assert (
        "  imported by:\n    billing billing.spec.md:15: use common.Currency\n"
        in result.output
    )
    # Compared whole, the importers' errors stop the diff.
    whole = cli("diff", "--since", "HEAD")
    assert whole.exit_code == 1 and "error[E164]" in whole.output


def test_a_renamed_spec_lists_every_uses_entry_naming_it(cli, sides) -> None:
    """Only `common` is compared (two files): its importers, which no longer
    find it, are read for where they name it, not reported as errors."""
    old, new = sides
    _edit(new / "common.spec.md", "spec: common", "spec: shared")
    result = cli("diff", "old/common.spec.md", "new/common.spec.md", "--format", "json")
    assert result.exit_code == 1, result.output
    assert _importers(json.loads(result.output), "shared") == [
        ("billing", "uses common", "new/billing.spec.md", 7),
        ("checkout", "uses common", "new/checkout.spec.md", 7),
        ("inventory", "uses common", "new/inventory.spec.md", 7),
    ]
