"""The package's layers: data flows one way, so no import goes up.

scenario and the stream bank -> world and mechanisms -> programs -> the model (agents,
model, metrics, survey, simulate) -> studies (compare, trials, validation, sweeps,
calibration, reports, docs) -> the faces (app, cli). A module may import its own layer and the layers below it; nothing
but the CLI imports the CLI. Imports under ``if TYPE_CHECKING:`` are annotations, not
dependencies, and are not counted; the package root (``cpsim/__init__.py``) only names
what it loads lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cpsim"
LAYERS = (
    ("scenario", "streams"),
    ("world", "mechanisms"),
    ("programs",),
    ("agents", "model", "metrics", "survey", "simulate"),
    None,  # studies: every other module of the package
    ("app", "cli"),
)
TOP = len(LAYERS) - 1


def layer(module: str) -> int:
    """The layer of a dotted module name inside cpsim (the studies' layer when not listed)."""
    first = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(LAYERS):
        if names and first in names:
            return rank
    return LAYERS.index(None)


def module_of(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, cpsim module) of every run-time import in a module."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                found.extend((child.lineno, a.name) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                names = [f"{child.module}.{a.name}" for a in child.names]
                # "from cpsim import provenance" imports the submodule cpsim.provenance
                found.extend((child.lineno, n if child.module == "cpsim" else child.module) for n in names)
            visit(child)

    visit(tree)
    return sorted({(line, m) for line, m in found if m.startswith("cpsim.")})


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_of(path)
        if module == "cpsim":
            continue
        for line, target in imported(ast.parse(path.read_text(encoding="utf-8"))):
            cli = target.split(".")[1] == "cli" and module.split(".")[1] != "cli"
            if layer(target) > layer(module) or cli:
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target}")
    return problems


def test_no_import_goes_up_the_layers():
    assert upward_imports() == []


def test_the_layer_check_sees_an_upward_import(tmp_path):
    # the rule itself: a mechanism importing the model, a program importing the model, a study importing the CLI
    assert layer("cpsim.model") > layer("cpsim.mechanisms.trust")
    assert layer("cpsim.model") > layer("cpsim.programs.liaison")
    assert layer("cpsim.cli.base") > layer("cpsim.study") > layer("cpsim.simulate")
    tree = ast.parse("from cpsim.model import CommunityModel\nif TYPE_CHECKING:\n    import cpsim.cli\n")
    assert imported(tree) == [(1, "cpsim.model")]
