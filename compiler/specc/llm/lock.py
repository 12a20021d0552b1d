"""`specc.lock`: every LLM answer by request hash, and which artifact used which."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specc.naming import escape_surrogates

LOCK_NAME = "specc.lock"
LOCK_VERSION = 1


class LockError(Exception):
    """Raised when the lock file exists but cannot be read as a lock."""


def request_key(
    model: str,
    messages: list[dict[str, str]],
    params: dict[str, Any],
    response_format: dict[str, Any] | None,
) -> str:
    """Return the hash naming one request: model, messages, parameters, response format."""
    canonical = json.dumps(
        {
            "model": model,
            "messages": messages,
            "params": {k: v for k, v in params.items() if v is not None},
            "response_format": response_format,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One recorded answer: its text, the model that gave it, and its token counts."""

    model: str
    answer: str
    tokens_in: int = 0
    tokens_out: int = 0

    def __post_init__(self) -> None:
        # A model may answer with a lone surrogate ("\udc00" in its JSON), which
        # no file can hold: keep its escape instead, as text.
        object.__setattr__(self, "answer", escape_surrogates(self.answer))

    def to_json(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready mapping."""
        return {
            "model": self.model,
            "answer": self.answer,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
        }


@dataclass
class Lock:
    """The answers recorded so far, and the artifacts built from them."""

    path: Path
    answers: dict[str, Entry] = field(default_factory=dict)
    artifacts: dict[str, list[str]] = field(default_factory=dict)
    used: dict[str, list[str]] = field(default_factory=dict)
    """This run's artifact -> answer keys, in the order they were consulted."""
    _mutex: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path) -> Lock:
        """Read a lock file; a missing file is an empty lock, a broken one `LockError`."""
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            raise LockError(f"{path}: {error}") from error
        try:
            answers = {
                key: Entry(**value) for key, value in dict(data["answers"]).items()
            }
            artifacts = {
                name: [str(k) for k in keys]
                for name, keys in dict(data["artifacts"]).items()
            }
        except (KeyError, TypeError, ValueError) as error:
            raise LockError(f"{path}: not a specc lock ({error})") from error
        return cls(path, answers, artifacts)

    def get(self, key: str) -> Entry | None:
        """Return the recorded answer of a request, if any."""
        with self._mutex:
            return self.answers.get(key)

    def put(self, key: str, entry: Entry) -> None:
        """Record a fresh answer."""
        with self._mutex:
            self.answers[key] = entry

    def record(self, artifact: str, key: str) -> None:
        """Note that ``artifact`` was built from the answer ``key`` in this run."""
        with self._mutex:
            keys = self.used.setdefault(artifact, [])
            if key not in keys:
                keys.append(key)

    def forget(self, artifact: str, keys: Iterable[str] | None = None) -> None:
        """Drop answers that failed ``artifact`` (all it has, without ``keys``).

        They leave this run's record, the earlier runs' record and the lock
        (unless another artifact uses them), so the next run asks again
        rather than replaying a failure.
        """
        with self._mutex:
            records = (self.used, self.artifacts)
            dropped = set(
                keys
                if keys is not None
                else [k for r in records for k in r.get(artifact, [])]
            )
            for record in records:
                if artifact in record:
                    record[artifact] = [k for k in record[artifact] if k not in dropped]
                    if not record[artifact]:
                        del record[artifact]
            kept = {k for r in records for ks in r.values() for k in ks}
            for key in dropped - kept:
                self.answers.pop(key, None)

    def recorded(self, artifact: str) -> list[str]:
        """Return the answer keys an earlier run recorded for ``artifact``."""
        return list(self.artifacts.get(artifact, []))

    def text(self, scope: Iterable[str] | None = None) -> str:
        """Return the lock as it would be saved after a run over ``scope``.

        Artifacts in ``scope`` (the ones this run was responsible for) take
        this run's answers, or disappear if it used none; artifacts outside it
        keep theirs; answers no artifact uses are pruned. Without a scope the
        run's artifacts are merged in and nothing is pruned.
        """
        artifacts = dict(self.artifacts)
        if scope is not None:
            for name in set(scope):
                artifacts.pop(name, None)
        artifacts.update({k: list(v) for k, v in self.used.items()})
        used = {key for keys in artifacts.values() for key in keys}
        answers = {
            k: e.to_json()
            for k, e in self.answers.items()
            if k in used or scope is None
        }
        data = {
            "version": LOCK_VERSION,
            "answers": dict(sorted(answers.items())),
            "artifacts": dict(sorted(artifacts.items())),
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, scope: Iterable[str] | None = None) -> bool:
        """Write the lock atomically if it changed; return whether it was written."""
        text = self.text(scope)
        try:
            if self.path.read_text("utf-8") == text:
                return False
        except OSError:
            if not self.used and not self.answers:
                return False  # nothing to record: do not create an empty lock
        # Old bytes or new, never half, whatever stops the run.
        temporary = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        try:
            temporary.write_text(text, "utf-8")
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)
        return True
