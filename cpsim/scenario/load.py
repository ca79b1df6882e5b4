"""Reading, merging and validating scenario files.

A scenario is a TOML file of sections (``[trust]``, ``[patrol]``, ...). A file may say
``extends = "baseline.toml"`` (relative to itself) to start from another file, and
dotted overrides (``patrol.foot_hours=3``) are applied last. Anything wrong fails here,
before a simulation starts, with one line naming the file, the key and what is allowed.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cpsim.scenario.costs import COST_SECTIONS
from cpsim.scenario.params import Spec, spec_of
from cpsim.scenario.programs import PROGRAM_SECTIONS
from cpsim.scenario.schema import CORE_SECTIONS
from cpsim.scenario.survey import SURVEY_SECTIONS, survey_problem
from cpsim.scenario.trial import TRIAL_SECTIONS, trial_problem

SECTIONS: dict[str, type] = {
    **CORE_SECTIONS, **PROGRAM_SECTIONS, **TRIAL_SECTIONS, **SURVEY_SECTIONS, **COST_SECTIONS
}

Scenario = dataclasses.make_dataclass(
    "Scenario",
    [(name, cls, dataclasses.field(default_factory=cls)) for name, cls in SECTIONS.items()],
    frozen=True,
    namespace={
        "__doc__": "A validated scenario: one frozen section per model part.",
        "get": lambda self, key: _get(self, key),
        "to_dict": lambda self: dataclasses.asdict(self),
        "with_overrides": lambda self, overrides: apply_overrides(self, overrides),
    },
)
Scenario.__module__ = __name__


class ScenarioError(ValueError):
    """A scenario (or override) that cannot be used; the message is one line."""


def _get(scenario: Any, key: str) -> Any:
    section, _, name = key.partition(".")
    return getattr(getattr(scenario, section), name)


def _allowed_keys(section: str) -> str:
    return ", ".join(f.name for f in dataclasses.fields(SECTIONS[section]))


def _read_toml(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a TOML file, resolving ``extends`` recursively."""
    if not path.is_file():
        where = f"{chain[-1]}: extends" if chain else str(path)
        raise ScenarioError(f"{where}: file {str(path)!r} not found")
    if path.resolve() in [p.resolve() for p in chain]:
        raise ScenarioError(f"{path}: extends: circular inheritance through {path.name}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: not valid TOML ({err})") from None
    parent = data.pop("extends", None)
    if parent is None:
        return _tag(data, path)
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: expected a file name (string)")
    base = _read_toml(path.parent / parent, (*chain, path))
    return _merge(base, _tag(data, path))


