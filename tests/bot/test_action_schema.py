"""The once-built validator for action server replies accepts and rejects what Rasa's own check does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.nlu import action_schema

VALID = {"events": [{"event": "slot", "name": "last_faq_id", "value": "fee_j1"}],
         "responses": [{"response": "utter_faq_answer", "answer": "US$220", "buttons": []}]}
INVALID = {"events": [{"event": "slot", "name": 3}], "responses": []}


def test_accepts_a_reply_rasa_accepts() -> None:
    validate(VALID, RemoteAction.action_response_format_spec())
    assert action_schema.validate_action_result(None, VALID) is True


def test_rejects_a_reply_rasa_rejects_with_rasas_hint() -> None:
    with pytest.raises(ValidationError) as rasas:
        validate(INVALID, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response") as ours:
        action_schema.validate_action_result(None, INVALID)
    assert ours.value.message.startswith(rasas.value.message)


def test_install_replaces_rasas_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_schema.install()
    assert RemoteAction._validate_action_result is action_schema.validate_action_result
