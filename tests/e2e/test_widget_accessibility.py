"""WCAG 2.1 AA for the website widget in Debian's headless chromium: axe-core on every page and state a visitor
meets, what a screen reader is told, and reduced motion."""
from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from bot.serve import RunningBot
from tests.e2e.widget_browser import (AXE, DESKTOP, FEE_QUESTION, PHONE, STEPS_QUESTION, WIDGET, Visitor,
                                      axe_violations)

pytestmark = pytest.mark.e2e

CONTAINER_PAGES = ["/chat", "/chat/example?mode=container"]
HOST_PAGE = "a host page with greedy styles"  # Visitor.open_host_page
LAUNCHER_PAGES = ["/chat/example", HOST_PAGE]
# Every live region inside the widget, and the text each holds.
LIVE_REGIONS = f"""() => [...{WIDGET}.querySelectorAll('[aria-live], [role=log], [role=status], [role=alert]')]
    .map(node => node.textContent)"""


def audited_context(browser: Browser, **options: object) -> BrowserContext:
    """A context whose pages get axe-core before their own scripts; the bot's pages never reference it.
    axe-core adds a <style> element of its own, which the pages' Content-Security-Policy rightly blocks, so these
    pages run without it; test_webchat_browser.py and test_widget_launcher.py run the widget under it."""
    context = browser.new_context(bypass_csp=True, **options)
    context.add_init_script(path=str(AXE))
    return context


@pytest.fixture
def auditor(browser: Browser, running_bot: RunningBot) -> Iterator[Visitor]:
    context = audited_context(browser, viewport=DESKTOP)
    tab = Visitor(context.new_page(), running_bot)
    yield tab
    context.close()
    assert tab.dialogs == [] and tab.errors == []


def scan(visitor: Visitor, page: str, state: str, found: dict[str, list[str]]) -> None:
    found[state] = axe_violations(visitor.page)
    print(f"axe-core {page} [{state}]: {len(found[state])} violations")


def answer_yes(visitor: Visitor) -> None:
    """Answers the eligibility question on screen with its Yes button."""
    question = visitor.page.locator(".eg-message--bot").last
    visitor.wait_for_reply(question.get_by_role("button", name="Yes", exact=True).click)


def assert_no_violations(found: dict[str, list[str]]) -> None:
    problems = [f"[{state}] {line}" for state, lines in found.items() for line in lines]
    assert problems == [], "axe-core found:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CONTAINER_PAGES)
def test_axe_finds_nothing_on_a_container_page_in_any_state(auditor: Visitor, path: str) -> None:
    found: dict[str, list[str]] = {}
    auditor.open(path)
    scan(auditor, path, "new conversation", found)
    assert "Source: " in auditor.ask(STEPS_QUESTION)
    assert auditor.answer_bubble().locator("ol.eg-list li").count() >= 3
    assert auditor.answer_bubble().locator("a.eg-link").count() >= 1
    scan(auditor, path, "after an answer with links and a list", found)
    auditor.ask("check my eligibility")
    answer_yes(auditor)
    assert auditor.page.locator(".eg-message--bot").last.locator(".eg-button").count() == 3
    scan(auditor, path, "during the eligibility check", found)
    assert_no_violations(found)


@pytest.mark.parametrize("path", LAUNCHER_PAGES)
def test_axe_finds_nothing_on_a_launcher_page_in_any_state(auditor: Visitor, path: str) -> None:
    found: dict[str, list[str]] = {}
    if path == HOST_PAGE:
        auditor.open_host_page()
    else:
        auditor.open_launcher_page(path)
    scan(auditor, path, "closed", found)
    auditor.open_panel()
    scan(auditor, path, "open", found)
    assert "Source: " in auditor.ask(STEPS_QUESTION)
    assert auditor.answer_bubble().locator("ol.eg-list li").count() >= 3
    scan(auditor, path, "after an answer with links and a list", found)
    auditor.ask("check my eligibility")
    answer_yes(auditor)
    scan(auditor, path, "during the eligibility check", found)
    auditor.widget_eval("w.querySelector('.eg-input').value = 'no'; w.querySelector('.eg-form').requestSubmit();"
                        "w.querySelector('.eg-launcher').click();")  # closed before the reply comes
    auditor.page.locator(".eg-badge").wait_for(state="visible")
    scan(auditor, path, "closed, with a reply waiting", found)
    assert_no_violations(found)


