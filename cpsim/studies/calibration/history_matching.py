"""History matching with Gaussian-process emulators: the fit for a simulator that costs seconds a run.

ABC-SMC needs thousands of runs; a six-year run of Chicago's 77 areas costs seconds of CPU.
History matching (Craig et al. 1997; Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015 for
an agent-based model) spends a few hundred independent runs in waves:

1. wave 0 runs a Latin hypercube over the priors (scaled to the unit cube: each prior's
   quantile, cpsim.studies.calibration.emulators);
2. after each wave one emulator per target is fit to the runs inside the region not yet ruled
   out, and points whose largest implausibility exceeds the cut-off are ruled out (every
   earlier wave's emulators apply too: the region only shrinks);
3. the next wave runs new points drawn from what is left, where the emulators are refit with
   more runs and sharper; the share of the prior space left is reported after each wave;
4. an empty region stops the fit and names the targets no point of the prior space comes
   near (their smallest implausibility over the space), the model's own failures;
5. the posterior is sampled on the last wave's emulators (importance sampling of the region with
   a Gaussian likelihood of the targets), and checked on the real simulator: fresh runs at
   posterior draws (``check_days`` long, so survey waves the fit never read are forecast).

Every run is independent (its own seed from (seed, wave, point)) and stored in the DuckDB file
as it finishes; a wave's points are stored before its first run, so a fit killed at any moment
(kill -9 included) resumes by running only the points without a result, with the same points,
emulators and posterior as an uninterrupted fit.

Store tables (``calibration.duckdb``, written only by the driver):

- ``calibration``: name, file, fingerprint, the calibration as JSON, cpsim version;
- ``design``: wave, point, seed, one column per calibrated key (``check`` rows: wave -1);
- ``runs``: wave, point, seed, the keys, one column per target statistic, error, cpu seconds;
- ``areas``: each check run's area estimates (wave -1, point, survey wave, beat, trust, safety, n);
- ``waves``: wave, runs, the share of the prior space left, the emulators' accuracy (JSON);
- ``posterior``: particle, weight, the keys;
- ``sessions``: when each session of the fit ended, its wall seconds and the runs it made.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from cpsim.simulate import simulate
from cpsim.studies.calibration import emulators as em
from cpsim.studies.calibration.observation import observe, split
from cpsim.studies.calibration.overrides import as_overrides
from cpsim.studies.calibration.spec import Calibration, CalibrationError
from cpsim.studies.calibration.stats import Options, statistics
from cpsim.studies.calibration.stores import create_calibration_table
from cpsim.studies.interrupts import Interrupts
from cpsim.studies.seeds import drawn_seeds
from cpsim.studies.sweeps.results import quote

CHECK_WAVE = -1  # the design and runs rows of the posterior-predictive checks


@dataclass
class Point:
    """One simulator run to make: where, with which seed, and what to return."""

    scenario: Any
    days: int
    seed: int
    values: dict[str, float]
    whole: tuple[str, ...]
    names: tuple[str, ...]
    options: Options
    areas: bool = False

    def __call__(self) -> dict[str, Any]:
        """Run it; ``error`` holds the traceback of a run that raised."""
        start = time.process_time()
        _, obs = split(self.values)
        overrides = as_overrides(self.scenario, self.values, self.whole)
        try:
            result = simulate(self.scenario, seed=self.seed, days=self.days, overrides=overrides)
            table = observe(result.survey, obs, self.seed)
            out: dict[str, Any] = {"stats": statistics(table, self.names, self.options), "error": None}
            if self.areas:
                rows = table[(table["beat"] >= 0) & (table["group"] == "all")]
                out["areas"] = rows[["wave", "beat", "trust", "safety", "n"]].to_numpy(float)
        except Exception as err:  # noqa: BLE001  (a failed run is recorded; the fit goes on without it)
            text = f"{type(err).__name__}: {err}".replace("\n", " ")
            out = {"stats": {}, "error": f"seed {self.seed}: {text}\n{traceback.format_exc()}"}
        out["cpu"] = time.process_time() - start
        return out


def run_point(point: Point) -> dict[str, Any]:
    """A worker's task (a module-level function: it pickles by name)."""
    return point()


