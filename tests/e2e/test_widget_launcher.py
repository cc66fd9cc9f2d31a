"""The one-tag embed, the chat bubble, in Debian's headless chromium against the running bot: opening and closing,
what it remembers, the badge, a phone, the keyboard alone, host page styles, and what it costs a visitor."""
from __future__ import annotations

import gzip
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Response

from bot.serve import RunningBot
from tests.e2e.widget_browser import DESKTOP, ELIGIBILITY_MET, FEE_QUESTION, STEPS_QUESTION, Visitor

pytestmark = pytest.mark.e2e

BRAND_BLUE = "rgb(23, 71, 125)"
# What the launcher embed may add, gzip-compressed, to a page view where the visitor does not open the chat.
MAX_LAUNCHER_GZIP_BYTES = 15_000
# Run before the page's own scripts: notes when widget.js has run (a script's load event follows its execution)
# and the first frame in which the bubble is laid out with its stylesheet (requestAnimationFrame callbacks run
# just before a frame is painted).
BUBBLE_PAINT_PROBE = """
document.addEventListener('load', event => {
    if (String(event.target.src).endsWith('/chat/static/widget.js')) window.__scriptRan = performance.now();
}, true);
(function probe() {
    const host = document.querySelector('ecfmg-guide');
    const bubble = host && host.shadowRoot.querySelector('.eg-launcher');
    if (bubble && getComputedStyle(bubble).position === 'fixed' && bubble.getClientRects().length) {
        window.__bubblePainted = performance.now();
    } else {
        requestAnimationFrame(probe);
    }
})();
"""


def box(visitor: Visitor, selector: str) -> dict[str, float]:
    found = visitor.page.locator(selector).bounding_box()
    assert found, f"{selector} is not on screen"
    return found


def test_the_bubble_opens_and_closes_the_chat_and_escape_gives_focus_back_to_it(visitor: Visitor) -> None:
    visitor.open_launcher_page()
    bubble = box(visitor, ".eg-launcher")
    assert (DESKTOP["width"] - bubble["x"] - bubble["width"], DESKTOP["height"] - bubble["y"] - bubble["height"]) \
        == (20, 20)  # bottom-right by default
    launcher = visitor.page.get_by_role("button", name="Chat with ECFMG Guide", exact=True)
    assert launcher.get_attribute("aria-expanded") == "false" and not visitor.panel().is_visible()
    visitor.open_panel()
    assert launcher.get_attribute("aria-expanded") == "true"
    assert visitor.focused()["cls"] == "eg-input"
    panel = box(visitor, ".eg-panel")
    assert panel["x"] + panel["width"] == bubble["x"] + bubble["width"] and panel["y"] + panel["height"] < bubble["y"]
    assert "US$160" in visitor.ask(FEE_QUESTION)
    visitor.screenshot("launcher-open")

    visitor.page.keyboard.press("Escape")
    assert not visitor.panel().is_visible() and launcher.get_attribute("aria-expanded") == "false"
    assert visitor.focused()["cls"] == "eg-launcher"
    launcher.click()
    assert visitor.panel().is_visible()
    visitor.page.get_by_role("button", name="Close chat").click()
    assert not visitor.panel().is_visible() and visitor.focused()["cls"] == "eg-launcher"
    launcher.click()
    launcher.click()  # the bubble closes what it opened
    assert not visitor.panel().is_visible() and visitor.focused()["cls"] == "eg-launcher"
    assert visitor.user_messages() == [FEE_QUESTION]


def test_the_chat_remembers_open_or_closed_and_a_badge_shows_replies_that_came_while_closed(visitor: Visitor) -> None:
    visitor.open_launcher_page()
    visitor.open_panel()
    visitor.ask("what is ecfmg certification")
    before = visitor.bot_messages()
    visitor.page.reload()
    visitor.panel().wait_for(state="visible")  # still open, with the conversation
    assert visitor.bot_messages() == before
    assert visitor.focused() is None  # a reload does not pull focus into the chat

    # Sent, then closed in the same moment, so the reply arrives while the chat is closed.
    reply = visitor.wait_for_reply(lambda: visitor.widget_eval(
        "w.querySelector('.eg-input').value = arg; w.querySelector('.eg-form').requestSubmit();"
        "w.querySelector('.eg-launcher').click();", FEE_QUESTION))
    new_messages = len(visitor.bot_messages()) - len(before)
    assert "US$160" in reply and not visitor.panel().is_visible()
    badge = visitor.page.locator(".eg-badge")
    count = badge.locator("[aria-hidden=true]")
    assert badge.is_visible() and count.inner_text() == str(new_messages)
    replies = re.compile(rf"^Chat with ECFMG Guide\s*, {new_messages} new replies$")
    assert visitor.page.get_by_role("button", name=replies).is_visible()
    visitor.screenshot("launcher-badge")

    visitor.page.reload()
    visitor.launcher().wait_for(state="visible")
    assert not visitor.panel().is_visible() and count.inner_text() == str(new_messages)  # closed, badge kept
    visitor.open_panel()
    assert not badge.is_visible() and visitor.page.get_by_role("button", name="Chat with ECFMG Guide").is_visible()
    assert "US$160" in visitor.bot_messages()[-2]


