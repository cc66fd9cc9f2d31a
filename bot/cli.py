"""`python -m bot check | generate | load-db | publish | review | training-status | mark-trained | serve |
chat | telegram-webhook | purge-conversations | nginx-config`."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from bot import paths
from bot.errors import KnowledgeError
from bot.kb.model import Knowledge
from bot.kb.validate import find_problems, find_warnings, load_checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="ECFMG Guide knowledge and model tools.")
    parser.add_argument("--knowledge", type=Path, default=None, help="knowledge folder (default: knowledge/)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check knowledge/ and list every problem as file:line")
    commands.add_parser("generate", help="write training data and the spaCy pipeline from knowledge/")
    load = commands.add_parser("load-db", help="load knowledge/ into the store the running bot reads")
    load.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: BOT_DATABASE_URL or var/bot.db)")
    publish = commands.add_parser(
        "publish", help="check, generate, retrain if needed and load knowledge/ into the running bot")
    publish.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: BOT_DATABASE_URL or var/bot.db)")
    publish.add_argument("--bot-url", default=None,
                         help="the running bot to reload after retraining (default: BOT_URL or http://127.0.0.1:5005)")
    review = commands.add_parser("review", help="questions the bot could not answer, grouped, and 👎 feedback; "
                                                "--accept, --dismiss and --undo act on them")
    _add_review_arguments(review)
    commands.add_parser("train-model", help="rasa train into models/, progress in the terminal, output in "
                                           "var/log/train.log")
    commands.add_parser("training-status", help="exit 0 if models/ is up to date with the training data, 1 if not")
    mark = commands.add_parser("mark-trained", help="record what the current data is, for the model trained from it")
    mark.add_argument("--stamp", type=Path, default=None,
                      help="write here instead of models/ (train.sh stamps before training, moves it after)")
    serve = commands.add_parser("serve", help="start the action server and the bot on 127.0.0.1")
    serve.add_argument("--port", type=int, default=5005)
    serve.add_argument("--actions-port", type=int, default=5055)
    chat = commands.add_parser("chat", help="talk to the bot in the terminal (starts it if it is not running)")
    chat.add_argument("--port", type=int, default=5005)
    chat.add_argument("--actions-port", type=int, default=5055)
    commands.add_parser("telegram-webhook", help="tell Telegram to send updates to TELEGRAM_WEBHOOK_URL with "
                                                 "TELEGRAM_SECRET_TOKEN")
    purge = commands.add_parser("purge-conversations",
                                help="delete conversations idle for more than N days from the tracker store")
    purge.add_argument("--older-than", type=float, default=None, metavar="DAYS",
                       help="days without a message (default: TRACKER_RETENTION_DAYS, or 90)")
    purge.add_argument("--tracker-url", default=None,
                       help="SQLAlchemy URL (default: TRACKER_STORE_URL, or make run's var/run/tracker.db)")
    purge.add_argument("--database-url", default=None,
                       help="the store whose unanswered questions are purged too (default: BOT_DATABASE_URL or "
                            "var/bot.db)")
    nginx = commands.add_parser("nginx-config", help="print deploy/nginx.conf for the given replicas and action servers")
    nginx.add_argument("--rasa", required=True, help="Rasa replicas, comma-separated host:port")
    nginx.add_argument("--actions", required=True, help="action servers, comma-separated host:port")
    nginx.add_argument("--listen", default="80", help="where users and platforms reach the bot (default: 80)")
    nginx.add_argument("--actions-listen", default="127.0.0.1:5055",
                       help="where Rasa reaches the action servers (default: 127.0.0.1:5055)")
    nginx.add_argument("--prefix", type=Path, default=Path("/var/lib/nginx/ecfmg"),
                       help="folder for nginx's pid, error log and temp files")
    args = parser.parse_args(argv)
    root = args.knowledge or paths.knowledge_dir()
    handlers = {
        "check": lambda: check(root),
        "generate": lambda: generate(root),
        "load-db": lambda: load_db(root, args.database_url or paths.database_url()),
        "publish": lambda: _publish(root, args.database_url or paths.database_url(), args.bot_url or paths.bot_url()),
        "review": lambda: _review(root, args),
        "train-model": train_model,
        "training-status": training_status,
        "mark-trained": lambda: mark_trained(root, args.stamp),
        "serve": lambda: _serve(args.port, args.actions_port),
        "chat": lambda: _chat(args.port, args.actions_port),
        "telegram-webhook": telegram_webhook,
        "purge-conversations": lambda: purge_conversations(args.older_than, args.tracker_url,
                                                           args.database_url or paths.database_url()),
        "nginx-config": lambda: nginx_config(args.rasa, args.actions, args.listen, args.actions_listen, args.prefix),
    }
    return handlers[args.command]()


def check(root: Path) -> int:
    knowledge, problems = find_problems(root, date.today())
    warnings = find_warnings(knowledge, date.today())
    for problem in problems:
        print(problem)
    if warnings:
        print(f"{chr(10) if problems else ''}Due for review (warnings: these do not stop publishing):")
        for warning in warnings:
            print(warning)
    if problems:
        print(f"\n{len(problems)} problem(s) found. Fix each line above, then run `python -m bot check` again.")
        return 1
    print(f"{chr(10) if warnings else ''}OK: {len(knowledge.entries)} entries in {len(knowledge.topics)} topics, "
          f"{len(knowledge.figures)} figures, {len(knowledge.terms)} glossary terms. No problems found"
          f"{f'; {len(warnings)} due for review (see above)' if warnings else ''}.")
    return 0


def _checked_or_report(root: Path) -> Knowledge | None:
    try:
        return load_checked(root, date.today())
    except KnowledgeError as err:
        print(err)
        print(f"\nNothing was changed: fix the {len(err.problems)} problem(s) above first "
              "(`python -m bot check` lists them).")
        return None


def generate(root: Path) -> int:
    from bot.kb.generate import write_training_data
    from bot.kb.spacy_pipeline import write_pipeline

    knowledge = _checked_or_report(root)
    if knowledge is None:
        return 1
    changed = write_training_data(knowledge, paths.generated_nlu_dir())
    if write_pipeline(knowledge.terms, paths.spacy_pipeline_dir()):
        changed.append(paths.spacy_pipeline_dir())
    for path in changed:
        print(f"updated {path.relative_to(paths.PROJECT_ROOT)}")
    training_status()  # informs only: generating is done either way
    return 0


def load_db(root: Path, url: str) -> int:
    from bot.kb.fingerprint import knowledge_training_fingerprint, read_stamp
    from bot.store.db import make_session
    from bot.store.load import create_schema, entry_digests, replace_knowledge
    from bot.store.user_data import create_user_tables

    knowledge = _checked_or_report(root)
    if knowledge is None:
        return 1
    fingerprint = knowledge_training_fingerprint(knowledge)
    with make_session(url) as session, session.begin():
        create_schema(session)
        create_user_tables(session)
        before = entry_digests(session)
        replace_knowledge(session, knowledge, fingerprint)
        session.flush()
        after = entry_digests(session)
    shown_url = url.split("@")[-1]
    print(f"Loaded {len(knowledge.entries)} entries in {len(knowledge.topics)} topics into {shown_url}.")
    print(describe_changes(before, after))
    print(retraining_advice(read_stamp(paths.models_dir()).get("knowledge"), fingerprint))
    return 0


def describe_changes(before: dict[str, str], after: dict[str, str]) -> str:
    if not before:
        return f"Added all {len(after)} entries (the store was empty)."
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    parts = [f"{label}: {', '.join(ids)}" for label, ids in
             (("Added", added), ("Changed", changed), ("Removed", removed)) if ids]
    return "; ".join(parts) + "." if parts else "No entry changed."


def retraining_advice(trained_fingerprint: str | None, current_fingerprint: str) -> str:
    if trained_fingerprint is None:
        return "There is no trained model yet: run `make train` (or `make run`, which trains when needed)."
    if trained_fingerprint != current_fingerprint:
        return ("Answers, sources, dates and figures are live now, but questions, phrasings, entries or the "
                "glossary changed since the model was trained: run `python -m bot publish`, which retrains "
                "and switches the running bot to the new model.")
    return "No retraining needed: the bot gives the new answers from its next reply, without a restart."


def train_model() -> int:
    from bot.training_progress import rasa_train

    root = paths.PROJECT_ROOT
    return rasa_train(root, paths.models_dir(), "ecfmg-guide", root / "var" / "log" / "train.log", root)


def training_status() -> int:
    from bot.kb.fingerprint import model_is_current, training_inputs_fingerprint

    if model_is_current(paths.models_dir(), training_inputs_fingerprint(paths.PROJECT_ROOT)):
        print("The trained model in models/ is up to date.")
        return 0
    print("The model in models/ is missing or older than the training data: `make train` trains it.")
    return 1


def mark_trained(root: Path, stamp: Path | None) -> int:
    from bot.kb.fingerprint import (STAMP_NAME, knowledge_training_fingerprint, training_inputs_fingerprint,
                                    write_stamp)

    knowledge = _checked_or_report(root)
    if knowledge is None:
        return 1
    write_stamp(stamp or paths.models_dir() / STAMP_NAME, training_inputs_fingerprint(paths.PROJECT_ROOT),
                knowledge_training_fingerprint(knowledge))
    return 0


def _publish(root: Path, url: str, bot_url: str) -> int:
    from bot.publish import Project, publish

    return publish(Project(paths.PROJECT_ROOT, root, url, bot_url), date.today())


def _add_review_arguments(parser: argparse.ArgumentParser) -> None:
    from bot.review.arguments import add_arguments

    add_arguments(parser)


def _review(root: Path, args: argparse.Namespace) -> int:
    import os

    from bot.endpoints import tracker_url
    from bot.review.command import run_review

    return run_review(root, args.database_url or paths.database_url(),
                      args.tracker_url or tracker_url(os.environ, paths.run_dir()), args)


def _serve(port: int, actions_port: int) -> int:
    from bot.serve import serve_forever

    return serve_forever(port, actions_port)


def _chat(port: int, actions_port: int) -> int:
    from bot.serve import BotNotReadyError, start_bot
    from bot.terminal_chat import bot_is_up, run_chat

    url = f"http://127.0.0.1:{port}"
    if bot_is_up(url):
        return run_chat(url)
    print("Starting the bot for this chat (about a minute) ...", flush=True)
    try:
        bot = start_bot(port, actions_port, paths.PROJECT_ROOT / "var" / "run-chat")
    except BotNotReadyError as err:
        print(f"ERROR: {err}")
        return 1
    try:
        return run_chat(url)
    finally:
        bot.stop()


def purge_conversations(older_than: float | None, tracker_url: str | None, database_url: str) -> int:
    import os

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.endpoints import tracker_url as configured_tracker_url
    from bot.retention import purge_conversations as purge, retention_days

    try:
        days = older_than if older_than is not None else retention_days()
    except ValueError as err:
        print(f"ERROR: {err}.")
        return 1
    if days <= 0:
        print(f"ERROR: --older-than must be a number of days above 0 (got {days:g}), e.g. --older-than 90.")
        return 1
    url = tracker_url or configured_tracker_url(os.environ, paths.run_dir())
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        print(f"No conversations are stored at {shown} (the file does not exist); nothing to purge.")
    else:
        try:
            result = purge(url, days)
        except SQLAlchemyError as err:
            return _cannot_purge("the tracker store", shown, err, "--tracker-url or TRACKER_STORE_URL")
        print(f"Deleted {result.conversations} conversation(s) ({result.events} events) with no message in the last "
              f"{days:g} day(s) from {shown}.")
    return _purge_questions(database_url, days)


def _cannot_purge(what: str, shown: str, err: Exception, settings: str) -> int:
    print(f"ERROR: cannot purge {what} at {shown} ({err.__class__.__name__}: "
          f"{str(getattr(err, 'orig', err)).strip()}). Check {settings}.")
    return 1


def _purge_questions(url: str, days: float) -> int:
    """The questions kept for the review follow the same retention as the conversations they came from."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.retention import purge_questions

    shown = make_url(url).render_as_string(hide_password=True)
    try:
        deleted = purge_questions(url, days)
    except SQLAlchemyError as err:
        return _cannot_purge("the stored questions", shown, err, "--database-url or BOT_DATABASE_URL")
    if deleted is None:
        print(f"No questions are stored at {shown}; nothing to purge there.")
    else:
        print(f"Deleted {deleted} stored question(s) asked more than {days:g} day(s) ago from {shown}.")
    return 0


def nginx_config(rasa: str, actions: str, listen: str, actions_listen: str, prefix: Path) -> int:
    from bot.nginx_config import render_nginx_conf

    def addresses(value: str) -> list[str]:
        return [a.strip() for a in value.split(",") if a.strip()]

    try:
        print(render_nginx_conf(addresses(rasa), addresses(actions), listen, actions_listen, prefix), end="")
    except ValueError as err:
        print(f"ERROR: {err}")
        return 1
    return 0


def telegram_webhook() -> int:
    import asyncio

    from bot.channels.settings import TelegramSettings
    from bot.channels.telegram_setup import register_webhook
    from bot.errors import ConfigError

    try:
        settings = TelegramSettings.from_env()
        if settings is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set. Set it to the token @BotFather gave you, with "
                              "TELEGRAM_SECRET_TOKEN and TELEGRAM_WEBHOOK_URL (see the README's Channels section).")
        print(asyncio.run(register_webhook(settings)))
    except ConfigError as err:
        print(f"ERROR: {err}")
        return 1
    return 0
