"""The website widget in a container (/chat and the example host page) in Debian's headless chromium, against
the running bot, used the way a visitor uses it. The chat bubble is tested in test_widget_launcher.py."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from bot.serve import RunningBot
from tests.e2e.widget_browser import DESKTOP, FEE_QUESTION, REPLY_TIMEOUT_MS, STEPS_QUESTION, WIDGET, Visitor

pytestmark = pytest.mark.e2e

SNAPSHOTS = Path(__file__).with_name("snapshots")


def test_a_question_gets_the_sourced_answer_with_working_links(visitor: Visitor) -> None:
    visitor.open()
    assert visitor.page.locator(".eg-hint").is_visible()  # a first visit says what to ask
    answer = visitor.ask(FEE_QUESTION)
    assert not visitor.page.locator(".eg-hint").is_visible()
    assert "US$160" in answer
    assert "\nSource: " in answer and "\nFacts as of: " in answer
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
    context = browser.new_context(viewport=DESKTOP)
    first, second = Visitor(context.new_page(), running_bot), Visitor(context.new_page(), running_bot)
    first.open()
    second.open()
    first.ask("what is ecfmg certification")
    # Each answer is two bot messages: the answer, then its 👍/👎 prompt.
    second.page.wait_for_function(f"() => {WIDGET}.querySelectorAll('.eg-message--bot').length === 2",
                                  timeout=REPLY_TIMEOUT_MS)
    second.ask(FEE_QUESTION)
    first.page.wait_for_function(f"() => {WIDGET}.querySelectorAll('.eg-message--bot').length === 4",
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
    assert visitor.widget_eval("return w.querySelectorAll('img, script').length") == 0
    assert visitor.page.evaluate("window.pwned") is None
    assert visitor.dialogs == []
    visitor.screenshot("html-inert")


def test_the_chat_fits_a_375_px_phone_without_horizontal_scrolling(phone: Visitor) -> None:
    phone.open()
    answer = phone.ask(STEPS_QUESTION)
    assert "Source: " in answer
    assert phone.answer_bubble().locator("ol.eg-list li").count() >= 3  # list kept
    phone.ask("x" * 400)  # one unbroken word must wrap, not widen the page
    assert phone.page_width() == 375
    for selector in (".eg-input", ".eg-send", ".eg-restart"):
        box = phone.page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
    phone.screenshot("phone-375")
    phone.open("/chat/example?mode=container")
    assert phone.page_width() == 375
    phone.screenshot("phone-375-example-page", full_page=True)


def test_keyboard_alone_reaches_the_input_sends_and_clicks_a_button(visitor: Visitor) -> None:
    visitor.open()
    page = visitor.page
    for _ in range(10):
        page.keyboard.press("Tab")
        if (visitor.focused() or {}).get("cls") == "eg-input":
            break
    else:
        pytest.fail("Tab never reached the message input")
    assert visitor.widget_eval("return w.activeElement.labels[0].textContent") == "Your question"
    page.keyboard.type("what is ecfmg certification")
    answer = visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
    assert "Source: " in answer
    focus = visitor.press_until("Shift+Tab", lambda f: f["cls"] == "eg-button")  # back to the answer's last button
    assert focus["outline"] != "none"  # visible focus
    visitor.screenshot("keyboard-focus")
    visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
    assert visitor.user_messages()[-1] == focus["text"]
    assert visitor.focused() == {**focus, "inLastBotMessage": False}  # the clicked button keeps focus
    log = page.locator(".eg-log")
    assert log.get_attribute("aria-label") == "Conversation" and log.get_attribute("tabindex") == "0"


def test_the_eligibility_check_can_be_completed_with_its_buttons(visitor: Visitor) -> None:
    visitor.open()
    reply = visitor.check_eligibility_with(
        lambda question: visitor.wait_for_reply(question.get_by_role("button", name="Yes", exact=True).click))
    assert "not an official ECFMG determination" in reply
    assert visitor.user_messages()[1:] == ["Yes"] * (len(visitor.user_messages()) - 1)
    slots = visitor.tracker()["slots"]
    assert (slots["eligibility_status"], slots["eligibility_missing"]) == ("meets_requirements", [])
    visitor.screenshot("eligibility-result")


def test_the_example_host_page_embeds_a_working_widget(visitor: Visitor) -> None:
    visitor.open("/chat/example?mode=container")
    assert visitor.page.locator("aside ecfmg-guide .eg-widget").count() == 1
    assert visitor.page.locator(".eg-launcher").count() == 0
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
