"""Experiment files: which scenarios to run, what to vary and how, and what to keep.

An experiment is a TOML file (experiments/*.toml)::

    name = "budget_sweep"
    scenarios = ["../scenarios/baseline.toml", "../scenarios/foot_patrol.toml"]
    design = "grid"            # grid | lhs | sobol | morris
    replicates = 10
    days = 180
    seed = 2024
    metrics = "all"            # or a list of summary figures (docs/metrics.md)
    timeseries = false         # or true, or a list of daily figures

    [vary]                     # grid: a list of values; lhs/sobol/morris: [lo, hi]
    policing.budget_cut = [0.0, 0.1, 0.2]

    [overrides]                # applied to every run, before the varied values
    population.residents = 3000

Everything is checked here, before a run starts: a problem raises :class:`ExperimentError`
with one line naming the file, the key and what is allowed (the CLI exits with code 2).
Scenario paths are relative to the experiment file, like ``extends`` in scenario files.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpsim.metrics import DAILY, SUMMARY
from cpsim.scenario import SECTIONS, ScenarioError, load_scenario, spec_of
from cpsim.scenario.load import clip, did_you_mean, parse_override, read_settings_file, shorten
from cpsim.scenario.rules import group_slug, price_problem

DESIGNS = ("grid", "lhs", "sobol", "morris")
KEYS = (
    "name",
    "description",
    "scenarios",
    "design",
    "samples",
    "replicates",
    "days",
    "seed",
    "metrics",
    "timeseries",
    "batch",
    "second_order",
    "levels",
    "common_random_numbers",
    "vary",
    "overrides",
)
# Per-group end-of-run trust is a dict in Result.summary; the store keeps one column per group.
GROUP_METRIC = "trust_end_by_group"
SCALAR_METRICS = tuple(k for k in SUMMARY if k != GROUP_METRIC)


class ExperimentError(ScenarioError):
    """An experiment file that cannot be run; the message is one line."""


@dataclass(frozen=True)
class Experiment:
    """A validated experiment.

    Attributes:
        path: The experiment file.
        name: Short name (store and report titles).
        description: One or two sentences for the report.
        scenarios: Scenario name -> validated Scenario (fixed overrides applied).
        scenario_files: Scenario name -> the file it came from.
        design: grid, lhs, sobol or morris.
        vary: Dotted key -> list of values (grid) or (lo, hi) range (sampled designs).
        samples: Points (lhs), base samples N (sobol: N(D+2) points) or trajectories (morris).
        replicates: Runs per scenario and sample point, each with its own seed.
        days: Days per run (None: each scenario's run.days).
        seed: Base seed of SeedSequence(seed).spawn(n_runs).
        metrics: Summary figures stored per run.
        timeseries: Daily figures stored per run and day (empty: none).
        batch: Runs per task (0: chosen by the runner).
        second_order: Sobol: also sample for second-order indices.
        common_random_numbers: Replicate r uses the same seed at every point and in every
            scenario (paired comparisons), instead of one seed per run.
        levels: Morris: grid levels.
        overrides: Dotted overrides applied to every run (the file's, then ``sets``).
        sets: The overrides given beside the file (``cpsim sweep --set``), as recorded.
        posterior: The calibration posterior the runs' parameters are drawn from (``cpsim sweep
            --posterior``); "" for none.
        parameter_sets: With a posterior, ``replicates`` sets of calibrated values drawn from it by its
            weights (seeded by ``seed``): replicate r runs with set r at every point and in every
            scenario, so a point's intervals cover parameter uncertainty as well as seed noise.

    """

    path: Path
    name: str
    description: str
    scenarios: dict[str, Any]
    scenario_files: dict[str, str]
    design: str
    vary: dict[str, Any]
    samples: int
    replicates: int
    days: int | None
    seed: int
    metrics: tuple[str, ...]
    timeseries: tuple[str, ...]
    batch: int
    second_order: bool
    common_random_numbers: bool
    levels: int
    overrides: dict[str, Any]
    sets: dict[str, Any] = dataclasses.field(default_factory=dict)
    posterior: str = ""
    parameter_sets: tuple[dict[str, float], ...] = ()

    @property
    def varied(self) -> list[str]:
        """The varied keys, in file order."""
        return list(self.vary)

    def to_dict(self) -> dict[str, Any]:
        """Return the experiment as plain data (stored with the results)."""
        out = dataclasses.asdict(self)
        out["path"] = str(self.path)
        out["scenarios"] = {k: s.to_dict() for k, s in self.scenarios.items()}
        out["vary"] = {k: list(v) for k, v in self.vary.items()}
        return out


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten ``{"a": {"b": 1}}`` into ``{"a.b": 1}``: TOML dotted and quoted keys both work."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, full + "."))
        else:
            out[full] = value
    return out


def group_column(group: str) -> str:
    """Name the store column of a group's end-of-run trust: ``trust_end_<group>``."""
    return "trust_end_" + group_slug(group)


def group_names(exp: Experiment) -> list[str]:
    """Every resident group of an experiment: each scenario's, then those of varied ``population.group_names``."""
    names = [g for sc in exp.scenarios.values() for g in sc.population.group_names]
    names += [g for value in exp.vary.get("population.group_names", ()) for g in value]
    return list(dict.fromkeys(names))


def group_columns(exp: Experiment) -> list[str]:
    """``trust_end_<group>`` columns for every group of an experiment (first seen first)."""
    return list(dict.fromkeys(group_column(g) for g in group_names(exp)))


def load_experiment(
    path: str | Path, sets: Mapping[str, Any] | Iterable[str] | None = None, posterior: str | Path | None = None
) -> Experiment:
    """Read and validate an experiment file.

    Args:
        path: The TOML file.
        sets: Overrides given beside the file (``cpsim sweep --set key=value``): applied to
            every run after the file's [overrides], named ``--set`` in errors, recorded in the
            store; a varied key cannot be set.
        posterior: A calibration's output folder or its posterior.parquet (``cpsim sweep
            --posterior``): each replicate draws its parameter set from it (Experiment.parameter_sets).

    Returns:
        The validated Experiment.

    Raises:
        ExperimentError: One line naming the file, the key and what is allowed.

    """
    path = Path(path)
    data, fail = read_settings_file(path, "experiment", ExperimentError)
    for key in data:
        if key not in KEYS:
            raise fail(clip(key), f"unknown key{did_you_mean(key, KEYS)}", ", ".join(KEYS))

    def whole(key: str, default: int | None, lo: int, hi: int) -> int | None:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise fail(key, f"got {shorten(value)}", f"a whole number in [{lo}, {hi}]")
        return value

    name = data.get("name", path.stem)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise fail("name", f"got {shorten(name)}", "letters, digits, '_', '-' and '.'")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"got {shorten(description)}", "text")
    design = data.get("design", "grid")
    if design not in DESIGNS:
        raise fail("design", f"got {shorten(design)}", "one of " + ", ".join(DESIGNS))
    replicates = whole("replicates", 1, 1, 100_000)
    days = whole("days", None, 1, 36_500)
    seed = whole("seed", 0, 0, 2**63 - 1)
    batch = whole("batch", 0, 0, 10_000)
    levels = whole("levels", 4, 2, 100)
    samples = whole("samples", None if design != "grid" else 0, 0 if design == "grid" else 1, 1_000_000)
    if samples is None:
        raise fail("samples", "missing", f"a whole number of samples for design = {design!r}")
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise fail("second_order", f"got {shorten(second_order)}", "true or false")
    crn = data.get("common_random_numbers", False)
    if not isinstance(crn, bool):
        raise fail("common_random_numbers", f"got {shorten(crn)}", "true or false")

    overrides = flatten(_table(data, "overrides", fail))
    for key in overrides:
        _check_key(key, f"overrides.{clip(key)}", fail)
    overrides = _beside(path, overrides)
    vary_raw = flatten(_table(data, "vary", fail))
    flags = _flags(sets, vary_raw, fail)
    if flags:  # the file's own overrides are checked before --set replaces any of them
        _scenarios(path, data, overrides, fail, (), days)
    overrides = {**overrides, **flags}
    _run_keys(overrides, vary_raw, days, fail, flags)
    scenarios, files = _scenarios(path, data, overrides, fail, flags, days)
    # every check sees the runs as they will be: the experiment's days are their run.days
    fixed = {**overrides, **({"run.days": days} if days is not None else {})}

    if not vary_raw:
        raise fail("vary", "nothing to vary", "a [vary] table with at least one dotted parameter key")
    vary: dict[str, Any] = {}
    for key, spec in vary_raw.items():
        where = f"vary.{clip(key)}"
        field = _check_key(key, where, fail)
        if key in overrides:
            raise fail(where, "also set in [overrides]", "a key in [vary] or in [overrides], not both")
        if design == "grid":
            values = [_beside(path, {key: v})[key] for v in _grid_values(spec, where, fail)]
        else:
            values = _range(spec, field, where, fail)
        for value in values:
            for sc_name, sc_file in files.items():
                _try_override(sc_file, {**fixed, key: value}, where, value, path, sc_name, flags)
        vary[key] = values

    metrics = _names(data, "metrics", SCALAR_METRICS, fail)
    timeseries = _names(data, "timeseries", tuple(DAILY), fail)
    if design in ("sobol", "morris") and len(vary) < 2:
        raise fail("vary", f"{len(vary)} parameter", f"at least 2 parameters for design = {design!r}")
    drawn: tuple[dict[str, float], ...] = ()
    if posterior is not None:
        taken = {
            **dict.fromkeys(overrides, "[overrides]"),
            **dict.fromkeys(flags, "--set"),
            **dict.fromkeys(vary, "[vary]"),
        }
        drawn = _posterior_sets(posterior, replicates, seed, scenarios, files, taken)
    return Experiment(
        path=path,
        name=name,
        description=description,
        scenarios=scenarios,
        scenario_files=files,
        design=design,
        vary=vary,
        samples=samples,
        replicates=replicates,
        days=days,
        seed=seed,
        metrics=metrics,
        timeseries=timeseries,
        batch=batch,
        second_order=second_order,
        levels=levels,
        common_random_numbers=crn,
        overrides=overrides,
        sets=flags,
        posterior=str(posterior) if posterior is not None else "",
        parameter_sets=drawn,
    )


