"""What an emitter is: a name, validated options, and `emit(ctx)` returning files."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from specc import ir
from specc.diagnostics import Diagnostic
from specc.records import Record

if TYPE_CHECKING:
    import jinja2

FileKind = Literal["generated", "scaffold"]


@dataclass(frozen=True)
class OutputFile:
    """A file an emitter wants written, relative to its target's output folder."""

    path: str
    """Relative POSIX path, such as `todo/src/types.ts`."""
    content: str
    kind: FileKind = "generated"
    """`generated` files are rewritten every build; `scaffold` files only created."""
    symbols: tuple[tuple[str, str, str], ...] = ()
    """For scaffolds: (spec path, operation, identifier) it is expected to define."""
    spec: str | None = None
    """Path of the spec that produced the file (`ir.Spec.path`); None for a file
    the target makes from all the specs it is given (an index, shared assets)."""
    settings: str | None = None
    """For a package manifest: the specc.toml table that declares its
    dependencies (`targets.ts.spec.todo`). A build stops rather than overwrite
    such a file edited by hand when that would lose anything, and names it."""


@dataclass(frozen=True)
class Parts(OutputFile):
    """A large file held as the parts a template rendered (`templating.render_parts`),
    never as one string: the writer hashes, compares and writes it part by part.
    Its `content` is the parts joined, made afresh each time it is read."""

    content: str = field(init=False, default="", repr=False, compare=False)
    parts: tuple[str, ...] = ()


def _joined(self: Parts) -> str:
    return "".join(self.parts)


def _ignored(self: Parts, value: str) -> None:
    """The dataclass's ``__init__`` sets `content`: the parts are the text."""


Parts.content = property(_joined, _ignored, doc="The file's text, joined from its parts.")  # type: ignore[assignment]


Fix = Callable[[str], str]
"""What a `Streamed` file's text must still go through once whole (black, for a
Python file whose layout turned out unsure)."""

Pieces = Generator[str, None, Fix | None]
"""A file's text, part by part; the generator returns a `Fix`, or None."""


def _no_text() -> Pieces:
    """The text of a `Streamed` file made without a `render`: none."""
    yield from ()
    return None


@dataclass(frozen=True)
class Streamed(OutputFile):
    """A large file rendered as it is written: `render` makes the text afresh,
    part by part (`templating.stream`), each time it is called. The build's
    staging writes each part to the staged file as it comes and never holds the
    text (`specc.build.staging`); a build that holds its files, or checks, takes
    it as `Parts` (`held`); its `content` is the text rendered and joined."""

    content: str = field(init=False, default="", repr=False, compare=False)
    render: Callable[[], Pieces] = field(default=_no_text, repr=False, compare=False)

    def held(self) -> Parts:
        """Return the file rendered, as the parts its text is made of."""
        parts: list[str] = []
        fix = drain(self.render(), parts.append)
        if fix is not None:
            parts = [fix("".join(parts))]
        fields = {k: v for k, v in vars(self).items() if k not in ("content", "render")}
        return Parts(parts=tuple(parts), **fields)


def drain(pieces: Pieces, take: Callable[[str], object]) -> Fix | None:
    """Hand each part of ``pieces`` to ``take``, in order; return their `Fix`."""
    while True:
        try:
            part = next(pieces)
        except StopIteration as end:
            fix: Fix | None = end.value
            return fix
        take(part)


def _streamed(self: Streamed) -> str:
    return "".join(self.held().parts)


Streamed.content = property(_streamed, _ignored, doc="The file's text, rendered and joined.")  # type: ignore[assignment]


def held(files: Iterable[OutputFile]) -> list[OutputFile]:
    """Return ``files`` with each `Streamed` one rendered (`Streamed.held`)."""
    return [f.held() if isinstance(f, Streamed) else f for f in files]


def owned_by(spec: ir.Spec, files: Iterable[OutputFile]) -> Iterator[OutputFile]:
    """Return ``files`` marked as produced by ``spec`` (the manifest records it)."""
    for output in files:
        yield replace(output, spec=spec.path)


