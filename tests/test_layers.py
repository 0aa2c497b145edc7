"""The package's layers point one way: no import cycle between its parts."""

from __future__ import annotations

import ast
from pathlib import Path

import indicators

PACKAGE = Path(indicators.__file__).parent


def _part(path: Path) -> str:
    """The part of the package a file belongs to: its subpackage, or its module."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def import_graph() -> dict[str, set[str]]:
    """Part -> the other parts of ``indicators`` it imports (at any depth, lazily or not)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        part = _part(path)
        targets = graph.setdefault(part, set())
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                pieces = name.split(".")
                if pieces[0] == "indicators" and len(pieces) > 1 and pieces[1] != part:
                    targets.add(pieces[1])
    return graph


def _cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in sorted(graph.get(node, ())):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_no_part_of_the_package_imports_itself_back_through_another():
    graph = import_graph()
    cycles = [c for part in sorted(graph) if (c := _cycle_through(graph, part))]
    assert cycles == []


def test_reports_draw_on_charts_and_charts_on_the_presentation_layer_only():
    graph = import_graph()
    assert "reports" not in graph["charts"]
    assert graph["present"] <= {"language", "results", "errors"}
    assert graph["stats"] <= {"errors"}
    assert not graph["validate"] & {"compute", "reports", "charts", "present"}


def test_the_graph_sees_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle_through(graph, "a") == ["a", "b", "c", "a"]
    assert _cycle_through(graph, "d") is None