def _posterior_sets(
    posterior: str | Path,
    replicates: int,
    seed: int,
    scenarios: dict[str, Any],
    files: dict[str, str],
    taken: dict[str, str],
) -> tuple[dict[str, float], ...]:
    """One parameter set per replicate drawn from a posterior, each applied to every scenario before anything runs.

    Args:
        posterior: A calibration's output folder or its posterior.parquet.
        replicates: Sets to draw, one per replicate.
        seed: The experiment's base seed (the draw is reproducible from it).
        scenarios: The experiment's scenarios, by name, overrides applied.
        files: The file of each scenario, for messages.
        taken: Keys the experiment gives its own values, and where (``[vary]``, ``[overrides]``,
            ``--set``): a calibrated key among them is refused, for a point's value and a drawn
            value of one key cannot both hold.

    Raises:
        ExperimentError: An unreadable posterior, a set a scenario cannot take (another city's
            posterior), or a calibrated key the experiment sets itself; one line.
    """
    from cpsim.studies.calibration.overrides import element
    from cpsim.studies.calibration.posterior_draws import PosteriorError, check_sets, draw_sets

    try:
        sets = draw_sets(posterior, replicates, seed)
        check_sets(sets, [(files[name], scenario) for name, scenario in scenarios.items()])
    except PosteriorError as err:
        raise ExperimentError(str(err)) from None
    for key in sets[0]:
        found = element(key)
        base = found[0] if found is not None else key
        if base in taken:
            raise ExperimentError(
                f"--posterior {posterior}: {key} is calibrated by the posterior and set in {taken[base]}; allowed: a "
                "posterior whose keys the experiment neither varies nor sets (or leave the key out of the experiment)"
            )
    return tuple(sets)


