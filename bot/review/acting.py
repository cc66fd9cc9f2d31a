"""What --accept, --new-entry, --dismiss and --undo do: change knowledge/ or the report, and record it.

Only redacted text reaches knowledge/: the stored questions were redacted when stored, and are
redacted again here in case the rules have grown since.
"""
from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.errors import Problem
from bot.kb.checks import normalise_phrasing
from bot.kb.fields import ID_PATTERN, suggest_id
from bot.kb.loader import load_knowledge
from bot.kb.model import Knowledge
from bot.kb.validate import find_problems
from bot.redact import redact
from bot.review.clustering import wording_key
from bot.review.collect import candidates_for, entry_infos
from bot.review.items import Selection
from bot.review.records import (ReviewAction, as_utc, handle_questions, handle_votes, is_published, record_action,
                                reopen_questions, reopen_votes, store_loaded_at)
from bot.review.yaml_edit import (EditError, NewEntry, add_phrasings, append_entry, has_entry, one_line, remove_entry,
                                  remove_phrasings)
from bot.store.user_data import UnansweredQuestion

MAX_RELATED = 3


class ActionError(ValueError):
    """The action cannot be done as asked; the message says what to do instead. Nothing was changed."""


@dataclass(frozen=True)
class Context:
    session: Session
    knowledge_root: Path
    by: str
    now: datetime
    today: date


@dataclass(frozen=True)
class Outcome:
    lines: list[str]
    changed_knowledge: bool  # then the command runs `check`


@dataclass(frozen=True)
class Phrasing:
    text: str  # redacted, one line
    questions: tuple[UnansweredQuestion, ...]  # every selected question asked this way


def accept(ctx: Context, selection: Selection, entry_id: str) -> Outcome:
    knowledge, _ = load_knowledge(ctx.knowledge_root)
    entry = knowledge.entries.get(entry_id)
    if entry is None:
        raise ActionError(f"There is no entry '{entry_id}' in knowledge/. {_id_hint(entry_id, knowledge)}")
    path = ctx.knowledge_root.parent / entry.file
    owners = _phrasing_owners(knowledge)
    phrasings = _phrasings(selection)
    here = [p for p in phrasings if owners.get(normalise_phrasing(p.text)) == entry_id]
    elsewhere = [p for p in phrasings if owners.get(normalise_phrasing(p.text)) not in (None, entry_id)]
    new = [p for p in phrasings if normalise_phrasing(p.text) not in owners]
    added, refused, first_line = _add_checked(ctx, path, entry_id, new)
    done = here + [p for p in new if p.text in added]
    if not done:
        raise ActionError("Nothing was added: " + "; ".join(_not_added(elsewhere, refused, owners)
                                                            or ["there were no questions to add"]))
    handled = handle_questions(ctx.session, [q.id for p in done for q in p.questions], ctx.now)
    where = entry.file
    summary = f"added {len(added)} phrasing(s) from {', '.join(selection.names)} to '{entry_id}' ({where})"
    action = record_action(ctx.session, ctx.now, ctx.by, "accept", summary, {
        "file": _relative(path, ctx.knowledge_root), "entry": entry_id, "phrasings": added, "questions": handled})
    lines = [f"Added {len(added)} phrasing(s) from {', '.join(selection.names)} to entry '{entry_id}' in {where}"
             + (f", from line {first_line}:" if added else ".")]
    lines += [f"  + {text}" for text in added]
    if here:
        lines.append(f"Already phrasings of '{entry_id}': " + "; ".join(f"'{p.text}'" for p in here) + ".")
    lines += [f"Not added: {reason}." for reason in _not_added(elsewhere, refused, owners)]
    lines += [f"{len(handled)} question(s) leave the review. Recorded as action {action.id} by {ctx.by}. "
              f"Undo: python -m bot review --undo {action.id}",
              "Next: `python -m bot publish` retrains the bot on the new phrasings, so it answers these questions.",
              ""]
    return Outcome(lines, bool(added))


