"""Chat prompts from Jinja templates under `templates/llm/`, overridable like any template.

A prompt template renders plain text in which a line `--- system ---`,
`--- user ---` or `--- assistant ---` starts the next message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

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
