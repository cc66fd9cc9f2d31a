"""Free-text answers to the eligibility questions, read with the real questions from knowledge/."""
from __future__ import annotations

from datetime import date

import pytest

from bot.eligibility.answers import Reading, read_answer, read_facts
from bot.eligibility.rules import Question
from bot.kb.validate import load_checked
from bot.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def questions() -> tuple[Question, ...]:
    rules = load_checked(PROJECT_ROOT / "knowledge", date.today()).eligibility
    assert rules is not None
    return rules.questions


@pytest.mark.parametrize(("asked", "text", "expected"), [
    ("step1_passed", "yep", "yes"),
    ("step1_passed", "Yes", "yes"),
    ("step1_passed", "yes!! 🎉", "yes"),
    ("step1_passed", "nope", "no"),
    ("step1_passed", "no", "no"),
    ("step1_passed", "passed it on my second try", "yes"),
    ("step1_passed", "I failed the first time but passed on the second attempt", "yes"),
    ("step1_passed", "cleared it last year", "yes"),
    ("step1_passed", "it's a pass", "yes"),
    ("step1_passed", "I haven't passed yet", "no"),
    ("step1_passed", "of course not", "no"),
    ("step1_passed", "no, I passed", "yes"),
    ("step2ck_passed", "failed once, retaking in May", "no"),
    ("step2ck_passed", "not yet, sitting it in March", "no"),
    ("step2ck_passed", "still preparing for it", "no"),
    ("step2ck_passed", "booked for next month", "no"),
    ("step2ck_passed", "i did", "yes"),
    ("graduated", "graduated 2021", "yes"),
    ("graduated", "I have my diploma", "yes"),
    ("graduated", "I'm in final year", "no"),
    ("graduated", "still a student", "no"),
    ("graduated", "I will graduate in 2027", "no"),
    ("graduated", "i think so", "unsure"),
    ("school_listed", "my school is in wdoms", "yes"),
    ("school_listed", "yes, it has the ECFMG note", "yes"),
    ("school_listed", "it's listed but the note doesn't cover my year", "no"),
    ("school_listed", "no sponsor note", "no"),
    ("school_listed", "the note doesn't cover my graduation year", "no"),
    ("school_listed", "how do I check that?", "unsure"),
    ("step2cs_passed", "never took it", "no"),
    ("step2cs_passed", "I passed CS in 2019", "yes"),
    ("pathway_met", "applied, still waiting", "no"),
    ("pathway_met", "my pathway was approved", "yes"),
    ("pathway_met", "under review", "no"),
    ("oet_passed", "I got 360 in all four", "yes"),
    ("oet_passed", "B in all", "yes"),
    ("oet_passed", "listening 360 reading 350 writing 310 speaking 400", "yes"),
    ("oet_passed", "L 350 R 350 W 300 S 350", "yes"),
    ("oet_passed", "I got 320 in listening", "no"),
    ("oet_passed", "all four above 350", "yes"),
    ("oet_passed", "no idea", "unsure"),
    ("oet_passed", "dont know", "unsure"),
    ("oet_passed", "not sure", "unsure"),
])
def test_answer_to_the_question_asked(questions, asked: str, text: str, expected: str) -> None:
    assert read_answer(text, asked, questions).answer == expected


@pytest.mark.parametrize("text", ["hello", "what?", "banana", "how much is the fee?", "lol", "my cousin took it"])
def test_unclear_messages_are_not_taken_as_an_answer(questions, text: str) -> None:
    reading = read_answer(text, "step1_passed", questions)
    assert (reading.answer, reading.corrections) == (None, {})


def test_partial_oet_scores_ask_for_all_four(questions) -> None:
    assert read_answer("360 in listening and reading", "oet_passed", questions) == Reading(None, {}, True)


def test_nlu_intent_is_a_last_resort_for_yes_and_no(questions) -> None:
    assert read_answer("yessir", "step1_passed", questions, intent="affirm").answer == "yes"
    assert read_answer("nah mate", "step1_passed", questions, intent="affirm").answer == "no"


def test_another_subject_becomes_a_correction_not_the_answer(questions) -> None:
    assert read_answer("actually I did pass CK", "oet_passed", questions) == \
        Reading(None, {"step2ck_passed": "yes"})
    assert read_answer("yes, and CK too", "step1_passed", questions) == Reading("yes", {"step2ck_passed": "yes"})
    assert read_answer("I passed step 1 but not CK yet", "step1_passed", questions) == \
        Reading("yes", {"step2ck_passed": "no"})


