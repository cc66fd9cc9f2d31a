"""The widget channel's checks on what a socket.io client sends, before anything reaches Rasa."""
from __future__ import annotations

from typing import Any

import pytest

from bot.channels.webchat import WidgetMessage, allowed_origins, requested_session_id, widget_message
from bot.channels.webchat_page import MissingWidgetAssetsError, check_assets


def test_a_session_id_we_could_have_issued_is_continued() -> None:
    assert requested_session_id(({"session_id": "0123456789abcdef0123456789abcdef"},)) == \
        "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("args", [(), (None,), (42,), ("abc",), ({},), ({"session_id": None},),
                                  ({"session_id": 5},), ({"session_id": "alice"},), ({"session_id": "x" * 65},),
                                  ({"session_id": "../../etc/passwd/abc"},)])
def test_anything_else_gets_a_new_session(args: tuple[Any, ...]) -> None:
    assert requested_session_id(args) is None


@pytest.mark.parametrize("data, expected", [
    ({"message": " hi ", "session_id": "x"}, WidgetMessage(" hi ", from_button=False)),
    ({"message": "/faq", "button": True}, WidgetMessage("/faq", from_button=True)),
    ({"message": "/faq", "button": "yes"}, WidgetMessage("/faq", from_button=False)),
])
def test_a_payload_gives_its_text_and_whether_a_button_sent_it(data: dict[str, Any], expected: WidgetMessage) -> None:
    assert widget_message((data,)) == expected


@pytest.mark.parametrize("args", [(), (None,), ("hi",), (["hi"],), ({},), ({"message": None},), ({"message": 1},),
                                  ({"message": {"text": "hi"}},), ({"message": "hi"}, "second")])
def test_a_payload_without_a_text_message_has_none(args: tuple[Any, ...]) -> None:
    assert widget_message(args) is None


@pytest.mark.parametrize("setting, expected", [
    ("", None), ("  ", None), ("*", "*"), ("https://a.org/, https://b.org", ["https://a.org", "https://b.org"]),
    ("https://a.org,*", "*"),
])
def test_widget_origins_setting(setting: str, expected: Any) -> None:
    assert allowed_origins(setting) == expected


def test_missing_npm_packages_say_what_to_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import bot.channels.webchat_page as page

    monkeypatch.setattr(page, "PROJECT_ROOT", tmp_path)
    monkeypatch.setattr(page, "VENDOR_FILES", {"socket.io.min.js": tmp_path / "node_modules" / "x.js"})
    with pytest.raises(MissingWidgetAssetsError) as err:
        check_assets()
    assert str(err.value) == ("node_modules/x.js is missing, so the website widget cannot load. "
                              "Run `make web-assets` (npm ci) and start the bot again.")
