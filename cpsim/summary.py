"""The whole-run summary: whole-run and end-of-run figures, defined in docs/metrics.md (SUMMARY)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cpsim.metrics import ratio
from cpsim.scenario.units import PER_1000_A_YEAR
from cpsim.world.state import state


@dataclass
class Tally:
    """What a run counts as it goes, for its summary."""

    totals: dict[str, float] = state(
        "per key", "Run totals of the daily figures (cpsim.metrics.TOTALS and the run-only sums)", dict
    )
    initiated: dict[str, int] = state(
        "contacts", 'Answered calls residents made, by reason ("crime", "other")', lambda: {"crime": 0, "other": 0}
    )
    initial: dict[str, float] = state(
        "per key", 'What the run started from ("trust_mean"), and the first year\'s "contact_prevalence"', dict
    )


def summary(world, params, tally: Tally, seen: np.ndarray, days_run: int) -> dict:
    """Whole-run and end-of-run figures (defined in docs/metrics.md).

    Args:
        world: The world as the run left it (residents, officers).
        params: The scenario (group names).
        tally: The run's totals, calls and starting values.
        seen: Each resident's chance of seeing police on foot in a week, at the end.
        days_run: Days simulated.
    """
    res, t, days = world.residents, tally.totals, max(days_run, 1)
    n, officers = res.n, world.officers.n
    names = params.population.group_names
    group_residents = np.bincount(res.group, minlength=len(names))
    g_trust = np.bincount(res.group, weights=res.trust, minlength=len(names)) / np.maximum(group_residents, 1)
    per_year = PER_1000_A_YEAR / (n * days)
    vic, viol = t.get("victimizations", 0), t.get("victimizations_violent", 0)
    initiated = tally.initiated["crime"] + tally.initiated["other"]
    trust_change = float(res.trust.mean()) - tally.initial["trust_mean"]
    return {
        "days": days_run,
        "residents": n,
        "officers": officers,
        "officers_per_1000": 1000.0 * officers / n,
        "trust_start": tally.initial["trust_mean"],
        "trust_end": float(res.trust.mean()),
        "trust_change": trust_change,
        "legitimacy_end": float(res.legitimacy.mean()),
        "effectiveness_end": float(res.effectiveness.mean()),
        "safety_end": float(res.safety.mean()),
        "foot_seen_weekly_end": float(seen.mean()),
        "trust_gap_end": float(g_trust[group_residents > 0].max() - g_trust[group_residents > 0].min()),
        "trust_end_by_group": {name: float(g_trust[i]) for i, name in enumerate(names)},
        "victimizations": int(vic),
        "violent_per_1000_year": viol * per_year,
        "property_per_1000_year": (vic - viol) * per_year,
        "crimes_reported": int(t.get("crimes_reported", 0)),
        "crimes_recorded": int(t.get("crimes_recorded", 0)),
        "recorded_per_1000_year": t.get("crimes_recorded", 0) * per_year,
        "reporting_rate": ratio(t.get("crimes_reported", 0), vic),
        "reporting_rate_violent": ratio(t.get("reported_violent", 0), viol),
        "reporting_rate_property": ratio(t.get("crimes_reported", 0) - t.get("reported_violent", 0), vic - viol),
        "clearance_rate": ratio(t.get("crimes_cleared", 0), t.get("crimes_recorded", 0)),
        "contact_prevalence": tally.initial.get("contact_prevalence", float(res.contacted.mean())),
        "crime_report_share_of_initiated": ratio(tally.initiated["crime"], initiated),
        "contacts": int(t.get("contacts", 0)),
        "stops": int(t.get("stops", 0)),
        "arrests": int(t.get("arrests", 0)),
        "complaints": int(t.get("complaints", 0)),
        "complaints_expected": float(t.get("complaints_expected", 0.0)),
        "complaints_per_1000_contacts": 1000 * ratio(t.get("complaints", 0), t.get("contacts", 0)),
        "hours_total": float(t.get("hours_total", 0.0)),
        "hours_response": float(t.get("hours_response", 0.0)),
        "hours_patrol": float(t.get("hours_patrol", 0.0)),
        "hours_enforcement": float(t.get("hours_enforcement", 0.0)),
        "hours_community": float(t.get("hours_community", 0.0)),
        "trust_change_per_1000_hours": 1000 * ratio(trust_change, t.get("hours_total", 0.0)),
    }
