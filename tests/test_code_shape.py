"""Functions short enough to read at once: no function body in the package over 80 lines.

Ruff bounds complexity, branches and statements (``pyproject.toml``); this bounds length,
which ruff does not.  A body is counted from its first statement after the docstring.
"""

from __future__ import annotations

import ast
from pathlib import Path

import indicators

PACKAGE = Path(indicators.__file__).parent
MAX_BODY_LINES = 80


def body_lengths(source: str) -> dict[str, int]:
    """Function name (qualified by its class) -> lines of its body, for a module's source."""
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                body = child.body
                docstring = (
                    isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)
                )
                first = body[1] if docstring and len(body) > 1 else body[0]
                out[prefix + child.name] = (child.end_lineno or first.lineno) - first.lineno + 1
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source), "")
    return out


def test_no_function_body_is_over_80_lines():
    long = {
        f"{path.relative_to(PACKAGE)}:{name}": lines
        for path in sorted(PACKAGE.rglob("*.py"))
        for name, lines in body_lengths(path.read_text("utf-8")).items()
        if lines > MAX_BODY_LINES
    }
    assert long == {}


def test_the_count_starts_after_the_docstring():
    source = 'def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n'
    assert body_lengths(source) == {"f": 2}
