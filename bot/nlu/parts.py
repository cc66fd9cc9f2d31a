"""Finds the questions in a message: sentences, clauses and numbered sub-questions, minus greetings and biography.

Real posts read "Respected sir, I am from Lahore, graduated 2019, failed CK once. 1) how many attempts
are left 2) what is the fee now?". Ranking the whole post lets the biography pick the entry; ranking
each question on its own, with the whole post as a weaker second opinion, does not.
"""
from __future__ import annotations

import re

MAX_PARTS = 3

# Numbered or lettered sub-questions: "1)", "2.", "(3)", "a)", "Q2:", "second question:".
ENUMERATOR = re.compile(
    r"(?:^|\s)(?<!step\s)(?<!steps\s)(?<!pathway\s)(?<!part\s)(?<!level\s)(?:\(?[1-9][).:]|\(?[a-c]\)|q[1-9]\s*[:.)]?|(?:first|second|third|another|last)(?: question)?\s*[:,-])\s+",
    re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[?!])\s*|(?<=[.;])\s+|\s*\n+\s*")
# A second question joined by "and"/"also"/"plus": "who do I pay now, and how much is it?" A question word
# always starts one; a verb ("and is it ...") only in a sentence that asks, not in "... and has the note".
JOINED_BY_QUESTION_WORD = re.compile(
    r"(?:,\s*|\s+)(?:and|also|plus|or|,)\s+(?:also\s+)?(?=(?:how|what|when|where|which|who|why)\b)", re.IGNORECASE)
JOINED_BY_VERB = re.compile(
    r"(?:,\s*|\s+)(?:and|also|plus|or|,)\s+(?:also\s+)?(?=(?:how|what|when|where|which|who|why|is|are|do|does|can|"
    r"could|should|will|would|did|has|have)\b)", re.IGNORECASE)
QUESTION_WORD = re.compile(
    r"^(?:so\s+|and\s+|but\s+|also\s+|now\s+|then\s+|ok\s+|pls\s+|please\s+)?(?:how|what|whats|what's|when|where|which|"
    r"who|whom|whose|why|is|are|am|do|does|did|can|could|should|shall|will|would|may|might|must|has|have|any|wat|wht|hw)\b",
    re.IGNORECASE)
ASKING_PHRASE = re.compile(
    r"\b(?:i (?:want|wanted|would like|need) to know|(?:pls|please|plz|kindly|can you|could you) (?:tell|explain|guide|help|"
    r"clarify|let me know|confirm|advise|suggest|share)|i (?:am|'m) (?:confused|wondering|not sure)|wondering|"
    r"(?:any|need) (?:idea|advice|info|information|help|guidance)|is it (?:true|possible|necessary|required|ok|okay)|"
    r"tell me|let me know|explain|i don'?t (?:know|understand)|do i need|what about|how about|how much|how long|"
    r"what is|what are|am i|is there)\b", re.IGNORECASE)
GREETING_ONLY = re.compile(
    r"^(?:(?:hi|hello|hey|hii+|helo|dear|respected|good (?:morning|evening|afternoon|day)|greetings|salam|salaam|"
    r"assalam\w*|namaste|hola|ola|bonjour|sir|madam|mam|ma'am|maam|doctors?|all|everyone|team|friends|guys|seniors|"
    r"bot|ecfmg(?: guide)?|there|folks|colleagues|thanks?(?: in advance)?|thank you(?: in advance)?|thx|regards|"
    r"please help|pls help|plz help|help me|help|urgent|kindly help|god bless|best|cheers)[\s,.!:;-]*)+$",
    re.IGNORECASE)
WORD = re.compile(r"[\w'+-]+")
CONTINUATION = re.compile(r"^(?:and|or|also|plus|what about|how about|n)\b", re.IGNORECASE)


def looks_like_question(sentence: str) -> bool:
    stripped = sentence.strip()
    return "?" in stripped or bool(QUESTION_WORD.match(stripped)) or bool(ASKING_PHRASE.search(stripped))


def sentences(text: str) -> list[str]:
    """Sentences and numbered items, with greeting-only pieces dropped."""
    pieces: list[str] = []
    for chunk in ENUMERATOR.split(" " + text.strip()):
        for sentence in SENTENCE_END.split(chunk):
            joined = JOINED_BY_VERB if "?" in (sentence or "") else JOINED_BY_QUESTION_WORD
            for clause in joined.split(sentence or ""):
                clause = clause.strip(" ,;:-")
                if clause and WORD.search(clause) and not GREETING_ONLY.match(clause):
                    pieces.append(clause)
    return pieces


def leans_on_previous(question: str) -> bool:
    """"fee?" or "and ck?": too short to rank alone, it continues the question before it."""
    words = WORD.findall(question)
    return len(words) < 2 or (len(words) <= 3 and bool(CONTINUATION.match(question.strip())))


def split_parts(text: str) -> list[str]:
    """The questions of a message, at most MAX_PARTS, each long enough to rank on its own.

    A message with no recognisable question ("ck fee 2027") is one part; so is a message whose
    sentences are all questions but one short piece ("fee?"), which is then joined to its neighbour.
    """
    pieces = sentences(text)
    if not pieces:
        return [text.strip()]
    questions = [p for p in pieces if looks_like_question(p)]
    if not questions:
        return [" ".join(pieces)]
    merged: list[str] = []
    for question in questions:
        if merged and leans_on_previous(question):
            merged[-1] = f"{merged[-1]} {question}"  # "and the fee?" leans on the question before it
        else:
            merged.append(question)
    return merged[:MAX_PARTS]


def story_of(text: str) -> str:
    """The sentences that tell rather than ask: the user's background, kept as context for ranking."""
    return " ".join(p for p in sentences(text) if not looks_like_question(p))