def start_entry(ctx: Context, selection: Selection, entry_id: str, topic_id: str) -> Outcome:
    knowledge, _ = load_knowledge(ctx.knowledge_root)
    if not ID_PATTERN.match(entry_id):
        raise ActionError(f"'{entry_id}' is not a valid entry id. Use lowercase letters, digits and underscores, "
                          f"e.g. '{suggest_id(entry_id)}'")
    if entry_id in knowledge.entries:
        raise ActionError(f"Entry '{entry_id}' exists already ({knowledge.entries[entry_id].origin}). To add the "
                          f"questions to it use --entry {entry_id}; for a new entry pick another id, e.g. "
                          f"'{entry_id}_2'")
    topic = next((t for t in knowledge.topics if t.id == topic_id), None)
    if topic is None:
        raise ActionError(f"There is no topic '{topic_id}'. Use the 'topic:' id of a file in knowledge/faq/: "
                          f"{', '.join(sorted(t.id for t in knowledge.topics))}")
    owners = _phrasing_owners(knowledge)
    phrasings = _phrasings(selection)
    elsewhere = [p for p in phrasings if normalise_phrasing(p.text) in owners]
    new = [p for p in phrasings if normalise_phrasing(p.text) not in owners]
    if not new:
        raise ActionError("No entry was started: " + "; ".join(_not_added(elsewhere, [], owners)))
    entries = entry_infos(ctx.session, knowledge)
    related = [c.entry.id for c in candidates_for(list(selection.questions), entries)
               if c.entry.id in knowledge.entries][:MAX_RELATED]
    owner = Counter(knowledge.entries[i].owner for i in topic.entry_ids).most_common(1)
    path = ctx.knowledge_root.parent / topic.file
    draft = NewEntry(entry_id, new[0].text, tuple(p.text for p in new), owner[0][0] if owner else "",
                     tuple(related), f"{', '.join(selection.names)} of `python -m bot review`")
    text, block, line = _edited(path, lambda t: append_entry(t, draft))
    path.write_text(text, encoding="utf-8")
    handled = handle_questions(ctx.session, [q.id for p in new for q in p.questions], ctx.now)
    summary = f"started entry '{entry_id}' in {topic.file} with {len(new)} phrasing(s) from {', '.join(selection.names)}"
    action = record_action(ctx.session, ctx.now, ctx.by, "new_entry", summary, {
        "file": _relative(path, ctx.knowledge_root), "entry": entry_id, "block": block, "questions": handled})
    lines = [f"Started entry '{entry_id}' in {topic.file} at line {line} with {len(new)} phrasing(s) from "
             f"{', '.join(selection.names)}.",
             "Still to write there: the answer, its official source(s) and the date you checked it (marked "
             "'to write'); check the main question too. `check` (below) and `publish` refuse the entry until then."]
    lines += [f"Not added: {reason}." for reason in _not_added(elsewhere, [], owners)]
    lines += [f"{len(handled)} question(s) leave the review. Recorded as action {action.id} by {ctx.by}. "
              f"Undo: python -m bot review --undo {action.id}", ""]
    return Outcome(lines, True)


def dismiss(ctx: Context, selection: Selection, reason: str) -> Outcome:
    if not reason.strip():
        raise ActionError("Say why with --reason, e.g. --reason 'out of scope' or --reason spam")
    questions = handle_questions(ctx.session, [q.id for q in selection.questions], ctx.now)
    votes = handle_votes(ctx.session, [v.id for v in selection.votes], ctx.now)
    counted = ", ".join(filter(None, [f"{len(questions)} question(s)" if questions else "",
                                      f"{len(votes)} vote(s)" if votes else ""]))
    summary = f"dismissed {', '.join(selection.names)} ({counted}): {reason.strip()}"
    action = record_action(ctx.session, ctx.now, ctx.by, "dismiss", summary,
                           {"questions": questions, "votes": votes, "reason": reason.strip()})
    return Outcome([f"Dismissed {', '.join(selection.names)}: {counted} leave the review. Recorded as action "
                    f"{action.id} by {ctx.by}. Undo: python -m bot review --undo {action.id}"], False)


def undo(ctx: Context, action_id: int) -> Outcome:
    action = ctx.session.get(ReviewAction, action_id)
    if action is None:
        raise ActionError(f"There is no action {action_id}. The numbers are in the last section of "
                          "`python -m bot review`")
    if action.undone_at:
        raise ActionError(f"Action {action_id} was undone already, on {as_utc(action.undone_at):%Y-%m-%d %H:%M} UTC "
                          f"by {action.undone_by}")
    loaded_at = store_loaded_at(ctx.session)
    detail = action.detail
    if is_published(action, loaded_at):
        raise ActionError(f"Action {action_id} ({action.summary}) is published: the store was loaded on "
                          f"{loaded_at:%Y-%m-%d %H:%M} UTC, after it. Change knowledge/{detail['file']} by hand, "
                          "then publish again")
    lines = [f"Undid action {action_id} ({action.summary})."]
    if action.kind == "accept":
        lines.append(_undo_phrasings(ctx, detail))
    elif action.kind == "new_entry":
        lines.append(_undo_entry(ctx, detail))
    questions = reopen_questions(ctx.session, detail.get("questions", []))
    votes = reopen_votes(ctx.session, detail.get("votes", []))
    lines.append(f"{questions} question(s) and {votes} vote(s) are back in the review.")
    action.undone_at, action.undone_by = ctx.now, ctx.by
    return Outcome(lines, action.kind != "dismiss")


