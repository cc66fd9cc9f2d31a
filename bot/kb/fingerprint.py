"""Says whether the trained model is stale, and whether a knowledge change needs retraining."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from bot.kb.model import Knowledge

STAMP_NAME = "trained-from.json"


def knowledge_training_fingerprint(knowledge: Knowledge) -> str:
    """Covers only what the model learns from: ids, questions, phrasings, the glossary and the
    eligibility questions (they become domain responses).
    Answers, sources, dates and figures are left out; they go live without training."""
    content = {
        "entries": sorted((e.id, e.question, sorted(e.also_asked)) for e in knowledge.entries.values()),
        "terms": sorted((t.id, t.label, t.name, sorted(t.variants)) for t in knowledge.terms),
        "eligibility_questions": [q.ask for q in knowledge.eligibility.questions] if knowledge.eligibility else [],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def training_inputs_fingerprint(project_root: Path) -> str:
    """Every file `rasa train` reads, with comment lines dropped: generated files name their
    origin line in comments, which moves when an answer grows, but the model does not change."""
    files = [project_root / "config.yml", project_root / "domain.yml"]
    files += sorted((project_root / "data").rglob("*.yml"))
    files.append(project_root / "build" / "spacy" / "entity_ruler" / "patterns.jsonl")
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(project_root)).encode())
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            digest.update("\n".join(l for l in lines if not l.lstrip().startswith("#")).encode())
    return digest.hexdigest()


def read_stamp(models_dir: Path) -> dict[str, str]:
    try:
        return json.loads((models_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_stamp(path: Path, inputs: str, knowledge: str) -> None:
    stamp = {"inputs": inputs, "knowledge": knowledge}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")


def model_is_current(models_dir: Path, inputs: str) -> bool:
    has_model = any(models_dir.glob("*.tar.gz"))
    return has_model and read_stamp(models_dir).get("inputs") == inputs
