"""How the house is kept: module and function sizes, folder sizes, where each variant is named, and
private names used across modules. Issue 20 set the bounds; ``tests/unit/test_house.py`` holds them.

    python scripts/house_census.py          # prints every figure and what is over its bound

A module *names* a variant when its code (not its docstrings or comments) has the variant's string
or an identifier built from it: n-char (``"n-char-output"``, ``is_n_char``, ``nchar``), the GRU and
SimpleRNN cells (``"gru"``, ``"simple"``, ``SimpleRNN``), the sine task (``"sine"``, ``is_sine``).
Asking the variant spec (``lstm_core.model.variant``) instead of branching keeps a module off the list.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ("lstm_core", "ui", "pages")  # the product's code: what the bounds apply to
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_LONG_FUNCTIONS = 3
MAX_MODULES_PER_FOLDER = 12
MAX_MODULES_PER_VARIANT = 6
VARIANTS = {  # (a string literal that is the variant, an identifier part that names it)
    "n-char": (re.compile(r"^n-char-output$"), re.compile(r"(^|_)n_?char", re.I)),
    "gru/simple": (re.compile(r"^(gru|simple)$"), re.compile(r"(^|_)gru|simple_?rnn|simplernn", re.I)),
    "sine": (re.compile(r"^sine$"), re.compile(r"(^|_)sine", re.I)),
}


def modules(root: Path = ROOT) -> list[Path]:
    """Every Python module of the product's code, sorted."""
    return sorted(p for folder in CODE for p in (root / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                first.value.value, str
            ):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def variants_named(text: str) -> set[str]:
    """The variants a module's code names.

    >>> sorted(variants_named('if config.cell == "gru":\\n    pass\\n'))
    ['gru/simple']
    >>> variants_named("def f():\\n    'A docstring may say sine.'\\n    return 1  # a comment: gru\\n")
    set()
    """
    skip = _docstring_lines(ast.parse(text))
    found: set[str] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.start[0] in skip or tok.type not in (tokenize.STRING, tokenize.NAME):
            continue
        for name, (literal, ident) in VARIANTS.items():
            if tok.type == tokenize.NAME:
                found.update([name] if ident.search(tok.string) else [])
                continue
            try:
                value = ast.literal_eval(tok.string)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, str) and literal.match(value):
                found.add(name)
    return found


def variant_census(root: Path = ROOT) -> dict[str, list[str]]:
    """Variant -> the modules that name it."""
    out: dict[str, list[str]] = {v: [] for v in VARIANTS}
    for p in modules(root):
        for v in variants_named(p.read_text()):
            out[v].append(str(p.relative_to(root)))
    return out


def long_modules(root: Path = ROOT) -> list[tuple[int, str]]:
    return [
        (n, str(p.relative_to(root)))
        for p in modules(root)
        if (n := p.read_text().count("\n")) > MAX_MODULE_LINES
    ]


def long_functions(root: Path = ROOT) -> list[tuple[int, str]]:
    out = []
    for p in modules(root):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append((length, f"{p.relative_to(root)}:{node.lineno} {node.name}"))
    return sorted(out, reverse=True)


def crowded_folders(root: Path = ROOT) -> list[tuple[int, str]]:
    folders: dict[Path, int] = {}
    for p in modules(root):
        if p.name != "__init__.py":
            folders[p.parent] = folders.get(p.parent, 0) + 1
    return [(n, str(f.relative_to(root))) for f, n in sorted(folders.items()) if n > MAX_MODULES_PER_FOLDER]


def _module_name(p: Path, root: Path) -> str:
    parts = list(p.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_imports(root: Path = ROOT) -> list[str]:
    """``from a import _b`` or ``a._b`` where ``a`` is another of our modules: a private name shared."""
    ours = {_module_name(p, root) for p in modules(root)}
    found = []
    for p in modules(root):
        tree = ast.parse(p.read_text())
        aliases: dict[str, str] = {}  # local name -> our module it stands for
        here = _module_name(p, root).split(".")
        package = here if p.name == "__init__.py" else here[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                source = ".".join(base + ([node.module] if node.module else []))
                for a in node.names:
                    full = f"{source}.{a.name}"
                    if full in ours:
                        aliases[a.asname or a.name] = full
                    elif source in ours and a.name.startswith("_") and not a.name.startswith("__"):
                        found.append(f"{p.relative_to(root)}: from {source} import {a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in ours and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{p.relative_to(root)}: {aliases[node.value.id]}.{node.attr}")
    return sorted(set(found))


def main() -> int:
    over = 0
    for title, rows, bound in (
        (f"modules over {MAX_MODULE_LINES} lines", long_modules(), 0),
        (f"functions over {MAX_FUNCTION_LINES} lines", long_functions(), MAX_LONG_FUNCTIONS),
        (f"folders over {MAX_MODULES_PER_FOLDER} modules", crowded_folders(), 0),
    ):
        print(f"{title}: {len(rows)} (at most {bound})")
        for n, name in rows:
            print(f"    {n:4d}  {name}")
        over += len(rows) > bound
    for variant, mods in variant_census().items():
        print(f"modules naming {variant}: {len(mods)} (at most {MAX_MODULES_PER_VARIANT})")
        for m in mods:
            print(f"    {m}")
        over += len(mods) > MAX_MODULES_PER_VARIANT
    shared = private_imports()
    print(f"private names used across modules: {len(shared)} (at most 0)")
    for s in shared:
        print(f"    {s}")
    over += bool(shared)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