def _undo_phrasings(ctx: Context, detail: dict) -> str:
    path = ctx.knowledge_root / detail["file"]
    text, removed = _edited(path, lambda t: remove_phrasings(t, detail["entry"], detail["phrasings"]))
    if removed:
        path.write_text(text, encoding="utf-8")
    missing = [p for p in detail["phrasings"] if p not in removed]
    return (f"Removed {len(removed)} phrasing(s) from entry '{detail['entry']}' in knowledge/{detail['file']}."
            + (f" Not found any more (changed by hand?): {'; '.join(repr(p) for p in missing)}." if missing else ""))


def _undo_entry(ctx: Context, detail: dict) -> str:
    path = ctx.knowledge_root / detail["file"]
    text = _read(path)
    if not has_entry(text, detail["entry"]):
        return f"Entry '{detail['entry']}' is not in knowledge/{detail['file']} any more; nothing to remove there."
    try:
        path.write_text(remove_entry(text, detail["entry"], detail["block"]), encoding="utf-8")
    except EditError as err:
        raise ActionError(f"knowledge/{detail['file']}: {err}") from err
    return f"Removed entry '{detail['entry']}' from knowledge/{detail['file']}."


def _add_checked(ctx: Context, path: Path, entry_id: str, new: list[Phrasing]) -> tuple[list[str], list[Problem], int]:
    """Adds the phrasings unless that makes `check` find a new problem; a phrasing named by one is left out.
    Returns (phrasings added, problems that kept phrasings out, first line added)."""
    if not new:
        return [], [], 0
    original = _read(path)
    before = _problem_keys(find_problems(ctx.knowledge_root, ctx.today)[1])
    texts = [p.text for p in new]
    refused: list[Problem] = []
    introduced: list[Problem] = []
    for _ in range(3):  # with all; then without those the check named, twice at most
        text, first_line = _edited(path, lambda t: add_phrasings(t, entry_id, texts))
        path.write_text(text, encoding="utf-8")
        introduced = [p for p in find_problems(ctx.knowledge_root, ctx.today)[1]
                      if (p.file, p.what, p.fix) not in before]
        if not introduced:
            return texts, refused, first_line
        path.write_text(original, encoding="utf-8")
        named = [t for t in texts if any(f"'{t}'" in p.what for p in introduced)]
        if not named:
            break
        refused += [p for p in introduced if any(f"'{t}'" in p.what for t in named)]
        texts = [t for t in texts if t not in named]
        if not texts:
            return [], refused, 0
    raise ActionError("Nothing was added: the change makes `python -m bot check` report "
                      + " ".join(str(p) for p in introduced))


def _not_added(elsewhere: list[Phrasing], refused: list[Problem], owners: dict[str, str]) -> list[str]:
    reasons = [f"'{p.text}' is already a phrasing of entry '{owners[normalise_phrasing(p.text)]}' (move it there by "
               "hand if it belongs here)" for p in elsewhere]
    return reasons + [f"{p.what} ({p.fix})" for p in refused]


def _phrasings(selection: Selection) -> list[Phrasing]:
    """One phrasing per wording; identical and near-identical questions become one."""
    same: dict[str, list[UnansweredQuestion]] = {}
    for question in selection.questions:
        same.setdefault(wording_key(redact(question.text)), []).append(question)
    found = [Phrasing(one_line(redact(qs[0].text)), tuple(qs)) for qs in same.values()]
    return [p for p in found if p.text]


def _phrasing_owners(knowledge: Knowledge) -> dict[str, str]:
    owners: dict[str, str] = {}
    for entry in knowledge.entries.values():
        for text in (entry.question, *entry.also_asked):
            owners.setdefault(normalise_phrasing(text), entry.id)
    return owners


def _problem_keys(problems: list[Problem]) -> set[tuple[str, str, str]]:
    """Problems without their line: inserting lines moves the ones below, which is no new problem."""
    return {(p.file, p.what, p.fix) for p in problems}


def _edited(path: Path, edit):
    try:
        return edit(_read(path))
    except EditError as err:
        raise ActionError(f"{path.name}: {err}") from err


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise ActionError(f"{path} cannot be read ({err.strerror}). Run `python -m bot check`") from err


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _id_hint(entry_id: str, knowledge: Knowledge) -> str:
    close = difflib.get_close_matches(entry_id, list(knowledge.entries), n=1)
    return (f"Did you mean '{close[0]}'? " if close else "") + \
        "Use an id from the report's 'best entries', or the 'id:' of an entry in knowledge/faq/"
