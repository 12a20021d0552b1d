"""The Python target: a package of dataclasses, a Protocol, a scaffold and pytest tests, black-stable."""
