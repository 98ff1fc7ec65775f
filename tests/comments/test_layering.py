"""The comments app's place in the layers: it may import articles, never the reverse, and has no cycles.

Read from the source (no imports run), so a hidden import inside a function counts too.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules(package, *, skip=()):
    """(path from the project root, syntax tree) of every module under ``package`` but the ``skip`` folders."""
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not str(relative).startswith(tuple(f"{folder}/" for folder in skip)):
            yield relative, ast.parse(path.read_text())


def imported(relative, tree):
    """(module imported, imported inside a def or class?) for every import in the module."""
    package = list(relative.with_suffix("").parts)
    if package[-1] == "__init__":
        package.pop()
    package.pop()  # the module's own package, for relative imports
    found = []
    nested = {
        id(node)
        for outer in ast.walk(tree)
        if isinstance(outer, ast.FunctionDef | ast.ClassDef)
        for node in ast.walk(outer)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in nested) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            if node.module is None:  # "from . import checks": each name is a module
                found += [(f"{name}.{alias.name}", id(node) in nested) for alias in node.names]
            else:
                found.append((name, id(node) in nested))
    return found


def test_articles_never_imports_the_comments_app():
    assert [
        str(relative)
        for relative, _ in modules("articles", skip=("articles/migrations",))
        if "comment" in relative.name
    ] == []
    offending = [
        f"{relative}: {name}"
        for relative, tree in modules("articles")
        for name, _ in imported(relative, tree)
        if name == "comments" or name.startswith("comments.")
    ]
    assert offending == []


def test_the_comments_app_imports_nothing_inside_functions():
    hidden = [
        f"{relative}: {name}"
        for relative, tree in modules("comments", skip=("comments/migrations",))
        for name, inside in imported(relative, tree)
        if inside
    ]
    assert hidden == []


def test_the_comments_modules_import_each_other_in_one_direction():
    graph = {}
    for relative, tree in modules("comments", skip=("comments/migrations",)):
        name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        graph[name] = {target for target, _ in imported(relative, tree) if target.startswith("comments.")}

    assert {"comments.models", "comments.services", "comments.checks", "comments.protection"} <= set(graph)
    assert {"comments.forms", "comments.views", "comments.urls", "comments.admin"} <= set(graph)

    def reaches(start, goal, seen=()):
        return any(
            target == goal or (target not in seen and reaches(target, goal, (*seen, target)))
            for target in graph.get(start, ())
        )

    assert [module for module in graph if reaches(module, module)] == []
