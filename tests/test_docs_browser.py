"""The docs site in headless Chromium: no console errors, navigation, search, no XSS.

Chromium is driven over the DevTools protocol on `--remote-debugging-pipe` by the
small client below (no Python dependency). The pages are opened from file:// as a
reader would open them. Screenshots of the index and of spec pages, light and
dark, wide and phone-sized, land in `.cache/docs-screenshots/` (git-ignored).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_docs_target import HOSTILE_SPEC

from conftest import EXAMPLES, MODEL_SPEC, ROOT

SCREENSHOTS = ROOT / ".cache" / "docs-screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]


def chromium_path() -> str:
    """Return Chromium's path; skip without it locally, fail without it under CI."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (run scripts/install-toolchains)")
    pytest.skip("chromium is not installed; scripts/install-toolchains installs it")


class CDPError(Exception):
    """Raised when the browser answers a command with an error, or not in time."""


class Browser:
    """A headless Chromium and one page, driven over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4; park the
        # ends high first so moving them onto 3 and 4 cannot clobber each other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]

        def onto_3_and_4() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4, *high),
            preexec_fn=onto_3_and_4,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in (to_browser, from_browser, *high):
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.send(
                "Target.attachToTarget", targetId=target, flatten=True
            )["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                self.send(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop the browser."""
        try:
            self.session = ""
            self.send("Browser.close", timeout=5)
        except (CDPError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._replies):
            try:
                os.close(fd)
            except OSError:
                pass

    # --- protocol ---------------------------------------------------------------

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        """Send a command to the page (or the browser) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method}
        if params:
            message["params"] = params
        if self.session:
            message["sessionId"] = self.session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def _read(self, deadline: float) -> dict[str, Any]:
        """Return the next message from the browser."""
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise CDPError("the browser did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise CDPError("the browser closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(raw)  # type: ignore[no-any-return]

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """Return the first event called ``method`` (already seen or still to come)."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method:
                    self.events.remove(event)
                    return event
            message = self._read(deadline)
            if "method" in message:
                self.events.append(message)

    # --- page helpers --------------------------------------------------------------

    def open(self, url: str) -> None:
        """Load a page and wait until it has loaded."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        started = self.send("Page.navigate", url=url)
        if "loaderId" in started:  # absent when only the #fragment changed
            self.wait_for("Page.loadEventFired")
        self.evaluate("new Promise(r => requestAnimationFrame(() => r(1)))")

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its value."""
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise CDPError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the middle of the first element matching ``selector``, as a mouse does."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " let r = e.getBoundingClientRect();"
            " if (r.top < 0 || r.bottom > innerHeight) {"
            " e.scrollIntoView({block: 'center'}); r = e.getBoundingClientRect(); }"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box[0],
                y=box[1],
                button="left",
                clickCount=1,
            )

    def type_text(self, selector: str, text: str) -> None:
        """Focus an input and type into it."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def press(self, key: str, code: str, keycode: int) -> None:
        """Press and release one key."""
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=code,
                windowsVirtualKeyCode=keycode,
            )

    def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        """Set the page's size."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def color_scheme(self, scheme: str) -> None:
        """Emulate the reader's `prefers-color-scheme`."""
        self.send(
            "Emulation.setEmulatedMedia",
            features=[{"name": "prefers-color-scheme", "value": scheme}],
        )

    def screenshot(self, path: Path) -> None:
        """Save the viewport as a PNG."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """Return and forget console errors, uncaught exceptions and failed loads."""
        found, kept = [], []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:400])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "assert",
                "warning",
            ):
                found.append(json.dumps(params["args"])[:400])
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in (
                "error",
                "warning",
            ):
                found.append(params["entry"].get("text", "")[:400])
            elif event["method"] == "Page.javascriptDialogOpening":
                found.append("dialog: " + params.get("message", ""))
            else:
                kept.append(event)
        self.events = kept
        return found


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the examples, the Model Spec and a hostile spec into one site."""
    from specc.build.driver import build

    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.spec.md"
    hostile.write_text(HOSTILE_SPEC, "utf-8")
    result = build(
        [str(EXAMPLES), str(MODEL_SPEC), str(hostile)], ["docs"], folder / "out"
    )
    assert result.ok, [d.message for d in result.diagnostics]
    return folder / "out" / "docs"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Start one headless Chromium for the module."""
    executable = chromium_path()
    chrome = Browser(executable, tmp_path_factory.mktemp("profile"))
    chrome.viewport(1280, 860)
    yield chrome
    chrome.close()


def url(site: Path, page: str, anchor: str = "") -> str:
    """Return the file:// address of a page of the site."""
    return (site / page).resolve().as_uri() + (f"#{anchor}" if anchor else "")


