"""The only Jinja2 environment factory: built-in templates, user overrides first."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Generator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specc.naming import escape_surrogates

if TYPE_CHECKING:
    import jinja2
    import jinja2.runtime


def builtin_templates() -> Path:
    """Return the folder of the built-in templates (editable or installed alike).

    Found by the import system's own look-up of the package, as `importlib.resources`
    would find it but without importing its readers (zip files, temporary files):
    about 15 ms of every build's start-up. specc's templates are files on disk,
    never in a zip.
    """
    from importlib.util import find_spec

    spec = find_spec("specc.templates")
    assert spec is not None and spec.submodule_search_locations, "specc.templates"
    return Path(list(spec.submodule_search_locations)[0])


_KEEP = 8
"""How many environments (sets of template folders) a process keeps."""
_kept: OrderedDict[tuple[object, ...], jinja2.Environment] = OrderedDict()
_kept_lock = threading.Lock()


def environment(
    user_dirs: Sequence[str | Path] = (), cache: bool = False
) -> jinja2.Environment:
    """Return an environment where ``user_dirs`` shadow the built-in templates.

    A user template may extend the built-in one of the same name as `!name`,
    as Sphinx allows, to override one block without copying the rest. With
    ``cache``, compiled templates are kept in the user's specc cache folder
    (keyed by each template's source), so a rebuild skips compiling them.

    The process keeps the environment, and the templates it has compiled, for
    the next build with the same folders (watch, the language server, a test
    suite): compiling the templates is most of a small build's time. A file
    added to, removed from or changed in ``user_dirs`` makes a new one; a
    built-in template changed on disk is compiled again when next used (Jinja's
    `auto_reload`). Nothing may change a returned environment.
    """
    key = _key(user_dirs, cache)
    with _kept_lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    made = _environment(user_dirs, cache)
    with _kept_lock:
        _kept[key] = made
        while len(_kept) > _KEEP:
            _kept.popitem(last=False)
    return made


def _key(user_dirs: Sequence[str | Path], cache: bool) -> tuple[object, ...]:
    """Return what an environment for ``user_dirs`` depends on: the folders, every
    file in them (path and bytes), and where its bytecode cache is."""
    from specc.toolchain import cache_dir

    digest = hashlib.blake2b(digest_size=20)
    for folder in user_dirs:
        root = Path(folder)
        digest.update(str(root.resolve()).encode() + b"\0")
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            try:
                data = path.read_bytes() if path.is_file() else b""
            except OSError:
                data = b"\0unreadable"
            name = str(path.relative_to(root)).encode()
            digest.update(len(name).to_bytes(8, "big") + name)
            digest.update(len(data).to_bytes(8, "big") + data)
    return (digest.hexdigest(), str(cache_dir()) if cache else None)


def _environment(user_dirs: Sequence[str | Path], cache: bool) -> jinja2.Environment:
    """Return a new environment (see `environment`)."""
    import jinja2

    class BuiltinLoader(jinja2.FileSystemLoader):
        """Built-in templates, also reachable as `!name` from an override."""

        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            return super().get_source(environment, template.removeprefix("!"))

    loaders: list[jinja2.BaseLoader] = (
        [jinja2.FileSystemLoader([str(d) for d in user_dirs])] if user_dirs else []
    )
    loaders.append(BuiltinLoader(str(builtin_templates())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=_autoescape,
        bytecode_cache=_bytecode_cache() if cache else None,
    )
    env.context_class = calling_context()
    # A lone surrogate (a spec's `"\\udc00"`) as the spec wrote it: no file holds one.
    env.filters["escape_surrogates"] = escape_surrogates
    return env


@lru_cache(maxsize=1)
def calling_context() -> type[jinja2.runtime.Context]:
    """Return the render context class: Jinja's, with a quicker `call` for plain callables.

    A template calls Python through `Context.call` (`{{ type(f.type) }}`),
    which looks for `pass_context` and its kind on the callee and its
    `__call__` at every call: about 0.8 µs each, and a code target's tests
    template makes tens of thousands of calls. A callee that cannot carry the
    mark (a function, a method, an `lru_cache` wrapper, or an instance of a
    class whose `__call__` is a plain function, without the mark on the
    function, the class or the instance, and no `__getattr__`) is called at
    once, as Jinja would call it; any other callee goes the way Jinja goes.
    """
    import functools
    from types import FunctionType, MethodType

    from jinja2.runtime import Context
    from jinja2.utils import internalcode

    marked = "jinja_pass_arg"
    own_dict = (FunctionType, type(functools.lru_cache()(len)))
    plain_classes: dict[type, bool] = {}

    def plain_class(kind: type) -> bool:
        """Whether no instance of ``kind`` is marked unless its own dict says so
        (a class is looked at once)."""
        found = plain_classes.get(kind)
        if found is None:
            method = getattr(kind, "__call__", None)  # noqa: B004 (the function itself)
            lookup: object = kind.__getattribute__
            found = plain_classes[kind] = (
                type(method) is FunctionType
                and marked not in method.__dict__
                and not hasattr(kind, marked)
                and not hasattr(kind, "__getattr__")
                and lookup is object.__getattribute__
            )
        return found

    class CallingContext(Context):
        """Jinja's context; plain callables are called without looking for marks."""

        @internalcode
        def call(
            __self,  # noqa: N805 (Jinja's spelling: keyword arguments are the callee's)
            __obj: Callable[..., Any],
            *args: Any,
            _loop_vars: Any = None,
            _block_vars: Any = None,
            **kwargs: Any,
        ) -> Any:
            # Jinja passes the loop's and block's variables by keyword at every
            # call, for a `pass_context` callee; taken here as parameters, not
            # popped from a dict each call, and handed on to Jinja's call only
            kind = type(__obj)
            if kind in own_dict:
                plain = marked not in __obj.__dict__
            elif kind is MethodType:
                inner = __obj.__func__  # type: ignore[attr-defined]
                plain = type(inner) is FunctionType and marked not in inner.__dict__
            elif plain_classes.get(kind) or plain_class(kind):
                own = getattr(__obj, "__dict__", None)
                plain = not own or (marked not in own and "__call__" not in own)
            else:
                plain = False
            if not plain:
                return Context.call(
                    __self,
                    __obj,
                    *args,
                    _loop_vars=_loop_vars,
                    _block_vars=_block_vars,
                    **kwargs,
                )
            try:
                return __obj(*args, **kwargs) if kwargs else __obj(*args)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a"
                    " StopIteration exception"
                )

    return CallingContext


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Return a bytecode cache in the user's specc cache folder, None if unusable."""
    import jinja2

    from specc.toolchain import cache_dir

    folder = cache_dir() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _autoescape(name: str | None) -> bool:
    """Escape HTML and XML templates (`*.html.jinja`); leave code templates alone."""
    return name is not None and name.removesuffix(".jinja").endswith(
        (".html", ".xml", ".svg")
    )