def _run_keys(overrides: dict[str, Any], vary: dict[str, Any], days: int | None, fail, flags: dict[str, Any]) -> None:
    """Refuse run.seed (the run table gives every run its seed) and run.days beside ``days``, which would win."""
    for key, allowed in (
        ("run.seed", "seed (the base seed), replicates and common_random_numbers, which give every run its seed"),
        ("run.days", "run.days in [vary] or [overrides], or the top-level days, not both"),
    ):
        where = "vary." if key in vary else "--set " if key in flags else "overrides." if key in overrides else None
        if where is None or (key == "run.days" and days is None):
            continue
        problem = "the run table sets every run's seed" if key == "run.seed" else f"days = {days} sets every run's days"
        raise fail(f"{where}{key}", problem, allowed)


def _table(data: dict[str, Any], key: str, fail) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise fail(key, "expected a table", f"a [{key}] table of dotted parameter keys")
    return value


def _check_key(key: str, where: str, fail) -> dataclasses.Field:
    """Return the scenario field of a dotted key."""
    sec, _, name = key.partition(".")
    if sec not in SECTIONS or not name:
        near = did_you_mean(sec, SECTIONS)
        raise fail(where, f"unknown parameter{near}", "section.key with a section in " + ", ".join(SECTIONS))
    fields = {f.name: f for f in dataclasses.fields(SECTIONS[sec])}
    if name not in fields:
        raise fail(where, f"unknown parameter{did_you_mean(name, fields)}", f"a key of [{sec}]: " + ", ".join(fields))
    return fields[name]


