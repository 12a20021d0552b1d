"""Emitters: one per target, each turning the IR into files; `registry` finds them by name."""
