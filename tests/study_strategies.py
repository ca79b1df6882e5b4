"""Hypothesis strategies for experiment and calibration documents, as scenario_strategies.py draws scenarios.

``experiment_documents()`` and ``calibration_documents()`` draw anything in the shape of the
file: known and misspelt keys, values of every TOML type (NaN, infinities, huge and negative
numbers, empty lists, nested tables), ``[vary]``/``[parameters]`` keys of number, list, text
and boolean parameters (and of programs that are off), priors of every kind with any bounds.
``valid_experiments()`` and ``valid_calibrations()`` draw documents that respect every
declared range and rule the draw can see (small cities, short runs), so each can be run in
a test; the loader may still refuse one for a rule across keys.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from scenario_strategies import SCALARS, VALUES

from cpsim.scenario import SECTIONS, spec_of
from cpsim.studies.calibration.spec import KEYS as CALIBRATION_KEYS
from cpsim.studies.calibration.stats import STATISTICS
from cpsim.studies.sweeps.experiment import KEYS as EXPERIMENT_KEYS
from cpsim.studies.sweeps.experiment import SCALAR_METRICS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
CORPUS = ROOT / "tests" / "corpus" / "calibration"
# Dotted keys worth drawing: numbers, whole numbers, lists, text, switches, rule keys, a program that is off.
PARAMETERS = [
    "policing.budget_cut", "trust.half_life_days", "safety.initial", "survey.offset", "survey.slope",
    "population.beats", "population.residents", "graph.ws_k", "trust.initial_by_group", "population.group_names",
    "policing.cut_order", "graph.kind", "run.days", "run.seed", "run.name", "incident.day", "watch.enabled",
    "watch.coverage", "survey.period_days", "survey.respondents_per_area", "costs.currency",
]  # fmt: skip
TYPOS = ["policing.budgetcut", "trust.half_life_dayz", "nope", "survey", ".x", "a.b.c"]
KEYS = st.one_of(st.sampled_from(PARAMETERS), st.sampled_from(TYPOS), st.text(max_size=12))
# Small, runnable cities.
SMALL = {"population.residents": 300, "population.beats": 3}


def _field(key: str) -> dataclasses.Field:
    sec, _, name = key.partition(".")
    return next(f for f in dataclasses.fields(SECTIONS[sec]) if f.name == name)


def _in_range(key: str) -> st.SearchStrategy:
    """A value of ``key`` inside its declared range (its edges often)."""
    f = _field(key)
    spec, default = spec_of(f), f.default
    if isinstance(default, bool):
        return st.booleans()
    if isinstance(default, int):
        return st.one_of(st.sampled_from([int(spec.lo), int(spec.hi)]), st.integers(int(spec.lo), int(spec.hi)))
    return st.one_of(st.sampled_from([float(spec.lo), float(spec.hi)]), st.floats(spec.lo, spec.hi))


NUMBERS = [
    k for k in PARAMETERS if isinstance(_field(k).default, (int, float)) and not isinstance(_field(k).default, bool)
]
# Number keys a valid document may vary or calibrate: the city's size is fixed small, the run is the study's own.
FREE_NUMBERS = [k for k in NUMBERS if k not in ("population.residents", "population.beats", "run.days", "run.seed")]


@st.composite
def experiment_documents(draw) -> dict[str, Any]:
    """Anything in the shape of an experiment file."""
    doc: dict[str, Any] = {"scenarios": draw(st.one_of(st.just([str(BASELINE)]), VALUES))}
    for key in draw(st.lists(st.one_of(st.sampled_from(EXPERIMENT_KEYS), st.text(max_size=8)), max_size=5)):
        if key not in ("vary", "overrides", "scenarios"):
            doc[key] = draw(st.one_of(SCALARS, st.sampled_from(["grid", "lhs", "sobol", "morris", "all"]), VALUES))
    doc["vary"] = draw(st.dictionaries(KEYS, VALUES, max_size=3))
    doc["overrides"] = draw(st.dictionaries(KEYS, VALUES, max_size=2))
    return doc


@st.composite
def valid_experiments(draw) -> dict[str, Any]:
    """An experiment valid key by key: a small city, a day or two, a small design."""
    design = draw(st.sampled_from(["grid", "grid", "lhs", "sobol", "morris"]))
    keys = draw(st.lists(st.sampled_from(FREE_NUMBERS), min_size=2 if design in ("sobol", "morris") else 1,
                         max_size=2, unique=True))  # fmt: skip
    vary: dict[str, Any] = {}
    for key in keys:
        a, b = draw(_in_range(key)), draw(_in_range(key))
        if design == "grid":
            vary[key] = sorted({a, b}) if a != b else [a]
        else:
            lo, hi = sorted((float(a), float(b)))
            spec = spec_of(_field(key))
            vary[key] = [lo, hi] if lo < hi else [float(spec.lo), float(spec.hi)]
    if design == "grid" and draw(st.booleans()):  # a list-valued key varies too
        vary["trust.initial_by_group"] = draw(st.sampled_from([[[0.6, 0.2]], [[0.6, 0.2], [0.4, 0.4]]]))
    doc: dict[str, Any] = {
        "scenarios": [str(BASELINE)],
        "design": design,
        "replicates": draw(st.integers(1, 2)),
        "days": draw(st.integers(1, 2)),
        "seed": draw(st.integers(0, 2**63 - 1)),
        "metrics": draw(st.one_of(st.just("all"), st.lists(st.sampled_from(SCALAR_METRICS), min_size=1, max_size=3))),
        "vary": vary,
        "overrides": dict(SMALL),
    }
    if design != "grid":
        doc["samples"] = draw(st.integers(1, 2))
    return doc


PRIOR = st.fixed_dictionaries(
    {},
    optional={
        "prior": st.one_of(st.sampled_from(["uniform", "loguniform", "normal", "beta"]), SCALARS),
        "lo": st.one_of(SCALARS, st.floats(-1, 1)),
        "hi": st.one_of(SCALARS, st.floats(0, 400)),
        "mean": st.one_of(st.just(0.0), SCALARS),
        "sd": st.one_of(SCALARS, st.floats(0, 1)),
        "hgh": SCALARS,
    },
)


def _calibration_top(draw) -> dict[str, Any]:
    observed = ["observed.csv", "observed/text_in_trust.csv", "observed/latin1.csv", "nowhere.csv"]
    return {
        "scenario": str(CORPUS / "tiny.toml"),
        "observed": str(CORPUS / draw(st.sampled_from(observed))),
        "particles": 4,
        "generations": 1,
    }


@st.composite
def calibration_documents(draw) -> dict[str, Any]:
    """Anything in the shape of a calibration file (of the corpus's tiny surveyed city)."""
    doc = _calibration_top(draw)
    for key in draw(st.lists(st.one_of(st.sampled_from(CALIBRATION_KEYS), st.text(max_size=8)), max_size=4)):
        if key not in ("parameters", "statistics", "targets", "overrides", "scenario", "observed"):
            doc[key] = draw(st.one_of(SCALARS, VALUES))
    doc["parameters"] = draw(st.dictionaries(KEYS, st.one_of(PRIOR, VALUES), max_size=3))
    stats = st.fixed_dictionaries(
        {}, optional={"gap": st.one_of(st.just(["majority", "minority"]), VALUES), "min_n": SCALARS, "min": SCALARS}
    )
    doc["statistics"] = draw(stats)
    names = st.one_of(st.sampled_from(list(STATISTICS)), st.text(max_size=8))
    target = st.fixed_dictionaries({}, optional={"value": SCALARS, "sd": st.one_of(SCALARS, st.floats(0, 10))})
    doc["targets"] = draw(st.dictionaries(names, st.one_of(target, VALUES), max_size=3))
    doc["overrides"] = draw(st.dictionaries(KEYS, VALUES, max_size=2))
    return doc


@st.composite
def valid_calibrations(draw) -> dict[str, Any]:
    """A calibration valid key by key: priors inside their parameters' ranges, targets the data give."""
    doc = _calibration_top(draw)
    doc["observed"] = str(CORPUS / "observed.csv")
    doc["seed"] = draw(st.integers(0, 2**63 - 1))
    keys = draw(st.lists(st.sampled_from(["safety.initial", "survey.offset", "survey.slope", "trust.half_life_days",
                                          "policing.budget_cut"]), min_size=1, max_size=3, unique=True))  # fmt: skip
    priors = {}
    for key in keys:
        spec = spec_of(_field(key))
        a, b = sorted((draw(_in_range(key)), draw(_in_range(key))))
        lo, hi = (a, b) if a < b else (float(spec.lo), float(spec.hi))
        kind = draw(st.sampled_from(["uniform", "loguniform", "normal"] if lo > 0 else ["uniform", "normal"]))
        prior: dict[str, Any] = {"prior": kind, "lo": lo, "hi": hi}
        if kind == "normal":
            sd = draw(st.floats(0.01, 2 * (hi - lo) + 0.01))
            prior |= {"mean": draw(st.one_of(st.just(0.0), st.floats(lo - sd, hi + sd))), "sd": sd}
        priors[key] = prior
    doc["parameters"] = priors
    doc["statistics"] = {"gap": ["majority", "minority"], "min_n": draw(st.integers(1, 8))}
    names = draw(st.lists(st.sampled_from(["area_safety_mean", "area_trust_median", "area_trust_q25", "group_gap",
                                           "area_trust_mean"]), min_size=1, max_size=3, unique=True))  # fmt: skip
    doc["targets"] = {name: {"sd": draw(st.floats(0.5, 5))} for name in names}
    return doc


def finite(x: float) -> bool:
    """A number that is neither NaN nor infinite."""
    return isinstance(x, float) and math.isfinite(x)
