"""Generate deterministic synthetic specs (and the same types as JSON Schema) for benchmarks.

``python benchmarks/synth.py N OUT [--full] [--split] [--imports]`` writes N
records in blocks of 50 (fewer when N < 50): 5-8 fields each (scalars, lists,
optionals, enums, references to other records), one enum per five records, and
with ``--full`` one function and three examples per record. ``--split`` writes
one spec per block (N/50 files) instead of one file; ``--imports`` (with
``--split``) makes every other referencing record of a block after the first
refer to leaf records of up to three earlier blocks instead of its own, which
its spec then `uses` and imports with `use` (the same records, fields and
types otherwise). ``OUT/schema.json`` holds the same types as JSON Schema for
peer generators. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

BLOCK = 50
WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
SCALARS = ("int", "float", "string", "bool")


@dataclass
class Field:
    """One record field: its name and its type as written in a spec."""

    name: str
    type: str


@dataclass
class Record:
    """One synthetic record (a leaf when it references no other record)."""

    index: int
    fields: list[Field] = field(default_factory=list)
    enum: tuple[str, list[str]] | None = None
    """The enum declared next to this record, if any: name and members."""

    @property
    def name(self) -> str:
        """Return the record's type name."""
        return f"Rec{self.index}"


def _block_sizes(n: int) -> list[int]:
    """Split ``n`` records into blocks of ``BLOCK`` (one block when n < BLOCK)."""
    sizes = [BLOCK] * (n // BLOCK)
    if n % BLOCK:
        sizes.append(n % BLOCK)
    return sizes


def _fields(rng: random.Random, local: int, leaves: list[str], enums: list[str], elsewhere=None):  # type: ignore[no-untyped-def]
    """Return 5-8 fields: scalars, a list, an optional, an enum, references.

    ``elsewhere``, if given, maps each leaf chosen to the one it stands for
    (a leaf of another block, with ``--imports``).
    """
    count = 5 + rng.randrange(4)
    kind = Field("kind", rng.choice(enums))
    tags = Field("tags", f"list<{rng.choice(SCALARS)}>")
    note = Field("note", f"{rng.choice(SCALARS)}?")
    chosen = [Field("id", "int"), Field("label", "string"), kind]

    def leaf() -> str:
        name = rng.choice(leaves)
        return elsewhere(name) if elsewhere is not None else name

    if local % 5 == 0:  # a leaf: no references
        chosen += [tags, note]
    else:  # references to leaf records declared before it
        chosen.append(Field("owner", leaf()))
        chosen += [tags, Field("parts", f"list<{leaf()}>"), note]
        chosen.append(Field("link", f"{leaf()}?"))
    while len(chosen) < count:
        scalar = rng.choice(SCALARS)
        chosen.append(Field(f"{scalar}_{len(chosen)}", scalar))
    return chosen[:count]


def _imported(number: int, index: int):  # type: ignore[no-untyped-def]
    """Return how a record of block ``number`` maps the leaves it references.

    Every other referencing record of a block after the first refers, instead
    of its own block's leaf at some place, to the leaf at the same place of
    one of the three blocks before (which block turns with the field).
    """
    if number == 0 or index % 2 == 0:
        return None
    turn = iter(range(3))

    def elsewhere(name: str) -> str:
        local = int(name[3:]) - number * BLOCK
        back = 1 + (index + next(turn)) % min(number, 3)
        return f"Rec{(number - back) * BLOCK + local}"

    return elsewhere


def records(n: int, imports: bool = False) -> list[list[Record]]:
    """Return the records of ``n``, grouped in blocks (one block per split file)."""
    blocks, start = [], 0
    for number, size in enumerate(_block_sizes(n)):
        block: list[Record] = []
        enums: list[str] = []
        leaves: list[str] = []
        for local in range(size):
            index = start + local
            rng = random.Random(index)
            record = Record(index)
            if local % 5 == 0:
                members = WORDS[: 3 + rng.randrange(4)]
                record.enum = (f"Kind{index // 5}", list(members))
                enums.append(record.enum[0])
            elsewhere = _imported(number, index) if imports else None
            record.fields = _fields(rng, local, leaves, enums, elsewhere)
            if local % 5 == 0:
                leaves.append(record.name)
            block.append(record)
        blocks.append(block)
        start += size
    return blocks


class _Values:
    """Write example values for the synthetic types."""

    def __init__(self, blocks: list[list[Record]]) -> None:
        self.records = {r.name: r for block in blocks for r in block}
        self.enums = {r.enum[0]: r.enum[1] for b in blocks for r in b if r.enum}

    def of(self, type_: str, rng: random.Random) -> str:
        """Return a literal of ``type_``."""
        if type_.endswith("?"):
            return "none" if rng.random() < 0.5 else self.of(type_[:-1], rng)
        if type_.startswith("list<"):
            inner = type_[5:-1]
            return (
                "["
                + ", ".join(self.of(inner, rng) for _ in range(rng.randrange(3)))
                + "]"
            )
        if type_ == "int":
            return str(rng.randrange(-50, 1000))
        if type_ == "float":
            return f"{rng.randrange(0, 10000) / 8}"
        if type_ == "string":
            return json.dumps(" ".join(rng.sample(WORDS, 2)))
        if type_ == "bool":
            return rng.choice(("true", "false"))
        if type_ in self.enums:
            return rng.choice(self.enums[type_])
        record = self.records[type_]
        parts = [
            f"{f.name}: {self.of(f.type, rng)}"
            for f in record.fields
            if not f.type.endswith("?") or rng.random() < 0.5
        ]
        return "{" + ", ".join(parts) + "}"


def _section(record: Record, full: bool, values: _Values) -> str:
    """Return one rule section: prose, declarations, and with ``full`` a function and examples."""
    lines = [
        f"## {record.name} {{#rec{record.index}}}",
        "",
        f"A `{record.name}` MUST keep its fields exactly as given, and an "
        f"implementation SHOULD NOT reorder `tags`.",
        "",
        "```specc",
    ]
    if record.enum:
        name, members = record.enum
        lines += [
            f"/// Kinds of group {record.index // 5}.",
            f"enum {name} {{ {', '.join(members)} }}",
            "",
        ]
    lines.append(f"/// Synthetic record number {record.index}.")
    lines.append(f"record {record.name} {{")
    lines += [f"  {f.name}: {f.type}" for f in record.fields]
    lines += ["}", "```", ""]
    if full:
        fn = f"summarize_rec{record.index}"
        lines += [
            "```specc",
            f"fn {fn}(item: {record.name}, limit: int) -> list<string>",
            "```",
            "",
            "```examples",
        ]
        rng = random.Random(f"examples {record.index}")
        for limit in range(3):
            item = values.of(record.name, rng)
            result = values.of("list<string>", rng)
            lines.append(f"{fn}({item}, {limit}) == {result}")
        lines += ["```", ""]
    return "\n".join(lines)


def _imports(block: list[Record]) -> dict[str, list[str]]:
    """Return, by spec name, the records of other blocks that ``block`` references."""
    own = {r.name for r in block}
    found: dict[str, list[str]] = {}
    for record in block:
        for f in record.fields:
            name = f.type.removeprefix("list<").rstrip(">?")
            if name.startswith("Rec") and name not in own:
                spec = f"synth_{int(name[3:]) // BLOCK:03d}"
                if name not in found.setdefault(spec, []):
                    found[spec].append(name)
    return dict(sorted(found.items()))


def spec_text(
    name: str, title: str, block: list[Record], full: bool, values: _Values
) -> str:
    """Return one spec file holding ``block`` (using the specs it references)."""
    used = _imports(block)
    head = [
        "---",
        f"spec: {name}",
        f"title: {title}",
        "version: 1.0.0",
        "summary: Synthetic records for benchmarks.",
        *(["uses:"] if used else []),
        *(f"  - {spec} ^1.0" for spec in used),
        "---",
        "",
        f"# {title} {{#{name}}}",
        "",
        "Generated by benchmarks/synth.py; every record MUST round-trip.",
        "",
    ]
    if used:
        head += ["```specc"]
        head += [f"use {spec}.{{{', '.join(names)}}}" for spec, names in used.items()]
        head += ["```", ""]
    return "\n".join(head) + "\n" + "\n".join(_section(r, full, values) for r in block)


def json_type(type_: str) -> dict[str, object]:
    """Return the JSON Schema of a field type (an optional's schema is its inner one)."""
    if type_.endswith("?"):
        return json_type(type_[:-1])
    if type_.startswith("list<"):
        return {"type": "array", "items": json_type(type_[5:-1])}
    simple = {
        "int": "integer",
        "float": "number",
        "string": "string",
        "bool": "boolean",
    }
    if type_ in simple:
        return {"type": simple[type_]}
    return {"$ref": f"#/definitions/{type_}"}


def json_schema(blocks: list[list[Record]]) -> dict[str, object]:
    """Return one JSON Schema whose definitions are every record and enum."""
    definitions: dict[str, object] = {}
    for record in (r for block in blocks for r in block):
        if record.enum:
            definitions[record.enum[0]] = {"type": "string", "enum": record.enum[1]}
        definitions[record.name] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {f.name: json_type(f.type) for f in record.fields},
            "required": [f.name for f in record.fields if not f.type.endswith("?")],
        }
    names = [r.name for block in blocks for r in block]
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Synth",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name.lower(): {"$ref": f"#/definitions/{name}"} for name in names
        },
        "required": [name.lower() for name in names],
        "definitions": definitions,
    }


