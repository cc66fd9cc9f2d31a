"""Understands free-text answers to the eligibility questions: yes, no, not sure, and corrections.

People answer "passed it on my second try", "failed once, retaking in May" or "I got 360 in all four",
not "yes" or "no"; the NLU intent alone cannot tell those apart, so answers are read clause by
clause here. Anything unclear gives None, and the form asks again: nothing is guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.eligibility.rules import Question

YES, NO, UNSURE = "yes", "no", "unsure"
OET_GRADE_MIN = {"a": 450, "b": 350, "c+": 300, "c": 200}  # lowest score of each OET grade
OET_PART_NAMES = {"listening": "listening", "l": "listening", "reading": "reading", "r": "reading",
                  "writing": "writing", "w": "writing", "speaking": "speaking", "s": "speaking"}


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


UNSURE_CUES = _any(
    r"\bnot (?:really |quite |100% )?(?:sure|certain)\b", r"\bunsure\b", r"\bno idea\b", r"\bno clue\b",
    r"\bdon'?t know\b", r"\bdont know\b", r"\bidk\b", r"\bdunno\b", r"\bdonno\b", r"\bno ?idea\b",
    r"\bnot known\b", r"\bunknown\b", r"\bno clue\b", r"\bnot sure\b", r"\bunclear\b", r"\bno se\b", r"\bi think so\b", r"\bmaybe\b", r"\bperhaps\b",
    r"\bhow (?:do|can|would|should) i (?:check|know|find out|tell|see|confirm)\b", r"\bhow to (?:check|find out|know)\b",
    r"\bwhere (?:do|can) i (?:check|see|find)\b", r"\bcan'?t remember\b", r"\b(?:don'?t|do not|dont|doesn'?t) (?:remember|recall)\b",
    r"\bnot (?:remember|recall)\b", r"\bnever checked\b", r"\bhaven'?t checked\b", r"\blost (?:the|my) (?:scores?|results?)\b", r"\bi forgot\b", r"\bwhat does (?:that|this) mean\b",
    r"\bconfused\b", r"\bno sure\b", r"^\s*\?+\s*$")
# Said of the thing asked about: it is done. Ignored when a negation comes just before it.
DONE_CUES = _any(r"\bpass(?:ed)?\b", r"\bcleared\b", r"\bgraduated\b", r"\blisted\b", r"\baccepted\b",
                 r"\bapproved\b", r"\bgranted\b", r"\b(?:issued|awarded|received|covered)\b", r"\bvalid\b", r"\bcovers?\b", r"\bgot (?:my |the )?(?:diploma|degree)\b",
                 r"\bcompleted?\b", r"\bfinished\b", r"\bdone\b", r"\bmet\b",
                 r"\b(?:was|is|went|were|are|it's|'s) (?:fine|good|great|ok|okay)\b",
                 r"\b(?:has|have|with) (?:an?|the) (?:ecfmg )?(?:sponsor )?note\b",
                 r"\b(?:is|it's|are) (?:in|on) (?:the )?(?:world directory|wdoms|directory|list)\b", r"\bconfirmed\b")
NEGATION_BEFORE = re.compile(r"(?:\bnot|n't|\bnever|\bno|\byet to|\bwithout)\W+(?:\w+\W+){0,2}$")
NOT_DONE_CUES = _any(
    r"\bnot yet\b", r"\bhaven'?t\b", r"\bhave not\b", r"\bhasn'?t\b", r"\bhas not\b", r"\bdidn'?t\b", r"\bdid not\b",
    r"\bisn'?t\b", r"\bis not\b", r"\bwasn'?t\b", r"\bdoesn'?t\b", r"\bdoes not\b", r"\bnot\b", r"\bnever\b",
    r"\bfail(?:ed|ing)?\b", r"\bflunked\b", r"\bretak(?:e|ing)\b", r"\bre-?sit(?:ting)?\b",
    r"(?<!same )(?<!one )(?<!single )(?<!a )(?<!first )\bsitting\b(?! (?:was|went|and|with))",
    r"\b(?:sit|take|write|give|do|appear|try)(?:ing)? (?:it |the exam |the test )?again\b",
    r"\bhave to (?:sit|take|retake|write|redo|repeat|give)\b", r"\b(?:missed|short|below|under) (?:by|the)\b",
    r"\bwill (?:take|sit|write|graduate|do|apply|be)\b", r"\bgoing to\b", r"\bgonna\b", r"\bplan(?:ning)? to\b",
    r"\bscheduled\b", r"\bbooked\b", r"\bpreparing\b", r"\bstudying\b", r"\bstill (?:need|a student|in)\b",
    r"\bneed to\b", r"\bpending\b", r"\bin progress\b", r"\bon ?going\b", r"\bstill (?:doing|working|waiting|completing)\b",
    r"\bawaiting\b", r"\bnot (?:out|released|back)\b", r"\bresults? (?:not|pending|awaited)\b", r"\bnext (?:month|week|year)\b",
    r"\bin (?:january|february|march|april|may|june|july|august|september|october|november|december) 20(?:2[7-9])\b", r"\bunder review\b", r"\bwaiting\b", r"\bin process\b", r"\bprocessing\b",
    r"\bapplied\b", r"\bapplying\b", r"\bsubmitted\b", r"\bgraduating\b", r"\bstudent\b", r"\b(?:final|last) year\b",
    r"\bintern(?:ship)?\b(?! (?:in|during|from|ended|finished) (?:19|20)(?:[01]\d|2[0-6])\b)",
    r"\bno note\b", r"\bnope\b", r"\bnah\b", r"\bno\b", r"\bnegative\b", r"\bnop\b", r"\bnay\b", "❌", "👎")
YES_CUES = _any(r"\byes+\b", r"\byep\b", r"\byeah?\b", r"\byup\b", r"\bya\b", r"\byas\b", r"\bsure\b", r"\bof course\b",
                r"\bofc\b", r"\bdefinitely\b", r"\babsolutely\b", r"\bcorrect\b", r"\bindeed\b", r"\bi (?:have|did|am|do)\b",
                r"\bit (?:is|does|has)\b", r"\bthat'?s right\b", r"\baffirmative\b", "✅", "👍")
# A note or listing that covers other years than the user's: "the note only covers up to 2018", "starts from 2019".
LIMITED_COVERAGE = re.compile(r"\bonly (?:covers?|goes|from|until|till|up to|for|starts?)\b|\b(?:starts?|begins?) (?:from |in |with |at )?(?:19|20)\d\d\b"
                              r"|\bnot (?:covered|included|listed)\b|\bstops? (?:at|in|before)\b")
ASKING = re.compile(r"\b(?:want(?:ed)? to know|wondering|whether|if i (?:am|can|have|meet|qualify))\b")
# Words that tie a leading yes or no to the question asked even when what follows is about something else.
LINKED = re.compile(r"\b(?:but|however|though|although|too|also|as well|both|either|neither)\b|^\W*[\w']+[\s,!.]+and\b")
ABOUT_AN_ANSWER = re.compile(r"\b(?:by mistake|mistakenly|by accident|accidentally|wrongly|my (?:mistake|bad)|typo|"
                             r"(?:i )?(?:said|answered|wrote|typed|pressed|clicked) (?:yes|no|the wrong))\b")
# A USMLE score alone ("CK 262", "got 248"): the bot has no passing score to judge it by, so it asks.
STEP_SCORE = re.compile(r"(?<![\d.])(?:[12]\d\d|300)(?![\d.])")
WH_START = re.compile(r"^(?:how|what|when|where|which|who|why)\b")
QUESTION_START = re.compile(r"^(?:how|what|when|where|which|who|why|can|could|do|does|is|are|am|should|will|would)\b")
# Words that can stand beside a subject in "yes, and CK too" without saying anything of their own.
FILLER = {"too", "also", "as", "well", "both", "the", "my", "usmle", "exam", "one", "same", "for", "in", "back", "on",
          "at", "with", "and", "first", "second", "attempt", "try", "last", "year", "month", "ago", "already"}
GRADUATED = "graduated"  # slot ids are fixed (knowledge/eligibility.yml)
USMLE_STEPS = {"step1_passed", "step2ck_passed"}
# Sounds said before the answer: "oh no, I just opened wdoms again" is not a "no".
INTERJECTION = re.compile(r"^(?:(?:oh no|oh|ah|uh+|hmm+|ugh|oops|wait|hold on|well|okay|ok|hey)\b[\s!]*)+")
BARE_VERDICT = re.compile(
    r"^(?:(?:unfortunately|sadly|actually|sorry|honestly)\s+)?(?:yes+|yeah?|yep|yup|ya|of course|ofc|sure|correct|"
    r"no+|nope|nah|not yet|never|negative)(?:\s+(?:sir|madam|ma'?am|mam|dear|doctor|i (?:have|did|am|do|haven't|didn't)))?\s*$")
EXAM_WORDS = r"(?!step|ck\b|cs\b|oet|pathway|usmle|exam|test)"
GRADUATION_YEAR = re.compile(
    rf"\b(?:graduated|graduating|graduate|grad|finished|completed|passed out|class of|yog|mbbs|md|will graduate)\b"
    rf"(?:{EXAM_WORDS}[^.?!;]){{0,40}}?\b((?:19|20)\d\d)\b"
    r"|\b((?:19|20)\d\d)\s+(?:grad|graduate|mbbs|yog|batch)\b")
FUTURE = re.compile(r"\b(?:will|going to|gonna|expect\w*|graduating|due to|should)\b")
CLAUSE_BREAK = re.compile(r"\s*(?:[,;.!:()&]|(?<=\?)|\bso\b|\bbut\b|\band\b|\bn\b|\bhowever\b|\bthough\b|\balthough\b|\bthen\b)\s*")


@dataclass(frozen=True)
class Reading:
    """What one message says: the answer to the question asked, and answers to other questions."""

    answer: str | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    scores_incomplete: bool = False  # OET scores given, all passing, but not all four parts
    score_only: bool = False  # a USMLE score without pass or fail, to the Step question asked
    asks: bool = False  # the message also asks something ("what is CS? never heard of it")


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
    rest = re.sub(r"\b(?:19|20)\d\d(?:\s*[-/]\s*\d{2,4})?\b", " ", rest)  # "step 1 in 2018", "ck in 2013-14"
    rest = re.sub(r"\b(?:in|at) [a-z]+\b", " ", rest)  # "cs in houston"
    return all(word in FILLER for word in re.findall(r"[\w']+", rest))


def polarity(clause: str, plain_yes: bool = True) -> str | None:
    """yes / no / unsure for one clause, or None if it says neither. plain_yes=False ignores a bare "yes"
    or "I am", which only answer the question asked, never a subject carried over from the clause before."""
    if UNSURE_CUES.search(clause):
        return UNSURE
    if LIMITED_COVERAGE.search(clause):
        return NO
    for match in DONE_CUES.finditer(clause):
        if not NEGATION_BEFORE.search(clause[: match.start()]):
            return YES
    if NOT_DONE_CUES.search(clause):
        return NO
    if plain_yes and YES_CUES.search(clause):
        return YES
    return None


EVERY_PART = re.compile(
    r"\b([1-5]\d\d|(?:grade )?[abc]\+?(?:'?s)?)\+?\s*(?:or (?:more|above|higher)\s*)?(?:in|on|for|across)\s*(?:all|each|every|everything|the four|both)\b"
    r"|\b(?:all|each|every)\s*(?:four |4 )?(?:parts?|sections?|subtests?|of them)?\s*(?:=|:|-|are|is|were|was)?\s*"
    r"(?:above |over )?([1-5]\d\d|(?:grade )?[abc]\+?'?s)\b")
NAMED_PART = re.compile(
    r"\b(listening|reading|writing|speaking)\s*[:=-]?\s*(?:of |was |is |got |came |came out |came out at |was only |only |at )?([1-5]\d\d|[abc]\+?)(?![\w+])"
    r"|\b([1-5]\d\d|[abc]\+?)\s*(?:in|on|for)\s*(listening|reading|writing|speaking)\b"
    r"|\b([lrws])\s*[:=-]?\s*([1-5]\d\d)\b")


# OET counts only when all four parts pass in one sitting: "L 370 R 360 in first attempt, S 360 W 320 in the second".
SPLIT_SITTINGS = re.compile(r"\b(?:two|2|different|separate|multiple|several) (?:sittings|attempts|tries|exams|tests)\b"
                            r"|\b(?:first|1st)\b.*\b(?:second|2nd|next|other) (?:attempt|sitting|try|time)\b")
OET_NAMED = re.compile(r"\boet\b")
PART_NAME = re.compile(r"\b(listening|reading|writing|speaking)\b")
HESITATION = re.compile(r"\b(?:u+m+|h+m+|u+h+|e+r+m*|e+h+)\b")  # "ummm ok so" is not an answer


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
        scores = _scores_in_order(text)
    if not scores:
        return None, False
    if any(scores[part] < minimums[part] for part in scores) or SPLIT_SITTINGS.search(text):
        return NO, False
    if set(scores) == set(minimums):
        return YES, False
    return None, True


def _scores_in_order(text: str) -> dict[str, int]:
    """"B, B, B, C+ (listening, reading, speaking, writing)": four values, then the four parts in the same order."""
    names = [OET_PART_NAMES[name] for name in PART_NAME.findall(text)]
    values = [_score_value(token) for token in re.findall(r"(?<![\w+])([1-5]\d\d|[abc]\+?)(?![\w+])", text)]
    if len(names) != 4 or len(set(names)) != 4 or len(values) != 4 or None in values:
        return {}
    return dict(zip(names, values))


def _score_value(token: str) -> int | None:
    token = token.removeprefix("grade ").replace("'", "").rstrip("s") if not token.isdigit() else token
    if token.isdigit():
        return int(token) if 0 <= int(token) <= 500 else None
    return OET_GRADE_MIN.get(token)


def read_answer(text: str, asked: str, questions: tuple[Question, ...], intent: str | None = None) -> Reading:
    """Reads a message sent while `asked` was the open question.

    Clauses naming another subject ("actually I did pass CK") become corrections; a clause that names
    no subject answers the question asked. A bare yes or no first is the answer, whatever details
    follow ("no :( the note only covers up to 2020"); otherwise the latest clause wins, so "failed
    once, passed on my second try" is a yes. A clause naming a subject without yes or no takes the
    one before it ("yes, and CK too").
    """
    text = normalise(text)
    question = next(q for q in questions if q.slot == asked)
    asks = "?" in text or any(WH_START.match(clause.strip()) for clause in _clauses(text))
    if question.min_scores:
        verdict, incomplete = oet_scores(text, question.min_scores)
        if verdict or incomplete:
            return Reading(verdict, {}, incomplete, asks)
    answer, facts = _walk(text, questions, asked)
    facts.update(_scores_given_unasked(text, questions))
    facts.update({slot: value for slot, value in _passing_step_scores(text, questions).items() if slot != asked})
    graduation = graduation_from_year(text)
    if graduation and GRADUATED not in facts:
        if asked != GRADUATED:
            facts[GRADUATED] = graduation
        elif answer is None:
            answer = graduation
    if answer is None and not facts:
        if UNSURE_CUES.search(text):
            answer = UNSURE
        elif asked in USMLE_STEPS and (score := STEP_SCORE.search(text)) and not asks:
            if question.pass_score and int(score.group()) >= question.pass_score:
                return Reading(YES)
            return Reading(score_only=True)
        elif not HESITATION.search(text):
            answer = {"affirm": YES, "deny": NO}.get(intent or "")
    return Reading(answer, facts, asks=asks)


def _passing_step_scores(text: str, questions: tuple[Question, ...]) -> dict[str, str]:
    """"step 1 212 in 2020": yes for a score named with its exam at or above that exam's pass score."""
    found = {}
    for question in questions:
        if question.pass_score:
            names = "|".join(re.escape(m) for m in sorted(question.mentions, key=len, reverse=True))
            match = re.search(rf"(?<![\w-])(?:{names})\s*(?:score\s*)?(?:[:=-]|of|was|with)?\s*(\d{{3}})(?!\d)", text)
            if match and int(match.group(1)) >= question.pass_score:
                found[question.slot] = YES
    return found