@dataclass
class HMResult:
    """What a history-matching fit found."""

    posterior: pd.DataFrame
    waves: pd.DataFrame
    runs: pd.DataFrame
    unreachable: list[str] = field(default_factory=list)
    min_implausibility: dict[str, float] = field(default_factory=dict)
    ess: float = math.nan
    check_areas: pd.DataFrame | None = None
    checks: pd.DataFrame | None = None


class HMStore:
    """The driver's connection to a history-matching fit's DuckDB file."""

    def __init__(self, path: Path, cal: Calibration) -> None:
        """Open (or create) the store.

        Raises:
            CalibrationError: The file belongs to another calibration, is locked or damaged.

        """
        self.path, self.cal = Path(path), cal
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_file() and self.path.stat().st_size == 0:
            self.path.unlink()  # a kill while DuckDB was creating the file: nothing in it
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as err:
            text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if "lock" in text.lower():
                raise CalibrationError(
                    f"{self.path}: another process is writing this store; allowed: one at a time"
                ) from None
            raise CalibrationError(f"{self.path}: not a readable calibration store ({text})") from None
        self.keys, self.stats = cal.keys, [t.name for t in cal.targets]
        try:
            tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            row = self.con.execute("SELECT fingerprint, file FROM calibration").fetchone() if tables else None
            if tables and (row is None or row[0] != cal.fingerprint()):
                self.con.close()
                raise CalibrationError(
                    f"{self.path}: holds calibration {row[1] if row else '(none)'} with other settings; "
                    "allowed: --out to a new directory, or delete it to start again"
                )
            if not tables:
                self._create()
        except duckdb.Error as err:
            self.con.close()
            raise CalibrationError(f"{self.path}: not a readable calibration store ({err})") from None

    def _create(self) -> None:
        cal, con = self.cal, self.con
        keys = ", ".join(f"{quote(k)} DOUBLE" for k in self.keys)
        stats = ", ".join(f"{quote(s)} DOUBLE" for s in self.stats)
        con.begin()
        spec = {
            "name": cal.name,
            "method": cal.method,
            "scenario": cal.scenario_file,
            "observed": cal.observed_file,
            "days": cal.days,
            "seed": cal.seed,
            "history_matching": dataclasses.asdict(cal.hm),
            "priors": [dataclasses.asdict(p) for p in cal.priors],
            "targets": [dataclasses.asdict(t) for t in cal.targets],
            "waves": list(cal.options.waves),
        }
        create_calibration_table(con, cal, spec)
        con.execute(f"CREATE TABLE design (wave BIGINT, point BIGINT, seed UBIGINT, {keys}, PRIMARY KEY (wave, point))")
        con.execute(
            f"CREATE TABLE runs (wave BIGINT, point BIGINT, seed UBIGINT, {keys}, {stats}, error VARCHAR, "
            "cpu DOUBLE, PRIMARY KEY (wave, point))"
        )
        con.execute(
            "CREATE TABLE areas (wave BIGINT, point BIGINT, survey_wave BIGINT, beat BIGINT, trust DOUBLE, "
            "safety DOUBLE, n DOUBLE)"
        )
        con.execute(
            "CREATE TABLE waves (wave BIGINT PRIMARY KEY, runs BIGINT, failed BIGINT, region_share DOUBLE, "
            "seconds DOUBLE, accuracy JSON)"
        )
        con.execute(f"CREATE TABLE posterior (particle BIGINT, weight DOUBLE, {keys})")
        con.commit()

    def design(self, wave: int) -> pd.DataFrame:
        """A wave's points (empty before it was drawn)."""
        return self.con.execute("SELECT * FROM design WHERE wave = ? ORDER BY point", [wave]).fetchdf()

    def set_design(self, wave: int, values: np.ndarray, seeds: np.ndarray) -> None:
        """Store a wave's points in one transaction, before any of them runs."""
        df = pd.DataFrame(values, columns=self.keys)
        df.insert(0, "seed", seeds.astype(np.uint64))
        df.insert(0, "point", np.arange(len(df)))
        df.insert(0, "wave", wave)
        self.con.register("design_rows", df)
        self.con.execute("INSERT INTO design SELECT * FROM design_rows")
        self.con.unregister("design_rows")

    def done(self, wave: int) -> set[int]:
        """Points of a wave that have a result."""
        return {r[0] for r in self.con.execute("SELECT point FROM runs WHERE wave = ?", [wave]).fetchall()}

    def add_run(self, wave: int, point: int, seed: int, values: dict[str, float], out: dict[str, Any]) -> None:
        """Store a finished run (its areas too, for a check run) in one transaction."""
        row = [wave, point, seed, *[values[k] for k in self.keys]]
        row += [_num(out["stats"].get(s)) for s in self.stats] + [out["error"], out["cpu"]]
        self.con.begin()
        self.con.execute(f"INSERT OR REPLACE INTO runs VALUES ({', '.join('?' * len(row))})", row)
        areas = out.get("areas")
        if areas is not None and len(areas):
            df = pd.DataFrame(areas, columns=["survey_wave", "beat", "trust", "safety", "n"])
            df.insert(0, "point", point)
            df.insert(0, "wave", wave)
            self.con.execute("DELETE FROM areas WHERE wave = ? AND point = ?", [wave, point])
            self.con.register("area_rows", df)
            self.con.execute("INSERT INTO areas SELECT * FROM area_rows")
            self.con.unregister("area_rows")
        self.con.commit()

    def set_wave(self, wave: int, runs: int, failed: int, share: float, seconds: float, accuracy: list) -> None:
        """Record a finished wave."""
        self.con.execute(
            "INSERT OR REPLACE INTO waves VALUES (?, ?, ?, ?, ?, ?)",
            [wave, runs, failed, share, seconds, json.dumps(accuracy)],
        )

    def set_posterior(self, posterior: pd.DataFrame) -> None:
        """Replace the posterior sample."""
        self.con.begin()
        self.con.execute("DELETE FROM posterior")
        self.con.register("post_rows", posterior[["particle", "weight", *self.keys]])
        self.con.execute("INSERT INTO posterior SELECT * FROM post_rows")
        self.con.unregister("post_rows")
        self.con.commit()

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame."""
        order = {"runs": " ORDER BY wave, point", "waves": " ORDER BY wave", "design": " ORDER BY wave, point"}
        return self.con.execute(f"SELECT * FROM {name}{order.get(name, '')}").fetchdf()

    def run_count(self) -> int:
        """Runs stored so far (fit and check runs)."""
        return int(self.con.execute("SELECT count(*) FROM runs").fetchone()[0])

    def record_session(self, seconds: float, runs: int) -> None:
        """Record one session of the fit (a resumed fit has several): its wall time and the runs it made.

        A session cut short by a fault is recorded when the store can still be written; if it
        cannot, the fit's wall time in ``sessions`` undercounts and the report says how many
        sessions it sums.
        """
        try:
            self.con.execute("CREATE TABLE IF NOT EXISTS sessions (ended TIMESTAMP, seconds DOUBLE, runs BIGINT)")
            self.con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?)", [datetime.now(UTC).replace(tzinfo=None), seconds, runs]
            )
        except duckdb.Error:
            pass  # a full disk: the runs are what matters, and they are kept

    def sessions(self) -> pd.DataFrame:
        """The fit's sessions (empty for a store made before sessions were recorded)."""
        try:
            return self.con.execute("SELECT * FROM sessions ORDER BY ended").fetchdf()
        except duckdb.Error:
            return pd.DataFrame(columns=["ended", "seconds", "runs"])

    def export(self, directory: Path) -> None:
        """The posterior, runs and waves as Parquet files (DuckDB's COPY)."""
        for name in ("posterior", "runs", "waves"):
            target = str(directory / f"{name}.parquet").replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT PARQUET)")

    def close(self) -> None:
        """Checkpoint and close."""
        try:
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def point_seeds(seed: int, wave: int, n: int) -> np.ndarray:
    """One seed per point of a wave (checks: wave -1), independent of everything else."""
    return drawn_seeds([seed, 0x4D, wave + 1], n)


