"""The calibration driver: run or resume ABC-SMC, then write the posterior and its checks.

Outputs in the calibration's directory (default out/<name>/):

- ``calibration.duckdb`` (proposals, generations, posterior, checks) and ``pyabc.db``;
- ``posterior.parquet``, ``proposals.parquet``, ``generations.parquet``;
- ``calibrated.toml``: the scenario at the posterior median (or the best particle);
- ``checks.csv``: each target, the observed figure and the posterior-predictive median with
  its 90% interval, from fresh runs (new seeds) at posterior draws;
- ``report.html`` with posterior and posterior-predictive figures.
"""

from __future__ import annotations

import math
import os
import sys
import time
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cpsim.scenario.load import _toml_value
from cpsim.studies.calibration import forecast
from cpsim.studies.calibration.abc_smc import (
    DamagedHistory,
    Generation,
    Record,
    SurveyModel,
    Unreachable,
    _existing,
    run_generations,
)
from cpsim.studies.calibration.history_matching import HMStore, run_history_matching
from cpsim.studies.calibration.observation import is_observation
from cpsim.studies.calibration.overrides import as_overrides
from cpsim.studies.calibration.posterior_store import CalibrationStore
from cpsim.studies.calibration.spec import Calibration, CalibrationError, load_calibration
from cpsim.studies.calibration.weighted import weighted_quantile
from cpsim.studies.executors import Pool, sweep_pool
from cpsim.studies.interrupts import Interrupted, Interrupts, held
from cpsim.studies.seeds import drawn_seeds

LEVEL = 0.90


@dataclass
class CalibrationReport:
    """How a calibration (or this session of it) went."""

    out: Path
    reason: str
    generations: int
    simulations: int
    failed: int
    seconds: float
    estimates: dict[str, float]
    checks: pd.DataFrame


class NoRegion(RuntimeError):
    """History matching ruled out the whole prior space: the model cannot reach some targets; one line."""


class CalibrationIncomplete(RuntimeError):
    """A write failed (a full disk, a folder made read-only): what was finished is kept; one line."""


