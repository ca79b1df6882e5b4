"""The documentation cannot drift from the code: parameters in scenarios.md, submodels in ODD.md, counts it states."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from cpsim.scenario import SECTIONS
from cpsim.scenario.program_sections import PROGRAM_SECTIONS
from cpsim.scenario.schema import CORE_SECTIONS
from cpsim.scenario.trial_section import TRIAL_SECTIONS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ODD_ELEMENTS = [
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialization",
    "Input data",
    "Submodels",
]


def parameters(sections):
    return [f"{name}.{f.name}" for name, cls in sections.items() for f in dataclasses.fields(cls)]


def modules(package: str) -> list[str]:
    return sorted(p.stem for p in (ROOT / "cpsim" / package).glob("*.py") if p.stem != "__init__")


def test_every_scenario_parameter_is_in_scenarios_md():
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    missing = [key for key in parameters(SECTIONS) if key not in text]
    assert not missing, f"docs/scenarios.md lacks {missing} (run `python -m cpsim.reports.reference`)"


@pytest.mark.parametrize("package", ["mechanisms", "programs"])
def test_every_submodel_module_is_in_odd(package):
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    names = modules(package)
    assert names, package
    missing = [n for n in names if f"cpsim/{package}/{n}.py" not in text]
    assert not missing, f"docs/ODD.md does not describe {missing}"


def test_odd_elements_in_order():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    headings = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")]
    titles = [h.split(". ", 1)[-1] for h in headings]
    assert titles == ODD_ELEMENTS


def test_core_and_trial_parameters_are_named_in_odd():
    """The submodel equations use the scenario files' dotted names."""
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    missing = [key for key in parameters({**CORE_SECTIONS, **TRIAL_SECTIONS}) if key not in text]
    assert not missing, f"docs/ODD.md does not name {missing}"


def test_program_parameters_are_named_in_odd():
    """Program sections are described with their keys (section name once, then bare keys)."""
    text = (DOCS / "ODD.md").read_text(encoding="utf-8")
    missing = [
        f"{name}.{f.name}"
        for name, cls in PROGRAM_SECTIONS.items()
        for f in dataclasses.fields(cls)
        if f"`{name}`" not in text or f.name not in text
    ]
    assert not missing, f"docs/ODD.md does not name {missing}"


NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def test_readme_states_the_validation_count_of_docs_validation():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    validation = (DOCS / "validation.md").read_text(encoding="utf-8")
    stated = re.search(r"\(docs/validation\.md\) \((\d+) of (\d+) reproduced", readme)
    measured = re.search(r"^(\d+) of (\d+) findings reproduced", validation, re.M)
    assert stated and measured, "README or docs/validation.md no longer states its count"
    assert stated.groups() == measured.groups(), "README's validation count differs from docs/validation.md's"


def test_calibration_doc_counts_the_parameters_the_experiment_fits():
    experiment = tomllib.loads((ROOT / "experiments" / "chicago_fit.toml").read_text(encoding="utf-8"))
    text = (DOCS / "calibration.md").read_text(encoding="utf-8")
    said = re.search(r"`experiments/chicago_fit\.toml` fits (\w+) parameters", text)
    assert said, "docs/calibration.md no longer says how many parameters the Chicago calibration fits"
    assert NUMBERS.get(said.group(1), said.group(1)) == len(experiment["parameters"])
