"""`python -m bot review`: prints the report and writes CSV/HTML, or acts on it: --accept (into an entry
or a new one), --dismiss, --undo. Every action is recorded; a bad item or id is an ERROR line, never a traceback."""
from __future__ import annotations

import argparse
import getpass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StoreNotReadyError
from bot.review.arguments import argument_problem
from bot.review.acting import ActionError, Context, Outcome, accept, dismiss, start_entry, undo
from bot.review.collect import collect
from bot.review.export import render_csv
from bot.review.html import render_html
from bot.review.items import ItemError, select_items
from bot.review.text import render_text
from bot.store.db import make_session
from bot.store.queries import ensure_store_ready
from bot.store.user_data import create_user_tables


def run_review(knowledge_root: Path, url: str, tracker_url: str, args: argparse.Namespace) -> int:
    problem = argument_problem(args)
    if problem:
        print(f"ERROR: {problem}.")
        return 1
    now = datetime.now(timezone.utc)
    since = now - timedelta(days=args.days) if args.days else None
    try:
        with make_session(url) as session, session.begin():
            ensure_store_ready(session)
            create_user_tables(session)
            ctx = Context(session, knowledge_root, args.by or _login(), now, date.today())
            if args.undo is not None:
                outcome = undo(ctx, args.undo)
            else:
                review = collect(session, knowledge_root, now, since, tracker_url, args.days)
                if not (args.accept or args.dismiss):
                    _report(review, args)
                    return 0
                selection = select_items(review, args.accept or args.dismiss, for_accept=bool(args.accept))
                outcome = _act(ctx, selection, args)
    except (ActionError, ItemError) as err:
        print(f"ERROR: {err}. Nothing was changed.")
        return 1
    except StoreNotReadyError as err:
        print(f"ERROR: {err}")
        return 1
    except SQLAlchemyError as err:
        print(f"ERROR: the store at {url.split('@')[-1]} cannot be read ({err.__class__.__name__}). "
              "Check BOT_DATABASE_URL, or run `python -m bot load-db` if it was never loaded.")
        return 1
    return _finish(outcome, knowledge_root, checks_decide=bool(args.accept and args.entry))


def _act(ctx: Context, selection, args: argparse.Namespace) -> Outcome:
    if args.dismiss:
        return dismiss(ctx, selection, args.reason)
    if args.entry:
        return accept(ctx, selection, args.entry)
    return start_entry(ctx, selection, args.new_entry, args.topic)


def _finish(outcome: Outcome, knowledge_root: Path, checks_decide: bool) -> int:
    """Prints what was done; after a change to knowledge/ runs `check`, whose verdict an --accept returns
    (a new entry is expected to fail it until staff fill it in)."""
    print("\n".join(outcome.lines))
    if not outcome.changed_knowledge:
        return 0
    from bot.cli import check

    code = check(knowledge_root)
    return code if checks_decide else 0


def _report(review, args: argparse.Namespace) -> None:
    print(render_text(review), end="")
    for path, render, encoding in ((args.csv, render_csv, "utf-8-sig"), (args.html, render_html, "utf-8")):
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(review), encoding=encoding)
            print(f"Wrote {path}.")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"
