"""The event class table finds what Rasa's own lookup finds, and leaves defaults and errors to Rasa."""
from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.nlu import event_types


@pytest.fixture(autouse=True)
def rasas_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(event_types, "_classes", {})


def test_every_event_type_resolves_to_rasas_class() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"user", "action", "slot", "session_started", "active_loop"} <= names
    for name in names:
        assert event_types.resolve_by_type(name) is event_types._rasa_resolve(name)


def test_unknown_names_keep_rasas_default_and_error() -> None:
    assert event_types.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert event_types.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        event_types.resolve_by_type("no_such_event")


def test_installed_lookup_reads_events_back() -> None:
    event_types.install()
    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), ActionExecuted("utter_greet"),
              SlotSet("last_faq_id", "fee_j1")]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events
    assert Event.resolve_by_type is event_types.resolve_by_type
