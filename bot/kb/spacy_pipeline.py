"""Builds the spaCy pipeline Rasa loads: blank English, lookup lemmatizer, entity ruler from the glossary."""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

from bot.kb.model import Term


def ruler_patterns(terms: list[Term]) -> list[dict[str, str]]:
    """One phrase pattern per variant; the pattern id is the term id, the label its kind."""
    return [
        {"label": term.label, "pattern": variant, "id": term.id}
        for term in sorted(terms, key=lambda t: t.id)
        for variant in sorted({term.name.lower(), *term.variants})
    ]


def build_pipeline(terms: list[Term]):  # -> spacy.Language; spaCy is imported only when building
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data into the pipeline
    ruler.add_patterns(ruler_patterns(terms))
    return nlp


def write_pipeline(terms: list[Term], target: Path) -> bool:
    """Saves the pipeline to target, replacing it only when its files differ. True if it changed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".spacy-", dir=target.parent))
    try:
        build_pipeline(terms).to_disk(staging)
        if target.exists() and _same_tree(staging, target):
            return False
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(_same_tree(left / sub, right / sub) for sub in comparison.common_dirs)
