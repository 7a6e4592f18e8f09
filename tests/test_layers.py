"""Data flows one way through kpi_lib: no module imports one that imports it back (also through
imports inside functions), so a picture of the modules needs no arrows going back and forth."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kpi_lib"


def _imports() -> dict[str, set[str]]:
    """Module -> the kpi_lib modules it imports anywhere in its source."""
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:  # from . import numbers, formatting
                    found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpi_lib."):
                found.add(node.module.split(".")[1])
        graph[path.stem] = (found & modules) - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for nxt in sorted(graph[module]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module, [module])):
            return found
    return None


def test_no_import_cycle_between_kpi_lib_modules():
    graph = _imports()
    assert {"loading", "grading", "report", "cli", "excel_import", "new_dataset"} <= set(graph)
    assert "scheme" in graph["loading"] and "grading" not in graph["loading"]  # issue 9's layer
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
