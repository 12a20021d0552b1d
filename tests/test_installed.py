"""`specc.installed` answers as `importlib.metadata` does, without importing it."""

from __future__ import annotations

import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from specc import installed
from specc.build.cache import DEPENDENCIES

GROUP = "specc.emitters"


def dist(folder: Path, name: str, entry_points: str | None = None) -> Path:
    """Write a distribution's metadata folder ``name`` (``NAME-VERSION.dist-info``)."""
    info = folder / name
    info.mkdir(parents=True)
    project, _, rest = name.partition("-")
    version = rest.rpartition(".")[0]
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n"
    )
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)
    return info


def listed(group: str) -> list[tuple[str, str]]:
    return [(e.name, e.value) for e in metadata.entry_points(group=group)]


def test_the_versions_of_specc_s_dependencies_are_importlib_s() -> None:
    assert installed.versions(DEPENDENCIES) == [
        metadata.version(p) for p in DEPENDENCIES
    ]
    assert installed.versions(["no-such-package-here"]) == [None]


def test_the_first_distribution_on_the_path_wins_whatever_its_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    dist(first, "Foo_Bar-1.0.dist-info", f"[{GROUP}]\nfoo = first:Foo\n")
    dist(second, "foo.bar-2.0.dist-info", f"[{GROUP}]\nfoo = second:Foo\n")
    dist(second, "other-0.3.dist-info", f"[{GROUP}]\nother = o:O\n")
    monkeypatch.setattr(
        sys, "path", [str(tmp_path / "missing"), str(first), str(second)]
    )
    assert installed.versions(["foo-bar", "FOO.BAR", "other"]) == ["1.0", "1.0", "0.3"]
    assert [metadata.version(p) for p in ("foo-bar", "other")] == ["1.0", "0.3"]
    assert sorted(installed.entry_points(GROUP)) == sorted(listed(GROUP))
    assert ("foo", "first:Foo") in installed.entry_points(GROUP)


def test_entry_points_files_are_read_as_importlib_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "# a comment\n[console_scripts]\ntool = a:main\n"
        f"[{GROUP}]\n  spaced   =  pkg.mod:Cls [extra]  \n\n# {GROUP}\n"
        "plain=m:E\n[other]\nx = specc.emitters:y\n"
    )
    dist(tmp_path, "one-1.0.dist-info", text)
    dist(tmp_path, "two-1.0.dist-info", "[other]\nx = y\n")
    dist(tmp_path, "three-1.0.dist-info")
    (tmp_path / "four-1.0.dist-info").write_text("a file, not a folder")
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert (
        installed.entry_points(GROUP)
        == listed(GROUP)
        == [
            ("spaced", "pkg.mod:Cls [extra]"),
            ("plain", "m:E"),
        ]
    )
    assert sorted(installed.entry_points("other")) == sorted(listed("other"))
    assert len(listed("other")) == 2


def test_what_the_folders_cannot_tell_is_asked_of_importlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An egg-info, a zip archive and a finder of distributions of its own are
    left to `importlib.metadata`: the answers are its own, not the folders'."""
    folder = tmp_path / "site"
    egg = folder / "eggy-5.0.egg-info"
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: eggy\nVersion: 5.1\n")
    (egg / "entry_points.txt").write_text(f"[{GROUP}]\neggy = eggy:E\n")
    monkeypatch.setattr(sys, "path", [str(folder)])
    assert installed.versions(["eggy"]) == ["5.1"]
    assert installed.entry_points(GROUP) == [("eggy", "eggy:E")]

    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped-3.0.dist-info/METADATA", "Name: zipped\nVersion: 3.0\n")
        z.writestr("zipped-3.0.dist-info/entry_points.txt", f"[{GROUP}]\nz = z:Z\n")
    dist(folder, "zipped-4.0.dist-info", f"[{GROUP}]\nz = four:Z\n")
    monkeypatch.setattr(sys, "path", [str(archive), str(folder)])
    assert installed.distributions() is None
    assert installed.versions(["zipped"]) == ["3.0"]
    assert ("z", "z:Z") in installed.entry_points(GROUP)

    elsewhere = dist(
        tmp_path / "elsewhere", "custom-9.0.dist-info", f"[{GROUP}]\nc = c:C\n"
    )

    class Finder:
        @staticmethod
        def find_distributions(
            context: metadata.DistributionFinder.Context,
        ) -> list[metadata.Distribution]:
            if context.name not in (None, "custom"):
                return []
            return [metadata.PathDistribution(elsewhere)]

        @staticmethod
        def find_spec(*args: object) -> None:
            return None

    monkeypatch.setattr(sys, "path", [str(folder)])
    monkeypatch.setattr(sys, "meta_path", [Finder, *sys.meta_path])
    assert installed.versions(["custom", "zipped"]) == ["9.0", "4.0"]
    assert ("c", "c:C") in installed.entry_points(GROUP)
