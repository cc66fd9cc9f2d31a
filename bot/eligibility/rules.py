"""The eligibility check's rules as plain data, and what they say about a set of answers.

Loaded from knowledge/eligibility.yml (bot/kb/eligibility.py), stored by load-db as JSON, and read
back by the action server, so staff change the check without touching Python.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

ANSWER_VALUES = ("yes", "no", "unsure")
# Public contract with analytics and tests: slot, requirement and status names never change.
SLOTS = ("school_listed", "graduated", "step1_passed", "step2ck_passed", "step2cs_passed", "pathway_met",
         "oet_passed")
REQUIREMENT_IDS = ("school", "graduation", "step1", "step2ck", "clinical_skills", "oet")
STATUSES = ("meets_requirements", "in_progress", "not_eligible", "cancelled")

Condition = dict[str, str]  # slot -> answer; every pair must hold


@dataclass(frozen=True)
class Question:
    slot: str
    label: str  # the subject in a sentence: "I've updated your answer about {label}"
    ask: str  # the question as users see it
    how_to_find_out: str  # said when the user is not sure
    mentions: tuple[str, ...]  # words that name this subject, for corrections ("actually I passed CK")
    skip_if: tuple[Condition, ...] = ()  # not asked when any condition holds
    min_scores: dict[str, int] = field(default_factory=dict)  # OET part -> lowest passing score
    pass_score: int | None = None  # a three-digit score at or above this was a pass ("step 1 212 in 2020")


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    met_if: tuple[Condition, ...]  # met when any condition holds
    next_step: str
    fee: str
    link: str


@dataclass(frozen=True)
class Stop:
    """Answers that end the check early with a fixed status (a school without a sponsor note)."""

    when: Condition
    status: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class EligibilityRules:
    questions: tuple[Question, ...]
    requirements: tuple[Requirement, ...]
    stops: tuple[Stop, ...] = field(default=())

    def question(self, slot: str) -> Question:
        return next(q for q in self.questions if q.slot == slot)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> EligibilityRules:
        data = json.loads(text)
        return cls(
            questions=tuple(Question(q["slot"], q["label"], q["ask"], q["how_to_find_out"], tuple(q["mentions"]),
                                     tuple(q["skip_if"]), q["min_scores"], q.get("pass_score"))
                             for q in data["questions"]),
            requirements=tuple(Requirement(r["id"], r["title"], tuple(r["met_if"]), r["next_step"], r["fee"],
                                           r["link"]) for r in data["requirements"]),
            stops=tuple(Stop(s["when"], s["status"], tuple(s["missing"])) for s in data["stops"]),
        )


@dataclass(frozen=True)
class Outcome:
    status: str
    missing: tuple[str, ...]  # open requirement ids, in the order the rules list them


def holds(condition: Condition, answers: dict[str, str | None]) -> bool:
    return all(answers.get(slot) == value for slot, value in condition.items())


def triggered_stop(rules: EligibilityRules, answers: dict[str, str | None]) -> Stop | None:
    return next((stop for stop in rules.stops if holds(stop.when, answers)), None)


def slots_to_ask(rules: EligibilityRules, answers: dict[str, str | None]) -> list[str]:
    """The questions that matter given the answers so far, in order (answered ones included)."""
    if triggered_stop(rules, answers):
        return [q.slot for q in rules.questions if answers.get(q.slot) is not None]
    return [q.slot for q in rules.questions if not any(holds(c, answers) for c in q.skip_if)]


def next_question(rules: EligibilityRules, answers: dict[str, str | None]) -> str | None:
    return next((slot for slot in slots_to_ask(rules, answers) if answers.get(slot) is None), None)


def evaluate(rules: EligibilityRules, answers: dict[str, str | None]) -> Outcome:
    """Where the answers leave the user; 'unsure' counts as not yet met."""
    stop = triggered_stop(rules, answers)
    if stop:
        return Outcome(stop.status, stop.missing)
    missing = tuple(r.id for r in rules.requirements if not any(holds(c, answers) for c in r.met_if))
    return Outcome("in_progress" if missing else "meets_requirements", missing)