def test_on_a_phone_the_open_chat_covers_the_screen_and_its_close_button_closes_it(phone: Visitor) -> None:
    phone.open_launcher_page()
    bubble = box(phone, ".eg-launcher")
    assert bubble["x"] + bubble["width"] <= 375 and bubble["y"] + bubble["height"] <= 740
    phone.launcher().tap()
    phone.panel().wait_for(state="visible")
    phone.panel().evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")
    assert box(phone, ".eg-panel") == {"x": 0, "y": 0, "width": 375, "height": 740}
    assert phone.panel().get_attribute("aria-modal") == "true"
    close = phone.page.get_by_role("button", name="Close chat")
    close_box = close.bounding_box()
    assert close.is_visible() and close_box and close_box["x"] + close_box["width"] <= 375 and close_box["y"] >= 0
    assert not phone.launcher().is_visible()  # covered by the panel, which has its own close button

    answer = phone.ask(STEPS_QUESTION)
    assert "Source: " in answer and phone.answer_bubble().locator("ol.eg-list li").count() >= 3
    assert phone.page_width() == 375
    assert phone.widget_eval("const log = w.querySelector('.eg-log'); return log.scrollWidth <= log.clientWidth")
    phone.page.locator(".eg-send").focus()
    phone.page.keyboard.press("Tab")  # focus goes round the full-screen panel, never behind it
    assert phone.focused()["cls"] == "eg-restart"
    phone.page.keyboard.press("Shift+Tab")
    assert phone.focused()["cls"] == "eg-send"
    phone.screenshot("launcher-phone-open")

    close.tap()
    assert not phone.panel().is_visible() and phone.launcher().is_visible()
    assert phone.focused()["cls"] == "eg-launcher"
    phone.screenshot("launcher-phone-closed")


def test_keyboard_alone_opens_the_chat_completes_an_eligibility_check_and_closes_it(visitor: Visitor) -> None:
    visitor.open_launcher_page()
    page = visitor.page
    for _ in range(20):
        page.keyboard.press("Tab")
        if (visitor.focused() or {}).get("cls") == "eg-launcher":
            break
    else:
        pytest.fail("Tab never reached the chat bubble")
    page.keyboard.press("Enter")
    assert visitor.panel().is_visible() and visitor.focused()["cls"] == "eg-input"
    page.keyboard.type("check my eligibility")
    first_question = visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
    # Back from the input, every reply button of the question, in reverse order.
    trail = [visitor.press_until("Shift+Tab", lambda f: f["cls"] == "eg-button")["text"]]
    for _ in range(2):
        page.keyboard.press("Shift+Tab")
        trail.append(visitor.focused()["text"])
    assert trail == ["Not sure", "No", "Yes"]

    def answer_yes(question: Any) -> str:
        if visitor.focused()["text"] != "Yes" or not visitor.focused()["inLastBotMessage"]:
            visitor.press_until("Tab", lambda f: f["inLastBotMessage"] and f["text"] == "Yes")
        assert visitor.focused()["outline"] != "none"  # visible focus
        reply = visitor.wait_for_reply(lambda: page.keyboard.press("Enter"))
        focus = visitor.focused()
        assert focus is not None and focus["text"] == "Yes", "focus was lost after the reply"
        return reply

    result = visitor.check_eligibility_with(answer_yes, first_question)
    assert ELIGIBILITY_MET in result and "not an official ECFMG determination" in result
    slots = visitor.tracker()["slots"]
    assert (slots["eligibility_status"], slots["eligibility_missing"]) == ("meets_requirements", [])
    visitor.screenshot("launcher-keyboard-eligibility")
    page.keyboard.press("Escape")
    assert not visitor.panel().is_visible() and visitor.focused()["cls"] == "eg-launcher"


