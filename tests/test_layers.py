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


def study_imports() -> dict[str, set[str]]:
    """Each module of cpsim.studies and the studies modules it imports, at the top or inside a function."""
    modules = {module_of(p): p for p in (PACKAGE / "studies").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from cpsim.studies import provenance" imports the submodule provenance
                names = [f"{node.module}.{a.name}" for a in node.names]
                found.update(n for n in names if n in modules)
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[module] = {m for m in found if m in modules and m != module and not path.name == "__init__.py"}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph, each once, as the modules along it."""
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_no_import_circles_inside_the_studies():
    # a helper several studies share lives in a leaf module (intervals, calibration.weighted,
    # findings), so every import can sit at the top of its file
    assert circles(study_imports()) == []


def test_the_circle_check_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []
