"""Templates call plain Python callables without Jinja's look for `pass_context`,
and every other callable exactly as Jinja does (`specc.templating.calling_context`)."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
import pytest
from jinja2.runtime import Context

from specc.templating import environment


def _what(first: object, *rest: object) -> str:
    """Name what a callee was given first: the context, an environment, or a value."""
    if isinstance(first, Context):
        return "context:" + ",".join(map(str, rest))
    if isinstance(first, jinja2.Environment):
        return "environment:" + ",".join(map(str, rest))
    if isinstance(first, jinja2.nodes.EvalContext):
        return "eval:" + ",".join(map(str, rest))
    return "plain:" + ",".join(map(str, (first, *rest)))


def plain(*args: object) -> str:
    return _what(*args)


@jinja2.pass_context
def with_context(*args: object) -> str:
    return _what(*args)


@jinja2.pass_environment
def with_environment(*args: object) -> str:
    return _what(*args)


@jinja2.pass_eval_context
def with_eval_context(*args: object) -> str:
    return _what(*args)


def stops(*args: object) -> str:
    raise StopIteration


class Plain:
    def __call__(self, *args: object) -> str:
        return _what(*args)

    def method(self, *args: object) -> str:
        return _what(*args)

    @jinja2.pass_context
    def marked_method(self, *args: object) -> str:
        return _what(*args)


class MarkedCall:
    @jinja2.pass_context
    def __call__(self, *args: object) -> str:
        return _what(*args)


class MarkedClass(Plain):
    jinja_pass_arg = jinja2.utils._PassArg.environment


class Dynamic(Plain):
    def __getattr__(self, name: str) -> Any:
        if name == "jinja_pass_arg":
            return jinja2.utils._PassArg.context
        raise AttributeError(name)


def _marked_instance() -> Plain:
    found = Plain()
    found.jinja_pass_arg = jinja2.utils._PassArg.context  # type: ignore[attr-defined]
    return found


def _own_call() -> Plain:
    found = Plain()
    found.__call__ = with_context  # type: ignore[method-assign]
    return found


CALLEES: dict[str, Any] = {
    "function": plain,
    "pass_context": with_context,
    "pass_environment": with_environment,
    "pass_eval_context": with_eval_context,
    "lambda": lambda *a: _what(*a),
    "lru_cache": functools.lru_cache(plain),
    "lru_cache of pass_context": functools.lru_cache(with_context),
    "pass_context of lru_cache": jinja2.pass_context(functools.lru_cache(plain)),
    "method": Plain().method,
    "marked method": Plain().marked_method,
    "callable instance": Plain(),
    "marked __call__": MarkedCall(),
    "marked class": MarkedClass(),
    "marked instance": _marked_instance(),
    "instance with its own __call__": _own_call(),
    "__getattr__": Dynamic(),
    "builtin": len,
    "class": str,
    "raises StopIteration": stops,
}

TEMPLATE = (
    "{{ f(1) }}|{{ f(2, 3) }}|{% for x in [4] %}{{ f(x) }}{% endfor %}"
    "|{% block b %}{{ f(5) }}{% endblock %}"
)


def _render(env: jinja2.Environment, callee: object) -> str:
    try:
        return env.from_string(TEMPLATE).render(f=callee)
    except jinja2.UndefinedError as error:
        return f"undefined: {error}"
    except TypeError as error:
        return f"TypeError: {error}"


@pytest.mark.parametrize("name", sorted(CALLEES))
def test_every_callee_is_called_as_jinja_calls_it(name: str) -> None:
    callee = CALLEES[name]
    ours = environment()
    jinjas = jinja2.Environment(undefined=jinja2.StrictUndefined)
    assert type(ours.from_string("").new_context()) is not Context
    assert _render(ours, callee) == _render(jinjas, callee)


def test_the_cases_differ() -> None:
    """The comparison can fail: the callees are told apart by what they are given."""
    jinjas = jinja2.Environment(undefined=jinja2.StrictUndefined)
    seen = {_render(jinjas, CALLEES[n]).split(":")[0] for n in CALLEES}
    assert {"plain", "context", "environment", "eval", "undefined"} <= seen


@pytest.mark.parametrize(
    "name", ["function", "lambda", "lru_cache", "method", "callable instance"]
)
def test_plain_callees_skip_jinjas_call(name: str, monkeypatch) -> None:
    """The shortcut is taken: a plain callee never reaches `Context.call`."""
    slow: list[object] = []

    def counted(self: Context, obj: object, *args: object, **kwargs: object) -> Any:
        slow.append(obj)
        return original(self, obj, *args, **kwargs)

    original = Context.call
    monkeypatch.setattr(Context, "call", counted)
    assert _render(environment(), CALLEES[name]) == (
        "plain:1|plain:2,3|plain:4|plain:5"
    )
    assert slow == []
    _render(environment(), with_context)
    assert slow, "a marked callee goes through Jinja's call"
