"""Calibration files: which scenario, which parameters with which priors, which targets.

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
one line naming the file, the key and what is allowed (the CLI exits with code 2).
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
from cpsim.scenario.load import read_toml_file
from cpsim.studies.calibration.observed import ObservedError, read_observed
from cpsim.studies.calibration.stats import PAIRED, STATISTICS, Options, per_wave, statistic
from cpsim.studies.sweeps.experiment import _check_key, _try_override, flatten

KEYS = (
    "name",
    "description",
    "scenario",
    "observed",
    "days",
    "replicates",
    "seed",
    "particles",
    "generations",
    "min_epsilon",
    "max_simulations",
    "draw",
    "parameters",
    "statistics",
    "targets",
    "overrides",
)
PRIORS = ("uniform", "loguniform", "normal")
DRAWS = ("median", "best")


class CalibrationError(ScenarioError):
    """A calibration file that cannot be run; the message is one line."""


@dataclass(frozen=True)
class Prior:
    """A parameter's prior: uniform or log-uniform on [lo, hi], or normal(mean, sd) cut to [lo, hi]."""

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
class Target:
    """A target: a statistic's observed value and its uncertainty (the distance's scale)."""

    name: str
    value: float
    sd: float


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file (see the module docstring for the keys)."""

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
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def load_calibration(path: str | Path, **settings: Any) -> Calibration:
    """Read and validate a calibration file.

    Args:
        path: The TOML file.
        **settings: Top-level keys to replace (e.g. particles=20 for a quick run), checked like the file's.

    Returns:
        The validated Calibration.

    Raises:
        CalibrationError: One line naming the file, the key and what is allowed.

    """
    path = Path(path)
    try:
        data = read_toml_file(path, "calibration")  # every way a file can be unreadable, in one line
    except ScenarioError as err:
        raise CalibrationError(str(err)) from None
    data.update({k: v for k, v in settings.items() if v is not None})

    def fail(key: str, problem: str, allowed: str) -> CalibrationError:
        return CalibrationError(f"{path}: {key}: {problem}; allowed: {allowed}")

    for key in data:
        if key not in KEYS:
            raise fail(key, "unknown key", ", ".join(KEYS))

    def whole(key: str, default: int | None, lo: int, hi: int) -> int | None:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise fail(key, f"got {value!r}", f"a whole number in [{lo}, {hi}]")
        return value

    name = data.get("name", path.stem)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise fail("name", f"got {name!r}", "letters, digits, '_', '-' and '.'")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"got {description!r}", "text")
    replicates = whole("replicates", 1, 1, 1000)
    seed = whole("seed", 0, 0, 2**63 - 1)
    particles = whole("particles", 100, 2, 1_000_000)
    generations = whole("generations", 5, 1, 1000)
    max_simulations = whole("max_simulations", 1_000_000, 1, 10**9)
    min_epsilon = data.get("min_epsilon", 0.0)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, (int, float)) or min_epsilon < 0:
        raise fail("min_epsilon", f"got {min_epsilon!r}", "a number >= 0")
    draw = data.get("draw", "median")
    if draw not in DRAWS:
        raise fail("draw", f"got {draw!r}", "one of " + ", ".join(DRAWS))

    overrides = flatten(_table(data, "overrides", fail))
    for key in overrides:
        _check_key(key, f"overrides.{key}", fail)
    scenario_file = _file(path, data, "scenario", "a scenario file (relative to the calibration file)", fail)
    scenario = _try_override(str(scenario_file), overrides, "overrides", None, path)
    if scenario.survey.design == "none":
        raise fail(
            "scenario",
            f"{scenario_file} has no survey (survey.design = 'none')",
            "a scenario whose [survey] design is 'random' or 'online'",
        )
    days = whole("days", scenario.run.days, 1, 36_500)
    s = scenario.survey
    waves = max(0, (days - s.first_day + 1) // s.period_days)
    if waves < 1:
        raise fail(
            "days",
            f"{days} days end before the first complete survey period",
            f"at least survey.first_day - 1 + survey.period_days = {s.first_day - 1 + s.period_days}",
        )

    priors = tuple(
        _prior(key, spec, overrides, scenario_file, path, fail)
        for key, spec in flatten_priors(_table(data, "parameters", fail)).items()
    )
    if not priors:
        raise fail("parameters", "nothing to calibrate", "a [parameters] table with at least one dotted key")

    opts = _options(_table(data, "statistics", fail), scenario, fail)
    observed_file = _file(path, data, "observed", "an observed survey CSV (relative to the calibration file)", fail)
    try:
        observed = read_observed(observed_file)
    except ObservedError as err:
        raise fail("observed", str(err), "the Chicago sentiment CSV or a survey table CSV") from None
    targets = _targets(_table(data, "targets", fail), observed, opts, waves, fail)
    return Calibration(
        path=path,
        name=name,
        description=description,
        scenario=scenario,
        scenario_file=str(scenario_file),
        observed_file=str(observed_file),
        days=days,
        replicates=replicates,
        seed=seed,
        particles=particles,
        generations=generations,
        min_epsilon=float(min_epsilon),
        max_simulations=max_simulations,
        draw=draw,
        priors=priors,
        options=opts,
        targets=targets,
        overrides=overrides,
    )


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
        raise fail(key, f"got {value!r}", allowed)
    file = path.parent / value
    if not file.is_file():
        raise fail(key, f"file {str(file)!r} not found", allowed)
    return file


def _prior(key: str, spec: Any, overrides: dict[str, Any], scenario_file: Path, path: Path, fail) -> Prior:
    where = f"parameters.{key}"
    field = _check_key(key, where, fail)
    default = field.default
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        raise fail(where, "not a number parameter", "number parameters")
    if key in overrides:
        raise fail(where, "also set in [overrides]", "a key in [parameters] or in [overrides], not both")
    if not isinstance(spec, dict):
        raise fail(where, f"got {spec!r}", 'a table such as { prior = "uniform", lo = 0.1, hi = 0.5 }')
    allowed_keys = ("prior", "lo", "hi", "mean", "sd")
    for k in spec:
        if k not in allowed_keys:
            raise fail(f"{where}.{k}", "unknown key", ", ".join(allowed_keys))
    kind = spec.get("prior", "uniform")
    if kind not in PRIORS:
        raise fail(f"{where}.prior", f"got {kind!r}", "one of " + ", ".join(PRIORS))
    nums = {}
    for k in ("lo", "hi", "mean", "sd"):
        v = spec.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise fail(f"{where}.{k}", f"got {v!r}", "a number")
        nums[k] = None if v is None else float(v)
    lo, hi = nums["lo"], nums["hi"]
    if lo is None or hi is None or not lo < hi:
        raise fail(where, f"lo = {lo}, hi = {hi}", "lo < hi (the prior's range)")
    if kind == "loguniform" and lo <= 0:
        raise fail(f"{where}.lo", f"{lo:g} for a log-uniform prior", "a value > 0")
    if kind == "normal" and (nums["mean"] is None or nums["sd"] is None or nums["sd"] <= 0):
        raise fail(where, "a normal prior needs mean and sd > 0", '{ prior = "normal", mean = m, sd = s, lo, hi }')
    for value in (lo, hi):
        v = round(value) if isinstance(default, int) else value
        _try_override(str(scenario_file), {**overrides, key: v}, where, v, path, "")
    return Prior(key, kind, lo, hi, nums["mean"] or math.nan, nums["sd"] or math.nan, isinstance(default, int))


def _options(table: dict[str, Any], scenario: Any, fail) -> Options:
    for k in table:
        if k not in ("gap", "min_n"):
            raise fail(f"statistics.{k}", "unknown key", "gap, min_n")
    names = scenario.population.group_names
    gap = table.get("gap", Options.gap)
    if not isinstance(gap, (list, tuple)) or len(gap) != 2 or any(g not in names for g in gap) or gap[0] == gap[1]:
        raise fail(
            "statistics.gap", f"got {gap!r}", "two different groups of population.group_names: " + ", ".join(names)
        )
    min_n = table.get("min_n", Options.min_n)
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise fail("statistics.min_n", f"got {min_n!r}", "a whole number >= 1")
    return Options(gap=(gap[0], gap[1]), min_n=min_n)


def _targets(table: dict[str, Any], observed, opts: Options, waves: int, fail) -> tuple[Target, ...]:
    if not table:
        raise fail("targets", "no targets", "a [targets] table naming statistics: " + ", ".join(STATISTICS))
    out = []
    for name, spec in table.items():
        where = f"targets.{name}"
        if name not in STATISTICS:
            raise fail(where, "unknown statistic", ", ".join(STATISTICS))
        if name in PAIRED and waves < 2:
            raise fail(where, f"needs two survey waves, the run has {waves}", "more days or a shorter survey period")
        if not isinstance(spec, dict) or any(k not in ("value", "sd") for k in spec):
            raise fail(where, f"got {spec!r}", "a table with optional value and sd, e.g. { sd = 2.0 }")
        for k, v in spec.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise fail(f"{where}.{k}", f"got {v!r}", "a finite number")
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
