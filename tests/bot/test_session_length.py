"""A session ends after MAX_SESSION_EVENTS events unless a form is active; idle expiry is Rasa's."""
from __future__ import annotations

import time
from types import SimpleNamespace

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.session_length import MAX_SESSION_EVENTS, events_in_latest_session, has_session_expired, latest_slot_sets

PROCESSOR = SimpleNamespace(domain=Domain.empty())  # sessions on: 60 minutes, slots carried over
SLOTS = Domain.from_dict({"slots": {name: {"type": "any", "mappings": [{"type": "custom"}]}
                                   for name in ("last_faq_id", "eligibility_status")}}).slots


def turns(count: int, at: float | None = None) -> list[Event]:
    """count question-and-answer turns of three events each."""
    stamp = time.time() if at is None else at
    return [event for _ in range(count) for event in (
        UserUttered("what is the ecfmg fee", {"name": "faq", "confidence": 1.0}, timestamp=stamp),
        ActionExecuted("action_answer_faq", timestamp=stamp), BotUttered("US$...", timestamp=stamp))]


def tracker(events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("long", [ActionExecuted("action_session_start"), SessionStarted(),
                                                     ActionExecuted("action_listen"), *events], slots=SLOTS)


def test_a_short_session_goes_on() -> None:
    assert not has_session_expired(PROCESSOR, tracker(turns(3)))


def test_a_long_session_ends_and_only_the_latest_session_counts() -> None:
    long = tracker(turns(MAX_SESSION_EVENTS // 3))
    assert events_in_latest_session(long) == MAX_SESSION_EVENTS + 1
    assert has_session_expired(PROCESSOR, long)
    long.update(SessionStarted())
    assert events_in_latest_session(long) == 0
    assert not has_session_expired(PROCESSOR, long)


def test_a_long_session_with_an_active_form_goes_on() -> None:
    in_form = tracker([ActiveLoop("eligibility_form"), *turns(MAX_SESSION_EVENTS // 3)])
    assert in_form.active_loop_name == "eligibility_form"
    assert not has_session_expired(PROCESSOR, in_form)


def test_rasas_idle_expiry_still_ends_a_short_session() -> None:
    assert has_session_expired(PROCESSOR, tracker(turns(2, at=time.time() - 2 * 3600)))


def test_no_session_ends_when_sessions_are_off() -> None:
    no_sessions = SimpleNamespace(domain=Domain.from_dict({"session_config": {"session_expiration_time": 0}}))
    assert not has_session_expired(no_sessions, tracker(turns(MAX_SESSION_EVENTS)))


def test_a_new_session_carries_each_slot_once_with_its_latest_value() -> None:
    old = tracker([SlotSet("last_faq_id", "fee_j1"), SlotSet("eligibility_status", "in_progress"),
                   SlotSet("last_faq_id", "step1_pass_fail"), SlotSet("eligibility_status", "meets_requirements")])
    carried = latest_slot_sets(old)
    assert carried == [SlotSet("last_faq_id", "step1_pass_fail"), SlotSet("eligibility_status", "meets_requirements")]
    fresh = DialogueStateTracker.from_events("new", [SessionStarted(), *carried], slots=SLOTS)
    for values in (fresh.current_slot_values(), old.current_slot_values()):
        assert {k: values[k] for k in ("last_faq_id", "eligibility_status")} == {
            "last_faq_id": "step1_pass_fail", "eligibility_status": "meets_requirements"}
