"""The website widget in Debian's headless chromium: launching it, one visitor's tab, axe-core and a test host page."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright

from bot.paths import PROJECT_ROOT
from bot.serve import RunningBot, fetch_tracker

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking switches chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
REPLY_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
FEE_QUESTION = "how much is the ecfmg application fee"
STEPS_QUESTION = "what are the steps to get ecfmg certified, in order"  # answered with a list and links
ELIGIBILITY_MET = "appear to meet all the requirements"
# axe-core comes from node_modules (package-lock.json) into the test's pages only; the bot never serves it.
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# The widget draws inside the shadow root of its <ecfmg-guide> element; page scripts reach in through this.
WIDGET = "document.querySelector('ecfmg-guide').shadowRoot"
# A page of the tests' own: the one-tag launcher embed on a site whose styles reach for everything, including
# the widget's own class names, and whose code has its own `io` global.
HOST_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>A host page with greedy styles</title>
  <link rel="icon" href="/chat/static/favicon.svg" type="image/svg+xml">
  <style>
    * { font-family: "Courier New", monospace !important; letter-spacing: 2px !important;
        text-transform: uppercase !important; color: #8b0000 !important; line-height: 2.5 !important; }
    body { background: #fff; }
    button, input { background: #ffd6e7 !important; border: 4px dashed #8b0000 !important;
                    border-radius: 0 !important; padding: 20px !important; }
    li { list-style: square !important; margin: 30px !important; }
    p, ol, ul, div, section, header, h2 { margin: 25px !important; padding: 25px !important; }
    .eg-launcher, .eg-panel, .eg-widget, .eg-button, .eg-badge { display: none !important; }
  </style>
  <script>window.io = {hostVersion: 2};</script>
</head>
<body>
  <header><p>Greedy Styles Inc.</p></header>
  <main>
    <h1>A site whose styles reach everything they can</h1>
    <p class="eg-visually-hidden" id="host-text">This paragraph uses one of the widget's class names.</p>
    <ol class="eg-log"><li class="eg-message" id="host-item">A list item of the host page</li></ol>
    <button class="eg-send" id="host-button" type="button">A host page button</button>
  </main>
  <script src="/chat/static/widget.js" data-position="bottom-left" defer></script>
</body>
</html>
"""


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing, so the widget cannot be tested in a browser. "
                    "Run `make chromium` (Debian's chromium package), then run the tests again.")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