class Matcher:
    """The emulators of every finished wave and the region they leave."""

    def __init__(self, cal: Calibration) -> None:
        """Start with the whole prior space."""
        self.cal = cal
        self.z = np.array([t.value for t in cal.targets])
        self.sd = np.array([t.sd for t in cal.targets])
        self.waves: list[list[em.Emulator]] = []

    def implausible(self, u: np.ndarray, upto: int | None = None) -> np.ndarray:
        """Largest implausibility of each point over the waves' emulators (each wave's targets)."""
        worst = np.zeros(len(u))
        for emus in self.waves[:upto]:
            worst = np.maximum(worst, em.implausibility(emus, u, self.z, self.sd).max(axis=1))
        return worst

    def inside(self, u: np.ndarray, upto: int | None = None) -> np.ndarray:
        """Whether each point is not ruled out by any wave's emulators."""
        keep = np.ones(len(u), bool)
        for emus in self.waves[:upto]:  # the cheap early waves rule out most points first
            idx = np.flatnonzero(keep)
            if idx.size == 0:
                break
            keep[idx] = em.implausibility(emus, u[idx], self.z, self.sd).max(axis=1) <= self.cal.hm.cutoff
        return keep

    def sample(self, n: int, rng: np.random.Generator, pool_size: int | None = None) -> tuple[np.ndarray, float]:
        """``n`` points of the region (fewer when it is tiny) and the share of the prior space it holds.

        A scrambled Sobol sample of ``candidates`` points estimates the share; when fewer than
        ``n`` are inside, points are drawn near those that are (a Gaussian step of 0.05 of each
        range) and kept when inside too.
        """
        from scipy.stats import qmc  # here: scipy.stats adds ~1 s to the CLI's start

        d = len(self.cal.priors)
        m = pool_size or self.cal.hm.candidates
        cand = qmc.Sobol(d, scramble=True, seed=rng).random(2 ** math.ceil(math.log2(m)))
        ok = self.inside(cand)
        share = float(ok.mean())
        found = cand[ok]
        tries = 0
        while 0 < len(found) < n and tries < 20:
            step = found[rng.integers(len(found), size=4 * n)] + rng.normal(0, 0.05, size=(4 * n, d))
            step = step[np.all((step > 0) & (step < 1), axis=1)]
            found = np.vstack([found, step[self.inside(step)]])
            tries += 1
        if len(found) > n:
            found = found[rng.choice(len(found), size=n, replace=False)]
        return found, share


