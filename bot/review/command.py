"""`python -m bot review`: prints the report, writes CSV/HTML, or marks items handled."""
from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.errors import StoreNotReadyError
from bot.review.collect import NO_ENTRY, collect
from bot.review.export import render_csv
from bot.review.html import render_html
from bot.review.text import render_text
from bot.store.db import make_session
from bot.store.queries import ensure_store_ready
from bot.store.user_data import (create_user_tables, mark_entry_handled, mark_out_of_scope_handled,
                                 mark_questions_handled)


def run_review(knowledge_root: Path, url: str, args: argparse.Namespace) -> int:
    now = datetime.now(timezone.utc)
    try:
        with make_session(url) as session, session.begin():
            ensure_store_ready(session)
            create_user_tables(session)
            if args.mark_handled or args.mark_entry or args.mark_out_of_scope:
                print(_mark(session, args, now))
                return 0
            since = now - timedelta(days=args.days) if args.days else None
            review = collect(session, knowledge_root, now, since)
            print(render_text(review), end="")
            for path, render in ((args.csv, render_csv), (args.html, render_html)):
                if path:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(render(review), encoding="utf-8-sig" if path is args.csv else "utf-8")
                    print(f"Wrote {path}.")
    except StoreNotReadyError as err:
        print(f"ERROR: {err}")
        return 1
    except SQLAlchemyError as err:
        print(f"ERROR: the store at {url.split('@')[-1]} cannot be read ({err.__class__.__name__}). "
              "Check BOT_DATABASE_URL, or run `python -m bot load-db` if it was never loaded.")
        return 1
    return 0


def _mark(session: Session, args: argparse.Namespace, now: datetime) -> str:
    lines = []
    if args.mark_handled:
        marked = mark_questions_handled(session, args.mark_handled, now)
        missing = sorted(set(args.mark_handled) - set(marked))
        lines.append(f"Marked {len(marked)} question(s) handled: {', '.join(f'#{i}' for i in marked) or 'none'}.")
        if missing:
            lines.append(f"Not open (already handled, or no such number): {', '.join(f'#{i}' for i in missing)}. "
                         "The numbers are the #12 shown in `python -m bot review`.")
    for entry_id in args.mark_entry:
        questions, votes = mark_entry_handled(session, None if entry_id == NO_ENTRY else entry_id, now)
        lines.append(f"Marked handled for '{entry_id}': {questions} question(s), {votes} 👍/👎 vote(s)."
                     + ("" if questions or votes else " Nothing was open: check the id against the report."))
    for category in args.mark_out_of_scope:
        count = mark_out_of_scope_handled(session, category, now)
        lines.append(f"Marked {count} out-of-scope question(s) in '{category}' handled."
                     + ("" if count else " Nothing was open: check the category against the report."))
    lines.append("They no longer appear in `python -m bot review`.")
    return "\n".join(lines)
