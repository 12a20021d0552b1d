"""What a command works on: its arguments, filled in from the project's configuration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from specc.config import Config
from specc.diagnostics import Diagnostic
from specc.records import fields as record_fields


@dataclass(eq=False, repr=False)
class Inputs:
    """Specs, output folder, targets, templates and options for one command."""

    config: Config
    paths: list[str]
    out_dir: str
    targets: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    options: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    """Configuration problems; a command stops when there is any."""

    @property
    def sources(self) -> list[str]:
        """Return where the project's specs are, for finding the specs a spec uses.

        The configured `specs` when there is a configuration; otherwise none,
        and a spec's project is the folders given and the folder it is in.
        """
        return self.config.spec_paths if self.config.path is not None else []


def load(start: Path | None = None) -> tuple[Config, list[Diagnostic]]:
    """Return the configuration found from ``start`` (the current folder) upwards."""
    from specc import config

    return config.load(start)


def inputs(
    paths: Sequence[str],
    out_dir: str | None = None,
    templates: Sequence[str] = (),
) -> Inputs:
    """Fill in what the command line left out from the project configuration."""
    config, problems = load()
    result = Inputs(
        config,
        list(paths) or config.spec_paths,
        out_dir or config.out_dir,
        templates=config.template_dirs + list(templates),
        problems=problems,
    )
    if not paths and config.path is not None:
        result.problems.extend(_missing_paths(config))
    result.problems.extend(_missing_templates(config))
    return result


def choose_targets(
    chosen: list[str] | None, config: Config, default: list[str] | None
) -> list[str] | None:
    """Return the targets named on the command line, else configured, else ``default``."""
    if chosen:
        return chosen
    return list(config.project.targets) or default


def merge_options(
    config: Config, targets: list[str], cli: dict[str, dict[str, object]]
) -> dict[str, dict[str, object]]:
    """Return each target's configured options, with `-O` values taking precedence."""
    merged = {t: dict(config.project.targets.get(t, {})) for t in targets}
    for target, values in cli.items():
        merged.setdefault(target, {}).update(values)
    return {t: v for t, v in merged.items() if v}


def check_targets(config: Config, targets: list[str]) -> list[Diagnostic]:
    """Check configured targets exist and their options validate, at their config line."""
    if not config.project.targets:
        return []
    from pydantic import ValidationError

    from specc.emitters import registry
    from specc.records.models import validate

    problems = []
    for name, values in config.project.targets.items():
        if name not in targets:
            continue
        try:
            emitter = registry.load(name)
        except registry.RegistryError as error:
            problems.append(
                Diagnostic("E122", str(error), config.span("targets", name))
            )
            continue
        try:
            validate(emitter.Options, values)
        except ValidationError as error:
            for e in error.errors():
                key = ".".join(str(p) for p in e["loc"])
                unknown = e["type"] == "extra_forbidden"
                problems.append(
                    Diagnostic(
                        "E121" if unknown else "E122",
                        (
                            f"unknown option `targets.{name}.{key}`"
                            if unknown
                            else f"`targets.{name}.{key}`: {e['msg']}"
                        ),
                        config.span("targets", name, *[str(p) for p in e["loc"]]),
                        f"options of `{name}`: "
                        f"{', '.join(record_fields(emitter.Options)) or 'none'}",
                    )
                )
    return problems


def _missing_paths(config: Config) -> list[Diagnostic]:
    """Report configured spec paths that do not exist."""
    return [
        Diagnostic(
            "E122",
            f"`specs`: {shown} does not exist",
            config.span("specs"),
            "create it (`specc new NAME`), or fix the path",
        )
        for relative, shown in zip(config.project.specs, config.spec_paths, strict=True)
        if not (config.root / relative).exists()
    ]


def _missing_templates(config: Config) -> list[Diagnostic]:
    """Report configured template folders that are not folders."""
    return [
        Diagnostic(
            "E122",
            f"`templates`: {shown} is not a folder",
            config.span("templates"),
        )
        for relative, shown in zip(
            config.project.templates, config.template_dirs, strict=True
        )
        if not (config.root / relative).is_dir()
    ]