def run_points(store: HMStore, wave: int, design: pd.DataFrame, cal: Calibration, days: int, executor,
               interrupts: Interrupts, say, areas: bool = False) -> None:  # fmt: skip
    """Run a wave's points that have no result yet, storing each as it finishes."""
    names = tuple(t.name for t in cal.targets)
    whole = tuple(p.key for p in cal.priors if p.whole)
    done = store.done(wave)
    todo = design[~design["point"].isin(done)]
    if todo.empty:
        return
    if done:
        say(f"wave {_label(wave)}: resuming: {len(done)} of {len(design)} runs done")
    futures = {}
    for number, seed, x in zip(todo["point"], todo["seed"], todo[cal.keys].to_numpy(float), strict=True):
        values = dict(zip(cal.keys, map(float, x), strict=True))
        point = Point(cal.scenario, days, int(seed), values, whole, names, cal.options, areas)
        try:
            futures[executor.submit(run_point, point)] = (int(number), int(seed), values)
        except Exception as err:  # noqa: BLE001  (a pool broken by Ctrl-C refuses work: the interrupt)
            raise interrupts.failed(err) from None
    pending, finished, start = set(futures), len(done), time.perf_counter()
    while pending:
        ready = interrupts.wait(pending)
        pending -= ready
        # finished runs are stored before a failed future (a broken pool) is raised: nothing done is lost
        for fut in sorted(ready, key=lambda f: (f.exception() is not None, futures[f][0])):
            try:
                out = fut.result()
            except Exception as err:  # noqa: BLE001  (workers ended by Ctrl-C are the interrupt)
                raise interrupts.failed(err) from None
            point, seed, values = futures[fut]
            store.add_run(wave, point, seed, values, out)
            finished += 1
            if out["error"]:
                say(f"wave {_label(wave)}: a run failed: {out['error'].splitlines()[0]}")
            if finished % max(1, len(design) // 5) == 0 or finished == len(design):
                say(f"wave {_label(wave)}: {finished}/{len(design)} runs, {time.perf_counter() - start:.0f} s")


def _label(wave: int) -> str:
    return "checks" if wave == CHECK_WAVE else str(wave)


def run_history_matching(cal: Calibration, store: HMStore, executor, interrupts: Interrupts, say,
                         checks: int) -> HMResult:  # fmt: skip
    """Run (or resume) the waves, sample the posterior and run its checks.

    Args:
        cal: A calibration with method = "history_matching".
        store: Its open store.
        executor: Where runs go (submit() returning a Future).
        interrupts: The driver's Ctrl-C flag.
        say: Progress lines.
        checks: Posterior draws run afresh on the simulator (``check_days`` long).

    Returns:
        The posterior (empty when the region is empty), waves, runs, and the unreachable targets.

    """
    hm, d = cal.hm, len(cal.priors)
    matcher = Matcher(cal)
    names = [t.name for t in cal.targets]
    share = 1.0
    for wave in range(hm.waves):
        interrupts.check()
        start = time.perf_counter()
        design = store.design(wave)
        if design.empty:
            rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 0x484D, wave]))
            if wave == 0:
                from scipy.stats import qmc  # here: scipy.stats adds ~1 s to the CLI's start

                u = qmc.LatinHypercube(d, seed=rng).random(hm.runs)
            else:
                u, _ = matcher.sample(hm.runs, rng)
                if len(u) == 0:
                    break
            store.set_design(wave, em.to_values(cal.priors, u), point_seeds(cal.seed, wave, len(u)))
            design = store.design(wave)
        say(f"wave {wave}: {len(design)} runs of {cal.days} days")
        run_points(store, wave, design, cal, cal.days, executor, interrupts, say)
        runs = store.table("runs")
        # this wave's and earlier waves' runs only: a resumed fit refits them with later waves' runs stored
        runs = runs[(runs["wave"] >= 0) & (runs["wave"] <= wave) & runs["error"].isna()]
        u_all = em.to_unit(cal.priors, runs[cal.keys].to_numpy(float))
        # refocus: emulators of this wave learn from the runs inside the region the earlier waves left
        keep = matcher.inside(u_all)
        u_fit, y_fit = u_all[keep], runs[names].to_numpy(float)[keep]
        accuracy = em.accuracy(u_fit, y_fit, names, hm.hold_out, cal.seed + wave) if hm.hold_out > 0 else []
        matcher.waves.append(em.fit_all(u_fit, y_fit, seed=cal.seed + 97 * wave))
        rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 0x5348, wave]))
        _, share = matcher.sample(1, rng)
        n_failed = int(store.con.execute("SELECT count(*) FROM runs WHERE wave = ? AND error IS NOT NULL",
                                         [wave]).fetchone()[0])  # fmt: skip
        store.set_wave(wave, len(design), n_failed, share, time.perf_counter() - start, accuracy)
        say(f"wave {wave} done: {int(keep.sum())} runs in the region fit its emulators; {share:.3g} of the prior "
            f"space left (implausibility <= {hm.cutoff:g})")  # fmt: skip
        if share == 0:
            break
    waves = store.table("waves")
    all_runs = store.table("runs")
    if share == 0 or not matcher.waves:
        return _empty(cal, matcher, waves, all_runs)
    posterior, ess = _posterior(cal, matcher)
    store.set_posterior(posterior)
    say(f"posterior: {len(posterior)} draws on the emulators (importance sampling, effective sample size {ess:.0f})")
    check_areas, check_table = None, None
    if checks > 0:
        days = hm.check_days or cal.days
        design = store.design(CHECK_WAVE)
        if design.empty:
            rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 0x4348]))
            pick = rng.choice(len(posterior), size=checks, replace=checks > len(posterior))
            store.set_design(CHECK_WAVE, posterior[cal.keys].to_numpy(float)[pick],
                             point_seeds(cal.seed, CHECK_WAVE, checks))  # fmt: skip
            design = store.design(CHECK_WAVE)
        say(f"checks: {len(design)} runs of {days} days at posterior draws, new seeds")
        run_points(store, CHECK_WAVE, design, cal, days, executor, interrupts, say, areas=True)
        all_runs = store.table("runs")
        check_table = all_runs[(all_runs["wave"] == CHECK_WAVE) & all_runs["error"].isna()]
        check_areas = store.con.execute("SELECT * FROM areas WHERE wave = ? ORDER BY point, survey_wave, beat",
                                        [CHECK_WAVE]).fetchdf()  # fmt: skip
    return HMResult(posterior, waves, all_runs, ess=ess, check_areas=check_areas, checks=check_table)


