"""Dependencies point one way: actions/ -> bot/ -> libraries; the action server never needs Rasa itself."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = [
    ("bot", ("actions", "tests"), "move the shared code into bot/"),
    ("bot/kb", ("rasa",), "keep Rasa out of bot/kb/: the action server imports it and has only rasa_sdk"),
    ("bot/store", ("rasa",), "keep Rasa out of bot/store/: the action server imports it and has only rasa_sdk"),
    ("actions", ("rasa", "tests"), "use rasa_sdk in actions/; the action server does not have Rasa"),
]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations() -> list[str]:
    problems = []
    for folder, forbidden, fix in RULES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, module in imported_modules(path):
                if module.split(".")[0] in forbidden:
                    problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}; {fix}")
    return problems


def test_imports_point_one_way() -> None:
    assert violations() == []
