"""Hand-written implementations, and the one wrong behaviour of each broken variant."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTENSIONS = {"ts": "ts", "python": "py", "rust": "rs"}

#: (language, spec) -> (correct text, broken text): exactly one behaviour changes.
BREAKAGES: dict[tuple[str, str], tuple[str, str]] = {
    # by_tag compares tags ignoring case; the spec says case matters (by_tag #2).
    ("ts", "todo"): (
        "task.tags.includes(tag)",
        "task.tags.some((t) => t.toLowerCase() === tag.toLowerCase())",
    ),
    ("rust", "todo"): (
        ".filter(|task| task.tags.iter().any(|t| t == tag))",
        ".filter(|task| task.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))",
    ),
    ("python", "todo"): (
        "if tag in task.tags]",
        "if tag.lower() in (t.lower() for t in task.tags)]",
    ),
    # A polygon's area keeps the sign of its winding (area #4 turns clockwise).
    ("ts", "geometry"): ("return Math.abs(twice) / 2;", "return twice / 2;"),
    ("python", "geometry"): ("return abs(twice) / 2", "return twice / 2"),
    ("rust", "geometry"): ("Ok(twice.abs() / 2.0)", "Ok(twice / 2.0)"),
    # Numeric pre-release identifiers compare as strings ("10" before "2").
    ("python", "semver"): (
        "return _sign(int(a) - int(b))",
        "return (a > b) - (a < b)",
    ),
    ("ts", "semver"): (
        "return sign(Number(a) - Number(b));",
        "return a < b ? -1 : a > b ? 1 : 0;",
    ),
    ("rust", "semver"): (
        "(true, true) => (a.len(), a).cmp(&(b.len(), b)),",
        "(true, true) => a.cmp(b),",
    ),
}


def destination(language: str, spec: str) -> str:
    """Return where a spec's implementation goes, relative to the build's output folder."""
    return {
        "python": f"python/{spec}/src/{spec}/implementation.py",
        "ts": f"ts/{spec}/src/impl.ts",
        "rust": f"rust/{spec}/src/implementation.rs",
    }[language]


#: Where the semver spec's implementation goes in each language.
SEMVER_DESTINATIONS = {lang: destination(lang, "semver") for lang in EXTENSIONS}


def implementation(language: str, spec: str, broken: bool = False) -> str:
    """Return the source of a hand-written implementation, or of its broken variant."""
    source = (HERE / language / f"{spec}.{EXTENSIONS[language]}").read_text("utf-8")
    if not broken:
        return source
    correct, wrong = BREAKAGES[(language, spec)]
    assert source.count(correct) == 1, f"{language}/{spec}: {correct!r} must occur once"
    return source.replace(correct, wrong)
