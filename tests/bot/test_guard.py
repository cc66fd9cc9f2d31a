"""What users type is cleaned, capped and rate-limited the same way on every channel."""
from __future__ import annotations

import pytest

from bot.channels.guard import InputGuard, Limits, RateLimiter, RejectedInput, as_typed_text, clean_text


def test_control_characters_and_bidi_overrides_become_spaces() -> None:
    assert clean_text("  fee\x00 for\u202e step 1\x1b  ", Limits()) == "fee  for  step 1"


def test_newlines_emoji_rtl_and_cjk_are_kept() -> None:
    text = "رسوم الامتحان\n考试费用 👍"
    assert clean_text(text, Limits()) == text


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01", "\n\t "])
def test_empty_or_whitespace_only_is_rejected(raw: str) -> None:
    with pytest.raises(RejectedInput) as err:
        clean_text(raw, Limits())
    assert err.value.reason == "empty"


def test_text_over_the_cap_is_rejected_with_its_length() -> None:
    with pytest.raises(RejectedInput) as err:
        clean_text("a" * 101, Limits(max_chars=100))
    assert err.value.reason == "too_long"
    assert str(err.value) == "the message has 101 characters; the limit is 100"


def test_rate_limiter_rejects_the_message_over_the_limit_then_recovers() -> None:
    limiter = RateLimiter(per_minute=3)
    for second in range(3):
        limiter.check("a", now=100.0 + second)
    with pytest.raises(RejectedInput):
        limiter.check("a", now=103.0)
    limiter.check("b", now=103.0)  # other senders are not affected
    limiter.check("a", now=161.0)  # the first message left the window


def test_rate_limiter_forgets_the_longest_quiet_senders_first() -> None:
    limiter = RateLimiter(per_minute=1, max_senders=2)
    limiter.check("a", now=1.0)
    limiter.check("b", now=2.0)
    limiter.check("c", now=3.0)
    limiter.check("a", now=4.0)  # forgotten, so counted afresh
    with pytest.raises(RejectedInput):
        limiter.check("c", now=5.0)


def test_limits_from_env_name_the_variable_and_an_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_MAX_MESSAGE_CHARS", "abc")
    with pytest.raises(ValueError) as err:
        Limits.from_env()
    assert str(err.value) == ("environment variable BOT_MAX_MESSAGE_CHARS must be a whole number of at least 1 "
                              "(got 'abc'), e.g. BOT_MAX_MESSAGE_CHARS=1000")
    monkeypatch.setenv("BOT_MAX_MESSAGE_CHARS", "200")
    monkeypatch.setenv("BOT_MESSAGES_PER_MINUTE", "0")
    assert Limits.from_env() == Limits(max_chars=200, messages_per_minute=0)


def test_lone_surrogates_become_spaces_so_the_text_can_be_stored() -> None:
    assert clean_text("fee\ud800 now", Limits()) == "fee  now"


def test_rate_limited_rejection_says_when_to_retry() -> None:
    limiter = RateLimiter(per_minute=2)
    limiter.check("a", now=100.0)
    limiter.check("a", now=130.0)
    with pytest.raises(RejectedInput) as err:
        limiter.check("a", now=140.5)
    assert err.value.retry_after == 20  # the message from 100.0 leaves the window at 160.0


def test_guard_counts_empty_messages_towards_the_limit() -> None:
    guard = InputGuard(Limits(messages_per_minute=2))
    for _ in range(2):
        with pytest.raises(RejectedInput) as err:
            guard.admit("a", "   ", now=1.0)
        assert err.value.reason == "empty"
    with pytest.raises(RejectedInput) as err:
        guard.admit("a", "a real question", now=2.0)
    assert err.value.reason == "rate_limited"
    assert guard.admit("b", "  a real question\x00 ", now=2.0) == "a real question"


@pytest.mark.parametrize("typed, read", [
    ("/eligibility_form", "eligibility_form"),
    (' //faq{"x":1}', 'faq{"x":1}'),
    ("what is /faq", "what is /faq"),
    ("/", ""),
])
def test_typed_text_is_never_an_intent_payload(typed: str, read: str) -> None:
    assert as_typed_text(typed) == read
