"""The package's layers: data flows one way, so no import goes up.

scenario, the stream bank and the compiled kernels -> world and mechanisms -> programs -> the model (agents,
city, start, model, metrics, summary, headline, survey, simulate) -> studies (cpsim.studies: the runner, compare,
trials, validation, sweeps, calibration) -> reports (cpsim.reports: brief, tables, HTML,
plots, docs generators) -> the faces (app, cli). A module may import its own layer and the
layers below it; nothing but the CLI imports the CLI. Imports under ``if TYPE_CHECKING:`` are annotations, not
dependencies, and are not counted; the package root (``cpsim/__init__.py``) only names
what it loads lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cpsim"
LAYERS = (
    ("scenario", "streams", "kernels"),
    ("world", "mechanisms"),
    ("programs",),
    ("agents", "city", "start", "model", "metrics", "summary", "headline", "survey", "simulate"),
    ("studies",),
    ("reports",),
    ("app", "cli"),
)
TOP = len(LAYERS) - 1


def layer(module: str) -> int:
    """The layer of a dotted module name inside cpsim; a module in no layer is an error."""
    first = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(LAYERS):
        if first in names:
            return rank
    raise ValueError(f"{module} is in no layer: add it to LAYERS")


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
                # "from cpsim import model" imports the submodule cpsim.model; "from cpsim import
                # __version__" takes a name of the package root, which is in no layer
                names = [a.name for a in child.names if not a.name.startswith("__")]
                found.extend((child.lineno, f"cpsim.{n}" if child.module == "cpsim" else child.module) for n in names)
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
    assert layer("cpsim.cli.typer_app") > layer("cpsim.reports.brief") > layer("cpsim.studies.runner")
    assert layer("cpsim.studies.sweeps.driver") > layer("cpsim.simulate")
    with pytest.raises(ValueError, match="no layer"):
        layer("cpsim.unplaced")
    tree = ast.parse("from cpsim.model import CommunityModel\nif TYPE_CHECKING:\n    import cpsim.cli\n")
    assert imported(tree) == [(1, "cpsim.model")]
