"""Names from other specs: `uses` checked against the project, `use` and `spec.Name` resolved.

A spec lists the specs it builds on in front matter (`uses: [billing >=1.2]`);
`use billing.{Money}` in a `specc` block brings names into its scope, and
`billing.Money` names one anywhere. The declarations come from the used
specs' interfaces (`specc.frontend.interfaces.Imports`), entered in the scope
under their qualified name (`billing.Money`), so the checks of values and
examples work across the boundary as they do within one spec.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence

from specc import ir
from specc.diagnostics import Diagnostic, Related
from specc.frontend.check.scope import Report, closest, suggest
from specc.frontend.frontmatter import Requirement
from specc.frontend.idl import DeclDraft, FieldDraft, TagDraft, TypeUse, UseDraft
from specc.frontend.interfaces import Imports
from specc.source import Span


class ImportResolver:
    """Checks what one spec uses of others and qualifies the names it imports."""

    def __init__(
        self,
        path: str,
        spec_id: str,
        report: Report,
        imports: Imports | None,
        requirements: list[Requirement],
        statements: list[UseDraft],
    ) -> None:
        self.path, self.spec_id, self.report = path, spec_id, report
        self.imports = imports or Imports()
        self.requirements: dict[str, Requirement] = {}
        self.used: dict[str, ir.Interface] = {}
        """Specs in `uses` whose interface is known, by ID."""
        self.quiet: set[str] = set()
        """Specs in `uses` already reported as wrong: names from them are not."""
        self.aliases: dict[str, tuple[str, TypeUse]] = {}
        """Names `use` brings in: name -> (spec ID, where it is imported)."""
        self.unchecked: dict[str, str] = {}
        """Names `use` takes from a spec reported as wrong (`quiet`), by its ID."""
        self.statements = statements
        for requirement in requirements:
            self._requirement(requirement)

    # --- `uses` in front matter -----------------------------------------------------

    def _requirement(self, entry: Requirement) -> None:
        """Check one `uses` entry: the spec exists once, closes no cycle, fits the range."""
        spec = entry.spec
        first = self.requirements.get(spec)
        if first is not None:
            self._error(
                "E162",
                f"`{spec}` is in `uses` twice",
                entry,
                f"first at line {first.line}",
                (Related(_span(self.path, first), f"`{spec}` is first here"),),
            )
            return
        self.requirements[spec] = entry
        project = self.imports.project
        cycle = self.imports.cycles.get(spec)
        if spec not in project:
            self.quiet.add(spec)
            self._error(
                "E160", f"no spec `{spec}` in the project", entry, self._unknown(spec)
            )
        elif len(project[spec]) > 1:
            self.quiet.add(spec)
            files = ", ".join(project[spec])
            self._error(
                "E160",
                f"several specs of the project are `{spec}`: {files}",
                entry,
                "give each spec its own `spec` ID",
            )
        elif spec == self.spec_id or cycle is not None:
            self.quiet.add(spec)
            route = " → ".join(cycle or [spec, spec])
            self._error(
                "E163",
                f"`uses` makes a cycle: {route}",
                entry,
                "a spec cannot use a spec that uses it, directly or through others; "
                "move what both need into a spec of its own",
            )
        elif spec not in self.imports.interfaces:
            self.quiet.add(spec)
            hint = f"`specc check {project[spec][0]}` lists them; fix them there"
            message = f"`{spec}` has errors, so nothing it declares can be used"
            self._error("E168", message, entry, hint)
        else:
            used = self.imports.interfaces[spec]
            self.used[spec] = used
            if entry.range is not None:
                found = _version_problem(entry, used, self.imports.project[spec])
                if found is not None:
                    message, hint, related = found
                    self._error("E164", message, entry, hint, related)

    def _unknown(self, spec: str) -> str:
        """Return the hint for a spec ID the project does not have."""
        return suggest(spec, list(self.imports.project)) or (
            "specs are found by the `spec` ID in their front matter (else their "
            "file name), among the project's spec files"
        )

    def _error(
        self,
        code: str,
        message: str,
        entry: Requirement,
        hint: str,
        related: tuple[Related, ...] = (),
    ) -> None:
        span = _span(self.path, entry)
        self.report(Diagnostic(code, message, span, hint, related))

    # --- `use` and qualified names ------------------------------------------------

    def declarations(self) -> list[DeclDraft]:
        """Return every type of every used spec (and those they use) as drafts."""
        return [d for used in self.imports.interfaces.values() for d in drafts(used)]

    def resolve(self, decls: list[DeclDraft]) -> None:
        """Check `use` statements and qualified names; qualify the names `use` imports."""
        local = {d.name: d.span for d in decls if d.kind != "function"}
        for statement in self.statements:
            if not self._spec_known(statement.spec, statement.span):
                for name in statement.names:
                    self.unchecked.setdefault(name.name, statement.spec)
                continue
            for name in statement.names:
                self._import(name, local)
        qualify = {n: s for n, s in self.unchecked.items() if n not in local}
        qualify.update((n, spec) for n, (spec, _) in self.aliases.items())
        for decl in decls:
            for use in decl.type_uses:
                if use.spec is not None and use.spec_span is not None:
                    self._known(use)
                elif use.name not in local and use.name in qualify:
                    use.spec = qualify[use.name]
            _requalify(decl, local, qualify)
            self._raises(decl)

    def _spec_known(self, spec: str, span: Span) -> bool:
        """Return whether names of ``spec`` can be checked; report a spec not in `uses`."""
        if spec in self.used:
            return True
        if spec in self.quiet:
            return False
        if spec in self.imports.project and spec != self.spec_id:
            self.report(
                Diagnostic(
                    "E166",
                    f"`{spec}` is not in this spec's `uses`",
                    span,
                    f"add `- {spec}` to `uses` in the front matter",
                )
            )
        else:
            hint = self._unknown(spec)
            self.report(
                Diagnostic("E160", f"no spec `{spec}` in the project", span, hint)
            )
        self.quiet.add(spec)
        return False

    def _known(self, use: TypeUse) -> bool:
        """Return whether ``spec.Name`` exists; report it if not."""
        assert use.spec is not None
        if not self._spec_known(use.spec, use.spec_span or use.span):
            return False
        used = self.used[use.spec]
        if used.type(use.name) is not None:
            return True
        hint: str | None
        related: tuple[Related, ...] = ()
        if use.name in used.functions:
            message = f"`{use.spec}.{use.name}` is a function; only types can be used"
            hint = "a spec's functions are its own; use the types they take"
        else:
            message = f"`{use.spec}` has no type `{use.name}`"
            hint = suggest(use.name, [t.name for t in used.types])
            related = _close_type(used, use.name)
        self.report(Diagnostic("E161", message, use.span, hint, related))
        return False

    def _import(self, name: TypeUse, local: dict[str, Span]) -> None:
        """Bring one name into scope, reporting a clash with another import or a local."""
        if not self._known(name):
            return
        assert name.spec is not None
        first = self.aliases.get(name.name)
        if first is not None:
            spec, where = first
            self.report(
                Diagnostic(
                    "E162",
                    f"`{name.name}` is imported twice",
                    name.span,
                    f"first from `{spec}` at line {where.span.line}; "
                    f"write `{name.spec}.{name.name}` where you mean this one",
                    (Related(where.span, f"`{name.name}` is first imported here"),),
                )
            )
        elif name.name in local:
            self.report(
                Diagnostic(
                    "E162",
                    f"`{name.name}` is imported from `{name.spec}` and declared "
                    "in this spec",
                    name.span,
                    f"rename one, or drop the import and write `{name.spec}."
                    f"{name.name}`",
                    (
                        Related(local[name.name], f"`{name.name}` is declared here"),
                        Related(
                            self._declared(name.spec, name.name),
                            f"`{name.spec}.{name.name}` is declared here",
                        ),
                    ),
                )
            )
        else:
            self.aliases[name.name] = (name.spec, name)

    def _declared(self, spec: str, name: str) -> Span:
        """Return where a type a used spec declares is declared (its spec, if unknown)."""
        found = self.used[spec].type(name) if spec in self.used else None
        if found is not None:
            return found.span
        return Span(path=self.imports.project.get(spec, [self.path])[0], line=1)

    def _raises(self, decl: DeclDraft) -> None:
        """Report errors of other specs in `raises`, and leave them out."""
        kept = []
        for use in decl.raises:
            spec = use.spec or (
                self.aliases[use.name][0] if use.name in self.aliases else None
            )
            if spec is None:  # a local error, or one of a spec reported already
                kept += [] if use.name in self.unchecked else [use]
                continue
            if use.spec is None or self._known(use):
                self.report(
                    Diagnostic(
                        "E167",
                        f"`{decl.name}` raises `{spec}.{use.name}`, an error of "
                        "another spec",
                        use.span,
                        "a function raises only its own spec's errors; declare one "
                        "here",
                    )
                )
        decl.raises = kept

    # --- cross-references -----------------------------------------------------------

    def links(self, links: list[ir.Link]) -> list[ir.Link]:
        """Return ``links`` less those that are not rules of specs; check those that are.

        `[text](billing#charge)` is a cross-reference when `billing` is a spec
        of the project; any other `name#part` link is an ordinary link.
        """
        kept = []
        for link in links:
            spec = link.spec
            if spec is None:
                kept.append(link)
                continue
            if spec not in self.used and spec not in self.imports.project:
                continue
            kept.append(link)
            if not self._spec_known(spec, link.span):
                continue
            rules = self.used[spec].rules
            if link.target not in rules:
                close = suggest(link.target, rules)
                hint = close.replace("`", f"`{spec}#", 1) if close else None
                self.report(
                    Diagnostic(
                        "E165",
                        f"`{spec}` has no rule `#{link.target}`",
                        link.span,
                        hint,
                    )
                )
        return kept

    # --- the IR ---------------------------------------------------------------------

    def ir_uses(self) -> list[ir.Use]:
        """Return the `uses` entries as IR, with the version and names of each."""
        names: dict[str, list[str]] = {}
        for name, (spec, _) in self.aliases.items():
            names.setdefault(spec, []).append(name)
        return [
            ir.Use(
                spec=spec,
                requirement=entry.range,
                version=self.used[spec].version if spec in self.used else None,
                names=names.get(spec, []),
                span=_span(self.path, entry),
            )
            for spec, entry in self.requirements.items()
        ]

    def ir_interfaces(self) -> list[ir.Interface]:
        """Return the interfaces the spec was compiled against, each after those it uses."""
        return list(self.imports.interfaces.values())


def _span(path: str, entry: Requirement) -> Span:
    """Return where a `uses` entry stands."""
    end = entry.col + entry.length
    return Span(
        path=path, line=entry.line, col=entry.col, end_line=entry.line, end_col=end
    )


def _version_problem(
    entry: Requirement, used: ir.Interface, files: Sequence[str]
) -> tuple[str, str, tuple[Related, ...]] | None:
    """Return the message, hint and related place of a used spec whose version is not
    in the range asked for (its files are ``files``), or None when it is."""
    import semantic_version

    wanted = str(entry.range)
    where = f"{used.id} is in {', '.join(files)}"
    version = used.version or "no version"
    there = (Related(Span(path=files[0], line=1), f"`{used.id}`: {version}"),)
    if used.version is None:
        return (
            f"`{used.id}` has no version to check against `{wanted}`",
            f"give {where} a `version`, or drop the range",
            there,
        )
    if semantic_version.NpmSpec(wanted).match(semantic_version.Version(used.version)):
        return None
    return (
        f"this spec needs `{used.id}` {wanted}, but `{used.id}` is {used.version}",
        f"{where}: change the range, or the version there",
        there,
    )


def _close_type(used: ir.Interface, name: str) -> tuple[Related, ...]:
    """Return where the type of ``used`` closest to ``name`` is declared, if one is close."""
    close = closest(name, [t.name for t in used.types])
    found = used.type(close) if close else None
    if found is None:
        return ()
    return (Related(found.span, f"`{used.id}.{found.name}` is declared here"),)


def drafts(interface: ir.Interface) -> list[DeclDraft]:
    """Return the types of ``interface`` as drafts, made once for the interface.

    Every spec of a build that reaches a used spec is given the same interface
    (spec 20 of a chain reaches 19), and the checks only read another spec's
    drafts, so they are kept beside its fields, as `ir.Spec` keeps its indexes.
    """
    types = interface.types
    made = interface.__dict__.get("_drafts")
    if made is None or made[0] is not types or made[1] != len(types):
        made = (types, len(types), [_draft(decl, interface.id) for decl in types])
        interface.__dict__["_drafts"] = made
    found = made[2]
    assert isinstance(found, list)
    return found


def _draft(decl: ir.TypeDecl, spec: str) -> DeclDraft:
    """Return another spec's declaration as the checker holds its own."""
    draft = DeclDraft(decl.kind, decl.name, decl.span, spec=spec)
    if isinstance(decl, ir.Alias):
        draft.target = decl.target
    elif isinstance(decl, ir.Enum):
        draft.members = list(decl.members)
    elif isinstance(decl, ir.Variant):
        draft.tags = [
            TagDraft(t.name, t.span, fields=_fields(t.fields)) for t in decl.tags
        ]
    elif isinstance(decl, (ir.Record, ir.Error)):
        draft.fields = _fields(decl.fields)
    return draft


def _fields(fields: list[ir.Field]) -> list[FieldDraft]:
    return [
        FieldDraft(f.name, f.type, f.span, imported=True, checked=f.default)
        for f in fields
    ]


def _requalify(decl: DeclDraft, local: Container[str], specs: dict[str, str]) -> None:
    """Give each name `use` imported its spec (``specs``), in every type ``decl`` writes."""
    if not specs:
        return

    def fix(ref: ir.TypeRef) -> ir.TypeRef:
        if ref.kind == "named":
            name = str(ref.name)
            if ref.spec is None and name not in local and name in specs:
                return ref.replace(spec=specs[name])
            return ref
        if not ref.args:
            return ref
        return ref.replace(args=[fix(a) for a in ref.args])

    for field in _all_fields(decl):
        field.type = fix(field.type)
    if decl.target is not None:
        decl.target = fix(decl.target)
    if decl.returns is not None:
        decl.returns = fix(decl.returns)


def _all_fields(decl: DeclDraft) -> Iterator[FieldDraft]:
    yield from decl.fields
    for tag in decl.tags:
        yield from tag.fields
