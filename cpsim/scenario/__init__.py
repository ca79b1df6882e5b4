"""Scenarios: the schema of every parameter and the TOML loader."""

from cpsim.scenario.load import (
    SECTIONS,
    Flag,
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    parse_override,
    resolved_toml,
    scenario_from_dict,
)
from cpsim.scenario.params import Spec, param, spec_of

__all__ = [
    "SECTIONS",
    "Flag",
    "Scenario",
    "ScenarioError",
    "Spec",
    "apply_overrides",
    "load_scenario",
    "param",
    "parse_override",
    "resolved_toml",
    "scenario_from_dict",
    "spec_of",
]
