"""Chat prompts from Jinja templates under `templates/llm/`, overridable like any template.

A prompt template renders plain text in which a line `--- system ---`,
`--- user ---` or `--- assistant ---` starts the next message.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from specc.naming import escape_surrogates

if TYPE_CHECKING:
    import jinja2

_MARKER = re.compile(r"^--- (system|user|assistant) ---[ \t]*$", re.M)


class PromptError(Exception):
    """Raised when a prompt template renders no message."""


def messages(
    env: jinja2.Environment, template: str, **values: object
) -> list[dict[str, str]]:
    """Render ``template`` and return its chat messages, in order."""
    text = env.get_template(template).render(**values)
    parts = _MARKER.split(text)
    found = [
        {"role": role, "content": content.strip()}
        for role, content in zip(parts[1::2], parts[2::2], strict=False)
    ]
    if not found:
        raise PromptError(f"{template} renders no `--- user ---` message")
    return found


def last_fenced_block(text: str) -> str | None:
    """Return the body of the last fenced code block of a Markdown answer, if any."""
    blocks = re.findall(
        r"^[ \t]*(`{3,}|~{3,})[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", text, re.M | re.S
    )
    return blocks[-1][1] if blocks else None


def answer_json(text: str) -> Any:
    """Return a model's answer parsed as JSON (raise `ValueError` if it is not).

    A string escaping a lone surrogate (`"\\udc00"`), which is no text a file
    can hold, keeps the escape as text.
    """
    return _without_surrogates(json.loads(text))


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return escape_surrogates(value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {escape_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value