def test_a_clause_about_the_question_asked_corrects_nothing_else(questions) -> None:
    assert read_answer("it's listed but the note doesn't cover my graduation year", "school_listed", questions) == \
        Reading("no")


def test_a_question_about_another_subject_is_not_a_correction(questions) -> None:
    assert read_answer("yes, how much does step 2 ck cost?", "step1_passed", questions) == Reading("yes", asks=True)


@pytest.mark.parametrize(("text", "asks"), [
    ("what is CS? never heard about it", True),
    ("where do i check the sponsor note", True),
    ("never took it", False),
    ("is listed, yes", False),
])
def test_a_message_that_asks_something_says_so(questions, text: str, asks: bool) -> None:
    assert read_answer(text, "step2cs_passed", questions).asks is asks


def test_a_verdict_after_a_clause_about_the_subject_answers_it(questions) -> None:
    assert read_answer("graduation ceremony is in may so not yet, no diploma", "graduated", questions).answer == "no"
    assert read_facts("the graduation ceremony is in may, so not yet", questions) == {"graduated": "no"}


def test_subjects_named_together_share_the_verdict_that_follows(questions) -> None:
    assert read_facts("2020 grad, step 1 and step 2 ck both passed", questions) == \
        {"graduated": "yes", "step1_passed": "yes", "step2ck_passed": "yes"}
    assert read_answer("step 1 and step 2 ck both passed", "step1_passed", questions) == \
        Reading("yes", {"step2ck_passed": "yes"})


def test_a_place_beside_a_subject_does_not_hide_it(questions) -> None:
    assert read_facts("passed step 1 in 2017, ck 2018 and cs in houston 2019", questions) == \
        {"step1_passed": "yes", "step2ck_passed": "yes", "step2cs_passed": "yes"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Am I eligible now? OET results just came: L380 R360 S340 W310", {"oet_passed": "no"}),
    ("my oet: listening 400 reading 390 writing 350 speaking 360", {"oet_passed": "yes"}),
    ("i got 360 in step 1 practice tests", {}),
])
def test_oet_scores_given_unasked(questions, text: str, expected: dict[str, str]) -> None:
    assert read_facts(text, questions) == expected
    assert read_answer(text, "school_listed", questions).corrections == expected


@pytest.mark.parametrize("text", [
    "L 370 R 360 in first attempt, S 360 W 320 in the second attempt",
    "all above 350 but over two sittings",
])
def test_oet_scores_from_different_sittings_do_not_count(questions, text: str) -> None:
    assert read_answer(text, "oet_passed", questions).answer == "no"


def test_a_hesitation_is_not_taken_as_yes_or_no(questions) -> None:
    assert read_answer("ummm ok so", "oet_passed", questions, intent="affirm").answer is None
    assert read_answer("ok so", "oet_passed", questions, intent="affirm").answer == "yes"


@pytest.mark.parametrize(("text", "asked", "expected"), [
    ("i don't remember my scores", "oet_passed", "unsure"),
    ("never checked the directory", "school_listed", "unsure"),
    ("passed both in the same sitting", "oet_passed", "yes"),
    ("I have to sit it again", "step2ck_passed", "no"),
    ("missed by 4 points", "step1_passed", "no"),
    ("our school is in the directory with the sponsor note, the deans office confirmed it", "school_listed", "yes"),
    ("the note starts 2018 and I graduated 2016", "school_listed", "no"),
    ("speaking came out at 340", "oet_passed", "no"),
    ("anyway diploma is issued already, yes", "graduated", "yes"),
    ("CK yes, I passed with 244. And correction about Step 1: I passed it on my second attempt, I answered no by mistake",
     "step2ck_passed", "yes"),
])
def test_more_answers_in_users_words(questions, text: str, asked: str, expected: str) -> None:
    assert read_answer(text, asked, questions).answer == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("actually I did pass CK", {"step2ck_passed": "yes"}),
    ("sorry, I haven't graduated yet", {"graduated": "no"}),
    ("wait, I failed step 1 and my OET was fine", {"step1_passed": "no", "oet_passed": "yes"}),
    ("actually I never passed step 2 cs", {"step2cs_passed": "no"}),
    ("thanks a lot", {}),
    ("I failed step 1 and CK", {"step1_passed": "no", "step2ck_passed": "no"}),
    ("I failed step 1 and the OET result came today", {"step1_passed": "no"}),
])
def test_corrections_after_the_check(questions, text: str, expected: dict[str, str]) -> None:
    assert read_facts(text, questions) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("am i eligible? 2021 grad from lagos, passed step 1 and ck",
     {"graduated": "yes", "step1_passed": "yes", "step2ck_passed": "yes"}),
    ("am i eligible? 6th year student", {"graduated": "no"}),
    ("my university isn't in the world directory, can i still do this eligibility thing?", {"school_listed": "no"}),
    ("Am I eligible for ECFMG certification? I passed CS back in 2019", {"step2cs_passed": "yes"}),
    ("hi! could you check whether i meet the ecfmg requirements?", {}),
])
def test_facts_in_an_opener(questions, text: str, expected: dict[str, str]) -> None:
    assert read_facts(text, questions) == expected


