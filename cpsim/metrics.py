"""Daily figures: their definitions, how they are computed, and the per-group and per-beat tables.

Each day the model hands its day record and state to ``day_figures`` (the city's figures,
kept as ``model.today``) and ``GroupTables.add`` (the group and beat tables); the Mesa
DataCollector's named reporters read ``model.today``, so results pickle and nothing is
computed twice. Every figure is defined here and listed in docs/metrics.md.
"""

from __future__ import annotations

import math
from functools import partial
from operator import attrgetter, itemgetter

import mesa
import numpy as np
import pandas as pd

from cpsim.kernels import figures
from cpsim.kernels.ledger import WALK_BELOW, cell_sums

# A resident is "confident" in police when trust >= CONFIDENT_TRUST: the midpoint of the 0-1 index,
# more confidence than not. It is the latent counterpart of a survey's "a great deal / quite a lot
# of confidence" answers (F7); with a [survey], the figures as surveyed stand beside it (docs/compare.md).
CONFIDENT_TRUST = 0.5
# Contact prevalence counts the first year, as the survey it is held against asks about the last
# 12 months (F6, PPCS): a definition of the figure, not a modelling choice.
PREVALENCE_DAYS = 365

# name -> (unit, definition). Order is the column order of Result.timeseries.
DAILY: dict[str, tuple[str, str]] = {
    "trust_mean": ("0-1", "Mean trust index over residents at the end of the day"),
    "legitimacy_mean": ("0-1", "Mean perceived legitimacy (procedural fairness)"),
    "effectiveness_mean": ("0-1", "Mean perceived police effectiveness"),
    "safety_mean": ("0-1", "Mean perceived safety (feelings of security)"),
    "foot_seen_weekly": ("share", "Mean chance that a resident sees police on foot in a week (updated weekly; CSEW)"),
    "trust_gap": ("0-1", "Mean trust of the most trusting group minus the least trusting"),
    "victimizations": ("count", "True victimisations today (violent + property)"),
    "victimizations_violent": ("count", "True violent victimisations today"),
    "victimizations_property": ("count", "True property victimisations today"),
    "crimes_reported": ("count", "Victimisations reported to police by the victim today"),
    "crimes_recorded": ("count", "Reported crimes answered and recorded by police today"),
    "crimes_cleared": ("count", "Recorded crimes cleared today"),
    "reporting_rate": ("share", "crimes_reported / victimizations today (NaN when none)"),
    "clearance_rate": ("share", "crimes_cleared / crimes_recorded today (NaN when none)"),
    "calls": ("count", "Calls for service today (crime reports, other resident calls, other workload)"),
    "calls_answered_share": ("share", "Share of call hours officers could give today"),
    "contacts": ("count", "Police contacts with residents today (calls answered, stops, arrests, patrol, programs)"),
    "contacts_positive": ("count", "Police contacts that raised the resident's trust"),
    "contacts_negative": ("count", "Police contacts that lowered the resident's trust"),
    "stops": ("count", "Pedestrian and traffic stops today"),
    "arrests": ("count", "Arrests today (from stops and cleared crimes)"),
    "complaints": ("count", "Formal complaints filed today"),
    "complaints_expected": ("count", "Expected complaints today: the sum of every contact's complaint chance"),
    "heard_stories": ("count", "Residents who heard about someone else's police contact today"),
    "officers_on_duty": ("count", "Sworn beat officers working today"),
    "hours_response": ("hours", "Officer hours answering calls"),
    "hours_patrol": ("hours", "Officer hours on patrol (car + foot)"),
    "hours_foot": ("hours", "Officer hours on foot patrol"),
    "hours_car": ("hours", "Officer hours on car patrol"),
    "hours_enforcement": ("hours", "Officer hours on proactive enforcement"),
    "hours_community": ("hours", "Officer hours on community work (programs)"),
    "hours_admin": ("hours", "Officer hours on administration"),
    "hours_total": ("hours", "All officer hours worked today"),
}

# Figures per resident group and per beat (long format: day, key, metric columns).
BY_KEY: dict[str, tuple[str, str]] = {
    "residents": ("count", "Residents in the group or beat"),
    "trust_mean": ("0-1", "Mean trust index"),
    "legitimacy_mean": ("0-1", "Mean legitimacy"),
    "effectiveness_mean": ("0-1", "Mean effectiveness"),
    "safety_mean": ("0-1", "Mean perceived safety"),
    "victimizations": ("count", "True victimisations of its residents today"),
    "crimes_reported": ("count", "Of which reported"),
    "reporting_rate": ("share", "crimes_reported / victimizations (NaN when none)"),
    "contacts": ("count", "Police contacts with its residents today"),
    "stops": ("count", "Stops of its residents today"),
    "complaints": ("count", "Complaints by its residents today"),
}

