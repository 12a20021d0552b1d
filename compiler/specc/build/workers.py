"""Use every core: compile specs and emit their files in worker processes.

An incremental build takes specs in waves, each after the specs it uses (see
`specc.build.incremental`); the specs of one wave are independent, so a wave
that has several changed specs
(and enough bytes of them to repay starting workers) compiles and emits each
in a forked worker. Only the outcome comes back: diagnostics, function spans
and each target's files and site data; the IR stays in the worker. Results
are taken in the specs' order, so the output is the same as a serial build's.
``SPECC_JOBS=1`` turns this off; ``SPECC_JOBS=N`` caps the workers. A worker
ends with the build, however the build ends.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

from specc.build.cache import Unit
from specc.diagnostics import Diagnostic
from specc.emitters.base import held
from specc.source import Span
from specc.toolchain import die_with_parent

if TYPE_CHECKING:
    from specc import ir
    from specc.build.incremental import Session, SpecState

#: Below this many bytes of changed specs, one process is quicker.
MIN_BYTES = 256 * 1024

_SESSION: Session | None = None
"""The session the forked workers inherit."""

Outcome = tuple[
    list[Diagnostic],
    dict[str, Span] | None,
    dict[str, Unit] | None,
    "ir.Interface | None",
    bool,
]
"""What a worker sends back of one spec: its diagnostics, its functions' spans
(None if it failed), each target's unit (None if an emitter failed), its
interface, and whether the compile was remembered (`Compiled.remembered`)."""


def jobs(pending: list[SpecState]) -> int:
    """Return how many workers to use for ``pending`` (1: do it here)."""
    wanted = os.environ.get("SPECC_JOBS", "")
    try:
        limit = int(wanted) if wanted else (os.cpu_count() or 1)
    except ValueError:
        limit = 1
    if limit < 2 or len(pending) < 2 or sum(len(s.data) for s in pending) < MIN_BYTES:
        return 1
    import multiprocessing  # 5 ms of start-up: only once there are specs to share

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(limit, len(pending))


def compile_and_emit(session: Session, pending: list[SpecState]) -> None:
    """Compile and emit ``pending`` specs in workers; leave any that fail to the caller."""
    global _SESSION
    workers = jobs(pending)
    if workers < 2:
        return
    from concurrent.futures import ProcessPoolExecutor

    index = {id(s): i for i, s in enumerate(session.states)}
    order = sorted(
        (index[id(s)] for s in pending), key=lambda i: -len(session.states[i].data)
    )
    _SESSION = session
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
            import multiprocessing

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                workers, context, initializer=_started, initargs=(os.getpid(),)
            ) as pool:
                outcomes = dict(zip(order, pool.map(_work, order), strict=True))
    except Exception:  # a broken pool only costs the serial build
        return
    finally:
        _SESSION = None
    for i, outcome in outcomes.items():
        _take(session.states[i], outcome)


def _started(parent: int) -> None:
    """In a new worker: end with the build however it ends (a SIGTERM or SIGKILL
    to it included), rather than wait for work that will never come."""
    die_with_parent()
    if os.getppid() != parent:  # the build ended before the line above
        os._exit(1)


def _take(state: SpecState, outcome: Outcome) -> None:
    """Record what a worker made of one spec (nothing if emitting failed there)."""
    from specc.frontend.compile import Compiled, decode

    diagnostics, spans, units, interface, remembered = outcome
    compiled_ok = spans is not None
    if compiled_ok and units is None:
        return  # an emitter failed: the caller compiles and emits it, and reports it
    source = decode(state.path, state.data)[0] if diagnostics else None
    state.compiled = Compiled(
        state.path, source, None, diagnostics, reused=True, remembered=remembered
    )
    state.spans = spans
    state.interface = interface
    state.units.update(units or {})


def _work(index: int) -> Outcome:
    """Compile one spec and emit it for every per-spec target (in a worker)."""
    from specc.frontend.interfaces import interface_of

    session = _SESSION
    assert session is not None
    state = session.states[index]
    compiled = session.project.compile_with(state.path, state.data, state.imports)
    spec = compiled.spec
    if not compiled.ok or spec is None:
        return compiled.diagnostics, None, None, None, compiled.remembered
    spans = {f.name: f.span for f in spec.functions}
    interface = interface_of(spec) if state.path in session.used else None
    units: dict[str, Any] = {}
    for name, emitter, _ in session.loaded:
        if name not in session.per_spec or name in state.units:
            continue
        ctx = session.contexts[name]
        before = len(ctx.diagnostics)
        try:
            made, data = emitter.emit_spec(ctx, spec)
            # rendered here: a `Streamed` file's rendering cannot cross processes
            units[name] = Unit(held(made), data, ctx.diagnostics[before:])
        except Exception:
            return compiled.diagnostics, spans, None, None, compiled.remembered
    return compiled.diagnostics, spans, units, interface, compiled.remembered
