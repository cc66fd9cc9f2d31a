"""The answer / did-you-mean / no-match decision, from Rasa's parse result alone."""
from __future__ import annotations

from datetime import date

from bot.answering import Decision, Thresholds, date_line, decide as decide_with, faq_payload, source_links
from bot.kb.facts_date import FactsDate

THRESHOLDS = Thresholds(answer=0.5, margin=0.2, suggest=0.15, candidate=0.08, max_candidates=3)


def decide(parsed: dict) -> Decision:
    return decide_with(parsed, THRESHOLDS)


def parse(intent: str, ranking: list[tuple[str, float]], intent_ranking: list[str] | None = None,
          entities: list[dict] | None = None) -> dict:
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": name, "confidence": 0.5} for name in (intent_ranking or [intent])],
        "entities": entities or [],
        "response_selector": {"faq": {"ranking": [
            {"intent_response_key": f"faq/{entry_id}", "confidence": confidence} for entry_id, confidence in ranking
        ]}},
    }


def test_confident_and_clear_answers() -> None:
    assert decide(parse("faq", [("fee_a", 0.9), ("visa_b", 0.05)])) == Decision("answer", ("fee_a",))


def test_confident_but_close_runner_up_asks_did_you_mean() -> None:
    result = decide(parse("faq", [("fee_a", 0.58), ("visa_b", 0.40), ("other", 0.01)]))
    assert result == Decision("did_you_mean", ("fee_a", "visa_b"))


def test_unsure_faq_asks_did_you_mean_with_plausible_candidates_only() -> None:
    result = decide(parse("faq", [("a", 0.4), ("b", 0.2), ("c", 0.1), ("d", 0.05)]))
    assert result == Decision("did_you_mean", ("a", "b", "c"))


def test_very_unsure_faq_is_no_match() -> None:
    assert decide(parse("faq", [("a", 0.1), ("b", 0.09)])) == Decision("no_match")


def test_nlu_fallback_suggests_only_when_faq_was_the_runner_up_intent() -> None:
    ranking = [("a", 0.5), ("b", 0.3)]
    assert decide(parse("nlu_fallback", ranking, ["nlu_fallback", "faq", "greet"])).kind == "did_you_mean"
    assert decide(parse("nlu_fallback", ranking, ["nlu_fallback", "out_of_scope", "faq"])).kind == "no_match"


def test_button_pick_answers_exactly_that_entry() -> None:
    picked = parse("faq", [], entities=[{"entity": "faq_id", "value": "visa_b"}])
    assert decide(picked) == Decision("answer", ("visa_b",))


def test_other_intents_and_empty_parse_are_no_match() -> None:
    assert decide(parse("greet", [("a", 0.99)])) == Decision("no_match")
    assert decide({}) == Decision("no_match")


def test_payload_and_display_helpers() -> None:
    assert faq_payload("fee_a") == '/faq{"faq_id": "fee_a"}'
    assert source_links(("https://www.ecfmg.org/fees/", "https://oet.com")) == (
        "[ecfmg.org/fees](https://www.ecfmg.org/fees/) · [oet.com](https://oet.com)")


def test_date_line_shows_when_the_facts_were_valid_not_the_review_day() -> None:
    line = date_line(FactsDate(2023, 8), date(2026, 11, 22))
    assert line.startswith("Facts as of: August 2023")
    assert "2026" not in line
    assert date_line(FactsDate(2022), date(2026, 11, 22)).startswith("Facts as of: 2022 ")


def test_date_line_names_a_review_day_as_such_when_an_entry_has_no_facts_date() -> None:
    assert date_line(None, date(2026, 11, 2)) == "Reviewed: 2 November 2026"


def test_one_selector_for_all_retrieval_intents_is_read_under_default() -> None:
    parsed = parse("faq", [])
    parsed["response_selector"] = {"default": {"ranking": [
        {"intent_response_key": "out_of_scope/medical_advice", "confidence": 0.5},
        {"intent_response_key": "faq/fee_a", "confidence": 0.4},
        {"intent_response_key": "faq/visa_b", "confidence": 0.05},
    ]}}
    assert decide_with(parsed, Thresholds(answer=0.3, margin=0.2)) == Decision("answer", ("fee_a",))


def part(text: str, intent: str, confidence: float, ranking: list[tuple[str, float]]) -> dict:
    return {"text": text, "intent": {"name": intent, "confidence": confidence},
            "faq_ranking": [{"id": entry_id, "confidence": c} for entry_id, c in ranking]}


def test_each_confident_question_of_a_message_is_answered_once() -> None:
    parsed = {**parse("faq", [("fee_a", 0.5)]), "parts": [
        part("who do I pay", "faq", 0.9, [("registration", 0.8), ("fee_a", 0.1)]),
        part("how much is it", "faq", 0.8, [("fee_a", 0.7), ("registration", 0.2)]),
        part("and the fee again?", "faq", 0.8, [("fee_a", 0.9)]),
    ]}
    assert decide(parsed) == Decision("answer", ("registration", "fee_a"))


def test_a_question_it_cannot_answer_is_named() -> None:
    parsed = {**parse("faq", [("fee_a", 0.5)]), "parts": [
        part("what is the step 1 fee", "faq", 0.9, [("fee_a", 0.9)]),
        part("and the plab fee?", "out_of_scope", 0.8, []),
        part("thanks", "thank", 0.9, []),
    ]}
    assert decide(parsed) == Decision("answer", ("fee_a",), ("and the plab fee?",))


def test_no_confident_part_falls_back_to_the_whole_message() -> None:
    parsed = {**parse("faq", [("fee_a", 0.9), ("b", 0.05)]), "parts": [
        part("this", "faq", 0.4, [("fee_a", 0.4), ("b", 0.35)]),
        part("that", "faq", 0.4, [("b", 0.4), ("fee_a", 0.35)]),
    ]}
    assert decide(parsed) == Decision("answer", ("fee_a",))
