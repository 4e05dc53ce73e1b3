"""The shape of the code (issue 16), checked like behaviour:

- no module of ``src/ownervote`` imports another ``ownervote`` module inside a function, where the
  layers contract (``make lint``: import-linter) cannot see it and where it usually hides a cycle;
  an import that must stay there for another reason says why on the line above, starting with
  ``# Imported here:``;
- no file of ``src/`` (migrations aside) is over 800 lines, and no function over 100 lines, except
  those listed here with the reason they stay whole;
- no service error is raised with its code typed as a string: each app's ``errors.py`` holds its
  codes as constants (``Code.NOT_FOUND``), which tests and clients import.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ownervote"
MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 100

# path relative to src/ownervote -> why it stays whole
LONG_FILES: dict[str, str] = {}
# "path:function" -> why it stays whole
LONG_FUNCTIONS: dict[str, str] = {}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, path.read_text(encoding="utf-8")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_ownervote(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "ownervote"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "ownervote" for alias in node.names)
    return False


def _explained(lines: list[str], lineno: int, start: int) -> bool:
    """Whether the import on ``lineno`` (1-based) is explained: ``# Imported here:`` on its own line
    or at the head of the block of comments and imports just above it, within the function."""
    if "# Imported here:" in lines[lineno - 1]:
        return True
    for index in range(lineno - 2, start - 1, -1):
        text = lines[index].strip()
        if text.startswith("# Imported here:"):
            return True
        if text and not text.startswith(("#", "from ", "import ")):
            return False
    return False


def test_no_ownervote_import_hides_in_a_function():
    found = []
    for path, text in _modules():
        lines = text.splitlines()
        for function in ast.walk(ast.parse(text)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not _imports_ownervote(node):
                    continue
                if not _explained(lines, node.lineno, function.lineno):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} in {function.name}()")
    assert not found, "imports inside functions:\n" + "\n".join(sorted(set(found)))


def test_no_file_over_800_lines_and_no_function_over_100():
    long_files, long_functions = [], []
    for path, text in _modules():
        rel = str(path.relative_to(SRC))
        if len(text.splitlines()) > MAX_FILE_LINES and rel not in LONG_FILES:
            long_files.append(f"{rel}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES and f"{rel}:{node.name}" not in LONG_FUNCTIONS:
                    long_functions.append(f"{rel}:{node.lineno} {node.name}(): {length} lines")
    assert not long_files and not long_functions, "\n".join(long_files + long_functions)


ERRORS = {"ServiceError", "InvalidInput", "Forbidden", "NotFound", "Conflict"}


def test_error_codes_are_constants():
    found = []
    for path, text in _modules():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            code = (
                node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "code"), None)
            )
            if name in ERRORS and isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {name}({code.value!r})")
    assert not found, "error codes typed as strings:\n" + "\n".join(found)


def test_module_names_resolve():
    """The helper above names modules as Python does (guards the checks against a moved tree)."""
    assert _module_name(SRC / "core" / "errors.py") == "ownervote.core.errors"
    assert _module_name(SRC / "core" / "__init__.py") == "ownervote.core"
