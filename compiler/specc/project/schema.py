"""The JSON Schema of `specc.toml`, with every built-in target's options, for editors."""

from __future__ import annotations

from typing import Any

from specc.config import SCHEMA_ID, ProjectConfig
from specc.emitters import registry
from specc.targets import BUILTIN


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of `specc.toml`, for editors, with every built-in target's options."""
    schema = ProjectConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    defs = schema.setdefault("$defs", {})
    targets = schema["properties"]["targets"]
    targets["properties"] = {}
    for name in BUILTIN:
        options = registry.load(name).Options.model_json_schema()
        defs.update(options.pop("$defs", {}))
        targets["properties"][name] = options
    llm = schema["properties"]["llm"]
    schema["properties"]["llm"] = {
        "anyOf": [{"$ref": llm.pop("$ref")}, {"type": "boolean"}],
        **llm,
    }
    return schema