@pytest.mark.parametrize(("text", "asked", "expected"), [
    ("dunno", "school_listed", "unsure"),
    ("in progress, still doing my mini-cex encounters", "pathway_met", "no"),
    ("yes, my pathway 1 was approved in january", "pathway_met", "yes"),
    ("yes, 360+ in all four, one sitting", "oet_passed", "yes"),
    ("waiting for results", "step2ck_passed", "no"),
])
def test_answers_in_users_words(questions, text: str, asked: str, expected: str) -> None:
    assert read_answer(text, asked, questions).answer == expected


def test_a_remark_about_an_earlier_answer_is_not_a_new_answer(questions) -> None:
    reading = read_answer("correction about step 1: I passed it on my second attempt, I answered no by mistake",
                          "step2ck_passed", questions)
    assert reading.corrections == {"step1_passed": "yes"}


def test_a_year_range_beside_a_subject(questions) -> None:
    assert read_facts("graduated 2014, passed step 1 and ck in 2013-14", questions) == \
        {"step1_passed": "yes", "step2ck_passed": "yes", "graduated": "yes"}


@pytest.mark.parametrize("text", ["CK 262", "236, August 2024", "Took it in October and got a 248"])
def test_a_usmle_score_alone_is_not_read_as_a_pass(questions, text: str) -> None:
    assert read_answer(text, "step2ck_passed", questions) == Reading(score_only=True)


def test_a_score_with_its_result_is_an_answer(questions) -> None:
    assert read_answer("passed 2019 with 221", "step1_passed", questions).answer == "yes"
    assert read_answer("CK 205 - failed", "step2ck_passed", questions).answer == "no"


def test_a_step_1_score_at_the_pass_score_is_a_pass(questions) -> None:
    assert read_answer("212", "step1_passed", questions).answer == "yes"
    assert read_answer("got 190 in 2016", "step1_passed", questions) == Reading(score_only=True)
    assert read_facts("Step 1 212 in 2020, CK 205 last month - failed", questions) == \
        {"step1_passed": "yes", "step2ck_passed": "no"}


@pytest.mark.parametrize(("text", "expected"), [
    ("Yes, I completed MBBS in 2019 and my internship in 2020", Reading(None, {"graduated": "yes"})),
    ("yes, accepted under pathway 6 in January", Reading(None, {"pathway_met": "yes"})),
    ("yes, passed CK too", Reading("yes", {"step2ck_passed": "yes"})),
    ("no, but I passed CK", Reading("no", {"step2ck_passed": "yes"})),
    ("yes, and CK is scheduled for next month", Reading("yes", {"step2ck_passed": "no"})),
])
def test_a_leading_yes_goes_with_the_subject_that_follows_it(questions, text: str, expected: Reading) -> None:
    assert read_answer(text, "step1_passed", questions) == expected


def test_text_speak_and_and_covered(questions) -> None:
    assert read_answer("ya graduated 2022 n step1 also cleared", "graduated", questions) == \
        Reading("yes", {"step1_passed": "yes"})
    assert read_answer("the sponsor notes list my school, I passed out in 2019 so my year is covered",
                       "school_listed", questions).answer == "yes"