# --- the checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    ["index.html", "todo.html", "geometry.html", "support_bot.html", "model_spec.html"],
)
def test_pages_load_without_console_errors(
    browser: Browser, site: Path, page: str
) -> None:
    """Each page loads its stylesheet, script and search index with no error or warning."""
    browser.problems()
    browser.open(url(site, page))
    state = browser.evaluate(
        "({entries: (window.SPECC_SEARCH || []).length,"
        " styled: getComputedStyle(document.querySelector('.topbar')).position,"
        " title: document.title})"
    )
    assert state["entries"] > 0
    assert state["styled"] == "sticky"
    assert browser.problems() == []


def test_sidebar_link_moves_to_its_rule(browser: Browser, site: Path) -> None:
    """Clicking a contents entry scrolls its rule to the top and makes it the :target."""
    browser.open(url(site, "model_spec.html"))
    rule = "avoid_sycophancy"
    assert browser.evaluate("window.scrollY") == 0
    browser.click(f".sidebar a[href='#{rule}']")
    browser.evaluate("new Promise(r => setTimeout(r, 100))")
    where = browser.evaluate(
        f"(() => {{ const e = document.getElementById({json.dumps(rule)});"
        " return {hash: location.hash, target: document.querySelector(':target').id,"
        " top: e.getBoundingClientRect().top, scrolled: window.scrollY,"
        " active: document.querySelector('.toc a.active').getAttribute('href')}; })()"
    )
    assert where["hash"] == f"#{rule}"
    assert where["target"] == rule
    assert where["scrolled"] > 1000
    assert 0 <= where["top"] < 120  # just under the sticky top bar
    assert where["active"] == f"#{rule}"
    assert browser.problems() == []


def test_search_finds_a_rule_by_a_word_of_its_text(
    browser: Browser, site: Path
) -> None:
    """Typing a word only a rule's prose holds lists that rule; Enter goes there."""
    from specc.frontend.compile import compile_file

    spec = compile_file(str(MODEL_SPEC)).spec
    assert spec is not None
    rule = spec.rule("assume_best_intentions")
    assert rule is not None
    word = "shoplifting"
    assert word not in rule.title.lower() and word not in str(rule.id)
    assert any(word in s.text.lower() for s in rule.statements)
    browser.open(url(site, "index.html"))
    browser.type_text(".search-input", word)
    hits = browser.evaluate(
        "[...document.querySelectorAll('.search-results .search-result a')]"
        ".map(a => a.getAttribute('href'))"
    )
    assert "model_spec.html#assume_best_intentions" in hits
    assert browser.evaluate("document.querySelector('.search-results').hidden") is False
    browser.type_text(".search-input", " nonsensewordzz")
    assert browser.evaluate(
        "document.querySelector('.search-results .search-empty').textContent"
    ).startswith("No rule matches")
    browser.evaluate("document.querySelector('.search-input').value = ''")
    browser.type_text(".search-input", "sycophancy")
    browser.press("Enter", "Enter", 13)
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("location.hash") == "#avoid_sycophancy"
    assert browser.evaluate("location.pathname").endswith("/model_spec.html")
    assert browser.problems() == []


