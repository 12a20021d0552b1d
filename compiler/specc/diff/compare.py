"""Compare two versions of a spec: what changed, what breaks, which semver bump that needs.

The comparisons live by what they compare: `rules` (statements, examples,
conversations), `declarations` (types, fields, signatures); `versions` holds
the verdict on the bump.
"""

from __future__ import annotations

from specc import ir
from specc.diff.changes import Change, Recorder
from specc.diff.declarations import DeclarationDiffer
from specc.diff.rules import RuleDiffer
from specc.diff.versions import SpecDiff


def diff_specs(old: ir.Spec | None, new: ir.Spec | None) -> SpecDiff:
    """Return every change from ``old`` to ``new`` (either may be absent)."""
    if new is None:
        assert old is not None
        result = SpecDiff(old.id, old.version, None)
        result.changes.append(
            Change("spec-removed", old.id, "spec removed", "major", old.path, 1)
        )
        return result
    if old is None:
        result = SpecDiff(new.id, None, new.version)
        result.changes.append(
            Change("spec-added", new.id, "spec added", "minor", new.path, 1)
        )
        return result
    result = SpecDiff(new.id, old.version, new.version)
    if old.id != new.id:
        result.former = old.id
    _front_matter(Recorder(old, new, result.changes))
    RuleDiffer(old, new, result.changes).rules()
    DeclarationDiffer(old, new, result.changes).declarations()
    # In the order a reader meets them: down the new spec, then what the old
    # one had that is gone (placed in the old file).
    result.changes.sort(key=lambda c: (c.path != new.path, c.path, c.line))
    return result


def _front_matter(record: Recorder) -> None:
    """Record a renamed spec (breaking) and a changed title or summary."""
    old, new = record.old, record.new
    if old.id != new.id:
        record.add(
            "spec-renamed",
            new.id,
            f"spec renamed from `{old.id}` to `{new.id}`",
            "major",
        )
    for key in ("title", "summary"):
        if getattr(old, key) != getattr(new, key):
            record.add("front-matter", new.id, f"{key} changed", "patch")
