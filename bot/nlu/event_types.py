"""Finds an event's class by its type name from a table, not by walking every Event subclass.

Rasa 3.6's Event.resolve_by_type lists all Event subclasses (recursively, checking each for
abstract methods) for every event it reads, and the tracker store reads every event of the
conversation on every message: profiled over turns 60-100 of one conversation, 17.5 % of the Rasa
server's samples were tracker reading, most of it this walk. The table gives the class Rasa's walk
finds first; a name not in it (an event class defined later, "topic", or unknown) goes to Rasa's
own lookup, so defaults and errors are unchanged.
"""
from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_rasa_resolve = Event.resolve_by_type
_classes: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Event.resolve_by_type with Rasa's signature and results."""
    found = _classes.get(type_name)
    if found is not None:
        return found
    resolved = _rasa_resolve(type_name, default)
    _classes.clear()
    for cls in all_subclasses(Event):
        _classes.setdefault(cls.type_name, cls)
    return resolved


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
