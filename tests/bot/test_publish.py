"""`publish` on a copy of the project: what it says, what it changes, and that failures change nothing."""
from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.kb.fingerprint import read_stamp
from bot.paths import PROJECT_ROOT
from bot.publish import Project, TrainingFailed, publish
from bot.serve import free_port
from bot.store.db import make_session
from bot.store.queries import answer_card

TODAY = date(2026, 11, 22)


class FakeTrainer:
    """Stands in for `rasa train` (10 minutes): the 'model' is a digest of the staged training data."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.trained_from: list[str] = []

    def __call__(self, staged: Path, log: Path) -> Path:
        faq = (staged / "data" / "nlu" / "generated" / "faq.yml").read_text()
        self.trained_from.append(faq)
        log.parent.mkdir(parents=True, exist_ok=True)
        if self.fail:
            log.write_text("Epochs: 3/80\nValueError: the model could not be trained\n")
            raise TrainingFailed("rasa train exited with code 1")
        model = staged / "models" / "ecfmg-guide.tar.gz"
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_text(hashlib.sha256(faq.encode()).hexdigest())
        return model


@pytest.fixture
def project(tmp_path: Path, knowledge_dir: Path) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("generated"))
    return Project(root, knowledge_dir, f"sqlite:///{tmp_path / 'bot.db'}", None)


def run(project: Project, trainer: FakeTrainer) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = publish(project, TODAY, trainer, lines.append)
    return code, "\n".join(lines).splitlines()


def live_answer(project: Project, entry_id: str) -> str:
    with make_session(project.database_url) as session:
        return answer_card(session, entry_id).answer


def edit(project: Project, file: str, old: str, new: str) -> None:
    path = project.knowledge / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def snapshot(project: Project) -> dict[str, bytes]:
    """Every live file publishing may touch."""
    files = [project.model_file, project.models_dir / "trained-from.json",
             *sorted(project.generated_dir.glob("*.yml")), *sorted(project.spacy_dir.rglob("*"))]
    return {str(p): p.read_bytes() for p in files if p.is_file()}


@pytest.fixture
def published(project: Project) -> Project:
    code, _ = run(project, FakeTrainer())
    assert code == 0
    return project


def test_first_publish_trains_and_fills_the_store(project: Project) -> None:
    trainer = FakeTrainer()
    code, out = run(project, trainer)
    assert code == 0
    assert out == [
        "Check: 2 entries, no problems.",
        "Changes: Added all 2 entries (the store was empty).",
        "Retraining: needed, because there is no trained model yet. Training now, about 2 minutes "
        "(log: var/log/publish-train.log) ...",
        out[3],
        f"Store: the new content is live in sqlite:///{project.database_url.split(':///')[1]}.",
        "Bot: not reloaded (no bot address given); it uses the new model from its next start.",
        "Published.",
    ]
    assert out[3].startswith("Trained in ") and out[3].endswith(" s.")
    assert len(trainer.trained_from) == 1 and "faq/fee_a" in trainer.trained_from[0]
    assert (project.generated_dir / "faq.yml").read_text() == trainer.trained_from[0]
    assert project.model_file.read_text() == hashlib.sha256(trainer.trained_from[0].encode()).hexdigest()
    assert read_stamp(project.models_dir)["knowledge"]
    assert live_answer(project, "visa_b") == "It takes 4 to 6 weeks."
    assert list(project.work_dir.glob("stage-*")) == []  # the staging copy is cleaned up


def test_answer_edit_is_published_without_retraining(published: Project) -> None:
    model_before = published.model_file.read_bytes()
    edit(published, "faq/visa.yml", "It takes 4 to 6 weeks.", "It takes 6 to 8 weeks.")
    trainer = FakeTrainer()
    code, out = run(published, trainer)
    assert code == 0
    assert out[:3] == [
        "Check: 2 entries, no problems.",
        "Changes: Changed: visa_b.",
        "Retraining: not needed (only answers, sources, dates, owners or figures changed).",
    ]
    assert out[-1] == "Published."
    assert trainer.trained_from == []
    assert published.model_file.read_bytes() == model_before
    assert live_answer(published, "visa_b") == "It takes 6 to 8 weeks."


def test_new_phrasing_is_published_with_retraining(published: Project) -> None:
    edit(published, "faq/visa.yml", "      - how long is the j1 processing time 3\n",
         "      - how long is the j1 processing time 3\n      - how many weeks until my j1 is processed\n")
    trainer = FakeTrainer()
    code, out = run(published, trainer)
    assert code == 0
    assert out[1:3] == [
        "Changes: No entry changed.",
        "Retraining: needed, because questions, phrasings, entries or the glossary changed. Training now, "
        "about 2 minutes (log: var/log/publish-train.log) ...",
    ]
    [trained] = trainer.trained_from
    assert "how many weeks until my j1 is processed" in trained
    assert (published.generated_dir / "faq.yml").read_text() == trained
    assert published.model_file.read_text() == hashlib.sha256(trained.encode()).hexdigest()


def test_entry_added_and_removed_are_named(published: Project) -> None:
    edit(published, "faq/visa.yml", "  - id: visa_b", "  - id: visa_c")
    edit(published, "faq/visa.yml", "start_with: visa_b", "start_with: visa_c")
    edit(published, "faq/fees.yml", "related: [visa_b]", "related: [visa_c]")
    code, out = run(published, FakeTrainer())
    assert code == 0
    assert out[1] == "Changes: Added: visa_c; Changed: fee_a; Removed: visa_b."


def test_failed_check_publishes_nothing(published: Project) -> None:
    before = snapshot(published)
    edit(published, "faq/visa.yml", "It takes 4 to 6 weeks.", "It takes 6 to 8 weeks.")
    edit(published, "faq/visa.yml", "https://www.ecfmg.org/fees/", "https://www.ecmfg.org/fees/")
    trainer = FakeTrainer()
    code, out = run(published, trainer)
    assert code == 1
    assert out == [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://www.ecmfg.org/fees/', whose site "
        "'www.ecmfg.org' is not an official site. Did you mean 'https://www.ecfmg.org/fees/'? Correct the address.",
        "",
        "Nothing was published: the bot still gives the old answers. Fix the 1 problem(s) above, then run "
        "`python -m bot publish` again.",
    ]
    assert trainer.trained_from == []
    assert snapshot(published) == before
    assert live_answer(published, "visa_b") == "It takes 4 to 6 weeks."


def test_failed_training_publishes_nothing(published: Project) -> None:
    before = snapshot(published)
    edit(published, "faq/visa.yml", "It takes 4 to 6 weeks.", "It takes 6 to 8 weeks.")
    edit(published, "faq/visa.yml", "processing time 3\n", "processing time 3\n      - when is my j1 ready\n")
    code, out = run(published, FakeTrainer(fail=True))
    assert code == 1
    assert out[2:] == [
        "Retraining: needed, because questions, phrasings, entries or the glossary changed. Training now, "
        "about 2 minutes (log: var/log/publish-train.log) ...",
        "Training failed: rasa train exited with code 1. The last lines of var/log/publish-train.log:",
        "Epochs: 3/80",
        "ValueError: the model could not be trained",
        "Nothing was published: the bot still gives the old answers. If the log names a file in knowledge/, "
        "fix it; otherwise send the log to whoever maintains the bot.",
    ]
    assert snapshot(published) == before  # model, stamp, generated training data, spaCy pipeline
    assert live_answer(published, "visa_b") == "It takes 4 to 6 weeks."  # the answer edit waits too
    assert list(published.work_dir.glob("stage-*")) == []


def test_retraining_with_no_bot_running_says_it_is_used_at_the_next_start(published: Project) -> None:
    edit(published, "faq/visa.yml", "processing time 3\n", "processing time 3\n      - when is my j1 ready\n")
    url = f"http://127.0.0.1:{free_port()}"
    project = Project(published.root, published.knowledge, published.database_url, url)
    code, out = run(project, FakeTrainer())
    assert code == 0
    assert out[-2:] == [f"Bot: none is running at {url}; it uses the new model when it starts (`make run`).",
                        "Published."]


class FakeRasaApi(ThreadingHTTPServer):
    """Rasa's HTTP API as publish uses it: GET / for anyone, PUT /model only with ?token=<its token>."""

    def __init__(self, token: str) -> None:
        super().__init__(("127.0.0.1", 0), _FakeRasaHandler)
        self.token = token
        self.url = f"http://127.0.0.1:{self.server_port}"
        self.loaded: list[str] = []


