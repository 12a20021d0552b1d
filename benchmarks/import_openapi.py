"""Benchmark `specc import`: a synthetic 1 MB OpenAPI 3.1 document to a spec (goal: under 2 s)."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_S = 2.0


def document(size: int) -> dict[str, Any]:
    """Return an OpenAPI document of about ``size`` bytes of JSON: schemas with
    records, enums, unions, `allOf`, constraints, and a CRUD path per schema."""
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer", "format": "int32"},
                "message": {"type": "string"},
            },
        }
    }
    paths: dict[str, Any] = {}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Synthetic", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    n = 0
    while len(json.dumps(doc)) < size:
        n += 1
        name = f"Item{n}"
        schemas[name] = _schema(n)
        ref = {"$ref": f"#/components/schemas/{name}"}
        error = {
            "description": "Failure.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
            },
        }
        paths[f"/items{n}/{{id}}"] = {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "format": "int64"},
                    "example": n,
                }
            ],
            "get": {
                "operationId": f"getItem{n}",
                "summary": f"Read item {n}",
                "responses": {
                    "200": {
                        "description": "The item.",
                        "content": {
                            "application/json": {"schema": ref, "example": _example(n)}
                        },
                    },
                    "404": error,
                },
            },
            "put": {
                "operationId": f"putItem{n}",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref}},
                },
                "responses": {"204": {"description": "Stored."}, "400": error},
            },
        }
    return doc


def _schema(n: int) -> dict[str, Any]:
    previous = f"#/components/schemas/Item{n - 1}" if n > 1 else None
    properties: dict[str, Any] = {
        "id": {"type": "integer", "format": "int64", "minimum": 1},
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "state": {"type": "string", "enum": ["new", "active", "retired"]},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "price": {"type": ["number", "null"], "description": "In euros."},
        "shape": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["kind", "radius"],
                    "properties": {
                        "kind": {"const": "circle"},
                        "radius": {"type": "number"},
                    },
                },
                {
                    "type": "object",
                    "required": ["kind", "side"],
                    "properties": {
                        "kind": {"const": "square"},
                        "side": {"type": "number"},
                    },
                },
            ]
        },
    }
    if previous:
        properties["parent"] = {"$ref": previous}
    return {
        "type": "object",
        "description": f"Item number {n}.",
        "required": ["id", "name"],
        "properties": properties,
    }


def _example(n: int) -> dict[str, Any]:
    return {
        "id": n,
        "name": f"item {n}",
        "state": "new",
        "shape": {"kind": "circle", "radius": 1},
    }


def time_cli(
    path: Path, out: Path, runs: int, *options: str
) -> tuple[list[float], list[float]]:
    """Return wall and CPU times of `specc import` in a fresh interpreter, start-up
    included (CPU time tells the work apart from waiting on a shared machine)."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "specc", "import", str(path), "-o", str(out)]
            + list(options),
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return times, cpu


def _figures(wall: list[float], cpu: list[float]) -> str:
    return (
        f"median {statistics.median(wall):.2f} s, CPU {statistics.median(cpu):.2f} s"
        f"  (best {min(wall):.2f} s)"
    )


def time_in_process(path: Path, runs: int) -> list[float]:
    """Return times of reading, mapping and writing the spec, without start-up."""
    from specc.importers.document import import_file
    from specc.importers.writer import write_spec

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        write_spec(import_file(path))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    """Print the import's times on a document of the given size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bytes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.json"
        path.write_text(json.dumps(document(args.bytes)))
        data = json.loads(path.read_text())
        size = path.stat().st_size
        schemas = len(data["components"]["schemas"])
        operations = sum(len(item) - 1 for item in data["paths"].values())
        print(f"{size / 1e6:.2f} MB: {schemas} schemas, {operations} operations")
        out = Path(folder) / "synthetic.spec.md"
        bare = time_cli(path, out, args.runs, "--no-check")
        spec = out.stat().st_size
        print(f"  spec written: {spec / 1e6:.2f} MB")
        print(
            f"  specc import --no-check: {_figures(*bare)}; goal under {TARGET_S:.0f} s"
        )
        checked = time_cli(path, out, args.runs)
        print(f"  specc import, checking the spec it wrote: {_figures(*checked)}")
        warm = time_in_process(path, args.runs)
        print(
            f"  in-process, no check: median {statistics.median(warm):.2f} s"
            f"  (best {min(warm):.2f} s)"
        )


if __name__ == "__main__":
    main()
