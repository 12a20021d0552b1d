"""Benchmark `specc lsp`: keystrokes in a 1000-rule spec, from the edit to its diagnostics.

``python benchmarks/lsp.py [--records 1000] [--keystrokes 30]`` writes the
synthetic spec of `synth.py --full` (N records, N functions, 3N examples, one
rule each), opens it in `specc lsp` through a real LSP client over stdio, and
types: one character at a time into an example, a declaration and a paragraph,
a keystroke every `--gap` seconds, as a person types. Each figure is the wall
time from sending the change to receiving the diagnostics of that version
(debounce included); then, after a pause, how long the full check took to
follow.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate  # noqa: E402


class Client(LanguageClient):
    """A client that notes when each version's diagnostics arrive."""

    def __init__(self) -> None:
        super().__init__("specc-lsp-benchmark", "1")
        self.arrived: dict[int | None, list[float]] = {}
        self.event = asyncio.Event()


async def main(records: int, keystrokes: int, gap: float) -> None:
    """Print the keystroke latencies and the full check's time as Markdown."""
    folder = Path(tempfile.mkdtemp(prefix="specc-lsp-bench-"))
    [path] = generate(records, folder, full=True)
    text = path.read_text()
    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(ls: Client, params: types.PublishDiagnosticsParams) -> None:
        ls.arrived.setdefault(params.version, []).append(time.perf_counter())
        ls.event.set()

    await client.start_io(sys.executable, "-m", "specc", "lsp")
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities())
    )
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    sent = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "markdown", 1, text)
        )
    )
    opened = await _arrival(client, 1, 1) - sent
    lines = text.split("\n")
    places = {
        "an example": next(
            i
            for i, t in enumerate(lines)
            if t.startswith(f"summarize_rec{records // 2}(")
        ),
        "a declaration": next(
            i for i, t in enumerate(lines) if t.startswith(f"record Rec{records // 2} ")
        )
        + 2,
        "a paragraph": next(
            i for i, t in enumerate(lines) if t.startswith(f"A `Rec{records // 2}`")
        ),
    }
    version = 1
    rows = []
    for where, line in places.items():
        column = len(lines[line]) - 1 if where == "an example" else 4
        latencies = []
        for n in range(keystrokes):
            version += 1
            char = "x" if n % 2 == 0 else ""
            start = types.Position(line=line, character=column)
            end = types.Position(
                line=line, character=column if n % 2 == 0 else column + 1
            )
            sent = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        version=version, uri=uri
                    ),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(start, end), text=char
                        )
                    ],
                )
            )
            latencies.append(await _arrival(client, version, 1) - sent)
            await asyncio.sleep(gap)
        pause = time.perf_counter()
        follow = await _arrival(client, version, 2) - pause
        rows.append((where, latencies, follow))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    size = len(text.encode()) // 1024
    print(
        f"{records} rules ({records} records, {records} functions, {3 * records} examples; {size} KB)"
    )
    print(f"open (full check): {opened:.2f} s")
    print()
    print("| keystroke in | median | p90 | max | full check follows after a pause |")
    print("|---|---:|---:|---:|---:|")
    for where, latencies, follow in rows:
        ordered = sorted(latencies)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(
            f"| {where} | {statistics.median(latencies) * 1000:.0f} ms | {p90 * 1000:.0f} ms "
            f"| {max(latencies) * 1000:.0f} ms | {follow:.1f} s |"
        )


async def _arrival(
    client: Client, version: int, count: int, timeout: float = 600
) -> float:
    """Return when the ``count``-th publication of a version arrived."""
    deadline = time.perf_counter() + timeout
    while len(client.arrived.get(version, [])) < count:
        client.event.clear()
        await asyncio.wait_for(
            client.event.wait(), max(deadline - time.perf_counter(), 0.01)
        )
    return client.arrived[version][count - 1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--keystrokes", type=int, default=30)
    parser.add_argument(
        "--gap", type=float, default=0.15, help="seconds between keystrokes"
    )
    args = parser.parse_args()
    asyncio.run(main(args.records, args.keystrokes, args.gap))
