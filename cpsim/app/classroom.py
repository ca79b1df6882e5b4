"""The model the classroom page runs: a scenario file, scaled down, plus the levers.

``ClassroomModel`` is a ``CommunityModel`` whose constructor takes keyword values only
(the page's Reset rebuilds it from ``PageSettings.kwargs()``). It adds nothing to the
simulation: it loads the scenario with the changed levers as overrides and, when asked,
runs a second scenario alongside (the baseline by default) with the same seed (common
random numbers), so the two differ only by the scenarios and the levers.

``PageSettings`` is what the page shows: the picked scenario, every lever's position, the
scenario file's own positions, and the run settings. Reset builds exactly that.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cpsim.app.levers import BY_NAME, LEVERS, Size, lever_overrides
from cpsim.app.positions import Layout, neighbourhood_layout
from cpsim.mechanisms.contacts import KINDS
from cpsim.model import CommunityModel
from cpsim.scenario import Scenario, apply_overrides, load_scenario

SCENARIO_ENV = "CPSIM_APP_SCENARIO"
DEFAULT_RESIDENTS = 2000
BASELINE = "baseline.toml"


def default_scenario_file() -> Path:
    """The scenario the page opens with: $CPSIM_APP_SCENARIO, else scenarios/baseline.toml.

    ``scenarios/`` is looked up in the working directory first, then next to the package
    (a source checkout).
    """
    chosen = os.environ.get(SCENARIO_ENV)
    if chosen:
        return Path(chosen)
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        path = root / "scenarios" / BASELINE
        if path.is_file():
            return path
    return Path("scenarios") / BASELINE


@dataclass(frozen=True)
class PageSettings:
    """What the page shows, and what Reset builds.

    Attributes:
        scenario_file: The picked scenario file.
        residents: Residents of the neighbourhood.
        seed: Run seed (the run alongside uses the same one).
        compare_with: Scenario file run alongside ("" for none).
        levers: Every lever's position (page units).
        defaults: The scenario file's own lever positions at this size.

    """

    scenario_file: str
    residents: int = DEFAULT_RESIDENTS
    seed: int = 1
    compare_with: str = ""
    levers: dict[str, float] = field(default_factory=dict)
    defaults: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        scenario_file: str | Path,
        residents: int = DEFAULT_RESIDENTS,
        seed: int = 1,
        compare_with: str | None = None,
    ) -> PageSettings:
        """A scenario file as it is filed, levers at its values.

        Args:
            scenario_file: The scenario file.
            residents: Residents of the neighbourhood.
            seed: Run seed.
            compare_with: Scenario run alongside (None: baseline.toml of the same folder,
                if there is one; "": none).

        Raises:
            ScenarioError: When the file is not a valid scenario.

        """
        path = Path(scenario_file)
        if compare_with is None:
            base = path.parent / BASELINE
            compare_with = str(base) if base.is_file() else ""
        positions = file_positions(path, int(residents))
        return cls(str(path), int(residents), int(seed), compare_with, positions, positions)

    def changed(self) -> dict[str, float]:
        """Levers whose position differs from the scenario file's."""
        return {k: v for k, v in self.levers.items() if v != self.defaults.get(k)}

    def kwargs(self) -> dict:
        """Keywords of ClassroomModel: only changed levers, so the file's own values stay exact."""
        return {
            "scenario_file": self.scenario_file,
            "residents": self.residents,
            "seed": self.seed,
            "compare_with": self.compare_with,
            **self.changed(),
        }

    def with_lever(self, name: str, position: float) -> PageSettings:
        """The same settings with one lever moved."""
        return dataclasses.replace(self, levers={**self.levers, name: position})

    def resized(self, residents: int) -> PageSettings:
        """The same settings for another size: unchanged levers follow the file's values."""
        defaults = file_positions(Path(self.scenario_file), int(residents))
        levers = {k: defaults[k] if v == self.defaults.get(k) else v for k, v in self.levers.items()}
        return dataclasses.replace(self, residents=int(residents), levers=levers, defaults=defaults)


