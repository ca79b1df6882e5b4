"""The calibration spec: a calibration file read and checked once, typed, for every method.

A calibration names a scenario, the parameters to fit with their priors, the observed data
and the targets; :func:`load_calibration` checks all of it before anything runs or any store
exists and returns a :class:`Calibration` (its :class:`Prior` and :class:`Target` values
typed and finite). A fitting method reads only this spec: ABC-SMC (``abc_smc.py``) takes the
scenario, days, replicates, seeds, priors, targets and statistics options, and its own
settings (particles, generations, min_epsilon, max_simulations); another method (history
matching) adds its settings to KEYS and their checks here and reuses the rest.

A calibration is a TOML file (experiments/*_calibration.toml)::

    name = "chicago"
    scenario = "../scenarios/cities/chicago.toml"  # must have a [survey]
    observed = "../data/chicago/police_sentiment_by_community_area.csv"
    replicates = 2          # runs per proposal, averaged; replicate k uses the same seed for every proposal
    seed = 2026
    particles = 100         # ABC-SMC population size
    generations = 6         # most generations
    min_epsilon = 0.0       # stop once the acceptance threshold is this low
    max_simulations = 4000  # stop once this many proposals have been simulated
    draw = "median"         # the calibrated scenario: posterior "median" or the "best" particle

    [parameters]            # priors by dotted scenario key
    "trust.half_life_days" = { prior = "loguniform", lo = 10, hi = 365 }
    "survey.slope" = { prior = "uniform", lo = 0.5, hi = 2.0 }

    [statistics]            # options of the summary statistics (cpsim/studies/calibration/stats.py)
    gap = ["White", "Black"]
    min_n = 5

    [targets]               # value and sd from the observed data unless given
    area_trust_median = {}
    group_gap = { sd = 3.0 }

    [overrides]             # applied to every run, before the proposal's values
    population.residents = 20000

Every key is checked before anything runs: a problem raises :class:`CalibrationError` with
one line naming the file, the key and what is allowed (the CLI exits with code 2). Among the
checks: each prior's kind, finite bounds, mean and sd (a truncated normal with its mass in
[lo, hi]), on a number parameter of a part of the model that runs (not a program switched
off, not the run's own days or seed); the scenario checked at the calibration's days; the
observed file's encoding, columns, numbers and missing cells (cpsim/studies/calibration/observed.py);
every target given by the data and reachable by a simulated survey (a ``min_n`` no area can
reach, a correlation over fewer than three areas).
A target's value defaults to the statistic of the observed data; its sd to the SD of the
statistic's yearly values in the data (how much the figure moves from year to year).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cpsim.scenario import ScenarioError
from cpsim.scenario.load import did_you_mean, read_settings_file, shorten
from cpsim.studies.calibration import observation
from cpsim.studies.calibration.observed import ObservedError, read_observed
from cpsim.studies.calibration.overrides import as_overrides, element
from cpsim.studies.calibration.stats import LAG2, PAIRED, STATISTICS, Options, per_wave, statistic
from cpsim.studies.sweeps.experiment import _beside, _check_key, _try_override, flatten, load_at_days, named_file

# Keys every method reads, then ABC-SMC's own settings.
COMMON_KEYS = (
    "name",
    "description",
    "scenario",
    "observed",
    "days",
    "replicates",
    "seed",
    "draw",
    "parameters",
    "statistics",
    "targets",
    "overrides",
)
ABC_KEYS = ("particles", "generations", "min_epsilon", "max_simulations")
KEYS = (*COMMON_KEYS[:7], "method", *ABC_KEYS, "history_matching", *COMMON_KEYS[7:])
METHODS = ("abc_smc", "history_matching")
PRIORS = ("uniform", "loguniform", "normal")
DRAWS = ("median", "best")
# A normal prior's mean this many sd outside [lo, hi] leaves almost no mass to sample from.
MAX_SD_OUTSIDE = 10.0
# Statistics over areas that need at least three areas (a correlation or an SD of changes).
THREE_AREAS = ("trust_safety_corr", "area_change_sd", "area_trust_persistence")


class CalibrationError(ScenarioError):
    """A calibration file that cannot be run; the message is one line."""


@dataclass(frozen=True)
class Prior:
    """A parameter's prior: uniform or log-uniform on [lo, hi], or normal(mean, sd) cut to [lo, hi].

    Attributes:
        key: The dotted scenario key.
        kind: uniform, loguniform or normal.
        lo: Lower end of the range (finite).
        hi: Upper end (finite, > lo).
        mean: The normal prior's mean (NaN for the others).
        sd: The normal prior's sd (> 0; NaN for the others).
        whole: The parameter takes whole numbers (proposals are rounded).

    """

    key: str
    kind: str
    lo: float
    hi: float
    mean: float = math.nan
    sd: float = math.nan
    whole: bool = False

    def scipy(self) -> tuple[str, tuple[float, ...]]:
        """The scipy.stats distribution name and arguments of this prior."""
        if self.kind == "uniform":
            return "uniform", (self.lo, self.hi - self.lo)
        if self.kind == "loguniform":
            return "loguniform", (self.lo, self.hi)
        a, b = (self.lo - self.mean) / self.sd, (self.hi - self.mean) / self.sd
        return "truncnorm", (a, b, self.mean, self.sd)


@dataclass(frozen=True)
class HistoryMatching:
    """Settings of history matching (the ``[history_matching]`` table; method = "history_matching").

    Attributes:
        waves: Most waves; each runs the simulator at new points of the region not yet ruled out.
        runs: Simulator runs per wave (each an independent run with its own seed).
        cutoff: Implausibility above which a point is ruled out (3: Pukelsheim's three-sigma rule).
        candidates: Points of the prior space each wave's region is estimated from.
        posterior: Draws of the posterior sample (importance sampling on the last wave's emulators).
        check_days: Days of the posterior-predictive runs (0: the calibration's days); longer than
            the fit's runs, they forecast the survey waves the fit did not read.
        hold_out: Share of a wave's runs held out to measure the emulators' accuracy.

    """

    waves: int = 4
    runs: int = 120
    cutoff: float = 3.0
    candidates: int = 40_000
    posterior: int = 1000
    check_days: int = 0
    hold_out: float = 0.2


# key -> (kind, smallest, largest, what is allowed)
HM_KEYS: dict[str, tuple[type, float, float, str]] = {
    "waves": (int, 1, 20, "a whole number in [1, 20]"),
    "runs": (int, 8, 100_000, "a whole number in [8, 100000]"),
    "cutoff": (float, 1.0, 10.0, "a number in [1, 10]"),
    "candidates": (int, 1000, 10_000_000, "a whole number in [1000, 10000000]"),
    "posterior": (int, 10, 1_000_000, "a whole number in [10, 1000000]"),
    "check_days": (int, 0, 36_500, "a whole number in [0, 36500] (0: the calibration's days)"),
    "hold_out": (float, 0.0, 0.5, "a number in [0, 0.5]"),
}


@dataclass(frozen=True)
class Target:
    """A target: a statistic's observed value and its uncertainty (the distance's scale)."""

    name: str
    value: float
    sd: float


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file (see the module docstring for the keys).

    Attributes:
        path: The calibration file.
        name: Short name (the default output folder out/<name>).
        description: A sentence or two for the report.
        scenario: The validated scenario with the fixed overrides (and ``days``) applied.
        scenario_file: The scenario file.
        observed_file: The observed data file.
        days: Days per run.
        replicates: Runs per proposal, averaged (replicate k has the same seed for every proposal).
        seed: Base seed of every draw.
        particles: ABC-SMC: population size.
        generations: ABC-SMC: most generations.
        min_epsilon: ABC-SMC: stop once the acceptance threshold is this low.
        max_simulations: ABC-SMC: stop once this many proposals have run.
        draw: The calibrated scenario: the posterior "median" or the "best" particle.
        priors: One per calibrated key.
        options: Options of the statistics.
        targets: One per statistic held to the data.
        overrides: Dotted overrides applied to every run, before a proposal's values.

    """

    path: Path
    name: str
    description: str
    scenario: Any
    scenario_file: str
    observed_file: str
    days: int
    replicates: int
    seed: int
    particles: int
    generations: int
    min_epsilon: float
    max_simulations: int
    draw: str
    priors: tuple[Prior, ...]
    options: Options
    targets: tuple[Target, ...]
    overrides: dict[str, Any]
    method: str = "abc_smc"
    hm: HistoryMatching = HistoryMatching()

    @property
    def keys(self) -> list[str]:
        """The calibrated parameters' dotted keys."""
        return [p.key for p in self.priors]

    def seeds(self) -> list[int]:
        """One run seed per replicate, shared by every proposal (common random numbers)."""
        children = np.random.SeedSequence(self.seed).spawn(self.replicates)
        return [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]

    def fingerprint(self) -> str:
        """Hash of everything that decides the result (not the executor or the output paths)."""
        data = {
            "scenario": self.scenario.to_dict(),
            "days": self.days,
            "replicates": self.replicates,
            "seed": self.seed,
            "particles": self.particles,
            "priors": [dataclasses.asdict(p) for p in self.priors],
            "targets": [dataclasses.asdict(t) for t in self.targets],
            "options": dataclasses.asdict(self.options),
        }
        if self.method != "abc_smc":  # an ABC-SMC calibration's fingerprint is what it was before methods
            data.update(method=self.method, hm=dataclasses.asdict(self.hm))
            del data["particles"]
        if self.options.waves:
            data["options"] = dataclasses.asdict(self.options)
        else:
            data["options"].pop("waves")
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def load_calibration(path: str | Path, **settings: Any) -> Calibration:
    """Read and validate a calibration file.

    Args:
        path: The TOML file.
        **settings: Top-level keys to replace (e.g. particles=20 for a quick run), checked like
            the file's; the file's own values are checked too, so a flag never hides a broken file.

    Returns:
        The validated Calibration.

    Raises:
        CalibrationError: One line naming the file, the key and what is allowed.

    """
    path = Path(path)
    data, fail = read_settings_file(path, "calibration", CalibrationError)
    for key in [*data, *settings]:
        if key not in KEYS:
            raise fail(shorten(key).strip("'"), f"unknown key{did_you_mean(key, KEYS)}", ", ".join(KEYS))
    settings = {k: v for k, v in settings.items() if v is not None}
    for source in (data, {**data, **settings}):  # the file's values, then with the settings in place
        top = _top(source, fail)
    top["name"] = top["name"] or path.stem
    data.update(settings)

    method = data.get("method", "abc_smc")
    if method not in METHODS:
        raise fail("method", f"got {shorten(method)}", "one of " + ", ".join(METHODS))
    hm = _history_matching(_table(data, "history_matching", fail), fail)
    if method == "history_matching":
        for key in ABC_KEYS:
            if key in data:
                raise fail(
                    key,
                    "an ABC-SMC setting",
                    'history matching\'s settings in [history_matching], or method = "abc_smc"',
                )
    elif "history_matching" in data:
        raise fail("history_matching", "settings of another method", 'method = "history_matching", or no such table')

    overrides = _beside(path, flatten(_table(data, "overrides", fail)))
    for key in overrides:
        _check_key(key, f"overrides.{key}", fail)
    for key, why in (("run.seed", "seed"), ("run.days", "days")):
        if key in overrides and (key == "run.seed" or "days" in data):
            raise fail(f"overrides.{key}", f"set by the calibration's {why}", f"the top-level {why}, not both")
    scenario_file = _file(path, data, "scenario", "a scenario file (relative to the calibration file)", fail)
    scenario = load_at_days(scenario_file, overrides, data.get("days"), path)
    at_days = {**overrides, "run.days": data["days"]} if "days" in data else overrides
    if scenario.survey.design == "none":
        raise fail(
            "scenario",
            f"{scenario_file} has no survey (survey.design = 'none')",
            "a scenario whose [survey] design is 'random' or 'online'",
        )
    days = _whole(data, "days", scenario.run.days, 1, 36_500, fail)
    if method == "history_matching" and 0 < hm.check_days < days:
        # the check runs are read with the fit's statistics (its waves), then forecast the waves after
        raise fail(
            "history_matching.check_days",
            f"got {hm.check_days}, shorter than the fit's {days} days",
            f"0 (the fit's days) or a whole number in [{days}, 36500]",
        )
    s = scenario.survey
    waves = (days - s.first_day + 1) // s.period_days  # whole periods: the scenario's rules hold at these days

    priors = tuple(
        _prior(key, spec, at_days, scenario, scenario_file, path, fail)
        for key, spec in flatten_priors(_table(data, "parameters", fail)).items()
    )
    if not priors:
        raise fail("parameters", "nothing to calibrate", "a [parameters] table with at least one dotted key")

    opts = _options(_table(data, "statistics", fail), scenario, fail, waves)
    observed_file = _file(path, data, "observed", "an observed survey CSV (relative to the calibration file)", fail)
    try:
        observed = read_observed(observed_file)
    except ObservedError as err:
        text = f"{path}: observed: {observed_file.name}: {err}"
        if "; allowed: " not in text:
            text += "; allowed: the Chicago sentiment CSV or a survey table CSV (docs/calibration.md)"
        raise CalibrationError(text) from None
    targets = _targets(_table(data, "targets", fail), observed, opts, waves, scenario, fail)
    return Calibration(
        path=path,
        scenario=scenario,
        scenario_file=str(scenario_file),
        observed_file=str(observed_file),
        days=days,
        priors=priors,
        options=opts,
        targets=targets,
        overrides=overrides,
        method=method,
        hm=hm,
        **top,
    )


def _history_matching(table: dict[str, Any], fail) -> HistoryMatching:
    """The [history_matching] table, checked key by key."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"history_matching.{key}"
        if key not in HM_KEYS:
            raise fail(where, f"unknown key{did_you_mean(key, HM_KEYS)}", ", ".join(HM_KEYS))
        kind, lo, hi, allowed = HM_KEYS[key]
        ok = not isinstance(value, bool) and isinstance(value, (int, float) if kind is float else int)
        if not ok or not math.isfinite(value) or not lo <= value <= hi:
            raise fail(where, f"got {shorten(value)}", allowed)
        values[key] = kind(value)
    return HistoryMatching(**values)


def _whole(data: dict[str, Any], key: str, default: int | None, lo: int, hi: int, fail) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise fail(key, f"got {shorten(value)}", f"a whole number in [{lo}, {hi}]")
    return value


def _top(data: dict[str, Any], fail) -> dict[str, Any]:
    """The top-level settings, checked."""
    name = data.get("name", None)
    if name is not None and (not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name)):
        raise fail("name", f"got {shorten(name)}", "letters, digits, '_', '-' and '.'")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"got {shorten(description)}", "text")
    min_epsilon = data.get("min_epsilon", 0.0)
    ok = not isinstance(min_epsilon, bool) and isinstance(min_epsilon, (int, float))
    if not ok or not math.isfinite(min_epsilon) or min_epsilon < 0:
        raise fail("min_epsilon", f"got {shorten(min_epsilon)}", "a finite number >= 0")
    draw = data.get("draw", "median")
    if draw not in DRAWS:
        raise fail("draw", f"got {shorten(draw)}", "one of " + ", ".join(DRAWS))
    if "days" in data:
        _whole(data, "days", None, 1, 36_500, fail)
    return {
        "name": name,
        "description": description,
        "replicates": _whole(data, "replicates", 1, 1, 1000, fail),
        "seed": _whole(data, "seed", 0, 0, 2**63 - 1, fail),
        "particles": _whole(data, "particles", 100, 2, 1_000_000, fail),
        "generations": _whole(data, "generations", 5, 1, 1000, fail),
        "max_simulations": _whole(data, "max_simulations", 1_000_000, 1, 10**9, fail),
        "min_epsilon": float(min_epsilon),
        "draw": draw,
    }


def flatten_priors(table: dict[str, Any]) -> dict[str, Any]:
    """Flatten ``{"trust": {"half_life_days": {prior...}}}`` into dotted keys (a prior is a table with ``prior``)."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict) and "prior" not in value and all(isinstance(v, dict) for v in value.values()):
            out.update({f"{key}.{k}": v for k, v in flatten_priors(value).items()})
        else:
            out[key] = value
    return out


def _table(data: dict[str, Any], key: str, fail) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise fail(key, "expected a table", f"a [{key}] table")
    return value


def _file(path: Path, data: dict[str, Any], key: str, allowed: str, fail) -> Path:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise fail(key, f"got {shorten(value)}", allowed)
    return named_file(path, value, key, allowed, fail)


def _prior(
    key: str, spec: Any, overrides: dict[str, Any], scenario: Any, scenario_file: Path, path: Path, fail
) -> Prior:
    where = f"parameters.{key}"
    if observation.is_observation(key):
        return _observation_prior(key, spec, where, fail)
    if element(key) is not None:
        return _element_prior(key, spec, overrides, scenario, scenario_file, path, where, fail)
    field = _check_key(key, where, fail)
    default = field.default
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        raise fail(where, "not a number parameter", "number parameters")
    sec = key.partition(".")[0]
    if sec == "run":  # run.days and run.seed are the calibration's own days and seeds
        raise fail(where, "the run's days and seed are the calibration's", "a key of a model section; days and seed")
    if getattr(getattr(scenario, sec), "enabled", True) is False:  # the key would change nothing
        allowed = f"a key of a part of the model that runs, or {sec}.enabled = true in [overrides]"
        raise fail(where, f"[{sec}] is off in the scenario ({sec}.enabled = false)", allowed)
    if key in overrides:
        raise fail(where, "also set in [overrides]", "a key in [parameters] or in [overrides], not both")
    if not isinstance(spec, dict):
        raise fail(where, f"got {shorten(spec)}", 'a table such as { prior = "uniform", lo = 0.1, hi = 0.5 }')
    allowed_keys = ("prior", "lo", "hi", "mean", "sd")
    for k in spec:
        if k not in allowed_keys:
            raise fail(f"{where}.{k}", f"unknown key{did_you_mean(k, allowed_keys)}", ", ".join(allowed_keys))
    kind = spec.get("prior", "uniform")
    if kind not in PRIORS:
        raise fail(f"{where}.prior", f"got {shorten(kind)}", "one of " + ", ".join(PRIORS))
    nums: dict[str, float | None] = {}
    for k in ("lo", "hi", "mean", "sd"):
        v = spec.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
            raise fail(f"{where}.{k}", f"got {shorten(v)}", "a finite number")
        nums[k] = None if v is None else float(v)
    lo, hi, mean, sd = nums["lo"], nums["hi"], nums["mean"], nums["sd"]
    if lo is None or hi is None or not lo < hi:
        raise fail(where, f"lo = {lo}, hi = {hi}", "lo < hi (the prior's range)")
    if kind == "loguniform" and lo <= 0:
        raise fail(f"{where}.lo", f"{lo:g} for a log-uniform prior", "a value > 0")
    if kind == "normal":
        if mean is None or sd is None or sd <= 0:
            raise fail(where, "a normal prior needs mean and sd > 0", '{ prior = "normal", mean = m, sd = s, lo, hi }')
        outside = max(lo - mean, mean - hi, 0.0) / sd
        if outside > MAX_SD_OUTSIDE:  # almost none of the normal's mass is in [lo, hi]
            raise fail(
                f"{where}.mean",
                f"{mean:g} is {outside:.3g} sd outside [{lo:g}, {hi:g}]",
                f"a mean within {MAX_SD_OUTSIDE:g} sd of [lo, hi]",
            )
    elif mean is not None or sd is not None:
        raise fail(where, f"mean and sd for a {kind} prior", 'mean and sd only with prior = "normal"')
    whole = isinstance(default, int)
    if whole and math.floor(hi) < math.ceil(lo):
        raise fail(
            where, f"no whole number in [{lo:g}, {hi:g}]", "a range holding whole numbers (proposals are rounded)"
        )
    for value in (lo, hi):
        v = round(value) if whole else value
        _try_override(str(scenario_file), {**overrides, key: v}, where, v, path, "")
    return Prior(key, kind, lo, hi, math.nan if mean is None else mean, math.nan if sd is None else sd, whole)


def _element_prior(
    key: str, spec: Any, overrides: dict[str, Any], scenario: Any, scenario_file: Path, path: Path, where: str, fail
) -> Prior:
    """A prior on one element of a number list (``trust.initial_by_group[3]``), checked like a number's."""
    name, index = element(key)
    field = _check_key(name, where, fail)
    if not isinstance(field.default, tuple) or not all(isinstance(v, (int, float)) for v in field.default):
        raise fail(
            where, f"{name} is not a list of numbers", "an element of a number list, e.g. trust.initial_by_group[0]"
        )
    section, _, attr = name.partition(".")
    current = getattr(getattr(scenario, section), attr)
    if index >= len(current):
        raise fail(where, f"{name} has {len(current)} values in the scenario", f"an index in [0, {len(current) - 1}]")
    if name in overrides:
        raise fail(where, f"{name} is also set in [overrides]", "a list in [overrides] or an element in [parameters]")
    prior = dataclasses.replace(_number_prior(spec, where, fail), key=key)
    for value in (prior.lo, prior.hi):
        _try_override(str(scenario_file), {**overrides, **as_overrides(scenario, {key: value})}, where, value, path, "")
    return prior


def _observation_prior(key: str, spec: Any, where: str, fail) -> Prior:
    """A prior on a key of the observation model (cpsim/studies/calibration/observation.py), checked alike."""
    name = key.removeprefix(observation.PREFIX)
    if name not in observation.FIELDS:
        fields = observation.FIELDS
        raise fail(
            where, f"unknown parameter{did_you_mean(name, fields)}", "a key of [observation]: " + ", ".join(fields)
        )
    meta = observation.FIELDS[name].metadata["spec"]
    prior = _number_prior(spec, where, fail)
    for end in (prior.lo, prior.hi):
        if not meta.lo <= end <= meta.hi:
            raise fail(where, f"{end:g} is out of range", meta.allowed())
    return dataclasses.replace(prior, key=key)


def _number_prior(spec: Any, where: str, fail) -> Prior:
    """A prior table's kind and numbers, checked (the key's own range is the caller's)."""
    if not isinstance(spec, dict):
        raise fail(where, f"got {shorten(spec)}", 'a table such as { prior = "uniform", lo = 0.1, hi = 0.5 }')
    for k in spec:
        if k not in ("prior", "lo", "hi", "mean", "sd"):
            raise fail(
                f"{where}.{k}",
                f"unknown key{did_you_mean(k, ('prior', 'lo', 'hi', 'mean', 'sd'))}",
                "prior, lo, hi, mean, sd",
            )
    kind = spec.get("prior", "uniform")
    if kind not in PRIORS:
        raise fail(f"{where}.prior", f"got {shorten(kind)}", "one of " + ", ".join(PRIORS))
    nums = {}
    for k in ("lo", "hi", "mean", "sd"):
        v = spec.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
            raise fail(f"{where}.{k}", f"got {shorten(v)}", "a finite number")
        nums[k] = math.nan if v is None else float(v)
    if not nums["lo"] < nums["hi"]:
        raise fail(where, f"lo = {spec.get('lo')}, hi = {spec.get('hi')}", "lo < hi (the prior's range)")
    if kind == "loguniform" and nums["lo"] <= 0:
        raise fail(f"{where}.lo", f"{nums['lo']:g} for a log-uniform prior", "a value > 0")
    if kind == "normal" and not nums["sd"] > 0:
        raise fail(where, "a normal prior needs mean and sd > 0", '{ prior = "normal", mean = m, sd = s, lo, hi }')
    if kind != "normal" and not (math.isnan(nums["mean"]) and math.isnan(nums["sd"])):
        raise fail(where, f"mean and sd for a {kind} prior", 'mean and sd only with prior = "normal"')
    return Prior("", kind, nums["lo"], nums["hi"], nums["mean"], nums["sd"], False)


def _options(table: dict[str, Any], scenario: Any, fail, waves: int = 0) -> Options:
    known = ("gap", "min_n", "waves")
    for k in table:
        if k not in known:
            raise fail(f"statistics.{k}", f"unknown key{did_you_mean(k, known)}", ", ".join(known))
    chosen = table.get("waves", [])
    ok = isinstance(chosen, list) and all(isinstance(w, int) and not isinstance(w, bool) for w in chosen)
    if not ok or len(set(chosen)) != len(chosen) or any(not 0 <= w < max(waves, 1) for w in chosen):
        raise fail(
            "statistics.waves",
            f"got {shorten(chosen)}",
            f"a list of different survey waves in [0, {max(waves, 1) - 1}] (0 = the first; the runs have {waves})",
        )
    names = scenario.population.group_names
    gap = table.get("gap", Options.gap)
    ok = isinstance(gap, (list, tuple)) and len(gap) == 2 and all(isinstance(g, str) and g in names for g in gap)
    if not ok or gap[0] == gap[1]:
        raise fail(
            "statistics.gap",
            f"got {shorten(gap)}",
            "two different groups of population.group_names: " + ", ".join(names),
        )
    min_n = table.get("min_n", Options.min_n)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise fail("statistics.min_n", f"got {shorten(min_n)}", "a whole number >= 1")
    most = most_answers(scenario)
    if min_n > most:  # every area would be left out: every statistic NaN, every distance infinite
        raise fail(
            "statistics.min_n",
            f"{min_n:,} answers per area and wave, more than a simulated area can give (the survey plans "
            f"{planned_answers(scenario):,.4g} at most)",
            f"a whole number in [1, {most:,}]",
        )
    return Options(gap=(gap[0], gap[1]), min_n=min_n, waves=tuple(sorted(chosen)))


def planned_answers(scenario: Any) -> float:
    """The most answers the survey plans in one area and wave (an area of the whole city, at most)."""
    s, pop = scenario.survey, scenario.population
    # with size_by_population an area's plan grows with its residents, at most all of the city's
    return s.respondents_per_area * (pop.beats if s.size_by_population else 1)


def most_answers(scenario: Any) -> int:
    """The most answers one area can give in a wave: the plan, with room for a self-selected sample's chance.

    A random sample takes exactly its plan. An online sample's answers are a sum of independent
    chances with the plan as their mean: more than the mean plus ten of its standard deviations
    (at most sqrt(mean)) happens with a chance far below 1e-20.
    """
    planned = planned_answers(scenario)
    if scenario.survey.design == "random":
        return math.ceil(planned)
    return math.ceil(planned + 10 * math.sqrt(planned) + 10)


def _targets(table: dict[str, Any], observed, opts: Options, waves: int, scenario: Any, fail) -> tuple[Target, ...]:
    if not table:
        raise fail("targets", "no targets", "a [targets] table naming statistics: " + ", ".join(STATISTICS))
    out = []
    for name, spec in table.items():
        where = f"targets.{name}"
        if name not in STATISTICS:
            raise fail(where, f"unknown statistic{did_you_mean(name, STATISTICS)}", ", ".join(STATISTICS))
        read = len(opts.waves) or waves  # the waves the statistics read
        if name in PAIRED and read < 2:
            raise fail(where, f"needs two survey waves, the run has {read}", "more days or a shorter survey period")
        if name in LAG2 and read < 3:
            raise fail(where, f"needs three survey waves, the run has {read}", "more days or a shorter survey period")
        areas = scenario.population.beats
        if name in THREE_AREAS and areas < 3:  # a simulated survey could never give it
            raise fail(where, f"needs three areas or more, the city has {areas}", "population.beats >= 3")
        if not isinstance(spec, dict) or any(k not in ("value", "sd") for k in spec):
            raise fail(where, f"got {shorten(spec)}", "a table with optional value and sd, e.g. { sd = 2.0 }")
        for k, v in spec.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise fail(f"{where}.{k}", f"got {shorten(v)}", "a finite number")
        value = float(spec["value"]) if "value" in spec else statistic(observed, name, opts)
        if not math.isfinite(value):
            raise fail(where, "the observed data do not give this statistic", "a value = ... or other data")
        if "sd" in spec:
            sd = float(spec["sd"])
        else:
            yearly = per_wave(observed, name, opts)
            yearly = yearly[~np.isnan(yearly)]
            sd = float(yearly.std(ddof=1)) if yearly.size > 1 else math.nan
            if not math.isfinite(sd):
                raise fail(f"{where}.sd", "the observed data have one wave: no spread to take", "an sd = ...")
        if sd <= 0:
            raise fail(f"{where}.sd", f"got {sd:g}", "a number > 0")
        out.append(Target(name, value, sd))
    return tuple(out)
