"""The TypeScript templates' busiest expressions, each as one Python call.

A template's `{% for f in t.fields %}{{ prop(f.name) }}…{% endfor %}` costs a
Jinja call, a loop step and a few attribute lookups per piece; at N = 1000
(full) the types and tests files make about 80 000 such pieces. Each helper
here returns what the template's own spelling of it rendered
(`tests/test_ts_lines.py` renders both and compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from specc import ir


class Lines:
    """The helpers of one package's templates, over its type and value renderers."""

    def __init__(
        self,
        type: Callable[[ir.TypeRef], str],
        value: Callable[[ir.Value], str],
        optional: Callable[[ir.TypeRef], bool],
        prop: Callable[[str], str],
        access: Callable[[str], str],
        literal: Callable[[str], str],
    ) -> None:
        self.type, self.value, self.optional = type, value, optional
        self.prop, self.access, self.literal = prop, access, literal

    def member(self, field: ir.Field) -> str:
        """Return a field as an interface declares it: `name?: type` (the type less
        its optional wrapper; `?` where the field may be left out)."""
        ref = field.type
        mark = "?" if self.optional(ref) else ""
        made = self.type(ref.args[0]) if ref.kind == "optional" else self.type(ref)
        return f"{self.prop(field.name)}{mark}: {made}"

    def make_params(self, fields: Sequence[ir.Field]) -> str:
        """Return the fields a record's `make` function takes, `;`-separated (those
        with a default, or optional, may be left out)."""
        optional, type, prop = self.optional, self.type, self.prop
        return "; ".join(
            [
                f"{prop(f.name)}{'?' if not f.required or optional(f.type) else ''}: "
                f"{type(f.type)}"
                for f in fields
            ]
        )

    def filled(self, field: ir.Field) -> str:
        """Return a field of the record a `make` function returns: the one given,
        else its default (where it has one that is not `none`)."""
        name = self.prop(field.name)
        given = f"{name}: fields{self.access(name)}"
        default = field.default
        if default is not None and default.kind != "none":
            return f"{given} ?? {self.value(default)}"
        return given

    def literals(self, members: Sequence[ir.EnumMember], separator: str) -> str:
        """Return an enum's members as string literals, joined by ``separator``."""
        literal = self.literal
        return separator.join([literal(m.name) for m in members])

    def values(self, items: Sequence[ir.Value]) -> str:
        """Return values rendered and comma-separated (a call's arguments)."""
        value = self.value
        return ", ".join([value(v) for v in items])

    def helpers(self) -> dict[str, object]:
        """Return the helpers by the names the templates call them."""
        return dict(
            member=self.member,
            make_params=self.make_params,
            filled=self.filled,
            literals=self.literals,
            values=self.values,
        )