def test_hostile_spec_runs_none_of_its_payloads(browser: Browser, site: Path) -> None:
    """Script tags, event handlers and javascript: links in a spec stay inert text."""
    browser.problems()
    browser.open(url(site, "hostile.html"))
    browser.evaluate("new Promise(r => setTimeout(r, 300))")
    links = browser.evaluate(
        "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    for href in links:
        assert (
            not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        )
    browser.click("#payloads .rule-id")  # the page's own script still works
    state = browser.evaluate(
        "({pwned: window.__pwned === undefined ? null : window.__pwned,"
        " title: document.title, scripts: document.scripts.length,"
        " handlers: [...document.querySelectorAll('*')].filter(e =>"
        " [...e.attributes].some(a => a.name.startsWith('on'))).length,"
        " text: document.body.innerText})"
    )
    assert state["pwned"] is None
    assert state["title"].startswith("<script>window.__pwned")
    assert state["scripts"] == 2  # the site's own two
    assert state["handlers"] == 0
    assert "<script>window.__pwned = 'prose'</script>" in state["text"]
    assert "<img src=x onerror=" in state["text"]
    assert browser.problems() == []


def test_theme_toggle_switches_and_remembers(browser: Browser, site: Path) -> None:
    """The toggle flips light and dark, and the choice survives a reload."""
    browser.color_scheme("light")
    browser.open(url(site, "todo.html"))
    background = "getComputedStyle(document.body).backgroundColor"
    light = browser.evaluate(background)
    browser.click(".theme-toggle")
    assert browser.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = browser.evaluate(background)
    assert dark != light
    browser.open(url(site, "todo.html"))
    assert browser.evaluate(background) == dark
    browser.click(".theme-toggle")
    assert browser.evaluate(background) == light
    browser.evaluate("localStorage.clear()")
    assert browser.problems() == []


SHOTS = [
    ("index", "index.html", "", 1280, 860),
    ("todo", "todo.html", "", 1280, 860),
    ("todo-examples", "todo.html", "complete_task", 1280, 860),
    ("support-bot", "support_bot.html", "stay_on_task", 1280, 860),
    ("model-spec", "model_spec.html", "avoid_sycophancy", 1280, 860),
    ("model-spec-phone", "model_spec.html", "protect_privacy", 390, 844),
    ("geometry-types", "geometry.html", "type/Shape", 1280, 860),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser: Browser, site: Path, scheme: str) -> None:
    """Write screenshots of the index and spec pages; the dark ones really are dark."""
    browser.color_scheme(scheme)
    try:
        for name, page, anchor, width, height in SHOTS:
            browser.viewport(width, height, mobile=width < 600)
            browser.open(url(site, page, anchor))
            path = SCREENSHOTS / f"{name}-{scheme}.png"
            browser.screenshot(path)
            assert path.stat().st_size > 10_000
            luminance = browser.evaluate(
                "getComputedStyle(document.body).backgroundColor"
                ".match(/\\d+/g).slice(0, 3).reduce((a, b) => a + Number(b), 0)"
            )
            assert (luminance < 150) == (scheme == "dark")
            width_used = browser.evaluate("document.documentElement.scrollWidth")
            assert width_used <= width  # nothing forces sideways scrolling
        browser.viewport(390, 844, mobile=True)
        browser.open(url(site, "model_spec.html", "chain_of_command"))
        browser.click(".toc-toggle")  # the phone's contents drawer
        browser.evaluate("new Promise(r => setTimeout(r, 400))")
        assert browser.evaluate("document.body.classList.contains('toc-open')")
        browser.screenshot(SCREENSHOTS / f"model-spec-phone-contents-{scheme}.png")
        browser.viewport(1280, 860)
        browser.open(url(site, "index.html"))
        browser.type_text(".search-input", "privacy")
        browser.screenshot(SCREENSHOTS / f"search-{scheme}.png")
        assert browser.problems() == []
    finally:
        browser.viewport(1280, 860)
        browser.color_scheme("light")