class Visitor:
    """One browser tab on a page with the widget, recording dialogs and console errors."""

    def __init__(self, page: Page, bot: RunningBot) -> None:
        self.page = page
        self.bot = bot
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: self.errors.append(str(err)))

    def open(self, path: str = "/chat") -> None:
        """A page with the widget in a container, once the bot has confirmed the session."""
        self.page.goto(f"{self.bot.url}{path}")
        self.page.wait_for_function("() => window.localStorage.getItem('ecfmg-guide.chat') !== null",
                                    timeout=REPLY_TIMEOUT_MS)

    def open_launcher_page(self, path: str = "/chat/example") -> None:
        """A page with the chat bubble, once the bubble shows."""
        self.page.goto(f"{self.bot.url}{path}")
        self.launcher().wait_for(state="visible")

    def open_host_page(self) -> None:
        """HOST_PAGE with the chat bubble, once the bubble shows. It is written into a document of the bot's origin
        (its health check, which sends no Content-Security-Policy), so the bot lets the widget connect, and chromium
        sees a loopback page talking to loopback rather than an unknown page reaching into the local network."""
        favicon = str(PROJECT_ROOT / "bot" / "channels" / "static" / "favicon.svg")
        self.page.route(f"{self.bot.url}/favicon.ico", lambda route: route.fulfill(path=favicon))  # the JSON page's
        self.page.goto(f"{self.bot.url}/chat/health")
        self.page.set_content(HOST_PAGE)
        self.launcher().wait_for(state="visible")

    def launcher(self) -> Locator:
        return self.page.locator(".eg-launcher")

    def panel(self) -> Locator:
        return self.page.locator(".eg-panel")

    def open_panel(self) -> None:
        self.launcher().click()
        self.panel().wait_for(state="visible")
        self.panel().evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")  # it slides in
        self.page.wait_for_function("() => window.localStorage.getItem('ecfmg-guide.chat') !== null",
                                    timeout=REPLY_TIMEOUT_MS)

    def widget_eval(self, body: str, arg: Any = None) -> Any:
        """Runs `body` with `w` bound to the widget's shadow root and `arg` to arg."""
        return self.page.evaluate(f"arg => {{ const w = {WIDGET}; {body} }}", arg)

    def focused(self) -> dict[str, Any] | None:
        """The element with keyboard focus inside the widget (class, text, whether it is in the panel)."""
        return self.page.evaluate("""() => {
            const host = document.querySelector('ecfmg-guide');
            const el = host && document.activeElement === host ? host.shadowRoot.activeElement : null;
            if (!el) return null;
            const lastBot = [...host.shadowRoot.querySelectorAll('.eg-message--bot')].pop();
            return {cls: el.className, text: el.textContent.trim(), tag: el.tagName.toLowerCase(),
                     inLastBotMessage: !!lastBot && lastBot.contains(el),
                     outline: getComputedStyle(el).outlineStyle};
        }""")

    def answer_bubble(self) -> Locator:
        """The latest FAQ answer (the 👍/👎 prompt comes after it)."""
        return self.page.locator(".eg-message--bot").filter(has_text="Source:").last

    def bot_messages(self) -> list[str]:
        return self.page.locator(".eg-message--bot .eg-bubble").all_inner_texts()

    def user_messages(self) -> list[str]:
        return self.page.locator(".eg-message--user .eg-bubble").all_inner_texts()

    def ask(self, text: str) -> str:
        """Types a question, presses Enter and returns the text of the bot's reply."""
        self.page.get_by_label("Your question").fill(text)
        return self.wait_for_reply(lambda: self.page.get_by_label("Your question").press("Enter"))

    def wait_for_reply(self, action: Callable[[], Any]) -> str:
        before = len(self.bot_messages())
        self.widget_eval("""
            window.__typingSeen = false;
            const typing = w.querySelector('.eg-typing');
            new MutationObserver(() => { if (!typing.hidden) window.__typingSeen = true; })
                .observe(typing, {attributes: true});""")
        action()
        self.page.wait_for_function(
            f"n => {{ const w = {WIDGET}; return w.querySelectorAll('.eg-message--bot').length > n"
            " && w.querySelector('.eg-typing').hidden; }", arg=before, timeout=REPLY_TIMEOUT_MS)
        assert self.page.evaluate("window.__typingSeen"), "no typing indicator while waiting for the bot"
        return "\n".join(self.bot_messages()[before:])

    def stored(self) -> dict[str, Any]:
        return json.loads(self.page.evaluate("window.localStorage.getItem('ecfmg-guide.chat')"))

    def tracker(self) -> dict[str, Any]:
        return fetch_tracker(self.bot.url, self.stored()["sessionId"])

    def screenshot(self, name: str, full_page: bool = False) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    def page_width(self) -> int:
        """How wide the page's content is; a phone browser zooms out to fit a wider page, so compare to 375."""
        return self.page.evaluate("document.documentElement.scrollWidth")

    def check_eligibility_with(self, answer: Callable[[Locator], str], reply: str | None = None) -> str:
        """Answers each question of the check through `answer` (given the question's message) until the result.
        `reply` is the first question if the check is already started; otherwise this starts it."""
        reply = self.ask("check my eligibility") if reply is None else reply
        for _ in range(8):  # seven questions at most
            if ELIGIBILITY_MET in reply:
                return reply
            question = self.page.locator(".eg-message--bot").last
            assert [b.strip() for b in question.locator(".eg-button").all_inner_texts()] == ["Yes", "No", "Not sure"]
            reply = answer(question)
        pytest.fail(f"no eligibility result after eight answers; last reply: {reply}")

    def press_until(self, key: str, reached: Callable[[dict[str, Any]], bool], limit: int = 30) -> dict[str, Any]:
        """Presses `key` until the focused widget element is `reached`; fails if focus leaves the widget."""
        for _ in range(limit):
            self.page.keyboard.press(key)
            focus = self.focused()
            assert focus is not None, f"{key} moved focus out of the widget (or lost it)"
            if reached(focus):
                return focus
        pytest.fail(f"{limit} presses of {key} never reached the element wanted")


def axe_violations(page: Page) -> list[str]:
    """Every axe-core violation (WCAG 2.1 A and AA, and best practice) on the page, one line per element."""
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", AXE_TAGS)
    return [f"{v['impact']} {v['id']} ({v['help']}): {node['target']} {node['failureSummary']}"
            for v in result["violations"] for node in v["nodes"]]
