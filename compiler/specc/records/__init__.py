"""Plain, frozen data classes (`specc.records.base`), and the pydantic models
that validate them and write their JSON (`specc.records.models`, imported
only when wanted)."""

from specc.records.base import (
    REQUIRED,
    Record,
    Tagged,
    extras,
    field,
    field_values,
    fields,
    validator,
)

__all__ = [
    "REQUIRED",
    "Record",
    "Tagged",
    "extras",
    "field",
    "field_values",
    "fields",
    "validator",
]
