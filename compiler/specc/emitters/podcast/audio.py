"""Render podcast scripts to WAV with espeak-ng (a voice per speaker), joined with sox."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from specc import ir
from specc.toolchain import ToolchainError, tool

#: espeak-ng voices given to speakers in order, unless a speaker names its own.
DEFAULT_VOICES = ("en+m3", "en+f3", "en+m7", "en+f4", "en+m1", "en+f2")
#: espeak-ng speed, in words per minute, matching the script's estimate.
SPEED = 150
#: Silence between two turns, in seconds.
PAUSE = 0.35
SAMPLE_RATE = 22050
_EPISODE_FILE = re.compile(r"^episode-(\d+)\.wav$")
_HINT = "install espeak-ng and sox (Debian: apt-get install espeak-ng sox)"


def render_audio(out_dir: Path, spec: ir.Spec) -> list[tuple[Path, float]]:
    """Render each episode of a spec's built script; return (WAV path, seconds) each.

    ``out_dir`` is the podcast target's output folder (`OUT/podcast`); the files
    go next to the script, as `<spec>/episode-01.wav` and so on. Raises
    `ToolchainError` when espeak-ng or sox is missing or fails.
    """
    from specc.emitters.podcast.emitter import load_script, script_dir

    espeak = tool("espeak-ng", _HINT)
    sox = tool("sox", _HINT)
    folder = out_dir / script_dir(spec)
    try:
        script = load_script((folder / "script.json").read_text("utf-8"))
    except OSError as error:
        raise ToolchainError(
            f"no podcast script for `{spec.id}` at {folder}; build it first"
        ) from error
    voices = {
        s.name: s.voice or DEFAULT_VOICES[i % len(DEFAULT_VOICES)]
        for i, s in enumerate(script.speakers)
    }
    rendered = []
    for episode in script.episodes:
        target = folder / f"episode-{episode.number:02d}.wav"
        lines = [(voices[t.speaker], t.text) for t in episode.turns()]
        _render_episode(espeak, sox, lines, target)
        rendered.append((target, duration(target)))
    _remove_stale(folder, len(script.episodes))
    return rendered


def _render_episode(
    espeak: str, sox: str, lines: list[tuple[str, str]], target: Path
) -> None:
    """Speak each turn to a WAV piece, then join the pieces with pauses between."""
    with tempfile.TemporaryDirectory(prefix="specc-audio-") as scratch:
        work = Path(scratch)
        pieces = [work / f"turn-{i:04d}.wav" for i in range(len(lines))]
        workers = max(1, min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(workers) as pool:
            done = pool.map(
                lambda job: _speak(espeak, *job),
                [
                    (voice, text, piece)
                    for (voice, text), piece in zip(lines, pieces, strict=True)
                ],
            )
            list(done)
        pause = work / "pause.wav"
        _run(
            [sox, "-n", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(pause)]
            + ["trim", "0", str(PAUSE)]
        )
        joined = [str(p) for piece in pieces for p in (piece, pause)][:-1]
        if not joined:
            joined = [str(pause)]
        temporary = target.with_name(f".{target.stem}.specc-tmp-{os.getpid()}.wav")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _run([sox, *joined, str(temporary)])
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)


def _speak(espeak: str, voice: str, text: str, piece: Path) -> None:
    """Speak one turn with one voice into a WAV file."""
    _run([espeak, "-v", voice, "-s", str(SPEED), "-w", str(piece), "--stdin"], text)


def _run(args: list[str], text: str | None = None) -> None:
    """Run a tool, raising `ToolchainError` with its output when it fails."""
    try:
        done = subprocess.run(
            args, input=text, capture_output=True, text=True, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolchainError(f"`{Path(args[0]).name}` failed: {error}") from error
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()[:4]
        raise ToolchainError(
            f"`{Path(args[0]).name}` failed ({done.returncode}): " + " ".join(message)
        )


def duration(path: Path) -> float:
    """Return the length of a WAV file in seconds, from its header."""
    with wave.open(str(path), "rb") as audio:
        return audio.getnframes() / float(audio.getframerate())


def _remove_stale(folder: Path, episodes: int) -> None:
    """Delete episode WAVs left from an earlier, longer script."""
    for path in folder.glob("episode-*.wav"):
        match = _EPISODE_FILE.match(path.name)
        if match and int(match.group(1)) > episodes:
            path.unlink()
