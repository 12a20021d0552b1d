"""The formatter: the canonical layout of a spec's `specc` and `examples` blocks, prose untouched."""
