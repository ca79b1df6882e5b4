"""The classroom levers: page controls mapped onto real scenario parameters.

Each lever is one dotted scenario key (``patrol.foot_hours``) with a label a class
understands, a unit, and a slider range inside the range the schema allows; a program's
lever also sets its ``enabled`` switch (0 on the slider: no program). A lever counts in
the units a class thinks in: whole officers in this neighbourhood (the key holds officers
per 1,000 residents or per beat), percentages, meetings a year (the key holds days between
meetings). The page builds the model from a scenario file plus the levers that differ from
it, so a lever is exactly a ``--set`` override of ``cpsim run``: nothing on the page
changes the model in any other way.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from cpsim.scenario import SECTIONS, ScenarioError, spec_of
from cpsim.scenario.load import read_toml_file

# The page scales a scenario down to a neighbourhood a class can see: beats of ~500
# residents, so 2,000 residents make four beats and the last group gets a beat of its own
# (segregation needs a beat per 1/share of beats). Staffing stays per 1,000 residents, so
# at 2.2 officers per 1,000 the four beats share three beat officers.
RESIDENTS_PER_BEAT = 500


class Size(NamedTuple):
    """The size of the neighbourhood on the page."""

    residents: int
    beats: int

    @classmethod
    def of(cls, residents: int) -> Size:
        """The classroom size for a number of residents (beats of ~RESIDENTS_PER_BEAT)."""
        return cls(int(residents), max(1, round(residents / RESIDENTS_PER_BEAT)))

    def overrides(self) -> dict[str, int]:
        """Scenario overrides that scale a scenario down to this neighbourhood."""
        return {"population.residents": self.residents, "population.beats": self.beats}


Scale = Literal["", "percent", "per_1000", "per_beat", "per_year"]


@dataclass(frozen=True)
class Lever:
    """One control on the page and the scenario keys it sets.

    Attributes:
        name: Keyword of ClassroomModel (a lever position, in the page's units).
        key: The dotted scenario key it sets.
        label: The lever's name on the page.
        unit: Shown after the value ("h per shift"); "%" is written without a space.
        lo: Lowest value of the key on the slider (in the key's own units).
        hi: Highest value of the key on the slider.
        step: Slider step, in the page's units.
        doc: What the lever does, in a sentence for the class.
        scale: How the page counts the key: "" as it is, "percent" (x 100), "per_1000" (whole
            officers in this neighbourhood), "per_beat" (whole officers over all beats),
            "per_year" (events a year; the key holds days between them).
        switch: The program's ``enabled`` key, if any: 0 on the slider switches the
            program off, anything else switches it on with that dose.
        none: What 0 reads as when it switches a program off ("none").

    """

    name: str
    key: str
    label: str
    unit: str
    lo: float
    hi: float
    step: float
    doc: str
    scale: Scale = ""
    switch: str | None = None
    none: str = "none"

    @property
    def is_int(self) -> bool:
        """Whether the slider moves in whole numbers."""
        return float(self.step).is_integer()

    def factor(self, size: Size) -> float:
        """Page units per unit of the key (not for per_year)."""
        return {"percent": 100.0, "per_1000": size.residents / 1000.0, "per_beat": float(size.beats)}.get(
            self.scale, 1.0
        )

    def position(self, value: float, size: Size) -> float:
        """The slider position that stands for a value of the key."""
        if self.scale == "per_year":
            return round(365.0 / value)
        pos = value * self.factor(size)
        return int(round(pos)) if self.is_int else round(pos / self.step) * self.step

    def value(self, position: float, size: Size) -> float | int:
        """The key's value for a slider position (inverse of ``position``)."""
        if self.scale == "per_year":
            return 365.0 / position
        value = position / self.factor(size)
        return int(round(value)) if isinstance(_field(self.key).default, int) else float(value)

    def bounds(self, size: Size) -> tuple[float, float]:
        """Slider minimum and maximum, in page units, on the step grid."""
        if self.scale == "per_year":
            lo, hi = 365.0 / self.hi if self.hi else 0, 365.0 / self.lo
        else:
            lo, hi = self.lo * self.factor(size), self.hi * self.factor(size)
        lo, hi = math.ceil(lo / self.step - 1e-9) * self.step, math.floor(hi / self.step + 1e-9) * self.step
        if self.switch:
            lo = 0  # 0 switches the program off
        return (int(lo), int(hi)) if self.is_int else (lo, hi)

    def overrides(self, position: float, size: Size) -> dict[str, bool | float | int]:
        """The dotted scenario values this lever position stands for."""
        if self.switch is not None and position <= 0:
            return {self.switch: False}
        out: dict[str, bool | float | int] = {self.switch: True} if self.switch else {}
        out[self.key] = self.value(position, size)
        return out

    def read(self, scenario) -> float:
        """The lever position that stands for a scenario's values (at the scenario's size)."""
        if self.switch is not None and not scenario.get(self.switch):
            return 0
        size = Size(scenario.population.residents, scenario.population.beats)
        return self.position(scenario.get(self.key), size)

    def text(self, position: float) -> str:
        """The position as a class reads it: "2 h per shift", "20%", "none"."""
        if self.switch is not None and position <= 0:
            return self.none
        number = f"{position:,.0f}" if float(position).is_integer() else f"{position:g}"
        if self.unit.startswith("%"):
            return f"{number}{self.unit}"
        if self.unit.startswith("day"):
            return f"{self.unit} {number}"
        unit = self.unit.removesuffix("s") if position == 1 and self.unit == "officers" else self.unit
        return f"{number} {unit}"


# Slider ranges span what a class would try, inside the ranges the schema allows.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "officers",
        "policing.officers_per_1000",
        "Officers",
        "officers",
        0.5,
        5.0,
        1,
        "Sworn officers in the neighbourhood (US average: 2.2 per 1,000 residents); about two thirds work beats.",
        scale="per_1000",
    ),
    Lever(
        "budget_cut",
        "policing.budget_cut",
        "Budget cut",
        "% of officer hours",
        0.0,
        0.6,
        5,
        "Share of officer hours removed: community work goes first, answering calls last.",
        scale="percent",
    ),
    Lever(
        "foot_hours",
        "patrol.foot_hours",
        "Foot patrol",
        "h per shift",
        0.0,
        6.0,
        0.5,
        "Hours of each beat officer's shift spent walking the beat instead of driving it.",
    ),
    Lever(
        "proactive_hours",
        "enforcement.proactive_hours",
        "Proactive stops",
        "h per shift",
        0.0,
        4.0,
        0.5,
        "Hours of each shift spent stopping pedestrians and drivers.",
    ),
    Lever(
        "beat_meetings",
        "beat_meetings.interval_days",
        "Beat meetings",
        "a year in each beat",
        365 / 24,
        365,
        1,
        "Community meetings a year in every beat; attendance is voluntary.",
        scale="per_year",
        switch="beat_meetings.enabled",
    ),
    Lever(
        "liaison",
        "liaison.officers_per_beat",
        "Liaison officers",
        "officers",
        0.0,
        2.0,
        1,
        "Community liaison officers for the whole neighbourhood, taken from patrol.",
        scale="per_beat",
        switch="liaison.enabled",
    ),
    Lever(
        "training",
        "training.share_per_month",
        "Procedural-justice training",
        "% of officers a month",
        0.0,
        0.5,
        5,
        "Share of untrained beat officers trained each month to treat people fairly.",
        scale="percent",
        switch="training.enabled",
    ),
    Lever(
        "watch",
        "watch.coverage",
        "Neighbourhood watch",
        "% of streets",
        0.0,
        1.0,
        5,
        "Share of streets with a neighbourhood watch group.",
        scale="percent",
        switch="watch.enabled",
    ),
    Lever(
        "incident_day",
        "incident.day",
        "Filmed incident",
        "day",
        0,
        365,
        1,
        "Day a badly handled encounter is filmed and spreads.",
        switch="incident.enabled",
    ),
)

BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}


def _field(key: str) -> dataclasses.Field:
    section, _, name = key.partition(".")
    for f in dataclasses.fields(SECTIONS[section]):
        if f.name == name:
            return f
    raise KeyError(key)


def check_levers(sizes: tuple[int, ...] = (1000, 2000, 3000)) -> None:
    """Fail loudly if a lever names a key the schema lacks or reaches outside its range."""
    for lever in LEVERS:
        for residents in sizes:
            size = Size.of(residents)
            lo, hi = lever.bounds(size)
            for position in (lever.step if lever.switch and lo == 0 else lo, hi):
                for key, v in lever.overrides(position, size).items():
                    spec = spec_of(_field(key))
                    if isinstance(v, bool):
                        continue
                    if spec.lo is not None and v < spec.lo or spec.hi is not None and v > spec.hi:
                        raise ValueError(f"lever {lever.name}: {position} sets {key} = {v}, outside {spec.allowed()}")


def lever_overrides(positions: dict[str, float | None], size: Size) -> dict[str, bool | float | int]:
    """Dotted overrides for the levers that were given (None: keep the scenario's values)."""
    out: dict[str, bool | float | int] = {}
    for name, position in positions.items():
        if position is not None:
            out.update(BY_NAME[name].overrides(position, size))
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
    # regular files only: reading a named pipe called x.toml would wait for a writer forever
    paths = sorted((p for p in folder.glob("*.toml") if p.is_file()), key=lambda p: (p.stem != "baseline", p.stem))
    if not paths:
        raise ScenarioError(f"{folder}: no scenario files (*.toml); allowed: a folder of scenario files")
    return [ScenarioFile(p, *_run_text(p)) for p in paths]


def _run_text(path: Path, depth: int = 0) -> tuple[str, str]:
    """(name, description) of a scenario file without validating all of it."""
    try:  # the loader's safeguards: size, encoding, nesting, only regular files
        data = read_toml_file(path)
    except ScenarioError:
        return path.stem, "(this file cannot be read)"
    run = data.get("run", {}) if isinstance(data.get("run"), dict) else {}
    name, desc = run.get("name"), run.get("description")
    parent = data.get("extends")
    if (name is None or desc is None) and isinstance(parent, str) and depth < 10:
        desc = desc if desc is not None else _run_text(path.parent / parent, depth + 1)[1]
    return str(name or path.stem), str(desc or "")