class Options(Record):
    """Base of every emitter's options: unknown keys are errors."""

    # A record: its pydantic model, which validates options given, is made on
    # first validation (`specc.build.emit.options_of`), so a build without
    # options imports no pydantic.

    record_config: ClassVar[dict[str, Any]] = {"extra": "forbid", "frozen": True}


@dataclass
class EmitContext:
    """Everything an emitter may use: the specs, its options and the templates."""

    specs: list[ir.Spec]
    options: Options
    env: jinja2.Environment
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Emitters append problems here (an error stops the build before writing)."""
    llm: Any = None
    """The `specc.llm.client.Client` when the LLM-assisted backends are on, else None."""
    reports: dict[str, Any] = field(default_factory=dict)
    """Verification reports found under `out/report/` (`tests`, `evals`), as data."""
    kept: list[Any] = field(default_factory=list)
    """For a `site_wide` target: the `emit_spec` data of the specs whose files the
    output folder keeps though this build does not make them (`emit_site` lists
    them too)."""
    used: dict[str, Any] = field(default_factory=dict)
    """What an emitter makes of the specs that specs use, kept across the specs of
    one build so that each used spec is modelled once, not once per importer."""

    def render(self, template: str, **context: object) -> str:
        """Render a template of the shared environment."""
        from specc.templating import render

        return render(self.env.get_template(template), **context)

    def render_parts(self, template: str, **context: object) -> tuple[str, ...]:
        """Render a template of the shared environment as parts (`Parts`)."""
        from specc.templating import render_parts

        return render_parts(self.env.get_template(template), **context)

    def stream(self, template: str, **context: object) -> Generator[str, None, None]:
        """Render a template of the shared environment part by part (`Streamed`)."""
        from specc.templating import stream

        return stream(self.env.get_template(template), **context)


class Emitter:
    """Base class of targets; subclasses set the class attributes and `emit`."""

    name: str
    """The target's name (a class attribute; an external emitter sets its own)."""
    description: ClassVar[str]
    Options: ClassVar[type[Options]] = Options
    llm_backend: ClassVar[bool] = False
    """Whether `emit` uses ``ctx.llm`` when it is set (an LLM-assisted backend)."""

    site_wide: ClassVar[bool] = False
    """Whether `emit_site` makes files from every spec of the output folder (an
    index): a build of some specs then gives it the others' data in ``ctx.kept``."""

    per_spec: ClassVar[bool] = False
    """Whether `emit` splits into `emit_spec` per spec and `emit_site` (then an
    incremental build skips the specs that did not change)."""

    def splits(self, ctx: EmitContext) -> bool:
        """Return whether this build may use `emit_spec` and `emit_site` (``ctx.specs``
        aside, ``ctx`` is as `emit` will get it)."""
        return self.per_spec

    def emit(self, ctx: EmitContext) -> Iterable[OutputFile]:
        """Return the files of this target for ``ctx.specs``."""
        if not self.per_spec:
            raise NotImplementedError
        site = []
        for spec in ctx.specs:
            files, data = self.emit_spec(ctx, spec)
            yield from files
            site.append(data)
        yield from self.emit_site(ctx, site)

    def emit_spec(
        self, ctx: EmitContext, spec: ir.Spec
    ) -> tuple[list[OutputFile], Any]:
        """Return one spec's own files, and JSON-ready data `emit_site` needs of it.

        The files may depend only on ``spec``, the options and the templates.
        """
        raise NotImplementedError

    def emit_site(self, ctx: EmitContext, site: list[Any]) -> Iterable[OutputFile]:
        """Return the files made from every spec's `emit_spec` data (not ``ctx.specs``)."""
        return ()


GENERATED_NOTE = "Generated by specc from {path}; do not edit: changes are overwritten."
SCAFFOLD_NOTE = (
    "Scaffolded once by specc from {path}; yours to edit: specc never overwrites it."
)


def header(spec: ir.Spec, kind: FileKind = "generated") -> str:
    """Return the one-line notice a generated or scaffolded file carries."""
    note = GENERATED_NOTE if kind == "generated" else SCAFFOLD_NOTE
    return note.format(path=spec_source_name(spec))


def spec_source_name(spec: ir.Spec) -> str:
    """Return the spec file's name without folders (no absolute paths in output)."""
    from pathlib import PurePath

    return PurePath(spec.path).name