def named_file(path: Path, rel: str, key: str, allowed: str, fail) -> Path:
    """A file named in an experiment or calibration file: relative to that file's folder, and there.

    Raises:
        ScenarioError: One line naming the key, the path as written and where it was looked for.

    """
    file = path.parent / rel
    try:
        found = file.is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        found = False
    if not found:
        looked = clip(os.path.abspath(file), 300)
        what = f"(looked for {looked!r}: paths are relative to {path.name}'s folder)"
        raise fail(key, f"file {clip(rel, 200)!r} not found {what}", allowed)
    return file


def _beside(path: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    """Overrides with a relative ``graph.path`` made relative to the file that names it, as in a scenario."""
    value = overrides.get("graph.path")
    if not isinstance(value, str) or not value or Path(value).is_absolute():
        return overrides
    return {**overrides, "graph.path": str(path.parent / value)}


def _flags(sets: Mapping[str, Any] | Iterable[str] | None, vary: dict[str, Any], fail) -> dict[str, Any]:
    """The ``--set`` overrides: known keys, none of them varied."""
    if not sets:
        return {}
    flags = dict(sets.items() if isinstance(sets, Mapping) else map(parse_override, sets))
    for key in flags:
        _check_key(key, f"--set {clip(key)}", fail)
        if key in vary:
            raise fail(f"--set {key}", "varied by the experiment", "--set of a key not in [vary] (each point sets it)")
    return flags


def _scenarios(
    path: Path, data: dict[str, Any], overrides: dict[str, Any], fail, flags: Iterable[str], days: int | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every scenario loaded with the overrides and checked at the experiment's ``days``."""
    raw = data.get("scenarios")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(s, str) for s in raw):
        raise fail("scenarios", f"got {shorten(raw)}", "a list of scenario files (relative to the experiment file)")
    scenarios: dict[str, Any] = {}
    files: dict[str, str] = {}
    for rel in raw:
        file = named_file(path, rel, "scenarios", "existing scenario files", fail)
        sc = load_at_days(file, overrides, days, path, flags)
        if sc.run.name in scenarios:
            raise fail("scenarios", f"two scenarios named {sc.run.name!r}", "scenarios with distinct run.name")
        scenarios[sc.run.name] = sc
        files[sc.run.name] = str(file)
    problem = price_problem([(files[name], sc) for name, sc in scenarios.items()])
    if problem is not None:
        name = list(scenarios)[problem[0]]
        raise ExperimentError(f"{path}: scenarios: {files[name]}: {problem[1]}")
    return scenarios, files


def load_at_days(file: Path, overrides: dict[str, Any], days: int | None, path: Path, flags: Iterable[str] = ()):
    """Load a scenario with an experiment's (or calibration's) overrides, checked at its ``days``.

    Raises:
        ScenarioError: One line: the override's key (``overrides.KEY`` or ``--set KEY``), the
            scenario file's own error, or ``days: N in scenario 'x': ...`` when the days broke a
            rule of the file (an incident after the run, a survey period cut off).

    """
    at_days = {**overrides, "run.days": days} if days is not None else overrides
    try:
        return load_scenario(file, at_days)
    except ScenarioError as err:
        found = re.match(r"--set:? (\S+?): ", str(err))
        if days is None or (found and found[1] != "run.days"):  # an override's key: named as such
            _try_override(str(file), at_days, "overrides", None, path, "", flags)
        load_scenario(file)  # the file alone is broken: its own line
        _try_override(str(file), at_days, "days", days, path, file.stem, flags)  # else the days broke a rule
        raise


def _try_override(
    file: str,
    overrides: dict[str, Any],
    where: str,
    value: Any,
    path: Path,
    sc_name: str = "",
    flags: Iterable[str] = (),
):
    """Load a scenario with overrides; re-word an override's error to name the experiment key (or ``--set``)."""
    try:
        return load_scenario(file, overrides)
    except ScenarioError as err:
        found = re.match(r"--set:? (\S+?): (.*)", str(err))
        if found is None and value is not None:  # the value broke a rule with a key the file sets
            raise ExperimentError(f"{path}: {where}: {shorten(value)} in scenario {sc_name!r}: {err}") from None
        if found is None:
            raise  # the scenario file itself is wrong: its own one-line error names it
        key, detail = found.groups()
        if value is None:
            where = f"--set {key}" if key in flags else f"overrides.{key}"
        else:
            other = "" if where == f"vary.{key}" else f"{key}: "  # a rule broke on another key
            detail = f"{shorten(value)} in scenario {sc_name!r}: {other}{detail}"
        raise ExperimentError(f"{path}: {where}: {detail}") from None


def _grid_values(spec: Any, where: str, fail) -> list[Any]:
    if not isinstance(spec, list) or not spec:
        raise fail(where, f"got {shorten(spec)}", "a non-empty list of values for design = 'grid'")
    if len({repr(v) for v in spec}) != len(spec):
        raise fail(where, "repeated values", "distinct values")
    return list(spec)


def _range(spec: Any, field: dataclasses.Field, where: str, fail) -> tuple[float, float]:
    allowed = "[lo, hi] with lo < hi for a sampled design"
    default = field.default
    if isinstance(default, bool) or not isinstance(default, (int, float)):
        raise fail(where, "not a number parameter", "number parameters for a sampled design")
    ok = (
        isinstance(spec, list)
        and len(spec) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec)
        and spec[0] < spec[1]
    )
    if not ok:
        raise fail(where, f"got {shorten(spec)}", allowed)
    s = spec_of(field)
    lo, hi = float(spec[0]), float(spec[1])
    if s.lo is not None and lo < s.lo or s.hi is not None and hi > s.hi:
        raise fail(where, f"[{lo:g}, {hi:g}] is out of range", s.allowed())
    return (lo, hi)


def _names(data: dict[str, Any], key: str, known: tuple[str, ...], fail) -> tuple[str, ...]:
    """Read a list of figure names, or true/"all" (every figure) or false (none)."""
    value = data.get(key, key == "metrics")
    if value == "all" or value is True:
        return known
    if key == "metrics" and (value is False or value == []):  # a store with no figure has nothing to analyse
        raise fail(key, f"got {shorten(value)}", f'"all" or a list of at least one name from: {", ".join(known)}')
    if value is False:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, f"got {shorten(value)}", f'"all", true, false or a list of names from: {", ".join(known)}')
    for v in value:
        if v not in known:
            raise fail(key, f"unknown figure {shorten(v)}{did_you_mean(v, known)}", ", ".join(known))
    return tuple(dict.fromkeys(value))