def _tag(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Remember which file set each value, so errors name the right file."""
    out: dict[str, Any] = {}
    for sec, body in data.items():
        if isinstance(body, dict):
            out[sec] = {k: (v, str(path)) for k, v in body.items()}
        else:
            out[sec] = (body, str(path))
    return out


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for sec, body in top.items():
        if isinstance(body, dict) and isinstance(out.get(sec), dict):
            out[sec].update(body)
        else:
            out[sec] = body
    return out


def _check_value(value: Any, default: Any, spec: Spec, where: str) -> Any:
    """Coerce and check one value against its declaration."""

    def fail(problem: str) -> ScenarioError:
        return ScenarioError(f"{where}: {problem}; allowed: {_describe(default, spec)}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise fail(f"expected true or false, got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, (list, tuple)) or not value:
            raise fail(f"expected a list, got {value!r}")
        kind = type(default[0]) if default else float
        return tuple(_check_value(v, kind(), spec, where) for v in value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise fail(f"expected text, got {value!r}")
        if spec.choices is not None and value not in spec.choices:
            raise fail(f"{value!r} is not a choice")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, float) and value.is_integer())):
            raise fail(f"expected a whole number, got {value!r}")
        value = int(value)
    else:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail(f"expected a number, got {value!r}")
        value = float(value)
    if spec.lo is not None and value < spec.lo or spec.hi is not None and value > spec.hi:
        raise fail(f"{value:g} is out of range")
    return value


def _describe(default: Any, spec: Spec) -> str:
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, tuple):
        return "a list, each element " + spec.allowed()
    if isinstance(default, str) and spec.choices is None:
        return "any text"
    if isinstance(default, int) and not isinstance(default, bool):
        return "a whole number in " + spec.allowed().removeprefix("a value in ")
    return spec.allowed()


def _build(tree: dict[str, Any]) -> Any:
    """Validate a tagged tree ({section: {key: (value, file)}}) into a Scenario."""
    sections: dict[str, Any] = {}
    for sec, body in tree.items():
        if sec not in SECTIONS:
            origin = _origin(body)
            raise ScenarioError(f"{origin}: {sec}: unknown section; allowed: extends, " + ", ".join(SECTIONS))
        if not isinstance(body, dict):
            raise ScenarioError(f"{_origin(body)}: {sec}: expected a [{sec}] table")
        cls = SECTIONS[sec]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, (value, origin) in body.items():
            where = f"{origin}: {sec}.{key}"
            if key not in fields:
                raise ScenarioError(f"{where}: unknown key; allowed: {_allowed_keys(sec)}")
            f = fields[key]
            values[key] = _check_value(value, f.default, spec_of(f), where)
        sections[sec] = cls(**values)
    scenario = Scenario(**sections)
    scenario = _resolve_graph_path(scenario, tree)
    _check_consistency(scenario, tree)
    return scenario


def _resolve_graph_path(scenario: Any, tree: dict[str, Any]) -> Any:
    """Read graph.path relative to the file that names it, and check the file exists."""
    entry = tree.get("graph", {}).get("path") if isinstance(tree.get("graph"), dict) else None
    if entry is None or not entry[0] or scenario.graph.kind != "file":
        return scenario
    value, origin = entry
    path = Path(value)
    if not path.is_absolute() and not path.exists() and Path(origin).is_file():
        path = Path(origin).parent / path
    if not path.is_file():
        allowed = "an existing GraphML or edge-list file"
        raise ScenarioError(f"{origin}: graph.path: file {value!r} not found; allowed: {allowed}")
    graph = dataclasses.replace(scenario.graph, path=str(path))
    return dataclasses.replace(scenario, graph=graph)


def _origin(body: Any) -> str:
    if isinstance(body, tuple):
        return body[1]
    for value in body.values():
        return value[1]
    return "scenario"


def _check_consistency(scenario: Any, tree: dict[str, Any]) -> None:
    """Checks across keys: group lists agree, shares sum to one, files exist."""

    def where(sec: str, key: str) -> str:
        entry = tree.get(sec, {}).get(key) if isinstance(tree.get(sec), dict) else None
        return f"{entry[1] if entry else 'defaults'}: {sec}.{key}"

    n = len(scenario.population.group_names)
    for sec, key in [
        ("population", "group_shares"),
        ("trust", "initial_by_group"),
        ("trust", "norm_legitimacy_by_group"),
        ("trust", "norm_effectiveness_by_group"),
        ("enforcement", "group_stop_ratio"),
    ]:
        got = len(scenario.get(f"{sec}.{key}"))
        if got != n:
            raise ScenarioError(
                f"{where(sec, key)}: has {got} values; allowed: one per group in population.group_names ({n})"
            )
    total = sum(scenario.population.group_shares)
    if abs(total - 1.0) > 1e-6:
        raise ScenarioError(f"{where('population', 'group_shares')}: shares sum to {total:g}; allowed: a sum of 1")
    if scenario.graph.kind == "file" and not scenario.graph.path:
        raise ScenarioError(
            f"{where('graph', 'path')}: empty; allowed: a GraphML or edge-list file when graph.kind = 'file'"
        )
    problem = trial_problem(scenario)  # the [trial] section (cpsim/scenario/trial.py)
    if problem:
        raise ScenarioError(f"{where('trial', problem[0])}: {problem[1]}")
    problem = survey_problem(scenario)  # the [survey] section (cpsim/scenario/survey.py)
    if problem:
        raise ScenarioError(f"{where('survey', problem[0])}: {problem[1]}")


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``key=value`` and read the value as TOML (text when it is not TOML)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or "." not in key:
        raise ScenarioError(f"--set {text}: expected section.key=value, e.g. patrol.foot_hours=3")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _override_tree(
    tree: dict[str, Any], overrides: Mapping[str, Any] | Iterable[str] | None, origin: str
) -> dict[str, Any]:
    if not overrides:
        return tree
    items = overrides.items() if isinstance(overrides, Mapping) else map(parse_override, overrides)
    out = _merge(tree, {})
    for key, value in items:
        sec, _, name = key.partition(".")
        if not name:
            raise ScenarioError(f"{origin} {key}: expected section.key")
        if isinstance(value, tuple):
            value = list(value)
        out.setdefault(sec, {})
        if not isinstance(out[sec], dict):
            raise ScenarioError(f"{origin} {key}: {sec} is not a section")
        out[sec][name] = (value, origin)
    return out


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | Iterable[str] | None = None) -> Any:
    """Load, merge and validate a scenario file.

    Args:
        path: The TOML file. It may ``extends`` another file.
        overrides: Dotted ``section.key`` values, as a mapping or as ``key=value`` texts.

    Returns:
        The validated, frozen Scenario.

    Raises:
        ScenarioError: With one line naming the file, the key and what is allowed.

    """
    tree = _read_toml(Path(path))
    return _build(_override_tree(tree, overrides, "--set"))


def scenario_from_dict(
    data: Mapping[str, Any], origin: str = "scenario", overrides: Mapping[str, Any] | None = None
) -> Any:
    """Validate a nested dict (as read from TOML) into a Scenario."""
    tree = _tag({k: v for k, v in data.items() if k != "extends"}, Path(origin))
    return _build(_override_tree(tree, overrides, "--set"))


def apply_overrides(scenario: Any, overrides: Mapping[str, Any] | Iterable[str]) -> Any:
    """Return a copy of a scenario with dotted overrides applied and re-validated."""
    return scenario_from_dict(scenario.to_dict(), "scenario", overrides)  # type: ignore[arg-type]


def resolved_toml(scenario: Any) -> str:
    """Write a scenario's every value as TOML (what ``cpsim check`` prints)."""
    lines: list[str] = []
    for sec, body in scenario.to_dict().items():
        lines.append(f"[{sec}]")
        for key, value in body.items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)
