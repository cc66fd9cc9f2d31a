"""Understands free-text answers to the eligibility questions: yes, no, not sure, and corrections.

People answer "passed it on my second try", "failed once, retaking in May" or "I got 360 in all four",
not "yes" or "no"; the NLU intent alone cannot tell those apart, so answers are read clause by
clause here. Anything unclear gives None, and the form asks again: nothing is guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.eligibility.rules import Question

YES, NO, UNSURE = "yes", "no", "unsure"
OET_GRADE_MIN = {"a": 450, "b": 350, "c+": 300, "c": 200}  # lowest score of each OET grade
OET_PART_NAMES = {"listening": "listening", "l": "listening", "reading": "reading", "r": "reading",
                  "writing": "writing", "w": "writing", "speaking": "speaking", "s": "speaking"}


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


UNSURE_CUES = _any(
    r"\bnot (?:really |quite |100% )?(?:sure|certain)\b", r"\bunsure\b", r"\bno idea\b", r"\bno clue\b",
    r"\bdon'?t know\b", r"\bdont know\b", r"\bidk\b", r"\bi think so\b", r"\bmaybe\b", r"\bperhaps\b",
    r"\bhow (?:do|can|would|should) i (?:check|know|find out|tell|see|confirm)\b", r"\bhow to (?:check|find out|know)\b",
    r"\bwhere (?:do|can) i (?:check|see|find)\b", r"\bcan'?t remember\b", r"\bi forgot\b", r"\bwhat does (?:that|this) mean\b",
    r"\bconfused\b", r"\bno sure\b", r"^\s*\?+\s*$")
# Said of the thing asked about: it is done. Ignored when a negation comes just before it.
DONE_CUES = _any(r"\bpass(?:ed)?\b", r"\bcleared\b", r"\bgraduated\b", r"\blisted\b", r"\baccepted\b",
                 r"\bapproved\b", r"\bgranted\b", r"\bvalid\b", r"\bcovers?\b", r"\bgot (?:my |the )?(?:diploma|degree)\b",
                 r"\bcompleted?\b", r"\bfinished\b", r"\bdone\b", r"\bmet\b",
                 r"\b(?:was|is|went|were) (?:fine|good|great|ok|okay)\b",
                 r"\bhas (?:an?|the) (?:ecfmg )?(?:sponsor )?note\b", r"\b(?:is|it's) (?:in|on) (?:the )?(?:world directory|wdoms)\b")
NEGATION_BEFORE = re.compile(r"(?:\bnot|n't|\bnever|\bno|\byet to|\bwithout)\W+(?:\w+\W+){0,2}$")
NOT_DONE_CUES = _any(
    r"\bnot yet\b", r"\bhaven'?t\b", r"\bhave not\b", r"\bhasn'?t\b", r"\bhas not\b", r"\bdidn'?t\b", r"\bdid not\b",
    r"\bisn'?t\b", r"\bis not\b", r"\bwasn'?t\b", r"\bdoesn'?t\b", r"\bdoes not\b", r"\bnot\b", r"\bnever\b",
    r"\bfail(?:ed|ing)?\b", r"\bflunked\b", r"\bretak(?:e|ing)\b", r"\bre-?sit(?:ting)?\b", r"\bsitting\b",
    r"\bwill (?:take|sit|write|graduate|do|apply|be)\b", r"\bgoing to\b", r"\bgonna\b", r"\bplan(?:ning)? to\b",
    r"\bscheduled\b", r"\bbooked\b", r"\bpreparing\b", r"\bstudying\b", r"\bstill (?:need|a student|in)\b",
    r"\bneed to\b", r"\bpending\b", r"\bunder review\b", r"\bwaiting\b", r"\bin process\b", r"\bprocessing\b",
    r"\bapplied\b", r"\bapplying\b", r"\bsubmitted\b", r"\bgraduating\b", r"\bstudent\b", r"\b(?:final|last) year\b",
    r"\bintern(?:ship)?\b",
    r"\bno note\b", r"\bnope\b", r"\bnah\b", r"\bno\b", r"\bnegative\b", r"\bnop\b", r"\bnay\b", "❌", "👎")
YES_CUES = _any(r"\byes+\b", r"\byep\b", r"\byeah?\b", r"\byup\b", r"\bya\b", r"\byas\b", r"\bsure\b", r"\bof course\b",
                r"\bofc\b", r"\bdefinitely\b", r"\babsolutely\b", r"\bcorrect\b", r"\bindeed\b", r"\bi (?:have|did|am|do)\b",
                r"\bit (?:is|does|has)\b", r"\bthat'?s right\b", r"\baffirmative\b", "✅", "👍")
QUESTION_START = re.compile(r"^(?:how|what|when|where|which|who|why|can|could|do|does|is|are|should|will|would)\b")
# Words that can stand beside a subject in "yes, and CK too" without saying anything of their own.
FILLER = {"too", "also", "as", "well", "both", "the", "my", "usmle", "exam", "one", "same", "for"}
CLAUSE_BREAK = re.compile(r"\s*(?:[,;.!]|\bbut\b|\band\b|\bhowever\b|\bthough\b|\balthough\b|\bthen\b)\s*")


@dataclass(frozen=True)
class Reading:
    """What one message says: the answer to the question asked, and answers to other questions."""

    answer: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    scores_incomplete: bool = False  # OET scores given, all passing, but not all four parts


def normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def mentioned_slots(clause: str, questions: tuple[Question, ...]) -> list[str]:
    found = []
    for question in questions:
        if any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", clause) for word in question.mentions):
            found.append(question.slot)
    return found


def only_names_subjects(clause: str, questions: tuple[Question, ...]) -> bool:
    """True for "ck too" or "step 1 as well": the clause borrows its yes or no from the one before."""
    rest = clause
    for question in questions:
        for word in sorted(question.mentions, key=len, reverse=True):
            rest = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", rest)
    return all(word in FILLER for word in re.findall(r"[\w']+", rest))


def polarity(clause: str) -> str | None:
    """yes / no / unsure for one clause, or None if it says neither."""
    if UNSURE_CUES.search(clause):
        return UNSURE
    for match in DONE_CUES.finditer(clause):
        if not NEGATION_BEFORE.search(clause[: match.start()]):
            return YES
    if NOT_DONE_CUES.search(clause):
        return NO
    if YES_CUES.search(clause):
        return YES
    return None


EVERY_PART = re.compile(
    r"\b([1-5]\d\d|(?:grade )?[abc]\+?(?:'?s)?)\s*(?:in|on|for)\s*(?:all|each|every|everything)\b"
    r"|\b(?:all|each|every)\s*(?:four |4 )?(?:parts?|sections?|subtests?|of them)?\s*(?:=|:|-|are|is|were|was)?\s*"
    r"(?:above |over )?([1-5]\d\d|(?:grade )?[abc]\+?'?s)\b")
NAMED_PART = re.compile(
    r"\b(listening|reading|writing|speaking)\s*[:=-]?\s*(?:of |was |is |got )?([1-5]\d\d|[abc]\+?)(?![\w+])"
    r"|\b([1-5]\d\d|[abc]\+?)\s*(?:in|on|for)\s*(listening|reading|writing|speaking)\b"
    r"|\b([lrws])\s*[:=-]?\s*([1-5]\d\d)\b")


def oet_scores(text: str, minimums: dict[str, int]) -> tuple[str | None, bool]:
    """(yes/no from the scores given, True if they pass so far but some parts are missing)."""
    scores: dict[str, int] = {}
    every = EVERY_PART.search(text)
    if every:
        value = _score_value(every.group(1) or every.group(2))
        if value is not None:
            scores = {part: value for part in minimums}
    for match in NAMED_PART.finditer(text):
        part = OET_PART_NAMES[match.group(1) or match.group(4) or match.group(5)]
        value = _score_value(match.group(2) or match.group(3) or match.group(6))
        if value is not None:
            scores[part] = value
    if not scores:
        return None, False
    if any(scores[part] < minimums[part] for part in scores):
        return NO, False
    if set(scores) == set(minimums):
        return YES, False
    return None, True


def _score_value(token: str) -> int | None:
    token = token.removeprefix("grade ").replace("'", "").rstrip("s") if not token.isdigit() else token
    if token.isdigit():
        return int(token) if 0 <= int(token) <= 500 else None
    return OET_GRADE_MIN.get(token)


def read_answer(text: str, asked: str, questions: tuple[Question, ...], intent: str | None = None) -> Reading:
    """Reads a message sent while `asked` was the open question.

    Clauses naming another subject ("actually I did pass CK") become corrections; a clause that names
    no subject answers the question asked. The latest clause wins, so "failed once, passed on my
    second try" is a yes. A clause naming a subject without yes or no takes the one before it
    ("yes, and CK too").
    """
    text = normalise(text)
    question = next(q for q in questions if q.slot == asked)
    if question.min_scores:
        verdict, incomplete = oet_scores(text, question.min_scores)
        if verdict or incomplete:
            return Reading(verdict, {}, incomplete)
    if UNSURE_CUES.search(text):
        return Reading(UNSURE)
    answer: str | None = None
    corrections: dict[str, str] = {}
    previous: str | None = None
    for clause in filter(None, CLAUSE_BREAK.split(text)):
        if "?" in clause or QUESTION_START.match(clause):
            continue
        said = polarity(clause)
        subjects = mentioned_slots(clause, questions)
        if said is None and subjects and only_names_subjects(clause, questions):
            said = previous
        if said is None:
            continue
        previous = said
        if not subjects or asked in subjects:
            answer = said
            continue  # a clause about the question asked ("the note doesn't cover my graduation year") corrects nothing
        for slot in subjects:
            corrections[slot] = said
    if answer is None and not corrections:
        answer = {"affirm": YES, "deny": NO}.get(intent or "")
    return Reading(answer, corrections)


def read_correction(text: str, questions: tuple[Question, ...]) -> dict[str, str]:
    """Answers a message changes after the check ended ("actually I did pass CK"): slot -> answer."""
    text = normalise(text)
    corrections: dict[str, str] = {}
    previous: str | None = None
    for clause in filter(None, CLAUSE_BREAK.split(text)):
        if "?" in clause or QUESTION_START.match(clause):
            continue
        subjects = mentioned_slots(clause, questions)
        said = polarity(clause)
        if said is None and subjects and only_names_subjects(clause, questions):
            said = previous
        if said is None:
            continue
        previous = said
        for slot in subjects:
            corrections[slot] = said
    return corrections
