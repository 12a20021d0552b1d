"""What each part of a crate's source is built from: the spec and the crate's models."""

from __future__ import annotations

from specc import ir
from specc.emitters.rust.model import Names, RsTypes, TypeFacts
from specc.emitters.rust.values import RsValues


class CratePart:
    """A part of the crate (types.rs, tests/conformance.rs, its property tests).

    The models are made once per crate (`RustEmitter`) and shared by its parts.
    """

    def __init__(
        self,
        spec: ir.Spec,
        names: Names,
        facts: TypeFacts,
        types: RsTypes,
        values: RsValues,
    ) -> None:
        self.spec, self.names, self.facts = spec, names, facts
        self.type, self.value = types, values
