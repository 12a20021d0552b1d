"""specc: a compiler for specifications."""

__version__ = "0.1.0"
