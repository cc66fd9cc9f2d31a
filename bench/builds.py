"""Trains the two builds the performance benchmark compares, each in its own project copy, cached.

`ours` is the repository's config.yml; `reference` is the same domain and data with the pipeline
and policies `rasa init` writes (Rasa 3.6's defaults, spelled out). Each build lives in
var/bench/<name>/: a project copy, and a model kept while its fingerprint (config, domain, data,
spaCy patterns, Rasa version) is unchanged, so only the first run pays for training.

    .venv/bin/python bench/builds.py            # train whatever is stale, print where the models are
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench"
TRAIN_TIMEOUT_S = 3 * 3600

# `rasa init`'s config.yml for Rasa 3.6 with its commented default pipeline and policies uncommented.
REFERENCE_CONFIG = """\
recipe: default.v1
assistant_id: reference_default
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies:
  - name: MemoizationPolicy
  - name: TEDPolicy
    max_history: 5
    epochs: 100
  - name: RulePolicy
"""


class TrainingFailedError(RuntimeError):
    """`rasa train` failed; the message names its log."""


@dataclass(frozen=True)
class Build:
    name: str
    config: str

    @property
    def home(self) -> Path:
        return CACHE_DIR / self.name

    @property
    def project(self) -> Path:
        return self.home / "project"

    @property
    def models(self) -> Path:
        return self.project / "models"

    @property
    def stamp(self) -> Path:
        return self.home / "build.json"


# The same pipeline and policies trained for 10 epochs instead of 100: identical architecture, so
# start-up, memory, latency and CPU match the full reference, but its accuracy and training time do
# not. Only for when the full reference is not trained yet (it takes hours on a loaded machine).
STAND_IN_EPOCHS = 10


def builds(stand_in_reference: bool = False) -> list[Build]:
    reference = (Build("reference_stand_in", REFERENCE_CONFIG.replace("epochs: 100", f"epochs: {STAND_IN_EPOCHS}"))
                 if stand_in_reference else Build("reference", REFERENCE_CONFIG))
    return [Build("ours", (ROOT / "config.yml").read_text(encoding="utf-8")), reference]


def training_files(root: Path) -> list[Path]:
    """Everything `rasa train` reads besides config.yml (the spaCy pipeline is read by ours only)."""
    files = [root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]
    return files + sorted(p for p in (root / "build" / "spacy").rglob("*") if p.is_file())


def fingerprint(build: Build) -> str:
    import rasa

    digest = hashlib.sha256(f"{rasa.__version__}\n{build.config}".encode())
    for path in training_files(ROOT):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_project(build: Build) -> None:
    """A project holding copies of our domain, data and spaCy pipeline and this build's config."""
    project = build.project
    for sub in ("data", "build"):
        shutil.rmtree(project / sub, ignore_errors=True)
    project.mkdir(parents=True, exist_ok=True)
    for path in training_files(ROOT):
        target = project / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (project / "config.yml").write_text(build.config, encoding="utf-8")


def rasa_train(build: Build, log: Path) -> float:
    """Runs `rasa train` in the build's project; returns wall seconds."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONPATH": str(ROOT)}  # ours loads bot.nlu components
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [rasa, "train", "--fixed-model-name", build.name, "--out", str(build.models)]
    started = time.monotonic()
    with log.open("wb") as handle:
        result = subprocess.run(command, cwd=build.project, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                timeout=TRAIN_TIMEOUT_S)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise TrainingFailedError(f"`rasa train` for the {build.name} build failed; see {log}")
    return seconds


def read_stamp(build: Build) -> dict:
    try:
        return json.loads(build.stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def model_path(build: Build) -> Path:
    return build.models / f"{build.name}.tar.gz"


def ensure_trained(build: Build) -> dict:
    """The build's stamp ({fingerprint, train_seconds, trained_at}); trains first if stale.
    A second benchmark started meanwhile waits for this training instead of wiping it."""
    build.home.mkdir(parents=True, exist_ok=True)
    with (build.home / "train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_trained(build)


def _ensure_trained(build: Build) -> dict:
    wanted = fingerprint(build)
    stamp = read_stamp(build)
    if stamp.get("fingerprint") == wanted and model_path(build).exists():
        return {**stamp, "cached": True}
    prepare_project(build)
    shutil.rmtree(build.models, ignore_errors=True)
    print(f"Training the {build.name} build (log: {build.home / 'train.log'}) ...", flush=True)
    seconds = rasa_train(build, build.home / "train.log")
    stamp = {"fingerprint": wanted, "train_seconds": round(seconds, 1),
             "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    build.stamp.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return {**stamp, "cached": False}


def no_change_retrain(build: Build) -> dict:
    """`rasa train` again on unchanged data: seconds, and the components Rasa's cache did not restore."""
    log = build.home / "retrain.log"
    seconds = rasa_train(build, log)
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    retrained = sorted({line.split("'")[1] for line in lines if "Finished training component '" in line})
    return {"seconds": round(seconds, 1), "retrained": retrained}


def main() -> int:
    wanted = set(sys.argv[1:])
    for build in builds() + builds(stand_in_reference=True)[1:]:
        if wanted and build.name not in wanted:
            continue
        stamp = ensure_trained(build)
        print(f"{build.name}: {model_path(build)} (trained in {stamp['train_seconds']} s"
              f"{', cached' if stamp['cached'] else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
