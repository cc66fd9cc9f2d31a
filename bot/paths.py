"""Where the project's files live; every path can be overridden for tests."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir() -> Path:
    return Path(os.environ.get("BOT_KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge"))


def generated_nlu_dir() -> Path:
    return PROJECT_ROOT / "data" / "nlu" / "generated"


def spacy_pipeline_dir() -> Path:
    return PROJECT_ROOT / "build" / "spacy"


def models_dir() -> Path:
    return PROJECT_ROOT / "models"


def run_dir() -> Path:
    """Where `make run` keeps its logs, endpoints and (by default) the conversations."""
    return PROJECT_ROOT / "var" / "run"


def api_token_file() -> Path:
    """The HTTP API token `make run` makes on first use when BOT_API_TOKEN is not set (bot/api_auth.py)."""
    return PROJECT_ROOT / "var" / "api-token"


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"


def database_url() -> str:
    return os.environ.get("BOT_DATABASE_URL") or default_database_url()


def bot_url() -> str:
    """The running bot's HTTP API, which publish asks to load a new model."""
    return os.environ.get("BOT_URL") or "http://127.0.0.1:5005"
