"""Spec identifiers for names found in JSON documents: valid, unique, reserved ones kept out."""

from __future__ import annotations

import re

from specc.naming import pascal, snake

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Names a declaration cannot take: the primitives and the type of any JSON value.
RESERVED_TYPES = frozenset({"bool", "int", "float", "string", "bytes", "list", "map"})
ANY_JSON = "Json"


def is_identifier(name: str) -> bool:
    """Return whether ``name`` can be written as a spec name as it is."""
    return bool(IDENTIFIER.match(name))


def member_name(value: str) -> str:
    """Return a spec name for a JSON property, enum value or tag (`x-rate` -> `x_rate`)."""
    if is_identifier(value):
        return value
    name = snake(value)
    return name if is_identifier(name) else "_" + name


class Names:
    """Hands out unique names in one namespace."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self.taken = set(reserved)

    def type_name(self, hint: str) -> str:
        """Return a fresh PascalCase type name made from ``hint``."""
        base = hint if is_identifier(hint) and hint[:1].isupper() else pascal(hint)
        if not is_identifier(base):
            base = "T" + base
        return self.fresh(base)

    def rule_id(self, hint: str) -> str:
        """Return a fresh snake_case rule ID or function name made from ``hint``."""
        base = snake(hint)
        return self.fresh(base if is_identifier(base) else "_" + base)

    def fresh(self, base: str) -> str:
        """Return ``base``, or ``base2``, ``base3``… if it is taken; mark it taken."""
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}{number}"
        self.taken.add(name)
        return name


def unique_members(values: list[str]) -> list[str]:
    """Return a spec name per value, unique within the list."""
    names = Names()
    return [names.fresh(member_name(v)) for v in values]