SUMMARY: dict[str, tuple[str, str]] = {
    "days": ("days", "Days simulated"),
    "residents": ("persons", "Residents"),
    "officers": ("officers", "Sworn officers"),
    "officers_per_1000": ("per 1000", "Sworn officers per 1000 residents"),
    "trust_start": ("0-1", "Mean trust before the first day"),
    "trust_end": ("0-1", "Mean trust at the end"),
    "trust_change": ("0-1", "trust_end - trust_start"),
    "legitimacy_end": ("0-1", "Mean legitimacy at the end"),
    "effectiveness_end": ("0-1", "Mean effectiveness at the end"),
    "safety_end": ("0-1", "Mean perceived safety at the end"),
    "foot_seen_weekly_end": ("share", "Mean chance of seeing police on foot in a week, at the end (CSEW: 32%)"),
    "trust_gap_end": ("0-1", "Trust gap between groups at the end"),
    "trust_end_by_group": ("0-1", "Mean trust per group at the end ({group: value})"),
    "trust_sd_end": ("0-1", "Standard deviation of trust between residents at the end (the unit of effect sizes)"),
    "safety_sd_end": ("0-1", "Standard deviation of perceived safety between residents at the end"),
    "confident_share_end": ("share", f"Share of residents with trust >= {CONFIDENT_TRUST:g} at the end (confident)"),
    "victimizations": ("count", "True victimisations over the run"),
    "violent_per_1000_year": ("per 1000 persons/yr", "True violent victimisation rate (F12)"),
    "property_per_1000_year": ("per 1000 persons/yr", "True property victimisation rate (F12)"),
    "crimes_reported": ("count", "Reported crimes over the run"),
    "crimes_recorded": ("count", "Recorded crimes over the run"),
    "recorded_per_1000_year": ("per 1000 persons/yr", "Recorded crime rate"),
    "reporting_rate": ("share", "Reported / true victimisations over the run"),
    "reporting_rate_violent": ("share", "Share of violent victimisations reported (F5)"),
    "reporting_rate_property": ("share", "Share of property victimisations reported (F5)"),
    "clearance_rate": ("share", "Cleared / recorded crimes over the run"),
    "contact_prevalence": (
        "share",
        f"Share of residents with any police contact in the first {PREVALENCE_DAYS} days, or over the run if shorter"
        " (F6)",
    ),
    "crime_report_share_of_initiated": ("share", "Share of resident-initiated contacts that report a crime (F6)"),
    "contacts": ("count", "Police contacts over the run"),
    "stops": ("count", "Stops over the run"),
    "arrests": ("count", "Arrests over the run"),
    "complaints": ("count", "Complaints over the run"),
    "complaints_expected": ("count", "Expected complaints over the run: the sum of every contact's complaint chance"),
    "complaints_per_1000_contacts": ("per 1000", "Complaints per 1000 police contacts"),
    "hours_total": ("hours", "Officer hours worked over the run"),
    "hours_response": ("hours", "Officer hours answering calls over the run"),
    "hours_patrol": ("hours", "Officer hours on patrol over the run"),
    "hours_enforcement": ("hours", "Officer hours on enforcement over the run"),
    "hours_community": ("hours", "Officer hours on community work over the run"),
    "hours_foot": ("hours", "Officer hours on foot patrol over the run"),
    "hours_car": ("hours", "Officer hours on car patrol over the run"),
    "hours_admin": ("hours", "Officer hours on administration over the run"),
    "trust_change_per_1000_hours": ("0-1 per 1000 h", "trust_change per 1000 officer hours worked"),
    # As surveyed (only with a [survey] section; cpsim/survey.py): the city estimate of the last wave.
    "survey_respondents": ("count", "Survey answers collected over the run (all waves)"),
    "survey_trust": ("0-100", "As surveyed: mean of 'police listen' and 'treat with respect' (0-10) x 10, last wave"),
    "survey_trust_se": ("0-100", "Standard error of survey_trust implied by the sampling design"),
    "survey_safety": ("0-100", "As surveyed: 'how safe do you feel' (0-10) x 10, last wave"),
    "survey_good_job": ("%", "As surveyed: share saying the police do a good or excellent job, last wave"),
    "survey_trust_gap": ("0-100", "As surveyed: survey_trust of the most trusting group minus the least, last wave"),
}


