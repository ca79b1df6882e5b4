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

import os
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.studies.calibration.abc_smc import Generation, Record, SurveyModel, run_generations
from cpsim.studies.calibration.posterior_store import CalibrationStore
from cpsim.studies.calibration.spec import Calibration, load_calibration
from cpsim.studies.executors import SWEEP_PRELOAD, Pool, open_pool

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

    """
    cal = calibration if isinstance(calibration, Calibration) else load_calibration(calibration)
    out = Path(out) if out is not None else Path("out") / cal.name
    start = time.perf_counter()
    say = (lambda text: None) if quiet else (lambda text: print(f"{cal.name}: {text}", file=sys.stderr, flush=True))
    with (
        nullcontext(pool)
        if pool is not None
        else open_pool(workers, scheduler, method="forkserver", preload=SWEEP_PRELOAD) as p
    ):
        store = CalibrationStore(out / "calibration.duckdb", cal)
        try:
            db_url = f"sqlite:///{(out / 'pyabc.db').resolve()}"
            last = _last_generation(db_url)
            store.forget_after(last)
            if last >= 0:
                say(f"resuming after generation {last} ({p.where})")
            else:
                say(
                    f"{len(cal.priors)} parameters, {len(cal.targets)} targets, {cal.particles} particles, "
                    f"{cal.replicates} replicate(s) of {cal.days} days per proposal ({p.where})"
                )
            counter = {"tasks": 0, "sims": 0, "failed": 0, "t": None}

            def on_task(records: list[Record]) -> None:
                store.add(records)
                t = records[0].generation
                if counter["t"] != t:
                    counter.update(t=t, tasks=0)
                counter["tasks"] += 1
                counter["sims"] += len(records)
                failed = [r for r in records if r.error]
                counter["failed"] += len(failed)
                for r in failed:
                    say(f"generation {t}: a run failed: {r.error.splitlines()[0]}")
                step = max(1, cal.particles // 10)
                if counter["tasks"] % step == 0 or counter["tasks"] == cal.particles:
                    what = "prior sample" if t < 0 else f"generation {t}"
                    say(
                        f"{what}: {counter['tasks']}/{cal.particles} particles, {counter['sims']} simulations, "
                        f"{counter['failed']} failed, {time.perf_counter() - start:.0f} s"
                    )

            def on_generation(g: Generation) -> None:
                store.add_generation(g)
                say(
                    f"generation {g.t} done: epsilon {g.epsilon:.3g}, {g.simulations} simulations "
                    f"(acceptance {g.accepted / max(g.simulations, 1):.2f}), {g.seconds:.0f} s"
                )

            reason = run_generations(cal, db_url, p.executor, on_task, on_generation)
            posterior = _posterior(db_url, cal)
            store.set_posterior(posterior)
            estimates = point_estimate(posterior, cal)
            check = _checks(cal, store, posterior, checks, p)
            proposals = store.table("proposals")
            store.export(out)
        finally:
            store.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibrated.toml").write_text(calibrated_toml(cal, estimates, out, len(posterior)))
    check.to_csv(out / "checks.csv", index=False)
    from cpsim.studies.calibration.posterior_report import write_report

    write_report(cal, posterior, proposals, check, out)
    seconds = time.perf_counter() - start
    n_failed = int(proposals["error"].notna().sum())
    n_gen = int(proposals.loc[proposals["generation"] >= 0, "generation"].max() + 1) if len(proposals) else 0
    say(
        f"stopped ({reason}) after {n_gen} generations, {len(proposals)} simulations ({n_failed} failed) "
        f"in {seconds:.0f} s -> {out}/report.html, calibrated.toml, posterior.parquet"
    )
    return CalibrationReport(out, reason, n_gen, len(proposals), n_failed, seconds, estimates, check)


def _last_generation(db_url: str) -> int:
    from cpsim.studies.calibration.abc_smc import _existing

    h = _existing(db_url)
    return -2 if h is None else int(h.max_t)


def _posterior(db_url: str, cal: Calibration) -> pd.DataFrame:
    import pyabc

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


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantile(s) of a weighted sample (inverse of the weighted empirical CDF, midpoint rule)."""
    order = np.argsort(values)
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, v)


def point_estimate(posterior: pd.DataFrame, cal: Calibration) -> dict[str, float]:
    """The calibrated values: weighted posterior medians, or the particle nearest the data."""
    if cal.draw == "best":
        row = posterior.loc[posterior["distance"].idxmin()]
        values = {k: float(row[k]) for k in cal.keys}
    else:
        values = {k: float(weighted_quantile(posterior[k], posterior["weight"], 0.5)) for k in cal.keys}
    return {k: (round(v) if p.whole else v) for (k, v), p in zip(values.items(), cal.priors, strict=True)}


def calibrated_toml(cal: Calibration, estimates: dict[str, float], out: Path, n: int) -> str:
    """A scenario file that extends the calibrated scenario with the calibration's values."""
    from cpsim.scenario.load import _toml_value

    base = os.path.relpath(Path(cal.scenario_file).resolve(), out.resolve())
    what = "posterior median" if cal.draw == "median" else "best particle"
    lines = [
        f"# Calibrated by `cpsim calibrate {cal.path}`: {what} of {n} particles.",
        "# Overrides of the calibration file are repeated here so this file reproduces its runs.",
        f'extends = "{base}"',
        "",
        "[run]",
        f'name = "{cal.scenario.run.name}_calibrated"',
        f"days = {cal.days}",
    ]
    values = {**cal.overrides, **estimates}
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


def _checks(cal: Calibration, store: CalibrationStore, posterior: pd.DataFrame, draws: int, pool: Pool) -> pd.DataFrame:
    """Posterior-predictive checks: fresh runs (new seeds) at posterior draws, one per draw."""
    rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 777]))
    names = [t.name for t in cal.targets]
    sims = pd.DataFrame(columns=names)
    if draws > 0:
        pick = rng.choice(len(posterior), size=draws, p=posterior["weight"].to_numpy())
        seeds = np.random.SeedSequence([cal.seed, 778]).generate_state(draws, np.uint64) >> np.uint64(1)
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
            futures.append(pool.executor.submit(model, {k: float(posterior.loc[i, k]) for k in cal.keys}))
        rows = [f.result() for f in futures]
        sims = pd.DataFrame([r for r in rows if "_error" not in r], columns=names)
        store.con.execute("CREATE OR REPLACE TABLE checks AS SELECT * FROM sims")
    out = []
    for t in cal.targets:
        x = sims[t.name].dropna().to_numpy(float) if len(sims) else np.array([])
        if x.size == 0:  # no fresh runs: the accepted particles' own figures
            x, w = posterior[t.name].to_numpy(float), posterior["weight"].to_numpy(float)
        else:
            w = np.ones(x.size)
        lo, mid, hi = weighted_quantile(x, w, np.array([(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2]))
        out.append(
            {
                "target": t.name,
                "observed": t.value,
                "sd": t.sd,
                "predicted": mid,
                "low": lo,
                "high": hi,
                "inside": bool(lo <= t.value <= hi),
                "runs": int(x.size),
            }
        )
    return pd.DataFrame(out)
