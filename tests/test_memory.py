"""What a build makes is freed without the cycle collector, and the collector comes back."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import jinja2

from specc.memory import collector_paused
from specc.templating import render


class Page:
    """A value handed to a template, as the docs target hands it a spec page."""

    title = "t"


def test_what_a_template_was_given_is_freed_without_the_collector() -> None:
    env = jinja2.Environment()
    template = env.from_string(
        "{% macro item() %}[{{ page.title }}]{% endmacro %}{{ item() }}"
    )
    with collector_paused():
        page = Page()
        alive = weakref.ref(page)
        template.render(page=page)  # a macro that reads the context keeps it
        del page
        assert alive() is not None
        page = Page()
        alive = weakref.ref(page)
        assert render(template, page=page) == "[t]"
        del page
        assert alive() is None  # Jinja's context and macro cycle no longer hold it
    assert gc.isenabled()


def test_a_paused_block_leaves_the_collector_as_it_found_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


_TRIM_PROBE = """
import sys
site = set(sys.modules)
from specc import memory

memory.TRIM_ABOVE = int(sys.argv[1])
memory.give_back()
loaded = "ctypes" in sys.modules
print(loaded and "ctypes" not in site, loaded, bool(memory._TRIM))
"""


def test_the_heap_is_trimmed_only_in_a_process_that_grew_large() -> None:
    """`give_back` returns freed pages (glibc's `malloc_trim`, through `ctypes`)
    once the process's peak has passed `TRIM_ABOVE`; below it, as in every small
    build, it does nothing and loads nothing."""
    said = {}
    for above in (0, 2**40):
        done = subprocess.run(
            [sys.executable, "-c", _TRIM_PROBE, str(above)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        said[above] = done.stdout.split()
    # Below the line nothing is loaded (a `.pth` of the site may have loaded
    # ctypes before, which does not count) and nothing is found.
    assert [said[2**40][0], said[2**40][2]] == ["False", "False"]
    trims = sys.platform.startswith("linux")
    assert said[0][1:] == ["True", str(trims)]