def distribution_summary(res, timeseries: pd.DataFrame) -> dict[str, float]:
    """End-of-run figures of the residents' distribution and the hours the model's summary does not split.

    Args:
        res: The residents' arrays at the end of the run.
        timeseries: The run's daily figures (``Result.timeseries``).

    Returns:
        ``trust_sd_end``, ``safety_sd_end``, ``confident_share_end``, ``hours_foot``,
        ``hours_car`` and ``hours_admin`` (docs/metrics.md).

    """
    return {
        "trust_sd_end": float(res.trust.std()),
        "safety_sd_end": float(res.safety.std()),
        "confident_share_end": float((res.trust >= CONFIDENT_TRUST).mean()),
        **{col: float(timeseries[col].sum()) for col in ("hours_foot", "hours_car", "hours_admin")},
    }


def read_metric(model, name: str) -> float:
    """The model's figure ``name`` for the current day."""
    return model.today[name]


def model_reporters() -> dict[str, partial]:
    """The DataCollector's model reporters, one named, picklable reporter per daily figure."""
    return {name: partial(read_metric, name=name) for name in DAILY}


class DailyCollector(mesa.DataCollector):
    """Mesa's DataCollector of the daily figures, appending ``model.today`` directly.

    Mesa's ``collect`` calls each reporter and deep-copies its value: 33 calls and copies a
    day, a tenth of a small city's day. The figures are Python floats and ints (immutable),
    so after the first day (which Mesa validates) they are appended as they are; the
    columns, their order and ``get_model_vars_dataframe`` are Mesa's own.
    """

    def __init__(self) -> None:
        """Reporters for every daily figure (cpsim.metrics.DAILY)."""
        super().__init__(model_reporters=model_reporters())
        self._columns = [(self.model_vars[name], name) for name in DAILY]

    def collect(self, model) -> None:
        """Append the day's figures (Mesa's own collect on the first day validates the reporters)."""
        # Mesa's private names, read defensively: any doubt falls back to Mesa's own collect.
        if not getattr(self, "_validated", False) or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        if hasattr(self, "_collection_steps"):
            self._collection_steps.append(model.time)
        today = model.today
        for column, name in self._columns:
            column.append(today[name])


def ratio(a: float, b: float) -> float:
    """A / b, NaN when b is zero."""
    return float(a) / float(b) if b else float("nan")


def day_figures(d, model, by_group: np.ndarray) -> dict[str, float]:
    """The day's figures (DAILY) from the day's record and the model's state after it.

    The residents' means and the group gap come from the day's sums by group (GroupTables.add:
    the pass over the residents is made once for both); the other sums and counts are numpy's
    to the bit, computed in a few compiled passes (cpsim.kernels.figures): ``np.mean`` of
    ``seen``, ``np.sum`` of each activity's hours, ``np.count_nonzero`` of each flag array.

    Args:
        d: The day's record (cpsim.model.Day), every phase done.
        model: The model (residents, officers' state, ``seen``).
        by_group: The day's sums by group, one row per MEANS field then EVENTS kind (GroupTables.add).

    Returns:
        Every DAILY figure by name, as Python floats and ints.

    """
    res, c, hours = model.residents, d.experiences, d.hours
    (seen,) = figures.means((model.city.seen,))
    # A handful of groups: Python's arithmetic on their sums costs less than numpy's calls
    n, rows = max(res.n, 1), by_group[: len(MEANS)].tolist()
    trust, legitimacy, effectiveness, safety = sum(rows[0]) / n, sum(rows[1]) / n, sum(rows[2]) / n, sum(rows[3]) / n
    group_trust = [s / m for s, m in zip(rows[0], model.frame.group_residents_list, strict=True) if m > 0]
    response, foot, car, enforcement, community, admin, on_duty, complaints_expected = figures.totals(
        (
            hours["response"],
            hours["foot"],
            hours["car"],
            hours["enforcement"],
            hours["community"],
            d.admin,
            d.on_duty,
            d.complaint_risk,
        )
    )
    n_reported, n_cleared, n_recorded, n_violent, contacts, complaints = figures.counts(
        (d.reported, d.cleared, d.recorded, d.violent, c["police"], d.complained)
    )
    positive, negative = figures.signs(c["police"], d.effects["d_trust"])
    # (NaN as numpy's max and min give it: Python's max may skip one; map() over a C function
    # costs a third of a generator's frames)
    gap = math.nan if any(map(math.isnan, group_trust)) else max(group_trust) - min(group_trust)
    patrol = foot + car
    return {
        "trust_mean": trust,
        "legitimacy_mean": legitimacy,
        "effectiveness_mean": effectiveness,
        "safety_mean": safety,
        "foot_seen_weekly": seen,
        "trust_gap": gap,
        "victimizations": int(d.victims.size),
        "victimizations_violent": n_violent,
        "victimizations_property": int(d.violent.size - n_violent),
        "crimes_reported": n_reported,
        "crimes_recorded": n_recorded,
        "crimes_cleared": n_cleared,
        "reporting_rate": ratio(n_reported, d.victims.size),
        "clearance_rate": ratio(n_cleared, n_recorded),
        "calls": int(d.calls),
        "calls_answered_share": float(d.answered_share),
        "contacts": contacts,
        "contacts_positive": positive,
        "contacts_negative": negative,
        "stops": int(d.stopped.size),
        "arrests": int(d.arrested.size),
        "complaints": complaints,
        "complaints_expected": complaints_expected,
        "heard_stories": int(d.listeners.size),
        "officers_on_duty": int(on_duty),
        "hours_response": response,
        "hours_patrol": patrol,
        "hours_foot": foot,
        "hours_car": car,
        "hours_enforcement": enforcement,
        "hours_community": community,
        "hours_admin": admin,
        # (Python's sum, compensated since 3.12: of the same figures in the same order as ever)
        "hours_total": sum((response, patrol, enforcement, community, admin)),
    }