def file_positions(path: Path, residents: int) -> dict[str, float]:
    """Each lever's position for a scenario file as filed, at a classroom size."""
    scenario = load_scenario(path, Size.of(residents).overrides())
    return {lever.name: lever.read(scenario) for lever in LEVERS}


@dataclass(eq=False)  # compared by identity: a page redraws a run when it is another run
class PageRun:
    """A neighbourhood on the page: its model and what drawing it needs.

    Attributes:
        model: The model.
        title: Its name on the page.
        layout: Where each resident, place and beat is drawn (computed once per build).
        trust_start: Each resident's trust on day 0 (to colour change since then).
        pictures: Drawings built once per run, filled by the page.

    """

    model: CommunityModel
    title: str
    layout: Layout
    trust_start: np.ndarray
    pictures: dict = field(default_factory=dict)

    @classmethod
    def of(cls, model: CommunityModel, title: str) -> PageRun:
        """A run at day 0."""
        return cls(model, title, neighbourhood_layout(model), model.residents.trust.copy())

    def touched_today(self) -> dict[str, np.ndarray]:
        """Who was touched today (resident indices, each resident once, in this order of precedence).

        "contact": a police contact or a crime (stops, calls, patrol, victimisation, the incident itself);
        "program": a program or event (meetings, liaison visits, a trial's contacts);
        "news": saw a publicized incident in the news (not a program: its own ring, so a class
        does not read the video as outreach);
        "heard": heard a story from a tie and nothing else.
        """
        m = self.model
        c = m.experiences_today
        n = m.residents.n
        kind = np.zeros(n, np.int8)  # 0 none, 1 heard, 2 news, 3 program, 4 contact
        kind[m.heard_today] = 1
        if c:
            names = {p.name for p in m.programs}
            news = np.array([KINDS[k] == "incident_news" for k in c["kind"]], bool)
            program = np.array([KINDS[k] in names or KINDS[k].startswith("trial_") for k in c["kind"]], bool)
            np.maximum.at(kind, c["idx"], np.select([news, program], [2, 3], 4).astype(np.int8))
        return {
            "contact": np.flatnonzero(kind == 4),
            "program": np.flatnonzero(kind == 3),
            "news": np.flatnonzero(kind == 2),
            "heard": np.flatnonzero(kind == 1),
        }


def _beats(beats: list[int]) -> str:
    """Beats as the page labels them (from 1): "beat 3", "beats 2 and 4"."""
    named = [str(b + 1) for b in beats]
    return f"beat {named[0]}" if len(named) == 1 else f"beats {', '.join(named[:-1])} and {named[-1]}"


def staffing_notes(model: CommunityModel) -> list[str]:
    """Beats a program cannot reach for want of the officer it works through, in a class's words.

    Steady beat officers (neighbourhood policing) and mentors are a beat's own officers: a
    small neighbourhood may have beats none of its officers works in, and at a fidelity
    below 1 some named steady officers are rotated as usual. Without a word, such a beat's
    flat line reads as the program failing there.
    """
    off = model.officers
    staffed = set(off.beat[off.beat >= 0].tolist())
    empty = [b for b in range(model.n_beats) if b not in staffed]
    programs = {p.name: p for p in model.programs}
    notes = []
    if "neighbourhood" in programs:
        sec = model.params.neighbourhood
        steady = set(off.beat[programs["neighbourhood"].steady].tolist())
        unkept = [b for b in sorted(staffed) if b not in steady]
        if empty:
            verb = "has" if len(empty) == 1 else "have"
            notes.append(
                f"{_beats(empty).capitalize()} {verb} no steady officer: {off.n} officers cover {len(staffed)} of "
                f"{model.n_beats} beats, and none works there (more Officers, then Reset, would change that)."
            )
        if unkept:
            notes.append(
                f"In {_beats(unkept)} the officer named steady is rotated as usual: at fidelity {sec.fidelity:g} "
                f"each named officer had a {sec.fidelity:.0%} chance of being kept on the beat, and these were not."
            )
    if "mentorship" in programs and empty:
        notes.append(
            f"{_beats(empty).capitalize()} get{'s' if len(empty) == 1 else ''} no mentor: no officer works there."
        )
    return notes


