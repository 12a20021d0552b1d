"""The front end: a spec's Markdown, declarations, examples and conversations, checked and lowered to the IR."""
