"""The classroom levers: page controls mapped onto real scenario parameters.

Each lever is one dotted scenario key (``patrol.foot_hours``) with a label a class
understands and a slider range inside the range the schema allows; a program's lever also
sets its ``enabled`` switch (0 on the slider: no program). The page builds the model from
a scenario file plus the levers, so a lever is exactly a ``--set`` override of ``cpsim
run``: nothing on the page changes the model in any other way.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cpsim.scenario import SECTIONS, ScenarioError, spec_of


@dataclass(frozen=True)
class Lever:
    """One control on the page and the scenario keys it sets.

    Attributes:
        name: Keyword of ClassroomModel (and of Mesa's model_params).
        key: The dotted scenario key it sets.
        label: The slider's label (short: a long label squeezes the slider).
        lo: Slider minimum.
        hi: Slider maximum.
        step: Slider step.
        doc: What the lever does, in a sentence for the class.
        switch: The program's ``enabled`` key, if any: 0 on the slider switches the
            program off, anything else switches it on with that dose.
        per_year: The slider counts events a year; the key holds days between them.

    """

    name: str
    key: str
    label: str
    lo: float
    hi: float
    step: float
    doc: str
    switch: str | None = None
    per_year: bool = False

    @property
    def is_int(self) -> bool:
        """Whether the slider moves in whole numbers."""
        return isinstance(_field(self.key).default, int) or self.per_year

    def overrides(self, value: float) -> dict[str, bool | float | int]:
        """The dotted scenario values this lever position stands for."""
        if self.switch is not None and value <= 0:
            return {self.switch: False}
        out: dict[str, bool | float | int] = {self.switch: True} if self.switch else {}
        if self.per_year:
            out[self.key] = 365.0 / value
        elif isinstance(_field(self.key).default, int):
            out[self.key] = int(round(value))
        else:
            out[self.key] = float(value)
        return out

    def read(self, scenario) -> float:
        """The lever position that stands for a scenario's values."""
        if self.switch is not None and not scenario.get(self.switch):
            return 0
        value = scenario.get(self.key)
        return round(365.0 / value) if self.per_year else value


# Slider ranges span what a class would try, inside the ranges the schema allows.
LEVERS: tuple[Lever, ...] = (
    Lever("officers_per_1000", "policing.officers_per_1000", "Officers per 1,000", 0.5, 5.0, 0.1,
          "Sworn officers per 1,000 residents (US average 2.2); about two thirds work beats."),
    Lever("budget_cut", "policing.budget_cut", "Budget cut", 0.0, 0.6, 0.05,
          "Share of officer hours removed: community work goes first, answering calls last."),
    Lever("foot_hours", "patrol.foot_hours", "Foot patrol h/shift", 0.0, 6.0, 0.25,
          "Hours of each beat officer's shift spent walking the beat instead of driving it."),
    Lever("proactive_hours", "enforcement.proactive_hours", "Stop hours/shift", 0.0, 4.0, 0.25,
          "Hours of each shift spent on proactive stops of pedestrians and drivers."),
    Lever("beat_meetings_per_year", "beat_meetings.interval_days", "Beat meetings/year", 0, 24, 1,
          "Community meetings a year in every beat (0: none); attendance is voluntary.",
          switch="beat_meetings.enabled", per_year=True),
    Lever("liaison_per_beat", "liaison.officers_per_beat", "Liaison per beat", 0.0, 2.0, 0.25,
          "Community liaison officers per beat (0: none), taken from patrol.", switch="liaison.enabled"),
    Lever("training_share", "training.share_per_month", "PJ training/month", 0.0, 0.5, 0.05,
          "Share of untrained beat officers given procedural-justice training each month (0: none).",
          switch="training.enabled"),
    Lever("watch_coverage", "watch.coverage", "Watch coverage", 0.0, 1.0, 0.05,
          "Share of streets with a neighbourhood watch group (0: none).", switch="watch.enabled"),
    Lever("incident_day", "incident.day", "Incident on day", 0, 365, 1,
          "Day a badly handled encounter is filmed and spreads (0: none).", switch="incident.enabled"),
)

BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}

# The page scales a scenario down to a neighbourhood a class can see: beats of ~500
# residents, so 2,000 residents make four beats and the last group gets a beat of its own
# (segregation needs a beat per 1/share of beats). Staffing stays per 1,000 residents, so
# at 2.2 officers per 1,000 the four beats share three beat officers.
RESIDENTS_PER_BEAT = 500


def _field(key: str) -> dataclasses.Field:
    section, _, name = key.partition(".")
    for f in dataclasses.fields(SECTIONS[section]):
        if f.name == name:
            return f
    raise KeyError(key)


def check_levers() -> None:
    """Fail loudly if a lever names a key the schema lacks or reaches outside its range."""
    for lever in LEVERS:
        low = lever.step if lever.switch else lever.lo  # 0 only switches the program off
        for value in (low, lever.hi):
            for key, v in lever.overrides(value).items():
                spec = spec_of(_field(key))
                if isinstance(v, bool):
                    continue
                if spec.lo is not None and v < spec.lo or spec.hi is not None and v > spec.hi:
                    raise ValueError(f"lever {lever.name}: {value} sets {key} = {v}, outside {spec.allowed()}")


def size_overrides(residents: int) -> dict[str, int]:
    """Scenario overrides that scale a scenario down to a classroom neighbourhood."""
    return {"population.residents": int(residents), "population.beats": max(1, round(residents / RESIDENTS_PER_BEAT))}


def lever_overrides(values: dict[str, float | None]) -> dict[str, bool | float | int]:
    """Dotted overrides for the levers that were given (None: keep the scenario's values)."""
    out: dict[str, bool | float | int] = {}
    for name, value in values.items():
        if value is not None:
            out.update(BY_NAME[name].overrides(value))
    return out


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file the page can load, with its name and description."""

    path: Path
    name: str
    description: str


def scenario_files(folder: str | Path) -> list[ScenarioFile]:
    """The scenario files of a folder, baseline first, with each file's [run] description.

    Descriptions come from the file itself or the file it ``extends``.

    Raises:
        ScenarioError: When the folder holds no scenario file.

    """
    folder = Path(folder)
    paths = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != "baseline", p.stem))
    if not paths:
        raise ScenarioError(f"{folder}: no scenario files (*.toml); allowed: a folder of scenario files")
    return [ScenarioFile(p, *_run_text(p)) for p in paths]


def _run_text(path: Path, depth: int = 0) -> tuple[str, str]:
    """(name, description) of a scenario file without validating all of it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return path.stem, "(this file cannot be read)"
    run = data.get("run", {}) if isinstance(data.get("run"), dict) else {}
    name, desc = run.get("name"), run.get("description")
    parent = data.get("extends")
    if (name is None or desc is None) and isinstance(parent, str) and depth < 10:
        desc = desc if desc is not None else _run_text(path.parent / parent, depth + 1)[1]
    return str(name or path.stem), str(desc or "")