def _scores_given_unasked(text: str, questions: tuple[Question, ...]) -> dict[str, str]:
    """OET scores in a message about something else ("OET results just came: L380 R360 S340 W310"):
    read only when the message names OET or at least three of its parts, so a lone "360" says nothing."""
    for question in questions:
        if question.min_scores:
            if OET_NAMED.search(text) or len(set(PART_NAME.findall(text))) >= 3 \
                    or len(NAMED_PART.findall(text)) >= 3:
                verdict, _ = oet_scores(text, question.min_scores)
                if verdict:
                    return {question.slot: verdict}
    return {}


def read_facts(text: str, questions: tuple[Question, ...]) -> dict[str, str]:
    """Answers a message states by naming their subject: an opener ("2022 grad, passed Step 1 and CK, am I
    eligible?") or a correction after the check ("actually I did pass CK"). slot -> answer."""
    text = normalise(text)
    _, facts = _walk(text, questions, None)
    facts.update(_scores_given_unasked(text, questions))
    facts.update(_passing_step_scores(text, questions))
    graduation = graduation_from_year(text)
    if graduation and GRADUATED not in facts:
        facts[GRADUATED] = graduation
    return facts


def _walk(text: str, questions: tuple[Question, ...], asked: str | None) -> tuple[str | None, dict[str, str]]:
    """(answer to `asked`, {other slot: answer}) from the message's clauses, questions skipped."""
    answer: str | None = None
    facts: dict[str, str] = {}
    previous: str | None = None
    carried: list[str] = []  # subjects of the clause before, for "my note starts from 2018, so my year is not covered"
    pending: list[str] = []  # subjects named alone, waiting for the next clause's verdict: "step 1 and CK both passed"
    leading = False
    # "yes, I completed MBBS in 2019" to the Step 1 question: the yes goes with what follows, not the question.
    about_asked = about_other = False
    for index, raw in enumerate(_clauses(text)):
        clause = INTERJECTION.sub("", raw).strip()
        if not clause or _is_question(clause):
            carried, pending = [], []
            continue
        bare = bool(BARE_VERDICT.match(clause))
        subjects = mentioned_slots(clause, questions)
        said = polarity(clause)
        names_only = bool(subjects) and only_names_subjects(clause, questions)
        if said is None and names_only:
            said = previous
        # A verdict after the first clause is said of the subject before it: "the ceremony is in May so not yet".
        if not subjects and (not bare or index > 0) and carried:
            subjects, said = carried, polarity(clause, plain_yes=asked in carried)
        if said is None:
            if names_only:
                pending = [*pending, *subjects]
            carried = subjects or carried
            continue
        previous = said
        earlier, pending = [slot for slot in pending if slot not in subjects], []
        for slot in earlier:
            if slot != asked:
                facts[slot] = said
        if index > 0 and asked is not None:
            if not subjects or asked in subjects or asked in earlier:
                about_asked = True
            elif not names_only:
                about_other = True
        if asked is not None and (not subjects or asked in subjects or asked in earlier):
            # After a bare "no", only a short retort changes it ("no, I passed"); details do not ("no, the note
            # only covers up to 2019 and I finished in 2021").
            if not leading and answer != UNSURE or len(clause.split()) <= 3:
                answer = said
            leading = leading or (index == 0 and bare)
            if asked not in subjects:
                facts.update({slot: said for slot in subjects})
            carried = []
            continue  # a clause about the question asked ("the note doesn't cover my graduation year") corrects nothing
        for slot in subjects:
            facts[slot] = said
        carried = subjects
    if leading and about_other and not about_asked and not LINKED.search(text):
        answer = None
    return answer, facts


def _clauses(text: str) -> list[str]:
    return [clause for clause in CLAUSE_BREAK.split(text) if clause]


def _is_question(clause: str) -> bool:
    """Also true for a remark about an earlier answer ("I answered no by mistake"): it says nothing new."""
    return "?" in clause or bool(QUESTION_START.match(clause.strip())) or bool(ASKING.search(clause)) \
        or bool(ABOUT_AN_ANSWER.search(clause))


def graduation_from_year(text: str) -> str | None:
    """"2021 grad", "MBBS 2019", "finished med school in Kharkiv in 2021": yes, or no for a year still to come."""
    match = GRADUATION_YEAR.search(text)
    if not match:
        return None
    year = int(match.group(1) or match.group(2))
    return NO if year > date.today().year or FUTURE.search(match.group(0)) else YES