class ClassroomModel(CommunityModel):
    """A small neighbourhood built from a scenario file and the page's levers.

    Attributes:
        scenario_file: The scenario file it was built from.
        settings: The settings it was built from (every lever's position read back).
        changed: Names of the levers whose value differs from the scenario file's.
        alongside: The scenario run alongside (same size and seed), or None.
        mine: This run, as the page draws it.
        other: The run alongside, as the page draws it, or None.

    """

    def __init__(
        self,
        scenario_file: str | None = None,
        residents: int = DEFAULT_RESIDENTS,
        seed: int = 1,
        compare_with: str | None = None,
        *,
        officers: int | None = None,
        budget_cut: float | None = None,
        foot_hours: float | None = None,
        proactive_hours: float | None = None,
        beat_meetings: int | None = None,
        liaison: int | None = None,
        training: float | None = None,
        watch: float | None = None,
        incident_day: int | None = None,
    ) -> None:
        """Load the scenario scaled to ``residents``, apply the levers given, build the world.

        Every lever (cpsim.app.levers.LEVERS) is a keyword in the page's units; None keeps
        the scenario's value.

        Args:
            scenario_file: Scenario TOML file (default: see default_scenario_file).
            residents: Residents of the neighbourhood.
            seed: Run seed (the run alongside uses the same one).
            compare_with: Scenario file to run alongside (None: baseline.toml next to
                ``scenario_file``, or the built-in defaults; "": none).
            officers: Sworn officers (policing.officers_per_1000 = officers / residents x 1,000).
            budget_cut: Percent of officer hours cut (policing.budget_cut).
            foot_hours: Foot patrol hours per shift (patrol.foot_hours).
            proactive_hours: Proactive stop hours per shift (enforcement.proactive_hours).
            beat_meetings: Meetings a year per beat (beat_meetings.interval_days = 365 / value; 0: none).
            liaison: Liaison officers (liaison.officers_per_beat = value / beats; 0: none).
            training: Percent of untrained beat officers trained a month (training.share_per_month; 0: none).
            watch: Percent of streets with a watch (watch.coverage; 0: none).
            incident_day: Day of a filmed incident (incident.day; 0: none).

        Raises:
            ScenarioError: When a file or a lever value is not valid.

        """
        given = {k: v for k, v in locals().items() if k in BY_NAME and v is not None}
        path = Path(scenario_file) if scenario_file else default_scenario_file()
        size = Size.of(int(residents))
        as_filed = load_scenario(path, size.overrides())
        params = apply_overrides(as_filed, lever_overrides(given, size)) if given else as_filed
        super().__init__(params, seed=int(seed))
        self.scenario_file = path
        self.changed = [lever.name for lever in LEVERS if lever.read(params) != lever.read(as_filed)]
        if compare_with is None:
            other_file = path.parent / BASELINE
            other = load_scenario(other_file, size.overrides()) if other_file.is_file() else None
            other = other or apply_overrides(Scenario(), size.overrides())
        elif compare_with:
            other_file = Path(compare_with)
            other = load_scenario(other_file, size.overrides())
        else:
            other_file, other = None, None
        self.settings = PageSettings(
            str(path),
            size.residents,
            int(seed),
            str(other_file) if other_file else "",
            {lv.name: lv.read(params) for lv in LEVERS},
            {lv.name: lv.read(as_filed) for lv in LEVERS},
        )
        self.alongside = CommunityModel(other, seed=int(seed)) if other is not None else None
        self.mine = PageRun.of(self, params.run.name)
        self.other = PageRun.of(self.alongside, other.run.name) if other is not None else None

    def step(self) -> None:
        """Simulate one day (and the same day of the run alongside); stop at the scenario's run.days."""
        super().step()
        if self.alongside is not None and self.alongside.day < self.alongside.params.run.days:
            self.alongside.step()
        self.running = self.day < self.params.run.days
