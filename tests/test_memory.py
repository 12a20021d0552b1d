"""What a build makes is freed without the cycle collector, and the collector comes back."""

from __future__ import annotations

import gc
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
