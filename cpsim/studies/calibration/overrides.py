"""A calibrated point as scenario overrides: whole numbers rounded, list elements put in their list.

A calibration's parameters are dotted scenario keys (``trust.half_life_days``), one element of a
number list (``trust.initial_by_group[3]``: the fourth group's value, the others as the scenario
has them), or keys of the observation model (``observation.area_sd``), which act on the survey
table after the run and are no scenario key. Every consumer of a calibrated point (the fitting
methods' runs, the calibrated scenario, a posterior drawn by compare, trial or a sweep) turns it
into overrides here, so they cannot disagree.
"""

from __future__ import annotations

import re
from typing import Any

from cpsim.studies.calibration.observation import is_observation

ELEMENT = re.compile(r"^(?P<key>[a-z_]+\.[a-z0-9_]+)\[(?P<index>\d+)\]$")


def element(key: str) -> tuple[str, int] | None:
    """(list key, index) of an element key such as ``trust.initial_by_group[3]``, else None."""
    found = ELEMENT.match(key)
    return (found["key"], int(found["index"])) if found else None


def as_overrides(scenario: Any, values: dict[str, float], whole: tuple[str, ...] | frozenset[str] = ()) -> dict:
    """The scenario overrides of a calibrated point (observation keys left out).

    Args:
        scenario: The scenario the point applies to (the lists' other elements are its own).
        values: Calibrated key -> value.
        whole: Keys whose values are whole numbers (rounded).

    """
    out: dict[str, Any] = {}
    for key, value in values.items():
        if is_observation(key):
            continue
        found = element(key)
        if found is None:
            out[key] = int(round(value)) if key in whole else float(value)
            continue
        name, index = found
        if name not in out:
            section, _, field = name.partition(".")
            out[name] = list(getattr(getattr(scenario, section), field))
        out[name][index] = float(value)
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in out.items()}
