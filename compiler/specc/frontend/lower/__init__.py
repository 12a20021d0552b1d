"""Lowering: one parsed document to an `ir.Spec`, reporting problems as it goes.

`lower_document` is the entry point. `document` walks the sections in order;
`headings` reads rule IDs and attributes, `blocks` each kind of block, `prose`
statements and links; once the spec is read, `declarations` builds the IR
types with the checker (`specc.frontend.check`) and `references` reports
links to missing rule IDs. `context` and `drafts` are what they share.
"""

from __future__ import annotations

from specc.frontend.lower.document import lower_document

__all__ = ["lower_document"]