def test_host_page_styles_do_not_reach_the_widget_nor_its_styles_the_page(visitor: Visitor) -> None:
    visitor.open_host_page()
    bubble = box(visitor, ".eg-launcher")
    assert (bubble["x"], bubble["width"]) == (20, 60)  # data-position="bottom-left"
    visitor.open_panel()
    assert "US$160" in visitor.ask(FEE_QUESTION)
    visitor.page.mouse.move(600, 400)  # off the bubble, which darkens under the pointer
    widget = visitor.widget_eval("""
        const look = selector => {
            const s = getComputedStyle(w.querySelector(selector));
            return [s.fontFamily.includes('Courier'), s.letterSpacing, s.textTransform, s.color, s.backgroundColor,
                    s.borderTopStyle, s.display];
        };
        return {launcher: look('.eg-launcher'), button: look('.eg-button'), input: look('.eg-input'),
                text: look('.eg-message--bot .eg-paragraph'),
                itemMargin: getComputedStyle(w.querySelector('.eg-message')).marginTop};""")
    assert widget == {
        "launcher": [False, "normal", "none", "rgb(255, 255, 255)", BRAND_BLUE, "solid", "flex"],
        "button": [False, "normal", "none", BRAND_BLUE, "rgb(255, 255, 255)", "solid", "block"],
        "text": [False, "normal", "none", "rgb(27, 36, 48)", "rgba(0, 0, 0, 0)", "none", "block"],
        "input": [False, "normal", "none", "rgb(27, 36, 48)", "rgb(255, 255, 255)", "solid", "block"],
        "itemMargin": "0px",
    }
    host = visitor.page.evaluate("""() => {
        const style = id => getComputedStyle(document.getElementById(id));
        const text = document.getElementById('host-text');
        return {text: [text.getBoundingClientRect().width > 100, style('host-text').position],
                button: [style('host-button').backgroundColor, style('host-button').borderTopStyle],
                item: style('host-item').listStyleType, io: window.io};
    }""")
    assert host == {"text": [True, "static"], "button": ["rgb(255, 214, 231)", "dashed"], "item": "square",
                    "io": {"hostVersion": 2}}  # the site's own io global survives the widget's socket.io client
    visitor.screenshot("launcher-greedy-host-page")


def gzip_size(response: Response) -> int:
    return len(gzip.compress(response.body(), compresslevel=9))


def test_the_bubble_adds_at_most_15_kb_gzip_and_paints_soon_after_its_script_loads(browser: Browser,
                                                                                   running_bot: RunningBot) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(BUBBLE_PAINT_PROBE)
    visitor = Visitor(context.new_page(), running_bot)
    responses: list[Response] = []
    visitor.page.on("response", lambda response: responses.append(response))
    visitor.open_launcher_page()
    visitor.page.wait_for_function("window.__bubblePainted !== undefined")
    timing = visitor.page.evaluate("""() => {
        const loaded = name => performance.getEntriesByName(new URL(`/chat/static/${name}`, location).href)[0]
            .responseEnd;
        return {downloaded: loaded('widget.js'), ran: window.__scriptRan, style: loaded('widget.css'),
                painted: window.__bubblePainted,
                pagePainted: performance.getEntriesByName('first-contentful-paint')[0].startTime};
    }""")
    closed = {r.url.removeprefix(running_bot.url): gzip_size(r) for r in responses if "/chat/static/widget." in r.url}
    fetched = [r.url for r in responses]
    visitor.open_panel()
    opened = {r.url.removeprefix(running_bot.url).split("?")[0]: gzip_size(r) for r in responses
              if "/chat/vendor/" in r.url}
    context.close()

    print(f"launcher embed, chat closed: {closed} = {sum(closed.values())} bytes gzip; "
          f"on opening, the socket.io client adds {opened}")
    # The bubble cannot be painted before the page's own first paint, nor before the frame it is laid out in.
    painted = max(timing["painted"], timing["pagePainted"])
    print(f"bubble first paint {painted - timing['ran']:.1f} ms after widget.js ran (laid out in the frame at "
          f"{timing['painted'] - timing['ran']:.1f} ms, page's first contentful paint at "
          f"{timing['pagePainted'] - timing['ran']:.1f} ms, widget.css loaded at "
          f"{timing['style'] - timing['ran']:.1f} ms; its download ended "
          f"{timing['ran'] - timing['downloaded']:.1f} ms before it ran)")
    assert set(closed) == {"/chat/static/widget.js", "/chat/static/widget.css"}
    assert not [url for url in fetched if "/socket.io" in url or "/chat/vendor/" in url], \
        "a closed chat bubble with no conversation must not load the socket.io client or connect"
    assert sum(closed.values()) <= MAX_LAUNCHER_GZIP_BYTES
    assert list(opened) == ["/chat/vendor/socket.io.min.js"]
    assert visitor.errors == []
