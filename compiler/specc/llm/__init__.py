"""The LLM layer: the only importer of `openai`, the answer lock, sessions and prompt templates."""
