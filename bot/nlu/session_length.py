"""Ends a conversation session once it holds MAX_SESSION_EVENTS events and no form is active.

Rasa reads the whole current session from the tracker store on every message, sends it all to the
action server, and replays it for each policy prediction. Profiled in one 100-turn conversation
(663 events), turn 100 took 174 ms against 49 ms for turn 1: replaying states for the policies
55 ms, reading the tracker 21 ms, JSON for the action server and the store 18 ms. A new session
bounds all three. Rasa's own session start runs (slots carry over, see domain.yml), older sessions
stay in the tracker store, and no session ends while a form is active, so a half-filled
eligibility check is never cut. Our rules and stories look at one turn at a time, so an answer
never depends on a turn before the session start.

Rasa's session start carries slots over by copying every SlotSet of the old session, carried ones
included, so each new session started longer than the one before (15, 23, 28 ... events) and
turn 200 was still twice turn 1. It now carries one SlotSet per slot, the latest: the same values.
"""
from typing import Dict, List, Text

from rasa.core.actions.action import ActionSessionStart
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

MAX_SESSION_EVENTS = 60

_rasa_has_session_expired = MessageProcessor._has_session_expired


def events_in_latest_session(tracker: DialogueStateTracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        count += 1
    return count


def has_session_expired(processor: MessageProcessor, tracker: DialogueStateTracker) -> bool:
    """Rasa's idle-time expiry, or a long session with no active form."""
    if _rasa_has_session_expired(processor, tracker):
        return True
    return (processor.domain.session_config.are_sessions_enabled() and not tracker.active_loop_name
            and events_in_latest_session(tracker) >= MAX_SESSION_EVENTS)


def latest_slot_sets(tracker: DialogueStateTracker) -> List[SlotSet]:
    """ActionSessionStart._slot_set_events_from_tracker, with only the last SlotSet of each slot."""
    latest: Dict[Text, SlotSet] = {}
    for event in tracker.applied_events():
        if isinstance(event, SlotSet):
            latest.pop(event.key, None)  # re-inserted last, so the order stays that of the last settings
            latest[event.key] = SlotSet(key=event.key, value=event.value, metadata=event.metadata)
    return list(latest.values())


def install() -> None:
    MessageProcessor._has_session_expired = has_session_expired  # type: ignore[assignment]
    ActionSessionStart._slot_set_events_from_tracker = staticmethod(latest_slot_sets)  # type: ignore[assignment]
