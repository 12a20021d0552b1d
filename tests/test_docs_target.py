"""The docs target: safe HTML, an anchor per rule, goldens, and its check proven both ways."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EXAMPLES, MODEL_SPEC, ROOT

GOLDEN = ROOT / "tests" / "golden" / "docs"
EXAMPLE_SPECS = ("geometry", "support_bot", "todo")

HOSTILE_SPEC = r"""---
spec: hostile
title: "<script>window.__pwned = 'title'</script>"
version: 1.0.0
summary: "<img src=x onerror=\"window.__pwned = 'summary'\"> and <b>bold</b>"
---

<script>window.__pwned = 'preamble'</script>

# Payloads <img src=x onerror="window.__pwned = 'heading'"> {#payloads authority="<script>window.__pwned='attr'</script>"}

<script>window.__pwned = 'prose'</script>

The reader MUST NOT run <img src=x onerror="window.__pwned = 'inline'"> anything[^x"onmouseover="window.__pwned=1].
Links: [js](javascript:window.__pwned='link'), [case](JaVaScRiPt:window.__pwned='case'),
[entity](&#106;avascript:window.__pwned='entity'), [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==),
<javascript:window.__pwned='autolink'>, ![image](javascript:window.__pwned='image'),
[vb](vbscript:msgbox), [safe](#payloads) and [away](https://example.com/?q="onmouseover=x).

<div onmouseover="window.__pwned = 'div'">hover</div>

<svg onload="window.__pwned = 'svg'"></svg>

!!! meta "<script>window.__pwned = 'meta title'</script>"
    <iframe src="javascript:window.__pwned = 'iframe'"></iframe> and [js](javascript:window.__pwned='meta link')

```html
</code></pre><script>window.__pwned = 'code'</script>
```

```specc
/// <script>window.__pwned = 'doc'</script>
record Note { text: string = "</code><script>window.__pwned = 'default'</script>" }

/// Echo <img src=x onerror="window.__pwned = 'fn doc'">.
fn echo(text: string) -> string
```

```examples
echo("<script>window.__pwned = 'example'</script>") == "<img src=x onerror=window.__pwned='result'>"
```

**Example**: <script>window.__pwned = 'conversation title'</script>

~~~xml
<user>
<script>window.__pwned = 'turn'</script> and <img src=x onerror="window.__pwned = 'turn img'">
</user>
<comparison>
<assistant> <!-- BAD: <script>window.__pwned = 'reason'</script> -->
<b onmouseover="window.__pwned = 'answer'">bold</b>
</assistant>
</comparison>
~~~

[^x"onmouseover="window.__pwned=1]: <script>window.__pwned = 'footnote'</script>
"""

# --- helpers ---------------------------------------------------------------------


def compile_spec(path: Path):  # type: ignore[no-untyped-def]
    """Return the IR of one spec file."""
    from specc.frontend.compile import compile_file

    compiled = compile_file(str(path))
    assert compiled.ok and compiled.spec is not None, compiled.diagnostics
    return compiled.spec


def build_into(out: Path, paths: list[Path], **kwargs):  # type: ignore[no-untyped-def]
    """Build specs for the docs target into ``out``; return the build result."""
    from specc.build.driver import build

    result = build([str(p) for p in paths], ["docs"], out, **kwargs)
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def check(site: Path, spec) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Run the docs check on a built site; return rule -> (status, message)."""
    from specc.conformance.docs import run

    return {r.rule: (r.status, r.message) for r in run(site, spec)}


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the page's text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(path: Path) -> Elements:
    """Return the parsed elements of a built page."""
    return Elements(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def specs() -> dict:
    """Compile the examples, the Model Spec and the hostile spec once."""
    return {
        s.id: s
        for s in map(
            compile_spec,
            [*(EXAMPLES / f"{n}.spec.md" for n in EXAMPLE_SPECS), MODEL_SPEC],
        )
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the examples and the Model Spec once; return OUT/docs."""
    out = tmp_path_factory.mktemp("docs") / "out"
    build_into(out, [EXAMPLES, MODEL_SPEC])
    return out / "docs"


@pytest.fixture
def copy_of(site: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the module's site, for tests that break it."""
    target = tmp_path / "docs"
    shutil.copytree(site, target)
    return target


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the hostile spec; return its page."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.spec.md").write_text(HOSTILE_SPEC, "utf-8")
    build_into(folder / "out", [folder / "hostile.spec.md"])
    return folder / "out" / "docs" / "hostile.html"


# --- the done-when: the sites build, every heading ID is an anchor ----------------


def test_sites_build_and_pass_their_check_through_the_cli(
    cli, tmp_path: Path, specs
) -> None:
    """`specc test --target docs` passes every rule of the examples and the Model Spec."""
    done = cli(
        "test",
        str(EXAMPLES),
        str(MODEL_SPEC),
        "--target",
        "docs",
        "--out",
        str(tmp_path),
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    rows = json.loads(done.stdout)["results"]
    expected = {(s.id, str(r.id)) for s in specs.values() for r in s.rules()}
    assert {(r["spec"], r["rule"]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert {r["status"] for r in rows} == {"passed"}
    assert {r["example"] for r in rows} == {0}
    assert {r["target"] for r in rows} == {"docs"}
    assert set(rows[0]) == {
        "target",
        "spec",
        "rule",
        "example",
        "status",
        "message",
        "text",
        "covers",
    }
    sycophancy = next(
        r for r in rows if (r["spec"], r["rule"]) == ("model_spec", "avoid_sycophancy")
    )
    assert sycophancy["message"] == "found anchor #avoid_sycophancy, 3 conversations"


def test_every_model_spec_heading_id_is_an_anchor_on_its_page(site: Path) -> None:
    """Each `{#id …}` heading of the raw Model Spec is an element id and a contents entry."""
    from specc.conformance.docs import parse_page

    source = MODEL_SPEC.read_text("utf-8")
    heading_ids = re.findall(r"^#{1,6} .*\{#([^\s}]+)[^}]*\}\s*$", source, re.M)
    assert len(heading_ids) == 80
    facts = parse_page((site / "model_spec.html").read_text("utf-8"))
    assert [i for i in heading_ids if i not in facts.ids] == []
    assert [i for i in heading_ids if f"#{i}" not in facts.contents] == []
    assert facts.duplicate_ids == set()
    sections = [
        a["id"]
        for t, a in elements(site / "model_spec.html").tags
        if t == "section" and "data-rule" in a
    ]
    assert sections == heading_ids  # in source order, each a <section> of its own


def test_index_lists_every_spec_with_title_version_summary_and_counts(
    site: Path, specs
) -> None:
    """index.html links each spec's page and shows its title, version, summary and counts."""
    index = (site / "index.html").read_text("utf-8")
    text = " ".join("".join(Elements(index).text).split())
    for spec in specs.values():
        assert f'href="{spec.id}.html"' in index
        assert spec.title in text
        if spec.version:
            assert f"v{spec.version}" in text
        assert " ".join(spec.summary.split()) in text
        rules = sum(1 for _ in spec.rules())
        assert f"{rules} rule" in text
    assert "183 conversations" in text
    assert "12 examples" in text  # todo


# --- what a page shows -----------------------------------------------------------------


def test_rules_show_id_copy_link_and_attribute_badges(site: Path) -> None:
    """A rule's head links to its own anchor (copy-link) and shows `key=value` badges."""
    tags = elements(site / "support_bot.html").tags
    copy = [
        a["href"] for t, a in tags if t == "a" and "copy-link" in a.get("class", "")
    ]
    assert copy == [
        "#overview",
        "#stay_on_task",
        "#avoid_sycophancy",
        "#protect_account_data",
    ]
    badges = [
        (a["data-key"], a["data-value"])
        for t, a in tags
        if t == "span" and "attr" in a.get("class", "").split() and "data-value" in a
    ]
    assert badges == [
        ("authority", "developer"),
        ("authority", "user"),
        ("authority", "root"),
    ]


def test_normative_words_are_highlighted_where_written(site: Path, specs) -> None:
    """Every RFC 2119 keyword of the todo spec's prose is marked, with its strength."""
    page = (site / "todo.html").read_text("utf-8")
    marked = re.findall(
        r'<strong class="rfc2119 rfc2119-([a-z-]+)">([A-Z ]+)</strong>', page
    )
    prose = " ".join(
        b.markdown for s in specs["todo"].walk() for b in s.content if b.kind == "prose"
    )
    written = re.findall(r"\b(MUST\s+NOT|MUST|SHOULD\s+NOT|SHOULD|MAY)\b", prose)
    assert [w for _, w in marked] == [" ".join(w.split()) for w in written]
    assert ("should-not", "SHOULD NOT") in marked
    assert all(kind == word.lower().replace(" ", "-") for kind, word in marked)


def test_commentary_is_set_apart_and_footnote_markers_are_kept(site: Path) -> None:
    """`!!! meta` blocks are asides; `[^id]` markers stay, linked when defined."""
    page = (site / "support_bot.html").read_text("utf-8")
    assert page.count('<aside class="commentary"') == 1
    assert 'href="#footnote/st01"' in page and 'id="footnote/st01"' in page
    model = (site / "model_spec.html").read_text("utf-8")
    assert model.count('<aside class="commentary"') == 28
    assert '<sup class="fn-marker" title="Footnote marker sy73">sy73</sup>' in model
    assert "[^" not in "".join(Elements(model).text)


def test_question_mark_links_take_their_targets_title(site: Path) -> None:
    """The Model Spec's `[?](#id)` cross-references read as the target rule's title."""
    page = (site / "model_spec.html").read_text("utf-8")
    assert (
        '<a href="#levels_of_authority">Instructions and levels of authority</a>'
        in page
    )
    assert ">?</a>" not in page


def test_examples_are_table_rows_with_linked_calls(site: Path, specs) -> None:
    """Each example is a row (call, operator, expectation); functions and errors link."""
    page = (site / "todo.html").read_text("utf-8")
    rows = re.findall(
        r'<tr id="ex/([^"]+)" class="expect-(\w+)" data-example="([^"]+)">', page
    )
    assert len(rows) == sum(1 for _ in specs["todo"].examples())
    assert ("complete_task/3", "raises", "complete_task#3") in rows
    assert (
        '<td class="expected"><code><a class="type" href="#type/NoSuchTask">NoSuchTask</a>'
        "{index: 3}</code></td>" in page
    )
    assert (
        '<a class="fn" href="#func/add_task">add_task</a>([], &#34;  Buy milk  &#34;)'
        in page
    )


def test_conversations_are_turns_with_marked_verdicts(site: Path, specs) -> None:
    """Turns keep their roles; every GOOD and BAD answer carries its verdict and reason."""
    tags = elements(site / "model_spec.html").tags
    verdicts = [
        a["class"].split()[1]
        for t, a in tags
        if t == "li" and a.get("class", "").startswith("answer ")
    ]
    labels = [
        (a.label or "none").lower()
        for c in specs["model_spec"].conversations()
        for a in c.answers
    ]
    assert verdicts == [f"verdict-{label}" for label in labels]
    assert "verdict-good" in verdicts and "verdict-bad" in verdicts
    page = (site / "support_bot.html").read_text("utf-8")
    assert '<span class="reason">lectures the user</span>' in page
    assert '<li class="turn role-developer">' in page


def test_types_reference_cross_links_types(site: Path, specs) -> None:
    """Every type and function has a reference entry; field types link to theirs."""
    page = (site / "geometry.html").read_text("utf-8")
    ids = {a["id"] for _, a in Elements(page).tags if "id" in a}
    spec = specs["geometry"]
    assert {f"type/{t.name}" for t in spec.types} <= ids
    assert {f"func/{f.name}" for f in spec.functions} <= ids
    shape = page.split('id="type/Shape"', 1)[1].split("</article>", 1)[0]
    assert '<a class="type" href="#type/Point">Point</a>' in shape
    assert 'href="#func/area"' in shape  # used by
    point = page.split('id="type/Point"', 1)[1].split("</article>", 1)[0]
    assert 'href="#type/Shape"' in point and 'href="#type/Box"' in point


def test_search_index_lists_every_section_with_its_text(site: Path, specs) -> None:
    """assets/search-index.js holds every section's title, ID and prose, as inert JSON."""
    text = (site / "assets" / "search-index.js").read_text("utf-8")
    assert "<" not in text and ">" not in text
    entries = json.loads(text.split("=", 1)[1].strip().rstrip(";"))
    for spec in specs.values():
        listed = {e["anchor"] for e in entries if e["page"] == f"{spec.id}.html"}
        assert {str(r.id) for r in spec.rules()} <= listed
    best = next(e for e in entries if e["rule"] == "assume_best_intentions")
    assert "shoplifting" in best["text"] and "[^" not in best["text"]


def test_pages_load_nothing_from_elsewhere_and_carry_a_strict_policy(
    site: Path,
) -> None:
    """Scripts and styles are the site's own files; the CSP forbids inline script."""
    from specc.emitters.docs.emitter import CSP

    for page in site.glob("*.html"):
        tags = elements(page).tags
        policy = [
            a["content"]
            for t, a in tags
            if a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert policy == [CSP]
        scripts = [a.get("src") for t, a in tags if t == "script"]
        assert scripts == ["assets/site.js", "assets/search-index.js"]
        sheets = [a["href"] for t, a in tags if t == "link"]
        assert sheets == ["assets/style.css"]
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


# --- untrusted spec text -----------------------------------------------------------------


def test_hostile_spec_becomes_text_not_markup(hostile: Path) -> None:
    """Raw HTML, handlers and script-bearing links in every part of a spec stay text."""
    parsed = elements(hostile)
    for tag, attrs in parsed.tags:
        assert tag not in ("img", "iframe", "object", "embed", "form", "base", "style")
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = re.sub(r"[\x00-\x20]", "", attrs.get(name, "")).lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), attrs
        if tag == "script":
            assert attrs.get("src", "").startswith("assets/")
    text = "".join(parsed.text)
    for shown in (
        "<script>window.__pwned = 'prose'</script>",
        "<script>window.__pwned = 'preamble'</script>",
        "<img src=x onerror=\"window.__pwned = 'inline'\">",
        "</code></pre><script>window.__pwned = 'code'</script>",
        "<script>window.__pwned = 'turn'</script>",
        "<b onmouseover=\"window.__pwned = 'answer'\">bold</b>",
        "<script>window.__pwned = 'footnote'</script>",
        "[js](javascript:window.__pwned='link')",
    ):
        assert shown in text
    assert sum(1 for t, _ in parsed.tags if t == "script") == 2


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/a?b=c", True),
        ("http://example.com", True),
        ("mailto:someone@example.com", True),
        ("#add_task", True),
        ("other.html#x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("java\u200bscript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_harmless_link_schemes_pass(url: str, safe: bool) -> None:
    """Links keep http, https, mailto and relative targets; every other scheme is refused."""
    from specc.emitters.docs.markdown import PageEnv, render, safe_link

    assert safe_link(url) is safe
    html = str(render(f"[x](<{url}>)", PageEnv()))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(
        not h.lower().startswith(("javascript:", "data:", "vbscript:", "file:"))
        for h in hrefs
    )
    if safe:
        assert len(hrefs) == 1


# --- the check, proven both ways ------------------------------------------------------------


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a built file, insisting that it was there."""
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), "utf-8")


def failures(results: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Return rule -> message of the failed results."""
    return {
        rule: message
        for rule, (status, message) in results.items()
        if status == "failed"
    }


def test_check_passes_on_the_built_site(site: Path, specs) -> None:
    """Every rule of every built spec passes, with what was found."""
    for spec in specs.values():
        results = check(site, spec)
        assert failures(results) == {}, spec.id
        assert set(results) == {str(r.id) for r in spec.rules()}
    assert (
        check(site, specs["todo"])["add_task"][1]
        == "found anchor #add_task, 4 examples"
    )


def test_check_fails_a_rule_whose_anchor_is_gone(copy_of: Path, specs) -> None:
    """Renaming a rule's section id fails that rule, and the dangling contents link."""
    edit(
        copy_of / "todo.html",
        '<section id="add_task"',
        '<section id="add_task_renamed"',
    )
    failed = failures(check(copy_of, specs["todo"]))
    assert set(failed) == {"add_task", "(page)"}
    assert "the page has no anchor `#add_task`" in failed["add_task"]
    assert (
        "`#add_task`: todo.html has no element with id `add_task`" in failed["(page)"]
    )


def test_check_fails_a_rule_missing_an_example(copy_of: Path, specs) -> None:
    """Dropping one example row fails exactly its rule, naming the example."""
    page = copy_of / "todo.html"
    text = page.read_text("utf-8")
    row = re.search(r'<tr id="ex/complete_task/3".*?</tr>\n', text, re.S)
    assert row is not None
    page.write_text(text.replace(row.group(), ""), "utf-8")
    failed = failures(check(copy_of, specs["todo"]))
    assert list(failed) == ["complete_task", "(page)"]
    assert failed["complete_task"] == "example #3 is missing"
    # The functions reference links the example, and that link now dangles.
    assert "#ex/complete_task/3" in failed["(page)"]


def test_check_fails_an_example_that_shows_something_else(copy_of: Path, specs) -> None:
    """An example row whose text differs from the spec's line fails its rule."""
    edit(copy_of / "todo.html", "&#34;Buy milk&#34;)", "&#34;Buy bread&#34;)")
    failed = failures(check(copy_of, specs["todo"]))
    assert failed == {
        "add_task": 'example #1 does not show `add_task([], "Buy milk") == [{title: "Buy milk"}]`'
    }


def test_check_fails_a_conversation_that_lost_an_answer(copy_of: Path, specs) -> None:
    """A conversation missing an answer's text fails its rule, naming the answer."""
    edit(
        copy_of / "support_bot.html",
        "Sure! The French Revolution began in 1789...",
        "Sure!",
    )
    failed = failures(check(copy_of, specs["support_bot"]))
    assert failed == {
        "stay_on_task": "conversation #1 ('off-topic request') does not show answer 3"
    }


def test_check_fails_a_broken_link_inside_a_rule(copy_of: Path, specs) -> None:
    """A link to a missing #id inside a rule's section fails that rule."""
    edit(copy_of / "support_bot.html", 'href="#footnote/st02"', 'href="#footnote/gone"')
    failed = failures(check(copy_of, specs["support_bot"]))
    assert failed == {
        "stay_on_task": "`#footnote/gone`: support_bot.html has no element with id `footnote/gone`"
    }


def test_check_fails_rules_missing_from_the_search_index(copy_of: Path, specs) -> None:
    """A rule the search index does not list fails; an unreadable index fails them all."""
    index = copy_of / "assets" / "search-index.js"
    edit(index, '"rule":"by_tag"', '"rule":""')
    failed = failures(check(copy_of, specs["todo"]))
    assert failed == {"by_tag": "the search index does not list it"}
    index.write_text("window.SPECC_SEARCH = [oops;\n", "utf-8")
    failed = failures(check(copy_of, specs["todo"]))
    assert set(failed) == {str(r.id) for r in specs["todo"].rules()}
    assert all(
        "search index assets/search-index.js is unreadable" in m
        for m in failed.values()
    )


def test_check_fails_page_wide_problems_under_the_spec_id(copy_of: Path, specs) -> None:
    """Duplicate ids, a missing stylesheet and an index without the page fail the spec."""
    edit(copy_of / "geometry.html", 'id="type/Point"', 'id="type/Shape"')
    (copy_of / "assets" / "style.css").unlink()
    edit(copy_of / "index.html", 'href="geometry.html"', 'href="elsewhere.html"')
    failed = failures(check(copy_of, specs["geometry"]))
    message = failed.pop("(page)")
    assert "two elements have id `type/Shape`" in message
    assert "`assets/style.css`: no file assets/style.css" in message
    assert "index.html does not link to geometry.html" in message
    assert set(failed) == {"shapes", "bounding_box"}  # their `Point` links now dangle


def test_check_fails_every_rule_when_the_page_is_missing(copy_of: Path, specs) -> None:
    """Without the spec's page every rule fails and says how to build it."""
    (copy_of / "support_bot.html").unlink()
    failed = failures(check(copy_of, specs["support_bot"]))
    assert set(failed) == {str(r.id) for r in specs["support_bot"].rules()}
    assert all(m.startswith("no page support_bot.html") for m in failed.values())


# --- overrides, options, names, goldens, determinism ---------------------------------------------


def test_templates_are_overridable_per_file_and_per_block(
    tmp_path: Path, specs
) -> None:
    """A user `docs/spec.html.jinja` extending the built-in changes one block; a CSS file replaces the built-in."""
    templates = tmp_path / "templates" / "docs"
    templates.mkdir(parents=True)
    (templates / "spec.html.jinja").write_text(
        '{% extends "!docs/spec.html.jinja" %}\n'
        '{% block footer %}<footer class="mine">Ours: {{ spec.id }}</footer>{% endblock %}\n'
    )
    (templates / "style.css").write_text("body { color: teal; }\n")
    out = tmp_path / "out"
    build_into(out, [EXAMPLES / "todo.spec.md"], templates=[tmp_path / "templates"])
    page = (out / "docs" / "todo.html").read_text("utf-8")
    assert '<footer class="mine">Ours: todo</footer>' in page
    assert "Generated by specc from <code>" not in page
    assert (
        out / "docs" / "assets" / "style.css"
    ).read_text() == "body { color: teal; }\n"
    assert failures(check(out / "docs", specs["todo"])) == {}


def test_site_title_option(cli, tmp_path: Path) -> None:
    """`-O docs.title=…` names the site in the header and on the index, escaped."""
    done = cli(
        "build",
        str(EXAMPLES / "todo.spec.md"),
        "--target",
        "docs",
        "--out",
        str(tmp_path),
        "-O",
        "docs.title=Acme <specs>",
    )
    assert done.exit_code == 0, done.output
    index = (tmp_path / "docs" / "index.html").read_text("utf-8")
    assert "<h1>Acme &lt;specs&gt;</h1>" in index
    assert "Acme &lt;specs&gt;</span>" in (tmp_path / "docs" / "todo.html").read_text(
        "utf-8"
    )


def test_a_spec_called_index_does_not_replace_the_index(tmp_path: Path) -> None:
    """Spec IDs become safe file names; `index` gets its own page beside index.html."""
    source = (
        (EXAMPLES / "todo.spec.md")
        .read_text("utf-8")
        .replace("spec: todo", "spec: index")
    )
    (tmp_path / "index.spec.md").write_text(source, "utf-8")
    build_into(tmp_path / "out", [tmp_path / "index.spec.md"])
    site = tmp_path / "out" / "docs"
    assert (site / "spec-index.html").is_file()
    assert 'href="spec-index.html"' in (site / "index.html").read_text("utf-8")
    spec = compile_spec(tmp_path / "index.spec.md")
    assert failures(check(site, spec)) == {}


def golden_problems(produced: dict[str, bytes], folder: Path) -> list[str]:
    """Return `missing`, `changed` and `stale` problems of ``folder`` against ``produced``."""
    on_disk = (
        {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        if folder.is_dir()
        else set()
    )
    problems = [
        f"missing: {r}" if r not in on_disk else f"changed: {r}"
        for r, data in sorted(produced.items())
        if r not in on_disk or (folder / r).read_bytes() != data
    ]
    return problems + [f"stale: {r}" for r in sorted(on_disk - set(produced))]


def write_goldens(produced: dict[str, bytes], folder: Path) -> None:
    """Make ``folder`` hold exactly ``produced``."""
    if folder.is_dir():
        shutil.rmtree(folder)
    for relative, data in produced.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)


def test_site_of_the_examples_matches_goldens(
    tmp_path: Path, update_goldens: bool
) -> None:
    """The examples' site equals tests/golden/docs/ byte for byte."""
    build_into(tmp_path / "out", [EXAMPLES])
    site = tmp_path / "out" / "docs"
    produced = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file()
    }
    if update_goldens:
        write_goldens(produced, GOLDEN)
    assert golden_problems(produced, GOLDEN) == []


def test_golden_comparison_catches_missing_changed_and_stale(tmp_path: Path) -> None:
    """The golden check reports each kind of drift, and the update rewrites all of it."""
    folder = tmp_path / "golden"
    produced = {"a.html": b"one\n", "assets/b.js": b"two\n"}
    assert golden_problems(produced, folder) == [
        "missing: a.html",
        "missing: assets/b.js",
    ]
    write_goldens(produced, folder)
    (folder / "a.html").write_bytes(b"uno\n")
    (folder / "old.html").write_bytes(b"gone\n")
    assert golden_problems(produced, folder) == ["changed: a.html", "stale: old.html"]
    write_goldens(produced, folder)
    assert golden_problems(produced, folder) == []


def test_building_twice_gives_identical_bytes_without_paths(tmp_path: Path) -> None:
    """Two builds from copies in different folders agree and name no absolute path."""
    trees = []
    for n in range(2):
        specs = tmp_path / f"copy{n}" / "specs"
        shutil.copytree(EXAMPLES, specs)
        build_into(tmp_path / f"copy{n}" / "out", [specs])
        site = tmp_path / f"copy{n}" / "out" / "docs"
        trees.append(
            {
                p.relative_to(site).as_posix(): p.read_bytes()
                for p in sorted(site.rglob("*"))
                if p.is_file()
            }
        )
    assert trees[0] == trees[1]
    for data in trees[0].values():
        assert str(tmp_path).encode() not in data
        assert b"/work/" not in data and b"/tmp/" not in data


COLLIDING = """\
---
spec: names
title: Names the page also uses
---

# Search {#search}

The search box MUST work.

# Theme {#theme-toggle}

The theme MAY change.

# Content {#content}

## Types

A heading without an ID.

## Types

Another one with the same title.

# Page {#page.top:x-1}

It SHOULD stay put.
"""


def test_rule_ids_never_collide_with_the_pages_own_ids(tmp_path: Path) -> None:
    """Rules named like the page's parts, and repeated plain headings, keep distinct ids."""
    (tmp_path / "names.spec.md").write_text(COLLIDING, "utf-8")
    build_into(tmp_path / "out", [tmp_path / "names.spec.md"])
    site = tmp_path / "out" / "docs"
    from specc.conformance.docs import parse_page

    facts = parse_page((site / "names.html").read_text("utf-8"))
    assert facts.duplicate_ids == set()
    assert {"search", "theme-toggle", "content", "page.top:x-1"} <= facts.ids
    assert {"section/types", "section/types-2"} <= facts.ids
    assert failures(check(site, compile_spec(tmp_path / "names.spec.md"))) == {}


@pytest.fixture(scope="module")
def counter_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs site of a spec with properties (tests/data/properties/counter.spec.md)."""
    out = tmp_path_factory.mktemp("counter-site")
    build_into(out, [ROOT / "tests" / "data" / "properties" / "counter.spec.md"])
    return out / "docs"


def test_properties_are_rows_among_the_examples_and_the_check_holds_them(
    counter_site: Path, tmp_path: Path
) -> None:
    """A `forall` line is a row in its place among the examples, its types and
    functions linked, counted under each function it calls; the docs check
    fails a page that drops or changes one."""
    spec = compile_spec(ROOT / "tests" / "data" / "properties" / "counter.spec.md")
    page = (counter_site / "counter.html").read_text("utf-8")
    rows = re.findall(r'<tr id="ex/apply/(\d)" class="([\w-]+)"', page)
    assert rows == [("1", "expect-equals"), ("2", "expect-equals"), ("3", "property")]
    assert (
        '<td class="call"><code><span class="kw">forall</span> c: '
        '<a class="type" href="#type/Counter">Counter</a>, s: '
        '<a class="type" href="#type/Step">Step</a> where s != reset</code></td>'
    ) in page
    assert (
        '<td class="expected"><code><a class="fn" href="#func/undo">undo</a>('
        '<a class="fn" href="#func/apply">apply</a>(c, s)) == c</code></td>'
    ) in page
    assert (
        '2 examples, 1 property: <a href="#ex/undo/1">undo #1</a>, '
        '<a href="#ex/undo/2">undo #2</a>, <a href="#ex/apply/3">apply #3</a>'
    ) in page
    results = check(counter_site, spec)
    assert results["apply"] == ("passed", "found anchor #apply, 2 examples, 1 property")

    broken = tmp_path / "docs"
    shutil.copytree(counter_site, broken)
    edit(broken / "counter.html", "(c, s)) == c</code>", "(c, s)) != c</code>")
    edit(broken / "counter.html", 'class="property" data-example="sign#5"', "")
    assert failures(check(broken, spec)) == {
        "apply": "property #3 does not show "
        "`forall c: Counter, s: Step where s != reset: undo(apply(c, s)) == c`",
        "sign": "property #5 is missing",
    }