class _Progress:
    """Counts of this session, for the progress lines and the line an interruption prints."""

    def __init__(self, cal: Calibration, say) -> None:
        self.cal, self.say = cal, say
        self.t: int | None = None
        self.tasks = self.sims = self.failed = 0
        self.start = time.perf_counter()

    def task(self, records: list[Record]) -> None:
        t = records[0].generation
        if self.t != t:
            self.t, self.tasks = t, 0
        self.tasks += 1
        self.sims += len(records)
        failed = [r for r in records if r.error]
        self.failed += len(failed)
        for r in failed:
            self.say(f"generation {t}: a run failed: {r.error.splitlines()[0]}")
        particles = self.cal.particles
        if self.tasks % max(1, particles // 10) == 0 or self.tasks == particles:
            what = "prior sample" if t < 0 else f"generation {t}"
            self.say(
                f"{what}: {self.tasks}/{particles} particles, {self.sims} simulations, {self.failed} failed, "
                f"{time.perf_counter() - self.start:.0f} s"
            )

    def where(self) -> str:
        if self.t is None:
            return "before the first proposal"
        what = "the prior sample" if self.t < 0 else f"generation {self.t}"
        return f"in {what} ({self.tasks} of {self.cal.particles} particles)"


def run_calibration(
    calibration: Calibration | str | Path,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    pool: Pool | None = None,
    checks: int = 20,
    quiet: bool = False,
) -> CalibrationReport:
    """Run (or resume) a calibration and write its posterior, calibrated scenario and report.

    Args:
        calibration: A Calibration or the path of a calibration file.
        out: Output directory (default out/<name>).
        workers: Local worker processes (default: all cores).
        scheduler: Dask scheduler address (default: DASK_SCHEDULER_ADDRESS, else local processes).
        pool: An executor to use instead.
        checks: Posterior draws simulated afresh for the posterior-predictive checks.
        quiet: No progress lines on stderr.

    Returns:
        The report (stop reason, counts, posterior estimates, checks table).

    Raises:
        CalibrationError: A store or history of another calibration, a damaged one, or targets no
            proposal of the prior sample gave (one line).
        CalibrationIncomplete: A write failed (full disk, read-only folder); what was finished is kept.
        Interrupted: Ctrl-C; the generation in flight is lost, a rerun resumes.

    """
    cal = calibration if isinstance(calibration, Calibration) else load_calibration(calibration)
    out = Path(out) if out is not None else Path("out") / cal.name
    say = (lambda text: None) if quiet else (lambda text: print(f"{cal.name}: {text}", file=sys.stderr, flush=True))
    if cal.method == "history_matching":
        return _history_matching(cal, out, workers, scheduler, pool, checks, say)
    progress = _Progress(cal, say)
    kept = -1
    # Ctrl-C is a flag from here on: pyabc's and DuckDB's writes are never cut half-way (cpsim.studies.interrupts)
    with held() as interrupts:
        try:
            with sweep_pool(pool, workers, scheduler) as p:
                interrupts.check()
                store = CalibrationStore(out / "calibration.duckdb", cal)
                try:
                    db_url = f"sqlite:///{(out / 'pyabc.db').resolve()}"
                    history = _history(db_url)
                    kept = -1 if history is None else int(history.max_t)
                    if store.created and kept >= 0:  # the history would resume into a store without its proposals
                        raise CalibrationError(
                            f"{out / 'pyabc.db'}: holds {kept + 1} generations but {store.path.name} is new; allowed: "
                            "the store that goes with it, or move pyabc.db away to start afresh"
                        )
                    store.forget_after(kept)
                    store.fill_generations(history)
                    if kept >= 0:
                        say(f"resuming: {kept + 1} of {cal.generations} generations done ({p.where})")
                    else:
                        say(
                            f"{len(cal.priors)} parameters, {len(cal.targets)} targets, {cal.particles} particles, "
                            f"{cal.replicates} replicate(s) of {cal.days} days per proposal ({p.where})"
                        )

                    def on_task(records: list[Record]) -> None:
                        store.add(records)
                        progress.task(records)

                    def on_generation(g: Generation) -> None:
                        nonlocal kept
                        store.add_generation(g)
                        kept = g.t
                        say(
                            f"generation {g.t} done: epsilon {g.epsilon:.3g}, {g.simulations} simulations "
                            f"(acceptance {g.accepted / max(g.simulations, 1):.2f}), {g.seconds:.0f} s"
                        )

                    reason = run_generations(cal, db_url, p.executor, on_task, on_generation, interrupts=interrupts)
                    posterior = _posterior(db_url, cal)
                    store.set_posterior(posterior)
                    estimates = point_estimate(posterior, cal)
                    check = _checks(cal, store, posterior, checks, p, interrupts)
                    proposals = store.table("proposals")
                    store.export(out)
                finally:
                    store.close()
            out.mkdir(parents=True, exist_ok=True)
            (out / "calibrated.toml").write_text(calibrated_toml(cal, estimates, out, len(posterior)))
            check.to_csv(out / "checks.csv", index=False)
            from cpsim.studies.calibration.posterior_report import write_report  # here: matplotlib, for the report

            write_report(cal, posterior, proposals, check, out)
        except (Interrupted, KeyboardInterrupt):
            done = f"{kept + 1} generation{'' if kept == 0 else 's'} kept in {out}"
            raise Interrupted(f"{cal.name}: {progress.where()}; {done}; run the same command again to resume") from None
        except Unreachable as err:
            raise CalibrationError(unreachable_line(cal, err, out)) from None
        except BrokenExecutor as err:  # a worker died (killed, out of memory): the generation in flight is lost
            raise CalibrationIncomplete(
                f"{cal.name}: workers failed ({type(err).__name__}: {' '.join(str(err).split())[:160]}); "
                f"{kept + 1} generations kept in {out}; run the same command again to resume"
            ) from None
        except DamagedHistory as err:
            allowed = "a history written by cpsim calibrate (move a damaged one away to start afresh)"
            raise CalibrationError(f"{err}; allowed: {allowed}") from None
        except (duckdb.Error, OSError, *_sql_errors()) as err:  # a write failed: a full disk, a read-only folder
            text = " ".join(str(getattr(err, "orig", None) or err).split())[:200] or type(err).__name__
            raise CalibrationIncomplete(
                f"{cal.name}: could not write to {out} ({text}); {kept + 1} generations kept; "
                "free space (or make the folder writable) and run the same command again to resume"
            ) from None
    seconds = time.perf_counter() - progress.start
    n_failed = int(proposals["error"].notna().sum())
    n_gen = int(proposals.loc[proposals["generation"] >= 0, "generation"].max() + 1) if len(proposals) else 0
    say(
        f"stopped ({reason}) after {n_gen} generations, {len(proposals)} simulations ({n_failed} failed) "
        f"in {seconds:.0f} s -> {out}/report.html, calibrated.toml, posterior.parquet"
    )
    return CalibrationReport(out, reason, n_gen, len(proposals), n_failed, seconds, estimates, check)


def _history_matching(
    cal: Calibration, out: Path, workers: int | None, scheduler: str | None, pool: Pool | None, checks: int, say
) -> CalibrationReport:
    """Run (or resume) a history-matching fit and write what it found (cpsim.studies.calibration.history_matching)."""
    from cpsim.studies.calibration import hm_report  # here: matplotlib, for the report only

    start = time.perf_counter()
    where = "before the first run"
    with held() as interrupts:
        try:
            with sweep_pool(pool, workers, scheduler) as p:
                interrupts.check()
                store = HMStore(out / "calibration.duckdb", cal)
                before = store.run_count()
                try:
                    say(
                        f"history matching: {len(cal.priors)} parameters, {len(cal.targets)} targets, up to "
                        f"{cal.hm.waves} waves of {cal.hm.runs} runs of {cal.days} days ({p.where})"
                    )
                    where = "in a wave"
                    result = run_history_matching(cal, store, p.executor, interrupts, say, checks)
                    store.export(out)
                finally:
                    store.record_session(time.perf_counter() - start, store.run_count() - before)
                    store.close()
            if result.unreachable or result.posterior.empty:
                path = hm_report.write_empty(cal, result, out)
                named = result.unreachable or list(result.min_implausibility)
                floors = ", ".join(f"{n} {result.min_implausibility.get(n, math.nan):.2g}" for n in named)
                if result.unreachable:
                    raise NoRegion(
                        f"{cal.path}: targets.{', '.join(named)}: no point of the prior space comes near the data "
                        f"(smallest implausibility over the space: {floors}; cut-off {cal.hm.cutoff:g}); the model "
                        f"cannot reach them with these parameters -> {path}"
                    )
                raise NoRegion(
                    f"{cal.path}: targets: each can be met alone (smallest implausibility over the space: {floors}; "
                    f"cut-off {cal.hm.cutoff:g}) but no point of the prior space meets them all at once; the model "
                    f"cannot reach them together with these parameters -> {path}"
                )
            estimates = point_estimate(result.posterior, cal)
            check = hm_checks(cal, result)
            (out / "calibrated.toml").write_text(calibrated_toml(cal, estimates, out, len(result.posterior)))
            check.to_csv(out / "checks.csv", index=False)
            hm_report.write_report(cal, result, check, out, _areas_section(cal, result, out))
        except (Interrupted, KeyboardInterrupt):
            raise Interrupted(
                f"{cal.name}: interrupted {where}; every finished run is kept in {out / 'calibration.duckdb'}; "
                "run the same command again to resume"
            ) from None
        except BrokenExecutor as err:
            raise CalibrationIncomplete(
                f"{cal.name}: workers failed ({type(err).__name__}: {' '.join(str(err).split())[:160]}); finished "
                f"runs kept in {out}; run the same command again to resume"
            ) from None
        except (duckdb.Error, OSError) as err:
            text = " ".join(str(err).split())[:200] or type(err).__name__
            raise CalibrationIncomplete(
                f"{cal.name}: could not write to {out} ({text}); finished runs kept; free space (or make the folder "
                "writable) and run the same command again to resume"
            ) from None
    seconds = time.perf_counter() - start
    runs = result.runs
    fit_runs = runs[runs["wave"] >= 0]
    say(
        f"done: {len(result.waves)} waves, {len(fit_runs)} fit runs, {int((runs['wave'] < 0).sum())} check runs, "
        f"{runs['cpu'].sum():.0f} s of run CPU, {seconds:.0f} s this session -> {out}/report.html, calibrated.toml"
    )
    return CalibrationReport(
        out, "waves", len(result.waves), len(runs), int(runs["error"].notna().sum()), seconds, estimates, check
    )


def _areas_section(cal: Calibration, result, out: Path) -> str:
    """Area by area (when the data and the city name their areas): forecast.csv, its scores, maps; report HTML."""
    if result.check_areas is None or result.check_areas.empty:
        return ""
    table = forecast.area_table(cal, result.check_areas)
    if table is None:
        return ""
    table.to_csv(out / "forecast.csv", index=False, float_format="%.2f")
    score = forecast.scores(table, forecast.baselines(table, cal.scenario.areas.path))
    score.to_csv(out / "forecast_scores.csv", index=False, float_format="%.4f")
    (out / "forecast.md").write_text(forecast.markdown(score) + "\n", encoding="utf-8")
    maps = forecast.maps(table, out / "maps")
    imgs = "".join(f'<img src="{m.relative_to(out)}" style="width:32%">' for m in maps)
    return (
        "<h2>Area by area: the fit's years and the forecast</h2><p>Each area's trust score in the data against the "
        "check runs (mean and 90% interval: forecast.csv); the years the fit did not read are a forecast. Scored "
        "against persistence (each area's mean over the fit's years) and a regression of that mean on the areas' "
        "composition and crime; the RMSE with the city-wide mean removed leaves out a city-wide swing (a national "
        "mood, the 2020 change of wording) that no model of areas predicts.</p>"
        + score.to_html(index=False, float_format=lambda x: f"{x:.3g}")
        + f"<h3>Maps (observed, simulated, simulated minus observed)</h3>{imgs}"
    )


def hm_checks(cal: Calibration, result) -> pd.DataFrame:
    """Each target against the check runs' 90% interval (the fit's last emulators' draws when none ran)."""
    sims = result.checks if result.checks is not None and len(result.checks) else None
    out = []
    for t in cal.targets:
        x = sims[t.name].dropna().to_numpy(float) if sims is not None else np.array([])
        out.append(_against_interval(t, x, np.ones(x.size)))
    return pd.DataFrame(out)


def _against_interval(target, x: np.ndarray, w: np.ndarray) -> dict:
    """A target's row: the data's value against the weighted median and LEVEL interval of ``x`` (NaN when empty)."""
    q = np.array([(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2])
    lo, mid, hi = weighted_quantile(x, w, q) if x.size else (math.nan,) * 3
    return {
        "target": target.name,
        "observed": target.value,
        "sd": target.sd,
        "predicted": mid,
        "low": lo,
        "high": hi,
        "inside": bool(lo <= target.value <= hi),
        "runs": int(x.size),
    }


def unreachable_line(cal: Calibration, err: Unreachable, out: Path) -> str:
    """One line for a prior sample with no finite distance: the targets no simulated survey gave, or the failure."""
    again = f"delete {out} before the next try (it holds this prior sample)"
    if err.error is not None:
        return (
            f"{cal.path}: parameters: all {err.proposals} proposals of the prior sample failed ({err.error}); "
            f"allowed: priors whose runs succeed ({out}/calibration.duckdb holds each error); {again}"
        )
    names = ", ".join(err.targets) or ", ".join(t.name for t in cal.targets)
    what = "this statistic" if len(err.targets) == 1 else "these statistics"
    return (
        f"{cal.path}: targets.{names}: none of the {err.proposals} proposals of the prior sample gave {what} "
        f"(statistics.min_n = {cal.options.min_n}); allowed: targets a simulated survey gives (more "
        f"respondents_per_area, a lower min_n, gap groups that answer); {again}"
    )


def _sql_errors() -> tuple[type[BaseException], ...]:
    """SQLAlchemy's error (pyabc writes its history with it), when installed."""
    try:
        from sqlalchemy.exc import SQLAlchemyError  # here: comes with the optional pyabc
    except ImportError:
        return ()
    return (SQLAlchemyError,)


def _history(db_url: str):

    return _existing(db_url)


def _posterior(db_url: str, cal: Calibration) -> pd.DataFrame:
    import pyabc  # here: the optional calibrate extra, ~2 s to import

    h = pyabc.History(db_url)
    pop = h.get_population(t=h.max_t)
    rows = []
    for i, particle in enumerate(pop.particles):
        rows.append(
            {
                "particle": i,
                "weight": float(particle.weight),
                **{k: float(particle.parameter[k]) for k in cal.keys},
                **{t.name: float(particle.sum_stat.get(t.name, np.nan)) for t in cal.targets},
                "distance": float(particle.distance),
            }
        )
    df = pd.DataFrame(rows)
    df["weight"] /= df["weight"].sum()
    return df


def point_estimate(posterior: pd.DataFrame, cal: Calibration) -> dict[str, float]:
    """The calibrated values: weighted posterior medians, or the particle nearest the data."""
    if cal.draw == "best" and "distance" in posterior.columns:
        row = posterior.loc[posterior["distance"].idxmin()]
        values = {k: float(row[k]) for k in cal.keys}
    else:
        values = {k: float(weighted_quantile(posterior[k], posterior["weight"], 0.5)) for k in cal.keys}
    return {k: (round(v) if p.whole else v) for (k, v), p in zip(values.items(), cal.priors, strict=True)}


def calibrated_toml(cal: Calibration, estimates: dict[str, float], out: Path, n: int) -> str:
    """A scenario file that extends the calibrated scenario with the calibration's values."""
    base = os.path.relpath(Path(cal.scenario_file).resolve(), out.resolve())
    what = "posterior median" if cal.draw == "median" else "best particle"
    lines = [
        f"# Calibrated by `cpsim calibrate {cal.path}`: {what} of {n} particles.",
        "# Overrides of the calibration file are repeated here so this file reproduces its runs.",
        f'extends = "{base}"',
        "",
        "[run]",
        f'name = "{cal.scenario.run.name}_calibrated"',
        f"days = {(cal.hm.check_days or cal.days) if cal.method == 'history_matching' else cal.days}",
    ]

    measured = {k: v for k, v in estimates.items() if is_observation(k)}
    if measured:  # the observation model is the calibration's, not the scenario's
        lines[2:2] = [
            "# The observation model (not a scenario key; cpsim/studies/calibration/observation.py): "
            + ", ".join(f"{k} = {v:.4g}" for k, v in measured.items())
        ]

    whole = tuple(p.key for p in cal.priors if p.whole)
    values = {**cal.overrides, **as_overrides(cal.scenario, estimates, whole)}
    sections: dict[str, dict[str, object]] = {}
    for key, value in values.items():
        sec, _, name = key.partition(".")
        if key == "run.days":
            continue
        sections.setdefault(sec, {})[name] = value
    for sec, body in sections.items():
        if sec == "run":
            lines += [f"{k} = {_toml_value(v)}" for k, v in body.items() if k not in ("name", "days")]
            continue
        lines += ["", f"[{sec}]", *[f"{k} = {_toml_value(v)}" for k, v in body.items()]]
    return "\n".join(lines) + "\n"


def _checks(
    cal: Calibration, store: CalibrationStore, posterior: pd.DataFrame, draws: int, pool: Pool, interrupts: Interrupts
) -> pd.DataFrame:
    """Posterior-predictive checks: fresh runs (new seeds) at posterior draws, one per draw."""
    rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 777]))
    names = [t.name for t in cal.targets]
    sims = pd.DataFrame(columns=names)
    if draws > 0:
        pick = rng.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy())
        seeds = drawn_seeds([cal.seed, 778], draws)
        futures = []
        for i, s in zip(pick, seeds, strict=True):
            model = SurveyModel(
                cal.scenario,
                cal.days,
                (int(s),),
                tuple(p.key for p in cal.priors if p.whole),
                tuple(names),
                cal.options,
            )
            try:
                futures.append(pool.executor.submit(model, {k: float(posterior.loc[i, k]) for k in cal.keys}))
            except Exception as err:  # noqa: BLE001  (a pool broken by Ctrl-C refuses work: the interrupt)
                raise interrupts.failed(err) from None
        pending = set(futures)
        while pending:
            pending -= interrupts.wait(pending)
        try:
            rows = [f.result() for f in futures]
        except Exception as err:  # noqa: BLE001  (workers ended by Ctrl-C are the interrupt)
            raise interrupts.failed(err) from None
        sims = pd.DataFrame([r for r in rows if "_error" not in r], columns=names)
        store.con.execute("CREATE OR REPLACE TABLE checks AS SELECT * FROM sims")
    out = []
    for t in cal.targets:
        x = sims[t.name].dropna().to_numpy(float) if len(sims) else np.array([])
        if x.size == 0:  # no fresh runs: the accepted particles' own figures
            x, w = posterior[t.name].to_numpy(float), posterior["weight"].to_numpy(float)
        else:
            w = np.ones(x.size)
        out.append(_against_interval(t, x, w))
    return pd.DataFrame(out)