def generate(
    n: int, out: Path, full: bool = False, split: bool = False, imports: bool = False
) -> list[Path]:
    """Write the specs of ``n`` records and ``schema.json`` under ``out``; return the specs.

    ``imports`` (with ``split``) makes specs refer to records of others.
    """
    if imports and not split:
        raise ValueError("imports are between specs: give split too")
    blocks = records(n, imports)
    values = _Values(blocks)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if split:
        for number, block in enumerate(blocks):
            name = f"synth_{number:03d}"
            path = out / f"{name}.spec.md"
            path.write_text(
                spec_text(name, f"Synthetic part {number}", block, full, values)
            )
            written.append(path)
    else:
        path = out / "synth.spec.md"
        everything = [r for block in blocks for r in block]
        path.write_text(
            spec_text("synth", "Synthetic records", everything, full, values)
        )
        written.append(path)
    (out / "schema.json").write_text(json.dumps(json_schema(blocks), indent=1) + "\n")
    return written


def alias_spec(n: int) -> str:
    """Return a spec of ``n`` type aliases in one chain, each naming the next.

    Checked alias by alias, every alias would walk the rest of the chain: the
    check is linear only when the chain is walked once.
    """
    lines = [f"type Alias{i} = Alias{i + 1}" for i in range(n - 1)]
    lines += [f"type Alias{n - 1} = Leaf", "record Leaf { id: int }"]
    return (
        f"---\nspec: aliases\ntitle: {n} aliases\nversion: 1.0.0\n---\n\n"
        "# Aliases {#aliases}\n\nEvery alias MUST name the next.\n\n"
        "```specc\n" + "\n".join(lines) + "\n```\n"
    )


def main() -> None:
    """Generate one benchmark input from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument(
        "--full", action="store_true", help="add functions and examples"
    )
    parser.add_argument("--split", action="store_true", help="one spec per 50 records")
    parser.add_argument(
        "--imports",
        action="store_true",
        help="with --split: specs use records of the specs before them",
    )
    args = parser.parse_args()
    if args.imports and not args.split:
        parser.error("--imports needs --split")
    for path in generate(args.n, args.out, args.full, args.split, args.imports):
        print(path)


if __name__ == "__main__":
    main()
