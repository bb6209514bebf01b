"""Every widget and session-state key of the page is a constant of ui/keys.py (no literals elsewhere)."""
from __future__ import annotations

import ast
from pathlib import Path

from ui import keys

REPO = Path(__file__).resolve().parents[2]
PAGE = [REPO / "app.py", *sorted(p for p in (REPO / "ui").glob("*.py") if p.name != "keys.py")]


def _literal(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _session_state(node) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def _literal_keys(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "key" and _literal(kw.value):
                    yield f"{path.name}:{node.lineno} key={ast.unparse(kw.value)}"
            func = node.func
            if (isinstance(func, ast.Attribute) and _session_state(func.value) and node.args
                    and _literal(node.args[0])):
                yield f"{path.name}:{node.lineno} session_state.{func.attr}({ast.unparse(node.args[0])})"
        elif isinstance(node, ast.Subscript) and _session_state(node.value) and _literal(node.slice):
            yield f"{path.name}:{node.lineno} session_state[{ast.unparse(node.slice)}]"


def test_widgets_and_session_state_use_the_key_constants():
    assert [hit for path in PAGE for hit in _literal_keys(path)] == []


def test_key_constants_are_distinct():
    values = [v for k, v in vars(keys).items() if k.isupper() and isinstance(v, str)]
    assert len(values) == len(set(values))
