"""The website widget in Debian's headless chromium, against the running bot, used the way a visitor uses it."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bot.paths import PROJECT_ROOT
from bot.serve import RunningBot, fetch_tracker

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking switches chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "results" / "screenshots"
SNAPSHOTS = Path(__file__).with_name("snapshots")
REPLY_TIMEOUT_MS = 60_000
FEE_QUESTION = "how much is the ecfmg application fee"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing, so the widget cannot be tested in a browser. "
                    "Run `make chromium` (Debian's chromium package), then run the tests again.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visitor:
    """One browser tab on the widget, recording dialogs and console errors."""

    def __init__(self, page: Page, bot: RunningBot) -> None:
        self.page = page
        self.bot = bot
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: self.errors.append(str(err)))

    def open(self, path: str = "/chat") -> None:
        self.page.goto(f"{self.bot.url}{path}")
        self.page.wait_for_function("() => window.localStorage.getItem('ecfmg-guide.chat') !== null",
                                    timeout=REPLY_TIMEOUT_MS)  # session confirmed

    def answer_bubble(self) -> Any:
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

    def wait_for_reply(self, action: Any) -> str:
        before = len(self.bot_messages())
        self.page.evaluate("""() => {
            window.__typingSeen = false;
            const typing = document.querySelector('.eg-typing');
            new MutationObserver(() => { if (!typing.hidden) window.__typingSeen = true; })
                .observe(typing, {attributes: true});
        }""")
        action()
        self.page.wait_for_function(
            "n => document.querySelectorAll('.eg-message--bot').length > n"
            " && document.querySelector('.eg-typing').hidden", arg=before, timeout=REPLY_TIMEOUT_MS)
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


@pytest.fixture
def visitor(browser: Browser, running_bot: RunningBot) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    tab = Visitor(context.new_page(), running_bot)
    yield tab
    context.close()
    assert tab.dialogs == [] and tab.errors == []


@pytest.fixture
def phone(browser: Browser, running_bot: RunningBot) -> Iterator[Visitor]:
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    tab = Visitor(context.new_page(), running_bot)
    yield tab
    context.close()
    assert tab.dialogs == [] and tab.errors == []


def test_a_question_gets_the_sourced_answer_with_working_links(visitor: Visitor) -> None:
    visitor.open()
    assert visitor.page.locator(".eg-hint").is_visible()  # a first visit says what to ask
    answer = visitor.ask(FEE_QUESTION)
    assert not visitor.page.locator(".eg-hint").is_visible()
    assert "US$160" in answer
    assert "\nSource: " in answer and "\nChecked: " in answer
    assert visitor.user_messages() == [FEE_QUESTION]
    bubble = visitor.answer_bubble()
    source = bubble.locator("a.eg-link").last
    assert source.get_attribute("href").startswith("https://")
    assert source.get_attribute("target") == "_blank" and "noopener" in source.get_attribute("rel")
    assert bubble.locator(".eg-button").count() >= 1
    assert visitor.tracker()["slots"]["last_faq_id"] == "fee_certification_application"
    visitor.screenshot("faq-answer")


def test_a_related_button_opens_exactly_that_entry(visitor: Visitor) -> None:
    visitor.open()
    visitor.ask("what is ecfmg certification")
    button = visitor.answer_bubble().locator(".eg-button").first
    title = button.inner_text()
    [payload] = [b["payload"] for m in visitor.stored()["messages"] for b in m.get("buttons", [])
                 if b["title"] == title][:1]
    answer = visitor.wait_for_reply(button.click)
    assert visitor.user_messages()[-1] == title  # the title is shown, the payload sent
    assert "Source: " in answer
    assert visitor.tracker()["slots"]["last_faq_id"] == json.loads(payload.removeprefix("/faq"))["faq_id"]
    visitor.screenshot("related-button")


def test_the_conversation_continues_after_a_reload(visitor: Visitor) -> None:
    visitor.open()
    visitor.ask("what is ecfmg certification")
    before = (visitor.stored()["sessionId"], visitor.user_messages(), visitor.bot_messages())
    visitor.page.reload()
    visitor.page.wait_for_selector(".eg-message--bot")
    assert (visitor.stored()["sessionId"], visitor.user_messages(), visitor.bot_messages()) == before
    assert "US$160" in visitor.ask(FEE_QUESTION)
    assert visitor.stored()["sessionId"] == before[0]
    user_texts = [e["text"] for e in visitor.tracker()["events"] if e["event"] == "user"]
    assert user_texts == ["what is ecfmg certification", FEE_QUESTION]
    visitor.screenshot("after-reload")


def test_two_tabs_share_one_conversation_and_store_each_message_once(browser: Browser,
                                                                   running_bot: RunningBot) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    first, second = Visitor(context.new_page(), running_bot), Visitor(context.new_page(), running_bot)
    first.open()
    second.open()
    first.ask("what is ecfmg certification")
    # Each answer is two bot messages: the answer, then its 👍/👎 prompt.
    second.page.wait_for_function("() => document.querySelectorAll('.eg-message--bot').length === 2",
                                  timeout=REPLY_TIMEOUT_MS)
    second.ask(FEE_QUESTION)
    first.page.wait_for_function("() => document.querySelectorAll('.eg-message--bot').length === 4",
                                 timeout=REPLY_TIMEOUT_MS)
    for tab in (first, second):
        tab.page.reload()
        tab.page.wait_for_selector(".eg-message--bot")
        assert tab.user_messages() == ["what is ecfmg certification", FEE_QUESTION]
        assert len(tab.bot_messages()) == 4 and len(tab.stored()["messages"]) == 6
    assert first.stored()["sessionId"] == second.stored()["sessionId"]
    context.close()
    assert first.dialogs == second.dialogs == [] and first.errors == second.errors == []


def test_html_and_script_typed_by_a_user_stay_inert_text(visitor: Visitor) -> None:
    visitor.open()
    typed = ["<img src=x onerror=alert(1)>", "<script>window.pwned = 1; alert(2)</script>"]
    for text in typed:
        reply = visitor.ask(text)
        assert reply.strip()
    assert visitor.user_messages() == typed
    assert visitor.page.evaluate("document.querySelectorAll('img').length") == 0
    assert visitor.page.evaluate("document.querySelectorAll('.eg-widget script').length") == 0
    assert visitor.page.evaluate("window.pwned") is None
    assert visitor.dialogs == []
    visitor.screenshot("html-inert")


def test_the_chat_fits_a_375_px_phone_without_horizontal_scrolling(phone: Visitor) -> None:
    phone.open()
    answer = phone.ask("what are the steps to get ecfmg certified, in order")
    assert "Source: " in answer
    assert phone.answer_bubble().locator("ol.eg-list li").count() >= 3  # list kept
    phone.ask("x" * 400)  # one unbroken word must wrap, not widen the page
    assert phone.page_width() == 375
    for selector in (".eg-input", ".eg-send", ".eg-restart"):
        box = phone.page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
    phone.screenshot("phone-375")
    phone.open("/chat/example")
    assert phone.page_width() == 375
    phone.screenshot("phone-375-example-page", full_page=True)


def test_keyboard_alone_reaches_the_input_sends_and_clicks_a_button(visitor: Visitor) -> None:
    visitor.open()
    page = visitor.page
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('eg-input')"):
            break
    else:
        pytest.fail("Tab never reached the message input")
    assert page.evaluate("document.activeElement.labels[0].textContent") == "Your question"
    page.keyboard.type("what is ecfmg certification")
    answer = visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
    assert "Source: " in answer
    for _ in range(30):  # back from the input to the answer's last button
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('eg-button')"):
            break
    else:
        pytest.fail("Shift+Tab never reached a suggested-question button")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    title = page.evaluate("document.activeElement.textContent")
    visitor.screenshot("keyboard-focus")
    visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
    assert visitor.user_messages()[-1] == title
    log = page.locator(".eg-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"


def test_the_eligibility_check_can_be_completed_with_its_buttons(visitor: Visitor) -> None:
    visitor.open()
    reply = visitor.ask("check my eligibility")
    for _ in range(8):  # seven questions at most
        if "appear to meet all the requirements" in reply:
            break
        question = visitor.page.locator(".eg-message--bot").last
        assert [b.strip() for b in question.locator(".eg-button").all_inner_texts()] == ["Yes", "No", "Not sure"]
        reply = visitor.wait_for_reply(question.get_by_role("button", name="Yes", exact=True).click)
    else:
        pytest.fail(f"no eligibility result after eight answers; last reply: {reply}")
    assert "not an official ECFMG determination" in reply
    assert visitor.user_messages()[1:] == ["Yes"] * (len(visitor.user_messages()) - 1)
    slots = visitor.tracker()["slots"]
    assert (slots["eligibility_status"], slots["eligibility_missing"]) == ("meets_requirements", [])
    visitor.screenshot("eligibility-result")


def test_the_example_host_page_embeds_a_working_widget(visitor: Visitor) -> None:
    visitor.open("/chat/example")
    assert visitor.page.locator("aside .eg-widget").count() == 1
    assert "US$160" in visitor.ask(FEE_QUESTION)
    visitor.screenshot("example-host-page", full_page=True)


def test_an_answer_with_a_link_and_buttons_renders_as_the_snapshot(visitor: Visitor) -> None:
    visitor.open()
    message = {
        "text": "The fee is US$160 <b>(not bold)</b>. See [the fee page](https://www.ecfmg.org/fees/) and "
                "[a bad link](javascript:alert(1)).\n\n1. Create a MyIntealth account\n2. Apply\n\n"
                "Source: [ecfmg.org/fees](https://www.ecfmg.org/fees/)\nChecked: 22 November 2026",
        "quick_replies": [{"content_type": "text", "title": "How do I pay?", "payload": '/faq{"faq_id": "pay"}'},
                          {"content_type": "text", "title": "<i>Fee waivers</i>", "payload": "/faq"}],
    }
    html = visitor.page.evaluate(
        "m => EcfmgGuide.renderMessage(EcfmgGuide.fromBotUttered(m), null).outerHTML", message)
    snapshot = SNAPSHOTS / "webchat_answer.html"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(html + "\n", encoding="utf-8")
    assert html + "\n" == snapshot.read_text(encoding="utf-8"), "run with UPDATE_SNAPSHOTS=1 to accept a change"