class _FakeRasaHandler(BaseHTTPRequestHandler):
    server: FakeRasaApi

    def do_GET(self) -> None:
        self._reply(200 if self.path == "/" else 404)

    def do_PUT(self) -> None:
        url = urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if url.path != "/model":
            self._reply(404)
        elif parse_qs(url.query).get("token") != [self.server.token]:
            self._reply(401)
        else:
            self.server.loaded.append(body["model_file"])
            self._reply(204)

    def _reply(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa_api() -> Iterator[FakeRasaApi]:
    server = FakeRasaApi("the-token-the-bot-runs-with")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def publish_retraining_into(published: Project, rasa_api: FakeRasaApi) -> tuple[int, list[str]]:
    edit(published, "faq/visa.yml", "processing time 3\n", "processing time 3\n      - when is my j1 ready\n")
    return run(Project(published.root, published.knowledge, published.database_url, rasa_api.url), FakeTrainer())


def test_retraining_reloads_the_running_bot_with_the_api_token(
        published: Project, rasa_api: FakeRasaApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_API_TOKEN", rasa_api.token)
    code, out = publish_retraining_into(published, rasa_api)
    assert code == 0
    assert out[-2:] == [f"Bot: the running bot at {rasa_api.url} loaded the new model; new and changed questions "
                        "are recognised from its next reply.", "Published."]
    assert rasa_api.loaded == [str(published.model_file.resolve())]


def test_a_refused_api_token_says_which_variable_to_set(
        published: Project, rasa_api: FakeRasaApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_API_TOKEN", "not-the-token-the-bot-runs-with")
    code, out = publish_retraining_into(published, rasa_api)
    assert code == 1
    assert out[-1] == (f"Bot: the bot at {rasa_api.url} did not load the new model (HTTP 401). Everything else is "
                       "published; restart the bot (`make run`) so it uses the new model, and set BOT_API_TOKEN to "
                       "the API token it runs with (`make run` keeps its own in var/api-token) for the next publish.")
    assert rasa_api.loaded == []
