"""The model the classroom page runs: a scenario file, scaled down, plus the levers.

``ClassroomModel`` is a ``CommunityModel`` whose constructor takes keyword values only,
as Mesa's SolaraViz needs to rebuild it on Reset. It adds nothing to the simulation: it
loads the scenario with the levers as overrides and, when asked, runs the baseline
scenario alongside with the same seed (common random numbers), so the two differ only by
the scenario and the levers.
"""

from __future__ import annotations

import os
from pathlib import Path

from cpsim.app.layout import Layout, neighbourhood_layout
from cpsim.app.levers import BY_NAME, LEVERS, lever_overrides, size_overrides
from cpsim.model import CommunityModel
from cpsim.scenario import Scenario, apply_overrides, load_scenario

SCENARIO_ENV = "CPSIM_APP_SCENARIO"
DEFAULT_RESIDENTS = 2000


def default_scenario_file() -> Path:
    """The scenario the page opens with: $CPSIM_APP_SCENARIO, else scenarios/baseline.toml.

    ``scenarios/`` is looked up in the working directory first, then next to the package
    (a source checkout).
    """
    chosen = os.environ.get(SCENARIO_ENV)
    if chosen:
        return Path(chosen)
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        path = root / "scenarios" / "baseline.toml"
        if path.is_file():
            return path
    return Path("scenarios") / "baseline.toml"


class ClassroomModel(CommunityModel):
    """A small neighbourhood built from a scenario file and the page's levers.

    Attributes:
        scenario_file: The scenario file it was built from.
        levers: The lever values that were given (name -> value).
        changed: Names of the levers whose value differs from the scenario file's.
        baseline: The baseline run alongside (same size and seed), or None.
        layout: Where each resident, place and beat is drawn (computed once per build).

    """

    def __init__(
        self,
        scenario_file: str | None = None,
        residents: int = DEFAULT_RESIDENTS,
        seed: int = 1,
        compare: bool = True,
        *,
        officers_per_1000: float | None = None,
        budget_cut: float | None = None,
        foot_hours: float | None = None,
        proactive_hours: float | None = None,
        beat_meetings_per_year: int | None = None,
        liaison_per_beat: float | None = None,
        training_share: float | None = None,
        watch_coverage: float | None = None,
        incident_day: int | None = None,
    ) -> None:
        """Load the scenario scaled to ``residents``, apply the levers given, build the world.

        Every lever (cpsim.app.levers.LEVERS) is a keyword; None keeps the scenario's value.

        Args:
            scenario_file: Scenario TOML file (default: see default_scenario_file).
            residents: Residents of the neighbourhood.
            seed: Run seed (the baseline uses the same one).
            compare: Whether to run the baseline scenario alongside.
            officers_per_1000: policing.officers_per_1000.
            budget_cut: policing.budget_cut.
            foot_hours: patrol.foot_hours.
            proactive_hours: enforcement.proactive_hours.
            beat_meetings_per_year: beat_meetings.interval_days = 365 / value (0: no meetings).
            liaison_per_beat: liaison.officers_per_beat (0: no liaison officers).
            training_share: training.share_per_month (0: no training).
            watch_coverage: watch.coverage (0: no watch).
            incident_day: incident.day (0: no incident).

        Raises:
            ScenarioError: When the file or a lever value is not valid.

        """
        self.levers = {k: v for k, v in locals().items() if k in BY_NAME and v is not None}
        path = Path(scenario_file) if scenario_file else default_scenario_file()
        size = size_overrides(int(residents))
        as_filed = load_scenario(path, size)
        params = apply_overrides(as_filed, lever_overrides(self.levers)) if self.levers else as_filed
        super().__init__(params, seed=int(seed))
        self.changed = [lever.name for lever in LEVERS if lever.read(params) != lever.read(as_filed)]
        self.scenario_file = path
        self.baseline = CommunityModel(baseline_scenario(path, size), seed=int(seed)) if compare else None
        self.layout: Layout = neighbourhood_layout(self)
        self.pictures: dict = {}  # drawings built once per model, filled by the page

    def step(self) -> None:
        """Simulate one day (and the same day of the baseline); stop at the scenario's run.days."""
        super().step()
        if self.baseline is not None:
            self.baseline.step()
        self.running = self.day < self.params.run.days


def baseline_scenario(path: Path, size: dict) -> Scenario:
    """baseline.toml next to ``path`` (the built-in defaults if there is none), same size."""
    base = path.parent / "baseline.toml"
    if base.is_file():
        return load_scenario(base, size)
    return apply_overrides(Scenario(), size)