def _posterior(cal: Calibration, matcher: Matcher) -> tuple[pd.DataFrame, float]:
    """Draws of the posterior on the emulators: the region's points weighted by the likelihood, resampled."""
    rng = np.random.default_rng(np.random.SeedSequence([cal.seed, 0x504F]))
    u, _ = matcher.sample(max(4 * cal.hm.posterior, 4000), rng)
    logl = em.log_likelihood(matcher.waves[-1], u, matcher.z, matcher.sd)
    w = np.exp(logl - logl.max())
    w /= w.sum()
    ess = float(1 / np.sum(w**2))
    # systematic resampling: each draw equally weighted, the likelihood in how often a point recurs
    positions = (rng.random() + np.arange(cal.hm.posterior)) / cal.hm.posterior
    pick = np.minimum(np.searchsorted(np.cumsum(w), positions), len(u) - 1)
    values = em.to_values(cal.priors, u[pick])
    df = pd.DataFrame(values, columns=cal.keys)
    for j, p in enumerate(cal.priors):
        if p.whole:
            df[p.key] = np.round(values[:, j])
    df.insert(0, "weight", 1.0 / len(df))
    df.insert(0, "particle", np.arange(len(df)))
    return df, ess


def _empty(cal: Calibration, matcher: Matcher, waves: pd.DataFrame, runs: pd.DataFrame) -> HMResult:
    """No point of the prior space survives: name the targets none comes near."""
    from scipy.stats import qmc  # here: scipy.stats adds ~1 s to the CLI's start

    u = qmc.Sobol(len(cal.priors), scramble=True, seed=cal.seed).random(2**14)
    floor: dict[str, float] = {}
    for j, t in enumerate(cal.targets):  # the smallest implausibility of each target alone over the space
        worst = np.zeros(len(u))
        for emus in matcher.waves:
            worst = np.maximum(worst, em.implausibility([emus[j]], u, matcher.z[[j]], matcher.sd[[j]])[:, 0])
        floor[t.name] = float(worst.min())
    unreachable = [k for k, v in floor.items() if v > cal.hm.cutoff]
    return HMResult(pd.DataFrame(columns=["particle", "weight", *cal.keys]), waves, runs, unreachable, floor)
