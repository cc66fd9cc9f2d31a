"""The options of `python -m bot review`, and what is wrong with a combination of them.

Kept apart from the command so that building the CLI parser imports nothing heavy.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(review: argparse.ArgumentParser) -> None:
    review.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: BOT_DATABASE_URL or var/bot.db)")
    review.add_argument("--tracker-url", default=None,
                        help="the conversation store, to count conversations (default: TRACKER_STORE_URL, or "
                             "make run's var/run/tracker.db)")
    review.add_argument("--days", type=int, default=None, help="only questions from the last N days")
    review.add_argument("--csv", type=Path, default=None, metavar="PATH", help="also write every open question as CSV")
    review.add_argument("--html", type=Path, default=None, metavar="PATH",
                        help="also write the report as one HTML file with a chart (opens offline)")
    review.add_argument("--accept", nargs="+", default=[], metavar="ITEM",
                        help="add these questions (12) or groups (C12) as phrasings: with --entry, or --new-entry")
    review.add_argument("--entry", default=None, metavar="ID", help="the entry --accept adds the phrasings to")
    review.add_argument("--new-entry", default=None, metavar="ID",
                        help="start a new entry from the --accept items; answer, sources and checked are left to you")
    review.add_argument("--topic", default=None, metavar="TOPIC", help="the topic id of the --new-entry")
    review.add_argument("--dismiss", nargs="+", default=[], metavar="ITEM",
                        help="take questions (12), groups (C12), oos:CATEGORY or votes:ENTRY_ID off the report")
    review.add_argument("--reason", default=None, help="why --dismiss: e.g. 'out of scope', spam")
    review.add_argument("--undo", type=int, default=None, metavar="N", help="undo action N (until it is published)")
    review.add_argument("--by", default=None, help="who acts, for the record (default: your login name)")


def argument_problem(args: argparse.Namespace) -> str:
    """What is wrong with the combination of options, in words, or ''."""
    chosen = [name for name, given in (("--accept", args.accept), ("--dismiss", args.dismiss),
                                       ("--undo", args.undo is not None)) if given]
    if len(chosen) > 1:
        return f"use one of {' and '.join(chosen)} at a time"
    if args.accept and bool(args.entry) == bool(args.new_entry):
        return ("--accept needs --entry ID (add to that entry) or --new-entry ID --topic TOPIC (start one), "
                "e.g. --accept C12 --entry fee_oet")
    if args.new_entry and not args.topic:
        return f"--new-entry needs --topic: the topic id of the file it goes in, e.g. --new-entry {args.new_entry} --topic fees"
    if (args.entry or args.new_entry or args.topic) and not args.accept:
        return "--entry, --new-entry and --topic go with --accept, e.g. --accept C12 --entry fee_oet"
    if args.dismiss and not (args.reason or "").strip():
        return "--dismiss needs --reason, e.g. --dismiss C12 --reason 'out of scope'"
    if args.reason and not args.dismiss:
        return "--reason goes with --dismiss"
    if args.days is not None and args.days < 1:
        return f"--days must be a whole number above 0 (got {args.days}), e.g. --days 30"
    return ""
