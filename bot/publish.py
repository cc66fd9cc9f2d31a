"""`python -m bot publish`: check, generate, retrain only if needed, load the store, reload the bot.

Nothing is half-published: training data are generated and the model trained in a staging copy
under var/publish/. The live store, generated files and model change only after the check and the
training both succeeded, so a failure at either leaves the bot exactly as it was.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot import paths
from bot.api_auth import TOKEN_VARIABLE, api_url
from bot.cli import describe_changes
from bot.errors import KnowledgeError
from bot.kb.fingerprint import (STAMP_NAME, knowledge_training_fingerprint, model_is_current, read_stamp,
                                training_inputs_fingerprint, write_stamp)
from bot.kb.generate import write_if_changed, write_training_data
from bot.kb.model import Knowledge
from bot.kb.spacy_pipeline import install_tree, write_pipeline
from bot.kb.validate import find_warnings, load_checked
from bot.paths import PROJECT_ROOT
from bot.store.db import make_session
from bot.store.load import create_schema, entry_digests, knowledge_digests, replace_knowledge
from bot.store.user_data import create_user_tables
from bot.training_progress import rasa_train

MODEL_NAME = "ecfmg-guide"
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "build/spacy")
RELOAD_TIMEOUT_S = 600  # the bot loads the model before it answers PUT /model


class TrainingFailed(Exception):
    """rasa train did not produce a model; the message says why in a few words."""


Trainer = Callable[[Path, Path], Path]  # (staged project folder, log file) -> the trained model file


@dataclass(frozen=True)
class Project:
    """Where publishing reads and writes: the repository by default, a copy in tests."""

    root: Path
    knowledge: Path
    database_url: str
    bot_url: str | None  # the running bot to reload, or None

    @property
    def generated_dir(self) -> Path:
        return self.root / "data" / "nlu" / "generated"

    @property
    def spacy_dir(self) -> Path:
        return self.root / "build" / "spacy"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def model_file(self) -> Path:
        return self.models_dir / f"{MODEL_NAME}.tar.gz"

    @property
    def work_dir(self) -> Path:
        return self.root / "var" / "publish"

    @property
    def training_log(self) -> Path:
        return self.root / "var" / "log" / "publish-train.log"


def rasa_trainer(staged_root: Path, log: Path) -> Path:
    """Runs `rasa train` inside the staging copy, showing its progress."""
    out_dir = staged_root / "models"
    code = rasa_train(staged_root, out_dir, MODEL_NAME, log, PROJECT_ROOT)
    model = out_dir / f"{MODEL_NAME}.tar.gz"
    if code != 0 or not model.exists():
        raise TrainingFailed(f"rasa train exited with code {code}")
    return model


def publish(project: Project, today: date, trainer: Trainer = rasa_trainer,
            say: Callable[[str], None] = print) -> int:
    """Publishes knowledge/ to the live bot; returns the exit status and says each step in words."""
    try:
        knowledge = load_checked(project.knowledge, today)
    except KnowledgeError as err:
        say(str(err))
        say(f"\nNothing was published: the bot still gives the old answers. Fix the {len(err.problems)} "
            "problem(s) above, then run `python -m bot publish` again.")
        return 1
    warnings = find_warnings(knowledge, today)
    say(f"Check: {len(knowledge.entries)} entries, no problems"
        + (f"; {len(warnings)} due for review (`python -m bot check` lists them)." if warnings else "."))
    with _exclusive(project), _staging_copy(project) as staged:
        _generate(knowledge, staged / "data" / "nlu" / "generated", staged / "build" / "spacy")
        inputs = training_inputs_fingerprint(staged)
        say(f"Changes: {describe_changes(_live_digests(project.database_url), knowledge_digests(knowledge))}")
        model = None
        if model_is_current(project.models_dir, inputs):
            say("Retraining: not needed (only answers, sources, dates, owners or figures changed).")
        else:
            say(f"Retraining: needed, because {_why_training(project, knowledge)}. Training now, about 2 "
                f"minutes (log: {_shown(project.training_log, project.root)}) ...")
            model = _train(project, staged, trainer, say)
            if model is None:
                return 1
        _load_store(project, knowledge)
        _install_generated(staged, project)
        if model is not None:
            _install_model(model, project, inputs, knowledge_training_fingerprint(knowledge))
    say(f"Store: the new content is live in {project.database_url.split('@')[-1]}.")
    if model is not None and not _reload_bot(project, say):
        return 1
    say("Published.")
    return 0


def _why_training(project: Project, knowledge: Knowledge) -> str:
    stamp = read_stamp(project.models_dir)
    if not project.model_file.exists() or not stamp:
        return "there is no trained model yet"
    if stamp.get("knowledge") != knowledge_training_fingerprint(knowledge):
        return "questions, phrasings, entries or the glossary changed"
    return "the bot's own training data changed (domain.yml, config.yml or data/)"


def _train(project: Project, staged: Path, trainer: Trainer, say: Callable[[str], None]) -> Path | None:
    started = time.monotonic()
    try:
        model = trainer(staged, project.training_log)
    except TrainingFailed as err:
        say(f"Training failed: {err}. The last lines of {_shown(project.training_log, project.root)}:")
        say(_tail(project.training_log))
        say("Nothing was published: the bot still gives the old answers. If the log names a file in "
            "knowledge/, fix it; otherwise send the log to whoever maintains the bot.")
        return None
    say(f"Trained in {time.monotonic() - started:.0f} s.")
    return model


def _generate(knowledge: Knowledge, generated_dir: Path, spacy_dir: Path) -> None:
    write_training_data(knowledge, generated_dir)
    write_pipeline(knowledge.terms, spacy_dir)


def _install_generated(staged: Path, project: Project) -> None:
    """The files training used become the live ones: each written whole, unchanged ones left alone."""
    for path in sorted((staged / "data" / "nlu" / "generated").glob("*.yml")):
        write_if_changed(project.generated_dir / path.name, path.read_text(encoding="utf-8"))
    install_tree(staged / "build" / "spacy", project.spacy_dir)


def _live_digests(url: str) -> dict[str, str]:
    try:
        with make_session(url) as session:
            return entry_digests(session)
    except SQLAlchemyError:
        return {}  # no store yet: everything is new


def _load_store(project: Project, knowledge: Knowledge) -> None:
    with make_session(project.database_url) as session, session.begin():
        create_schema(session)
        create_user_tables(session)
        replace_knowledge(session, knowledge, knowledge_training_fingerprint(knowledge))


def _install_model(model: Path, project: Project, inputs: str, knowledge_fingerprint: str) -> None:
    project.models_dir.mkdir(parents=True, exist_ok=True)
    os.replace(model, project.model_file)  # same file system: the bot never sees half a file
    write_stamp(project.models_dir / STAMP_NAME, inputs, knowledge_fingerprint)


def _reload_bot(project: Project, say: Callable[[str], None]) -> bool:
    """Asks the running bot to load the new model (PUT /model); True unless it is running and refused."""
    if not project.bot_url:
        say("Bot: not reloaded (no bot address given); it uses the new model from its next start.")
        return True
    url = project.bot_url.rstrip("/")
    try:
        with urllib.request.urlopen(f"{url}/", timeout=5):
            pass
    except (urllib.error.URLError, OSError):
        say(f"Bot: none is running at {url}; it uses the new model when it starts (`make run`).")
        return True
    body = json.dumps({"model_file": str(project.model_file.resolve())}).encode()
    request = urllib.request.Request(api_url(url, "/model"), body, {"Content-Type": "application/json"},
                                     method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=RELOAD_TIMEOUT_S):
            pass
    except (urllib.error.URLError, OSError) as err:
        refused = isinstance(err, urllib.error.HTTPError) and err.code in (401, 403)
        reason = f"HTTP {err.code}" if isinstance(err, urllib.error.HTTPError) else str(err)
        say(f"Bot: the bot at {url} did not load the new model ({reason}). Everything else is published; "
            "restart the bot (`make run`) so it uses the new model, and "
            + (f"set {TOKEN_VARIABLE} to the API token it runs with (`make run` keeps its own in "
               f"{_shown(paths.api_token_file(), PROJECT_ROOT)}) for the next publish."
               if refused else "check that it runs with --enable-api and that BOT_URL (or --bot-url) is "
               "its own address, not the public front, which answers 404 for the API."))
        return False
    say(f"Bot: the running bot at {url} loaded the new model; new and changed questions are recognised "
        "from its next reply.")
    return True


@contextmanager
def _staging_copy(project: Project) -> Iterator[Path]:
    """A throw-away copy of the training inputs next to the live ones (same file system)."""
    project.work_dir.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix="stage-", dir=project.work_dir))
    try:
        for name in TRAINING_INPUTS:
            source = project.root / name
            if source.is_dir():
                shutil.copytree(source, staged / name)
            elif source.exists():
                shutil.copy2(source, staged / name)
        yield staged
    finally:
        shutil.rmtree(staged, ignore_errors=True)


@contextmanager
def _exclusive(project: Project) -> Iterator[None]:
    """One publish at a time: a second one waits for the first rather than mixing with it."""
    project.work_dir.mkdir(parents=True, exist_ok=True)
    with (project.work_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log was written)"


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
