"""Specs that use other specs: `uses`, `use`, qualified names, links, and each diagnostic's place."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from specc.records.data import to_data
from specc.records.models import dump_json, validate

COMMON = """\
---
spec: common
version: 1.2.0
---

# Common types {#types}

Amounts MUST be in cents.

```specc
enum Currency { usd, eur }
record Money { amount: int, currency: Currency = usd }
type Sku = string
error Declined "declined"
```

## Adding {#add}

`add` MUST add.

```specc
fn add(a: Money, b: Money) -> Money
```

```examples
add({amount: 1}, {amount: 2}) == {amount: 3}
```
"""


def spec(front: str, body: str) -> str:
    """Return a spec with front matter lines ``front`` and a rule holding ``body``."""
    return (
        f"---\n{textwrap.dedent(front).strip()}\n---\n\n# Billing {{#bill}}\n\n"
        f"Billing MUST work.\n\n{textwrap.dedent(body).strip()}\n"
    )


BILLING = spec(
    """
    spec: billing
    version: 1.0.0
    uses:
      - common ^1.2
    """,
    """
    See [the types](common#types).

    ```specc
    use common.{Money, Currency}

    record Invoice { total: Money, sku: common.Sku = "a" }
    fn charge(invoice: Invoice) -> Money
    ```

    ```examples
    charge({total: {amount: 5, currency: eur}}) == {amount: 5, currency: eur}
    ```
    """,
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding common.spec.md, the current folder."""
    (tmp_path / "common.spec.md").write_text(COMMON)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(cli, path: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Return the diagnostics `specc check --format json` reports for ``path``."""
    result = cli("check", "--format", "json", path)
    assert "Traceback" not in result.output
    return [
        d for d in json.loads(result.stdout)["diagnostics"] if d["severity"] != "hint"
    ]


def place(found: list[dict]) -> list[tuple[str, int, int, str]]:
    """Return (code, line, col, message) of each diagnostic."""
    return [(d["code"], d["line"], d["col"], d["message"]) for d in found]


def test_a_spec_uses_types_and_rules_of_another(project: Path, cli) -> None:
    (project / "billing.spec.md").write_text(BILLING)
    assert check(cli, "billing.spec.md") == []
    result = cli("ir", "billing.spec.md")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["uses"] == [
        {
            "spec": "common",
            "requirement": "^1.2",
            "version": "1.2.0",
            "names": ["Money", "Currency"],
            "span": {
                "path": "billing.spec.md",
                "line": 5,
                "col": 5,
                "end_line": 5,
                "end_col": 16,
            },
        }
    ]
    total, sku = data["types"][0]["fields"]
    assert total["type"] == {
        "kind": "named",
        "name": "Money",
        "args": [],
        "spec": "common",
    }
    assert sku["type"]["spec"] == "common"
    assert [i["id"] for i in data["interfaces"]] == ["common"]
    links = data["sections"][0]["links"]
    assert links[0]["spec"] == "common" and links[0]["target"] == "types"
    money = data["sections"][0]["content"][2]["examples"][0]["result"]
    assert money["fields"][1]["value"] == {
        "type": {"kind": "named", "name": "Currency", "args": [], "spec": "common"},
        "kind": "enum",
        "enum": "Currency",
        "member": "eur",
    }


def test_values_of_imported_types_are_checked_where_they_are_written(
    project: Path, cli
) -> None:
    (project / "billing.spec.md").write_text(
        BILLING.replace("{amount: 5, currency: eur}}", '{amount: "5", currency: gbp}}')
    )
    assert place(check(cli, "billing.spec.md")) == [
        ("E053", 22, 25, 'expected `int`, found a string "5"'),
        ("E056", 22, 40, "`gbp` is not a member of enum `Currency`"),
    ]


@pytest.mark.parametrize(
    ("front", "body", "expected"),
    [
        pytest.param(
            "uses:\n  - comon",
            "",
            ("E160", 4, 5, "no spec `comon` in the project", "did you mean `common`?"),
            id="unknown-spec-in-uses",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse comon.Money\n```",
            ("E160", 12, 5, "no spec `comon` in the project", "did you mean `common`?"),
            id="unknown-spec-in-use",
        ),
        pytest.param(
            "",
            "```specc\nrecord R { m: common.Money }\n```",
            (
                "E166",
                11,
                15,
                "`common` is not in this spec's `uses`",
                "add `- common` to `uses` in the front matter",
            ),
            id="spec-not-in-uses",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.{Mony}\n```",
            ("E161", 12, 13, "`common` has no type `Mony`", "did you mean `Money`?"),
            id="unknown-name",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nrecord R { m: list<common.Curency> }\n```",
            (
                "E161",
                12,
                27,
                "`common` has no type `Curency`",
                "did you mean `Currency`?",
            ),
            id="unknown-qualified-name",
        ),
        pytest.param(
            "",
            "```specc\nrecord R { m: list<common.Money> }\n```",
            (
                "E166",
                11,
                20,
                "`common` is not in this spec's `uses`",
                "add `- common` to `uses` in the front matter",
            ),
            id="qualified-name-of-a-spec-not-in-uses",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nrecord R { m: list<nowhere.Money> }\n```",
            (
                "E160",
                12,
                20,
                "no spec `nowhere` in the project",
                "specs are found by the `spec` ID in their front matter (else their "
                "file name), among the project's spec files",
            ),
            id="qualified-name-of-no-spec",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.add\n```",
            (
                "E161",
                12,
                12,
                "`common.add` is a function; only types can be used",
                "a spec's functions are its own; use the types they take",
            ),
            id="function",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.{Money, Currency}\nuse common.Money\n```",
            (
                "E162",
                13,
                12,
                "`Money` is imported twice",
                "first from `common` at line 12; write `common.Money` where you "
                "mean this one",
            ),
            id="imported-twice",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.Money\nrecord Money { cents: int }\n```",
            (
                "E162",
                12,
                12,
                "`Money` is imported from `common` and declared in this spec",
                "rename one, or drop the import and write `common.Money`",
            ),
            id="clashes-with-a-local",
        ),
        pytest.param(
            "uses:\n  - common\n  - common ^1",
            "",
            ("E162", 5, 5, "`common` is in `uses` twice", "first at line 4"),
            id="used-twice",
        ),
        pytest.param(
            "uses:\n  - common >=2",
            "",
            (
                "E164",
                4,
                5,
                "this spec needs `common` >=2, but `common` is 1.2.0",
                "common is in common.spec.md: change the range, or the version there",
            ),
            id="version-not-in-range",
        ),
        pytest.param(
            "uses:\n  - common",
            "See [adding](common#ad).",
            (
                "E165",
                11,
                14,
                "`common` has no rule `#ad`",
                "did you mean `common#add`?",
            ),
            id="unknown-rule-of-another-spec",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nfn pay(cents: int) -> int raises common.Declined\n```",
            (
                "E167",
                12,
                41,
                "`pay` raises `common.Declined`, an error of another spec",
                "a function raises only its own spec's errors; declare one here",
            ),
            id="raises-another-specs-error",
        ),
        pytest.param(
            "",
            "```specc\nfn pay(cents: int) -> int raises common.Declined\n```",
            (
                "E166",
                11,
                34,
                "`common` is not in this spec's `uses`",
                "add `- common` to `uses` in the front matter",
            ),
            id="raises-an-error-of-a-spec-not-in-uses",
        ),
    ],
)
def test_each_diagnostic_points_at_what_is_wrong(
    project: Path, cli, front: str, body: str, expected: tuple
) -> None:
    (project / "billing.spec.md").write_text(
        f"---\nspec: billing\n{front}\n---\n\n# Billing {{#bill}}\n\n"
        f"Billing MUST work.\n\n{body}\n"
    )
    found = [d for d in check(cli, "billing.spec.md") if d["code"] != "W101"]
    assert [
        (d["code"], d["line"], d["col"], d["message"], d["hint"]) for d in found
    ] == [expected]


@pytest.mark.parametrize(
    ("front", "body", "code", "related"),
    [
        pytest.param(
            "uses:\n  - common\n  - common ^1",
            "",
            "E162",
            [("billing.spec.md", 4, 5, "`common` is first here")],
            id="used-twice",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.{Money, Currency}\nuse common.Money\n```",
            "E162",
            [("billing.spec.md", 12, 13, "`Money` is first imported here")],
            id="imported-twice",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nuse common.Money\nrecord Money { cents: int }\n```",
            "E162",
            [
                ("billing.spec.md", 13, 8, "`Money` is declared here"),
                ("common.spec.md", 12, 8, "`common.Money` is declared here"),
            ],
            id="clashes-with-a-local",
        ),
        pytest.param(
            "uses:\n  - common",
            "```specc\nrecord R { m: list<common.Curency> }\n```",
            "E161",
            [("common.spec.md", 11, 6, "`common.Currency` is declared here")],
            id="unknown-name-close-to-one",
        ),
        pytest.param(
            "uses:\n  - common >=2",
            "",
            "E164",
            [("common.spec.md", 1, 1, "`common`: 1.2.0")],
            id="version-not-in-range",
        ),
    ],
)
def test_a_diagnostic_names_the_other_places_it_concerns(
    project: Path, cli, front: str, body: str, code: str, related: list[tuple]
) -> None:
    """`related` points at the first of two, or into the used spec."""
    (project / "billing.spec.md").write_text(
        f"---\nspec: billing\n{front}\n---\n\n# Billing {{#bill}}\n\n"
        f"Billing MUST work.\n\n{body}\n"
    )
    [found] = [d for d in check(cli, "billing.spec.md") if d["code"] == code]
    assert [
        (r["path"], r["line"], r["col"], r["message"]) for r in found["related"]
    ] == related


def test_a_spec_without_a_version_cannot_meet_a_range(project: Path, cli) -> None:
    (project / "common.spec.md").write_text(COMMON.replace("version: 1.2.0\n", ""))
    (project / "billing.spec.md").write_text(
        spec("spec: billing\nuses:\n  - common >=1.2", "")
    )
    assert [
        (d["code"], d["line"], d["col"], d["message"])
        for d in check(cli, "billing.spec.md")
    ] == [("E164", 4, 5, "`common` has no version to check against `>=1.2`")]


def test_a_cycle_is_named_whole_in_each_spec_on_it(project: Path, cli) -> None:
    for name, used in (("a", "b"), ("b", "c"), ("c", "a")):
        (project / f"{name}.spec.md").write_text(
            spec(f"spec: {name}\nuses:\n  - {used}", "")
        )
    found = check(cli, ".")
    assert sorted(
        (d["path"], d["code"], d["line"], d["col"], d["message"]) for d in found
    ) == [
        ("a.spec.md", "E163", 4, 5, "`uses` makes a cycle: a → b → c → a"),
        ("b.spec.md", "E163", 4, 5, "`uses` makes a cycle: b → c → a → b"),
        ("c.spec.md", "E163", 4, 5, "`uses` makes a cycle: c → a → b → c"),
    ]


def test_names_from_a_spec_reported_as_wrong_are_not_reported_again(
    project: Path, cli
) -> None:
    """A spec that cannot be used (unknown, on a cycle, not in `uses`) is reported
    once where it is named: the names `use` takes from it are not unknown types."""
    for name, used in (("a", "billing"),):
        (project / f"{name}.spec.md").write_text(
            spec(
                f"spec: {name}\nuses:\n  - {used}",
                "```specc\nrecord Own { x: int }\n```",
            )
        )
    (project / "billing.spec.md").write_text(
        spec(
            "spec: billing\nuses:\n  - comon\n  - a",
            """
            ```specc
            use comon.{Money, Declined}
            use a.Own
            use common.Sku
            record R { m: Money, o: list<Own>, s: Sku }
            fn f(r: R) -> Money raises Declined
            ```

            ```examples
            f({m: {amount: 1}, o: [], s: "x"}) == {amount: 1}
            ```
            """,
        )
    )
    assert place(check(cli, "billing.spec.md")) == [
        ("E160", 4, 5, "no spec `comon` in the project"),
        ("E163", 5, 5, "`uses` makes a cycle: billing → a → billing"),
        ("E166", 15, 5, "`common` is not in this spec's `uses`"),
    ]


def test_a_used_spec_with_errors_fails_its_importer_at_the_uses_entry(
    project: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked alone, an importer of a broken spec must not pass with its examples
    of the broken spec's types unchecked; a build says so too, in one process
    or in workers."""
    (project / "common.spec.md").write_text(
        COMMON.replace("record Money { amount: int", "record Money { amount: Cents")
    )
    (project / "billing.spec.md").write_text(BILLING)
    expected = [
        (
            "E168",
            5,
            5,
            "`common` has errors, so nothing it declares can be used",
            "`specc check common.spec.md` lists them; fix them there",
        )
    ]
    found = check(cli, "billing.spec.md")
    assert [
        (d["code"], d["line"], d["col"], d["message"], d["hint"]) for d in found
    ] == expected
    from specc.build import workers
    from specc.build.driver import build

    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    for jobs in ("1", "2"):
        monkeypatch.setenv("SPECC_JOBS", jobs)
        built = build(["."], ["python"], project / "out", incremental=True)
        assert sorted(
            (Path(c.path).name, d.code, d.span.line, d.span.col)
            for c in built.compiled
            for d in c.diagnostics
            if d.severity == "error"
        ) == [("billing.spec.md", "E168", 5, 5), ("common.spec.md", "E042", 12, 24)]


def test_a_link_to_a_spec_not_in_uses_is_reported_where_it_is(
    project: Path, cli
) -> None:
    (project / "billing.spec.md").write_text(
        spec("spec: billing", "See [adding](common#add).")
    )
    assert [
        (d["code"], d["line"], d["col"], d["message"], d["hint"])
        for d in check(cli, "billing.spec.md")
    ] == [
        (
            "E166",
            9,
            14,
            "`common` is not in this spec's `uses`",
            "add `- common` to `uses` in the front matter",
        )
    ]


def test_spec_ids_on_either_side_of_the_alphabet_are_alike(project: Path, cli) -> None:
    """`shop` sorts after `common` (`billing` before it): no cycle, and E166 as before."""
    (project / "ledger.spec.md").write_text(
        "---\nspec: ledger\n---\n\n# Ledger {#books}\n\nIt MUST balance.\n"
    )
    (project / "shop.spec.md").write_text(
        spec(
            "spec: shop\nuses:\n  - common",
            "See [the books](ledger#books), [adding](common#ad) and [types](common#types).",
        )
    )
    assert [
        (d["code"], d["line"], d["col"], d["message"])
        for d in check(cli, "shop.spec.md")
    ] == [
        ("E166", 11, 17, "`ledger` is not in this spec's `uses`"),
        ("E165", 11, 41, "`common` has no rule `#ad`"),
    ]
    (project / "shop.spec.md").write_text(
        spec("spec: shop", "See [adding](common#add).")
    )
    assert place(check(cli, "shop.spec.md")) == [
        ("E166", 9, 14, "`common` is not in this spec's `uses`")
    ]


def test_a_spec_cannot_use_itself(project: Path, cli) -> None:
    (project / "billing.spec.md").write_text(
        spec("spec: billing\nuses:\n  - billing", "")
    )
    assert place(check(cli, "billing.spec.md")) == [
        ("E163", 4, 5, "`uses` makes a cycle: billing → billing")
    ]


def test_two_specs_with_one_id_cannot_be_used(project: Path, cli) -> None:
    (project / "other.spec.md").write_text(COMMON)
    (project / "billing.spec.md").write_text(
        spec("spec: billing\nuses:\n  - common", "")
    )
    assert place(check(cli, "billing.spec.md")) == [
        (
            "E160",
            4,
            5,
            "several specs of the project are `common`: common.spec.md, other.spec.md",
        )
    ]


def test_a_spec_given_by_another_spelling_is_one_spec_and_paths_stay_as_given(
    project: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configured folder, seen from a deep folder, is absolute: the same files
    found through it are not more specs of the same ID, and a real clash names
    the files as the user's path spells them."""
    (project / "billing.spec.md").write_text(BILLING)
    (project / "specc.toml").write_text('specs = ["."]\n')
    deep = project / "a" / "b" / "c" / "d" / "e"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    given = "../../../../../billing.spec.md"
    assert check(cli, given) == []
    monkeypatch.chdir(project)
    assert check(cli, str(project / "billing.spec.md")) == []
    (project / "other.spec.md").write_text(COMMON)
    monkeypatch.chdir(deep)
    found = check(cli, given)
    up = "../../../../../"
    assert [(d["path"], d["code"], d["message"]) for d in found[:1]] == [
        (
            given,
            "E160",
            f"several specs of the project are `common`: {up}common.spec.md, "
            f"{up}other.spec.md",
        )
    ]


def test_a_malformed_uses_entry_is_a_front_matter_error(project: Path, cli) -> None:
    (project / "billing.spec.md").write_text(
        spec("spec: billing\nuses:\n  - common >=x.y!\n  - 3d", "")
    )
    assert place(check(cli, "billing.spec.md")) == [
        ("E012", 4, 5, "`>=x.y!` is not a version range"),
        (
            "E012",
            5,
            5,
            "`3d` cannot be used: a used spec's ID is a name of letters, digits and `_`",
        ),
    ]


def test_a_used_id_with_a_hyphen_is_told_how_to_become_usable(
    project: Path, cli
) -> None:
    """`specc new gift-cards` makes a spec others cannot use (`gift-cards.Card`
    names nothing): the error says which ID would do."""
    (project / "billing.spec.md").write_text(
        spec("spec: billing\nuses:\n  - gift-cards >=1.0\n  - 3d", "")
    )
    found = check(cli, "billing.spec.md")
    assert [(d["code"], d["line"], d["col"]) for d in found] == [
        ("E012", 4, 5),
        ("E012", 5, 5),
    ]
    assert "`spec: gift_cards` in its front matter" in found[0]["hint"]
    assert (
        found[1]["hint"]
        == "write `uses:` as a list of entries such as `- billing >=1.2`"
    )


def test_check_of_one_file_finds_the_specs_it_uses_by_id_not_by_file_name(
    project: Path, cli
) -> None:
    (project / "common.spec.md").rename(project / "shared-types.spec.md")
    (project / "nested").mkdir()
    (project / "nested" / "billing.spec.md").write_text(BILLING)
    (project / "specc.toml").write_text('specs = ["."]\n')
    assert check(cli, "nested/billing.spec.md") == []
    result = cli("check", "nested/billing.spec.md")
    assert result.exit_code == 0 and "checked 1 spec" in result.stderr


def test_a_link_that_names_no_spec_stays_an_ordinary_link(project: Path, cli) -> None:
    (project / "billing.spec.md").write_text(
        spec("spec: billing", "See [the page](faq#top) and [the guide](guide.md#x).")
    )
    assert check(cli, "billing.spec.md") == []
    data = json.loads(cli("ir", "billing.spec.md").stdout)
    assert data["sections"][0]["links"] == []
    assert "uses" not in data and "interfaces" not in data


def test_the_ir_of_a_spec_that_uses_others_meets_the_ir_schema(
    project: Path, cli
) -> None:
    import jsonschema

    (project / "billing.spec.md").write_text(BILLING)
    schema = json.loads(cli("ir", "--schema").stdout)
    data = json.loads(cli("ir", "billing.spec.md").stdout)
    jsonschema.validate(data, schema)
    for key in ("uses", "interfaces"):
        assert key in schema["properties"]
    data["uses"][0]["version"] = 120
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_headers_find_the_front_matter_exactly_where_the_parser_does() -> None:
    """The graph is read from front matter without compiling: it must be the same."""
    from conftest import DATA, EXAMPLES, ROOT
    from specc.frontend.parse import parse_document
    from specc.frontend.project import split_front_matter
    from specc.source import SourceFile

    texts = [
        "---\na: 1\n---\n# x",
        "---\n---\n",
        "----\na\n---\nb\n----\n",
        "---\na\n...\n",
        "---\na\n    ---\n---\n",
        "---\na",
        "---x\nb\n---",
        "---\n\ta\n\t---\n---\n",
        "---\na: 1\n---  \nrest",
        "# no front matter\n---\na: 1\n---\n",
    ]
    files = [*DATA.rglob("*.md"), *EXAMPLES.glob("*.md"), *ROOT.glob("specs/*.md")]
    for path in files:
        data = path.read_bytes()
        if b"\0" not in data:
            text = data.decode("utf-8-sig", "replace")
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert len(texts) > 100
    for text in texts:
        expected = parse_document(SourceFile("x.spec.md", text)).front_matter
        assert split_front_matter(text) == expected, text[:80]


def test_an_interface_is_the_specs_types_each_named_type_with_its_spec() -> None:
    """`interface_of` keeps the spec's own nodes where nothing changes; it must be
    what validating the dumped types, each `named` type given its spec, makes."""
    from conftest import ROOT
    from specc import ir
    from specc.frontend.interfaces import interface_of
    from specc.frontend.project import Project

    def qualified(data, spec_id):  # type: ignore[no-untyped-def]
        if isinstance(data, list):
            return [qualified(item, spec_id) for item in data]
        if not isinstance(data, dict):
            return data
        found = {key: qualified(value, spec_id) for key, value in data.items()}
        if found.get("kind") == "named" and not found.get("spec"):
            found["spec"] = spec_id
        return found

    files = sorted(str(p) for p in (ROOT / "examples" / "project").glob("*.spec.md"))
    project = Project(files)
    named = 0
    for path in files:
        spec = project.compile(path).spec
        assert spec is not None
        expected = validate(
            ir.Interface,
            {
                "id": spec.id,
                "version": spec.version,
                "types": [qualified(to_data(t), spec.id) for t in spec.types],
                "functions": [f.name for f in spec.functions],
                "rules": [r.id for r in spec.rules()],
            },
        )
        found = interface_of(spec)
        assert found == expected
        assert dump_json(found) == dump_json(expected)
        named += dump_json(found).count(f'"spec":"{spec.id}"')
    assert named > 0
