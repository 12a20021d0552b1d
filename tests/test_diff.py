"""`specc diff`: one test per kind of change, the semver verdict, and the command."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from specc.diff.compare import diff_specs
from specc.frontend.compile import compile_source

BASE = """\
---
spec: shop
title: Shop
version: 1.2.0
---

# Shop {#shop}

## Prices {#price}

`price` MUST return the total in cents. Totals SHOULD be rounded down.
Discounts are described elsewhere.

```specc
/// A product.
record Item { name: string, cents: int, note: string? }
enum Size { small, large }
variant Payment { card { last4: string }, cash { } }
type Cents = int
error OutOfStock { name: string }
error Closed "the shop is closed"
fn price(items: list<Item>, size: Size) -> Cents raises OutOfStock
```

```examples
price([], small) == 0
price([{name: "a", cents: 5}], large) == 5
```

## Tone {#tone authority=developer tone=warm}

The assistant SHOULD greet the user.

**Example**: a greeting

~~~xml
<user>hi</user>
<comparison>
<assistant> <!-- GOOD -->
Hello!
</assistant>
<assistant> <!-- BAD: cold -->
What.
</assistant>
</comparison>
~~~
"""


def _spec(text: str):  # type: ignore[no-untyped-def]
    compiled = compile_source("shop.spec.md", text.encode())
    assert compiled.ok, [d.message for d in compiled.diagnostics]
    return compiled.spec


def _changes(old: str, new: str) -> list[tuple[str, str, str]]:
    """Return (kind, bump, message) of every change from ``old`` to ``new``."""
    result = diff_specs(_spec(old), _spec(new))
    return [(c.kind, c.bump, c.message) for c in result.changes]


def _edit(*pairs: str) -> str:
    text = BASE
    for before, after in zip(pairs[::2], pairs[1::2], strict=True):
        assert before in text, before
        text = text.replace(before, after, 1)
    return text


def test_identical_specs_have_no_changes():
    assert _changes(BASE, BASE) == []


CASES = [
    # rules
    (
        ("## Tone {#tone", "## Tone {#voice"),
        [("rule-removed", "major"), ("rule-added", "minor")],
    ),
    (("## Prices {#price}", "## Pricing {#price}"), [("rule-title", "patch")]),
    (
        ("Discounts are described elsewhere.", "Discounts live elsewhere."),
        [("rule-text", "patch")],
    ),
    (
        ("Totals SHOULD be rounded", "Totals MUST be rounded"),
        [("rule-strength", "major")],
    ),
    (
        ("Totals SHOULD be rounded down.", "Totals MAY be rounded down."),
        [("rule-strength", "major")],
    ),
    (
        ("Discounts are described elsewhere.", "Totals MUST NOT be negative."),
        [("rule-strength", "minor")],
    ),
    (("Totals SHOULD be rounded down.\n", ""), [("rule-strength", "major")]),
    (("authority=developer", "authority=user"), [("rule-authority", "major")]),
    (("tone=warm", "tone=cold"), [("rule-attribute", "patch")]),
    # examples
    (
        ("price([], small) == 0\n", "price([], small) == 0\nprice([], large) == 0\n"),
        [("example-added", "minor")],
    ),
    (("price([], small) == 0\n", ""), [("example-removed", "major")]),
    (
        ("price([], small) == 0", "price([], small) == 1"),
        [("example-changed", "major")],
    ),
    (
        ("price([], small) == 0", "price([], small) raises OutOfStock"),
        [("example-changed", "major")],
    ),
    (("<!-- BAD: cold -->", "<!-- GOOD -->"), [("example-changed", "major")]),
    (("BAD: cold", "BAD: rude"), [("example-changed", "patch")]),
    (("Hello!", "Hello there!"), [("example-changed", "patch")]),
    (("**Example**: a greeting", "**Example**: a welcome"), None),
    # declarations
    (
        ("type Cents = int", "type Cents = int\ntype Euros = float"),
        [("declaration-added", "minor")],
    ),
    (('error Closed "the shop is closed"\n', ""), [("declaration-removed", "major")]),
    (("type Cents = int", "type Cents = float"), [("declaration-changed", "major")]),
    (('error Closed "the shop is closed"', "record Closed { }"), None),
    (("enum Size { small, large }", "enum Size { small, large, huge }"), None),
    (("cash { }", "cash { }, voucher { code: string }"), [("member-added", "major")]),
    (("cash { }", "cash { cents: int }"), [("field-changed", "major")]),
    (
        ("note: string? }", 'note: string?, tag: string = "" }'),
        [("field-changed", "minor")],
    ),
    (
        (
            "note: string? }",
            "note: string?, tag: string }",
            '"a", cents: 5}',
            '"a", cents: 5, tag: "t"}',
        ),
        [  # in line order: the rule (what it lost), the field, the example
            ("example-removed", "major"),
            ("field-changed", "major"),
            ("example-added", "minor"),
        ],
    ),
    (("cents: int,", "cents: float,"), [("field-changed", "major")]),
    (
        ("name: string, cents", 'name: string = "x", cents'),
        [("field-changed", "minor")],
    ),
    (("/// A product.", "/// A product for sale."), [("declaration-doc", "patch")]),
    (
        ('error Closed "the shop is closed"', 'error Closed "closed"'),
        [("declaration-changed", "patch")],
    ),
    # signatures
    (("-> Cents raises", "-> int raises"), [("signature-changed", "major")]),
    (
        ("raises OutOfStock\n", "raises OutOfStock, Closed\n"),
        [("signature-changed", "major")],
    ),
    (
        (
            "size: Size)",
            "size: Size, coupon: string)",
            "small)",
            'small, "")',
            "large)",
            'large, "")',
        ),
        [("example-removed", "major")] * 2
        + [("signature-changed", "major")]
        + [("example-added", "minor")] * 2,
    ),
    # front matter
    (("title: Shop", "title: The shop"), [("front-matter", "patch")]),
    (("spec: shop", "spec: store"), [("spec-renamed", "major")]),
]


@pytest.mark.parametrize(("edit", "expected"), CASES, ids=lambda v: str(v)[:40])
def test_each_kind_of_change_is_reported_with_its_bump(edit, expected):
    changes = _changes(BASE, _edit(*edit))
    if expected is None:  # the two-sided cases below check these precisely
        assert changes
        return
    assert [(k, b) for k, b, _ in changes] == expected, changes


def test_a_renamed_conversation_is_removed_and_added():
    changes = _changes(BASE, _edit("**Example**: a greeting", "**Example**: a welcome"))
    assert [(k, b) for k, b, _ in changes] == [
        ("example-removed", "major"),
        ("example-added", "minor"),
    ]


def test_enum_members_added_or_removed_are_breaking():
    added = _changes(BASE, _edit("{ small, large }", "{ small, large, huge }"))
    removed = _changes(
        BASE, _edit("{ small, large }", "{ small, huge }", "large)", "huge)")
    )
    assert added == [("member-added", "major", "member `huge` added")]
    assert ("member-removed", "major", "member `large` removed") in removed


def test_a_declaration_that_changes_kind_is_breaking():
    changes = _changes(
        BASE, _edit('error Closed "the shop is closed"', "record Closed { }")
    )
    assert changes == [
        ("declaration-changed", "major", "`Closed` was error, is now record")
    ]


def test_dropping_a_raised_error_is_minor_and_reordering_parameters_major():
    fewer = _changes(BASE, _edit(" raises OutOfStock\n", "\n"))
    assert fewer == [
        ("signature-changed", "minor", "`price` no longer raises `OutOfStock`")
    ]
    text = _edit(
        "price(items: list<Item>, size: Size)", "price(size: Size, items: list<Item>)"
    )
    text = text.replace("price([], small)", "price(small, [])")
    text = text.replace(
        'price([{name: "a", cents: 5}], large)', 'price(large, [{name: "a", cents: 5}])'
    )
    assert ("signature-changed", "major", "parameters reordered") in _changes(
        BASE, text
    )


def test_the_statement_that_changed_strength_is_quoted():
    changes = _changes(BASE, _edit("Totals SHOULD", "Totals MUST"))
    assert changes[0][2] == "SHOULD is now MUST: “Totals MUST be rounded down.”"


# --- the version verdict -------------------------------------------------------


def _verdict(old_version: str, new_version: str, edit: tuple[str, str]):  # type: ignore[no-untyped-def]
    old = BASE.replace("version: 1.2.0", f"version: {old_version}")
    new = _edit(*edit).replace("version: 1.2.0", f"version: {new_version}")
    return diff_specs(_spec(old), _spec(new))


BREAK = ("Totals SHOULD", "Totals MUST")
ADD = ("price([], small) == 0\n", "price([], small) == 0\nprice([], large) == 0\n")


@pytest.mark.parametrize(
    ("old", "new", "edit", "needed", "found", "ok"),
    [
        ("1.2.0", "2.0.0", BREAK, "major", "major", True),
        ("1.2.0", "1.3.0", BREAK, "major", "minor", False),
        ("1.2.0", "1.2.0", BREAK, "major", "none", False),
        ("1.2.0", "1.1.0", BREAK, "major", None, False),
        ("1.2.0", "2.0.0-rc.1", BREAK, "major", "major", True),
        ("0.3.1", "0.4.0", BREAK, "minor", "minor", True),
        ("0.3.1", "0.3.2", BREAK, "minor", "patch", False),
        # Only breaking changes fail the check; a missing minor bump is reported.
        ("1.2.0", "1.2.0", ADD, "minor", "none", True),
        ("1.2.0", "1.3.0", ADD, "minor", "minor", True),
    ],
)
def test_the_version_must_cover_breaking_changes(old, new, edit, needed, found, ok):
    result = diff_specs(
        _spec(old and BASE.replace("1.2.0", old)),
        _spec(_edit(*edit).replace("1.2.0", new)),
    )
    assert (result.needed, result.found, result.ok) == (needed, found, ok)


def test_a_spec_without_a_version_cannot_pass_a_breaking_change():
    old = BASE.replace("version: 1.2.0\n", "")
    result = diff_specs(
        _spec(old), _spec(_edit(*BREAK).replace("version: 1.2.0\n", ""))
    )
    assert result.breaking and result.found is None and not result.ok


# --- the command ---------------------------------------------------------------


def _write(folder, name: str, text: str):  # type: ignore[no-untyped-def]
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def test_diff_exits_1_on_an_unbumped_breaking_change(cli, tmp_path):
    old = _write(tmp_path, "old.spec.md", BASE)
    new = _write(tmp_path, "new.spec.md", _edit(*BREAK))
    result = cli("diff", old, new)
    assert result.exit_code == 1
    assert "BREAKING" in result.output and "rule-strength" not in result.output
    assert "needs a major bump, the version has none" in result.output
    bumped = _write(tmp_path, "bumped.spec.md", _edit(*BREAK).replace("1.2.0", "2.0.0"))
    assert cli("diff", old, bumped).exit_code == 0


def test_diff_json_lists_each_change(cli, tmp_path):
    old = _write(tmp_path, "old.spec.md", BASE)
    new = _write(tmp_path, "new.spec.md", _edit(*ADD))
    result = cli("diff", old, new, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["ok"] is True
    (spec,) = report["specs"]
    assert spec["bump_needed"] == "minor" and spec["breaking"] is False
    (change,) = spec["changes"]
    assert change["kind"] == "example-added" and change["subject"] == "price"
    assert change["path"] == new and change["line"] == 27


def test_diff_pairs_the_specs_of_two_folders(cli, tmp_path):
    _write(tmp_path, "a/shop.spec.md", BASE)
    _write(tmp_path, "a/gone.spec.md", BASE.replace("spec: shop", "spec: gone"))
    _write(tmp_path, "b/shop.spec.md", BASE)
    _write(tmp_path, "b/new/extra.spec.md", BASE.replace("spec: shop", "spec: extra"))
    report = json.loads(
        cli("diff", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "json").output
    )
    kinds = {s["spec"]: [c["kind"] for c in s["changes"]] for s in report["specs"]}
    assert kinds == {"gone": ["spec-removed"], "extra": ["spec-added"]}
    assert report["ok"] is False  # removing a spec is breaking


def test_diff_needs_two_paths_without_since(cli, tmp_path):
    result = cli("diff", str(tmp_path))
    assert result.exit_code == 2 and "give OLD and NEW" in result.output


def test_diff_of_a_broken_spec_prints_its_diagnostics(cli, tmp_path):
    old = _write(tmp_path, "old.spec.md", BASE)
    new = _write(
        tmp_path,
        "new.spec.md",
        BASE.replace("price([], small) == 0", "price([], tiny) == 0"),
    )
    result = cli("diff", old, new)
    assert result.exit_code == 1 and "error[E056]" in result.output


def _git(cwd, *args: str) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_diff_since_a_git_revision(cli, tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "specs/shop.spec.md", BASE)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    _write(tmp_path, "specs/shop.spec.md", _edit(*BREAK))
    monkeypatch.chdir(tmp_path / "specs")
    result = cli("diff", "--since", "HEAD", ".", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [c["kind"] for c in report["specs"][0]["changes"]] == ["rule-strength"]
    monkeypatch.chdir(tmp_path)
    assert cli("diff", "--since", "HEAD").exit_code == 1  # specs/ by default
    _git(tmp_path, "commit", "-q", "-am", "second")
    assert cli("diff", "--since", "HEAD", "specs").exit_code == 0
    assert "1 spec changed" in cli("diff", "--since", "HEAD~1", "specs").output


def test_diff_since_an_unknown_revision_is_e130(cli, tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q")
    _write(tmp_path, "specs/shop.spec.md", BASE)
    monkeypatch.chdir(tmp_path)
    result = cli("diff", "--since", "nope", "specs")
    assert result.exit_code == 1 and "error[E150]" in result.output
    assert "`nope` is not a commit" in result.output


def test_changes_are_listed_in_the_order_of_the_spec(cli, tmp_path):
    """A reader goes down the file: the field on line 18 before the example on 28."""
    old = _write(tmp_path, "old.spec.md", BASE)
    edited = _edit(
        "price([], small) == 0\n",
        "price([], small) == 0\nprice([], large) == 0\n",
        "record Item { name: string, cents: int, note: string? }",
        "record Item { name: string, cents: int, note: string?, gift: bool? }",
        "The assistant SHOULD greet the user.",
        "The assistant SHOULD greet the user warmly.",
    )
    new = _write(tmp_path, "new.spec.md", edited.replace("1.2.0", "1.3.0"))
    result = cli("diff", old, new)
    assert result.exit_code == 0, result.output
    lines = [int(n) for n in re.findall(r"new\.spec\.md:(\d+):", result.output)]
    assert len(lines) >= 3 and lines == sorted(lines)


def test_the_summary_counts_in_words(cli, tmp_path):
    old = _write(tmp_path, "old.spec.md", BASE)
    new = _write(tmp_path, "new.spec.md", _edit(*BREAK))
    result = cli("diff", old, new)
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("1 spec changed: ")
    assert "; 1 lacks the version bump it needs; " in last
