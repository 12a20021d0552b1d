"""`specc check --strict`: the review lints W104-W107, and only with --strict."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, MODEL_SPEC, ROOT

SPEC = """\
# Shop {#shop}

## Prices {#price}

`price` MUST return the total in cents.

```specc
enum Size { small, large, huge }
record Item { cents: int, size: Size = small }
error OutOfStock { name: string }
error Closed "the shop is closed"
record Unused { x: int }
type Lonely = list<Unused>
fn price(items: list<Item>) -> int raises OutOfStock, Closed
```

```examples
price([{cents: 5, size: large}]) == 5
price([{cents: 1}]) == 1
price([]) raises OutOfStock{name: "x"}
```

## Refunds {#refund}

Refunds SHOULD be quick and MUST NOT be partial.

## Notes {#notes}

Nothing normative here.
"""


def _strict(cli, tmp_path, text: str = SPEC):  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.spec.md"
    path.write_text(text)
    result = cli("check", "--strict", "--format", "json", str(path))
    return result, json.loads(result.output)


def _found(report: dict) -> list[tuple[str, int, int, str]]:  # type: ignore[type-arg]
    return [
        (d["code"], d["line"], d["col"], d["message"])
        for d in report["diagnostics"]
        if d["code"] in ("W104", "W105", "W106", "W107")
    ]


def test_each_review_lint_points_at_what_it_concerns(cli, tmp_path):
    result, report = _strict(cli, tmp_path)
    assert result.exit_code == 1  # --strict fails on warnings
    assert _found(report) == [
        ("W106", 8, 27, "no example uses `huge` of enum `Size`"),
        ("W105", 11, 7, "no example raises error `Closed`"),
        ("W107", 12, 8, "record `Unused` is never referenced by a function"),
        ("W107", 13, 6, "alias `Lonely` is never referenced by a function"),
        (
            "W104",
            23,
            1,
            "rule `refund` says MUST NOT but has no example or conversation",
        ),
    ]
    assert report["summary"]["warnings"] == 5 and report["summary"]["errors"] == 0


def test_review_lints_need_strict(cli, tmp_path):
    path = tmp_path / "shop.spec.md"
    path.write_text(SPEC)
    result = cli("check", "--format", "json", str(path))
    assert result.exit_code == 0
    assert _found(json.loads(result.output)) == []
    text = cli("check", str(path))
    assert "W10" not in text.output and "0 warnings" in text.output


def test_a_default_member_counts_as_used_and_a_conversation_covers_a_rule(
    cli, tmp_path
):
    text = SPEC.replace("large, huge }", "large }").replace(
        "Refunds SHOULD be quick and MUST NOT be partial.\n",
        "Refunds SHOULD be quick.\n\n**Example**: a refund\n\n~~~xml\n"
        "<user>refund</user>\n<assistant>Done.</assistant>\n~~~\n",
    )
    text = text.replace('error Closed "the shop is closed"\n', "")
    text = text.replace(", Closed", "").replace("record Unused { x: int }\n", "")
    text = text.replace("type Lonely = list<Unused>\n", "")
    result, report = _strict(cli, tmp_path, text)
    assert _found(report) == [] and result.exit_code == 0, report


def test_a_spec_of_types_alone_has_no_unreferenced_types(cli, tmp_path):
    text = "# T {#t}\n\n```specc\nrecord A { x: int }\nenum B { one }\n```\n"
    _, report = _strict(cli, tmp_path, text)
    assert [d[0] for d in _found(report)] == ["W106"]


@pytest.mark.parametrize(
    "path", [ROOT / "specs", EXAMPLES, MODEL_SPEC], ids=["specs", "examples", "corpus"]
)
def test_strict_adds_no_error_to_the_shipped_specs(cli, path):
    report = json.loads(cli("check", "--strict", "--format", "json", str(path)).output)
    assert report["summary"]["errors"] == 0
    if path == ROOT / "specs":  # the project's own specs pass the review, too
        assert report["summary"]["warnings"] == 0


def test_a_type_another_spec_uses_is_referenced(cli, tmp_path):
    """W107 counts what other specs checked with it use, and what that reaches."""
    (tmp_path / "base.spec.md").write_text(
        "---\nspec: base\nversion: 1.0.0\n---\n\n# Base {#base}\n\n"
        "## Ids {#ids}\n\n```specc\ntype Code = string\ntype Codes = list<Code>\n"
        "record Unused { x: int }\nfn size(c: int) -> int\n```\n\n"
        "```examples\nsize(1) == 1\n```\n"
    )
    (tmp_path / "user.spec.md").write_text(
        "---\nspec: user\nversion: 1.0.0\nuses:\n  - base ^1.0\n---\n\n# User {#user}\n\n"
        "## Tags {#tags}\n\n```specc\nuse base.{Codes}\n"
        "record Tagged { codes: map<string, Codes> }\nfn tag(t: Tagged) -> int\n```\n\n"
        "```examples\ntag({codes: {}}) == 0\n```\n"
    )
    both = cli("check", "--strict", "--format", "json", str(tmp_path))
    found = [d[3] for d in _found(json.loads(both.output))]
    assert found == ["record `Unused` is never referenced by a function"], found
    alone = cli("check", "--strict", "--format", "json", str(tmp_path / "base.spec.md"))
    found = [d[3] for d in _found(json.loads(alone.output))]
    assert "alias `Code` is never referenced by a function" in found
    assert "alias `Codes` is never referenced by a function" in found