def test_axe_finds_nothing_on_the_full_screen_phone_panel(browser: Browser, running_bot: RunningBot) -> None:
    context = audited_context(browser, **PHONE)
    phone = Visitor(context.new_page(), running_bot)
    found: dict[str, list[str]] = {}
    phone.open_launcher_page()
    phone.open_panel()
    assert "Source: " in phone.ask(FEE_QUESTION)
    scan(phone, "/chat/example on a phone", "phone, open, after an answer", found)
    context.close()
    assert_no_violations(found)
    assert phone.errors == []


def test_axe_core_is_never_served_to_visitors(running_bot: RunningBot) -> None:
    assert AXE.is_file(), "axe-core is missing from node_modules: run `make web-assets` (npm ci)"
    for path in ("/chat/vendor/axe.min.js", "/chat/static/axe.min.js", "/chat/vendor/axe-core/axe.min.js"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{running_bot.url}{path}", timeout=10)
        assert err.value.code == 404, path
    for path in ("/chat", "/chat/example", "/chat/example?mode=container", "/chat/static/widget.js"):
        with urllib.request.urlopen(f"{running_bot.url}{path}", timeout=10) as reply:
            assert b"axe" not in reply.read(), path


def test_each_bot_message_is_announced_once_and_nothing_else_is(auditor: Visitor) -> None:
    auditor.open_launcher_page()
    auditor.open_panel()
    assert auditor.page.evaluate(LIVE_REGIONS) == ["", ""]  # the announcer and the connection notice, both empty
    typing = auditor.widget_eval("const t = w.querySelector('.eg-typing'); return [t.getAttribute('aria-hidden'), "
                                 "!!t.closest('[aria-live], [role=log], [role=status], [role=alert]')]")
    assert typing == ["true", False]
    answer = auditor.ask(FEE_QUESTION)
    announced = auditor.widget_eval("return [...w.querySelectorAll('[role=log] p')].map(p => p.textContent)")
    # The answer and its 👍/👎 prompt: each once, as said, with the link labels and the buttons named.
    assert len(announced) == len(auditor.bot_messages()) == 2
    assert all(text.startswith("ECFMG Guide said: ") for text in announced)
    assert "US$160" in announced[0] and "](" not in announced[0] and "US$160" in answer
    assert announced[0].count("US$160") == answer.count("US$160")
    assert [region for region in auditor.page.evaluate(LIVE_REGIONS) if FEE_QUESTION in region] == []
    assert sum(region.count("US$160") for region in auditor.page.evaluate(LIVE_REGIONS)) == answer.count("US$160")
    assert auditor.widget_eval("return w.querySelector('.eg-log').closest('[aria-live], [role=log]')") is None
    auditor.ask("what is ecfmg certification")
    regions = auditor.page.evaluate(LIVE_REGIONS)
    assert not any("US$160" in region for region in regions)  # what was read is not kept for the next reply
    auditor.page.reload()
    auditor.page.locator(".eg-message--bot").first.wait_for()
    assert auditor.page.evaluate(LIVE_REGIONS) == ["", ""]  # a reload shows the conversation without reading it


@pytest.mark.parametrize("motion, panel, dots", [("no-preference", "eg-open", "eg-blink"), ("reduce", "none", "none")])
def test_reduced_motion_turns_the_animations_off(browser: Browser, running_bot: RunningBot, motion: str,
                                                 panel: str, dots: str) -> None:
    context = browser.new_context(viewport=DESKTOP, reduced_motion=motion)
    visitor = Visitor(context.new_page(), running_bot)
    visitor.open_launcher_page()
    visitor.open_panel()
    names = visitor.widget_eval("return [getComputedStyle(w.querySelector('.eg-panel')).animationName, "
                                "getComputedStyle(w.querySelector('.eg-dots span')).animationName]")
    context.close()
    assert names == [panel, dots]
    assert visitor.errors == []