def project_environment(user_dirs: Sequence[str | Path] = ()) -> jinja2.Environment:
    """Return the environment for templates of specs and projects (`templates/project/`).

    Their comments are `{## ##}`, so a heading's `{#id}` stays as written.
    """
    # A new one: an overlay starts with a copy of the templates its base compiled
    # (with the other comment syntax).
    return _environment(user_dirs, False).overlay(
        comment_start_string="{##", comment_end_string="##}"
    )


def template_blocks(
    user_dirs: Sequence[str | Path] = (),
) -> list[tuple[str, list[str], str | None]]:
    """Return (name, blocks, overriding file) for every built-in template, sorted."""
    from jinja2 import nodes

    root = builtin_templates()
    plain, project = environment(user_dirs), project_environment(user_dirs)
    found = []
    for path in sorted(root.rglob("*.jinja")):
        name = path.relative_to(root).as_posix()
        env = project if name.startswith("project/") else plain
        tree = env.parse(path.read_text("utf-8"))
        blocks = [b.name for b in tree.find_all(nodes.Block)]
        shadow = next(
            (str(Path(d) / name) for d in user_dirs if (Path(d) / name).is_file()),
            None,
        )
        found.append((name, blocks, shadow))
    return found


def render(template: jinja2.Template, **values: object) -> str:
    """Render ``template``, then empty its context, so what it was given can go.

    A template's macros and its render context refer to each other: a cycle
    that holds every value the template was given until the cycle collector
    runs (`specc.memory`). Emptied, the context holds nothing of them.
    """
    context = template.new_context(values)
    try:
        return template.environment.concat(template.root_render_func(context))
    except Exception:
        template.environment.handle_exception()
    finally:
        context.vars.clear()
        context.parent.clear()


PIECES = 4096
"""How many of a template's top-level pieces `render_parts` joins into one part."""


def render_parts(template: jinja2.Template, **values: object) -> tuple[str, ...]:
    """Render ``template`` as `render` does, as parts whose concatenation is the text.

    A page of 10 000 records is 69 million characters: joined whole it is one
    string at the width of its widest character (two bytes each, for one
    arrow), made while every piece is still held. Joined a few thousand pieces
    at a time, each part is as narrow as its own characters and the pieces go
    as they are joined, so the parts take about half the memory of the text.
    """
    return tuple(stream(template, **values))


def stream(template: jinja2.Template, **values: object) -> Generator[str, None, None]:
    """Yield the parts `render_parts` returns, each as soon as it is joined: whoever
    takes them (`specc.build.staging`) can write each part and let it go, so not
    even the parts are held. The context is emptied when the last part has gone,
    or when the iterator is closed before it."""
    from itertools import islice

    context = template.new_context(values)
    try:
        pieces = template.root_render_func(context)
        while batch := list(islice(pieces, PIECES)):
            yield "".join(batch)
    except Exception:
        template.environment.handle_exception()
    finally:
        context.vars.clear()
        context.parent.clear()