# The daily figures summed into the run's totals (model.totals; the summary reads them).
TOTALS = (
    "victimizations",
    "victimizations_violent",
    "crimes_reported",
    "crimes_recorded",
    "crimes_cleared",
    "contacts",
    "stops",
    "arrests",
    "complaints",
    "complaints_expected",
    "hours_total",
    "hours_response",
    "hours_patrol",
    "hours_enforcement",
    "hours_community",
)

# BY_KEY figures that are means over the residents of a group or beat (the others are counts).
MEANS = {"trust_mean": "trust", "legitimacy_mean": "legitimacy", "effectiveness_mean": "effectiveness"}
MEANS["safety_mean"] = "safety"
# BY_KEY counts of the day's events, by the resident each event happened to.
EVENTS = {
    "victimizations": "victims",
    "crimes_reported": "reporters",
    "contacts": "contacts",
    "stops": "stops",
    "complaints": "complainants",
}


# The residents' fields and the day's events in BY_KEY's order, fetched in one call each.
_fields, _events = attrgetter(*MEANS.values()), itemgetter(*EVENTS.values())


def residents_by_cell(cell: np.ndarray, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """The residents sorted by cell, each cell's in ascending order (int32), and each cell's offset (int64).

    Args:
        cell: Each resident's cell (0 <= cell < n_cells).
        n_cells: Number of cells.

    Returns:
        ``(order, start)``: cpsim.kernels.ledger.cell_sums' walk by cell.

    """
    start = np.zeros(n_cells + 1, np.int64)
    np.cumsum(np.bincount(cell, minlength=n_cells), out=start[1:])
    return np.argsort(cell, kind="stable").astype(np.int32), start


class GroupTables:
    """Per-group and per-beat tables of the daily figures (BY_KEY), built from (beat, group) cells.

    Each day ``add`` takes the day's sums over (beat, group) cells and keeps their two margins
    (by group, by beat); the tables (means, rates) are built from them when read, for every
    day at once. The cell of each resident and the residents per cell are fixed for a run
    (residents do not move), so they are computed once.
    """

    def __init__(self, beat: np.ndarray, group: np.ndarray, n_beats: int, n_groups: int) -> None:
        """Cells of a run's residents.

        Args:
            beat: Beat of each resident (int32, as the population keeps it).
            group: Group of each resident (int8).
            n_beats: Number of beats.
            n_groups: Number of groups.

        """
        self.shape = (n_beats, n_groups)
        # The residents' own arrays: a run keeps no cell array (cells are worked out in add's kernel),
        # only, in a city of fewer than WALK_BELOW, the residents sorted by cell (4 bytes each) and
        # each cell's offset, with which add's kernel sums cell by cell, 2.5-3 times faster.
        self.beat, self.group = beat, group
        cell = beat.astype(np.int64) * n_groups + group
        self._by_cell = residents_by_cell(cell, n_beats * n_groups) if beat.size < WALK_BELOW else None
        cells = np.bincount(cell, minlength=n_beats * n_groups).reshape(self.shape).astype(float)
        self.residents = {"group": cells.sum(axis=0), "beat": cells.sum(axis=1)}
        self._sums: dict[str, list[np.ndarray]] = {"group": [], "beat": []}

    def add(self, res, events: dict[str, np.ndarray]) -> np.ndarray:
        """Keep today's sums by group and by beat (the means' numerators and the event counts).

        Args:
            res: Residents arrays (trust, legitimacy, effectiveness, safety).
            events: Resident indices of today's victims, reporters, contacts, stops and complainants.

        Returns:
            Today's sums by group: one row per MEANS field, then per EVENTS kind.

        """
        # One compiled pass (cpsim.kernels.ledger): bincount's sums, field by field and kind by kind, to the bit.
        sums = cell_sums(
            self.beat,
            self.group,
            *self.shape,
            _fields(res),
            _events(events),
            self._by_cell,
        )
        # cells.sum(axis=1) and cells.sum(axis=2) of the (figure, beat, group) cells, compiled
        by_group, by_beat = figures.margins(sums, *self.shape)
        self._sums["group"].append(by_group)
        self._sums["beat"].append(by_beat)
        return by_group

    @property
    def days(self) -> int:
        """Days added so far."""
        return len(self._sums["group"])

    def table(self, by: str) -> np.ndarray:
        """Every day's table by ``"group"`` or ``"beat"``: days x groups (or beats) x BY_KEY.

        Args:
            by: ``"group"`` or ``"beat"``.

        Returns:
            The figures of each day, row and BY_KEY column.

        """
        n = self.residents[by]
        if not self._sums[by]:
            return np.empty((0, n.size, len(BY_KEY)))
        tot = dict(zip([*MEANS, *EVENTS], np.stack(self._sums[by], axis=1), strict=True))
        tot["residents"] = np.broadcast_to(n, tot["trust_mean"].shape)
        out = np.empty((*tot["trust_mean"].shape, len(BY_KEY)))
        for j, key in enumerate(BY_KEY):
            if key in MEANS:
                out[..., j] = tot[key] / np.maximum(n, 1)
            elif key == "reporting_rate":
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[..., j] = np.where(
                        tot["victimizations"] > 0, tot["crimes_reported"] / tot["victimizations"], np.nan
                    )
            else:
                out[..., j] = tot[key]
        return out


def long_table(rows: np.ndarray, labels: list, key_name: str) -> pd.DataFrame:
    """Stack per-day tables (days x keys x BY_KEY, see GroupTables.table) into a long DataFrame (day, key, ...)."""
    if len(rows) == 0:
        return pd.DataFrame(columns=["day", key_name, *BY_KEY])
    data = np.concatenate(rows)
    n_keys = len(labels)
    out = pd.DataFrame(data, columns=list(BY_KEY))
    out.insert(0, key_name, np.tile(np.asarray(labels, dtype=object), len(rows)))
    out.insert(0, "day", np.repeat(np.arange(1, len(rows) + 1), n_keys))
    for col in ("residents", "victimizations", "crimes_reported", "contacts", "stops", "complaints"):
        out[col] = out[col].astype(np.int64)
    return out


def add_totals(totals: dict[str, float], today: dict[str, float], d, enforcement: np.ndarray) -> None:
    """Add a day to the whole-run totals (in place): its TOTALS, violent reports, complaints expected of enforcement.

    Args:
        totals: The run's totals so far.
        today: The day's figures (``day_figures``).
        d: The day record (reported, violent, complaint_risk, experiences).
        enforcement: Per contact kind, whether it is enforcement (complaints' ENFORCEMENT_KINDS).
    """
    for key in TOTALS:
        totals[key] = totals.get(key, 0) + today[key]
    # np.count_nonzero(reported & violent) and complaint_risk[enforcement kinds].sum(), compiled
    totals["reported_violent"] = totals.get("reported_violent", 0) + figures.both(d.reported, d.violent)
    totals["complaints_expected_enforcement"] = totals.get(
        "complaints_expected_enforcement", 0.0
    ) + figures.selected_total(d.complaint_risk, d.experiences["kind"], enforcement)
