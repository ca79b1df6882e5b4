"""ABC-SMC with pyabc, on the studies' executors, reproducible and resumable.

pyabc (Klinger, Rickert & Hasenauer 2018) does the inference: priors, the perturbation
kernel, the acceptance threshold schedule and the SQL history of every generation. cpsim
adds three things around it:

- the model: :class:`SurveyModel` runs a proposal ``replicates`` times, replicate k with
  the same seed for every proposal (common random numbers), and averages the summary
  statistics of the simulated survey; a run that raises makes the proposal fail (recorded,
  rejected) and the calibration goes on;
- the sampler: :class:`CRNSampler` sends pyabc's "sample until accepted" tasks to any
  executor with ``submit()`` (local processes or Dask, cpsim.studies.executors), each task
  seeded from (seed, generation, task), and puts the results together in task order, so
  the posterior does not depend on the executor, the number of workers or the timing;
- the loop: one generation per ``ABCSMC.run`` call on a freshly loaded history, with the
  driver's random state set from (seed, generation). A calibration killed at any moment
  (kill -9 included) resumes at the first generation not in the history and ends with the
  same posterior as an uninterrupted run; the generation in flight is lost.
"""

from __future__ import annotations

import logging
import math
import random
import sqlite3
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cpsim.simulate import simulate
from cpsim.studies.calibration.observation import observe, split
from cpsim.studies.calibration.overrides import as_overrides
from cpsim.studies.calibration.stats import Options, statistics
from cpsim.studies.interrupts import Interrupts


@dataclass
class SurveyModel:
    """A proposal's simulated summary statistics, averaged over replicates (pyabc's model).

    Attributes:
        scenario: The validated scenario (fixed overrides applied).
        days: Days per run.
        seeds: One seed per replicate, the same for every proposal.
        whole: Calibrated keys whose values are whole numbers (rounded).
        names: The statistics to return.
        options: Options of the statistics.

    """

    scenario: Any
    days: int
    seeds: tuple[int, ...]
    whole: tuple[str, ...]
    names: tuple[str, ...]
    options: Options

    def overrides(self, parameter: dict[str, float]) -> dict[str, Any]:
        """The dotted overrides of a proposal (whole-number keys rounded)."""
        return {k: (int(round(v)) if k in self.whole else float(v)) for k, v in parameter.items()}

    def __call__(self, parameter: dict[str, float]) -> dict[str, Any]:
        """Simulate a proposal; ``{"_error": text}`` when a run raises."""
        _, obs = split(parameter)  # the observation model acts on the survey table, after the run
        overrides = as_overrides(self.scenario, parameter, self.whole)
        values = []
        for seed in self.seeds:
            try:
                result = simulate(self.scenario, seed=seed, days=self.days, overrides=overrides)
                values.append(statistics(observe(result.survey, obs, seed), self.names, self.options))
            except Exception as err:  # noqa: BLE001  (a failed run is recorded and the proposal rejected)
                text = f"{type(err).__name__}: {err}".replace("\n", " ")
                return {"_error": f"seed {seed}: {text}\n{traceback.format_exc()}"}
        return {
            n: float(np.nanmean([v[n] for v in values])) if any(np.isfinite(v[n]) for v in values) else math.nan
            for n in self.names
        }


@dataclass
class ScaledDistance:
    """Root mean square of (simulated - observed) / sd over the targets; inf for a failed proposal."""

    scales: dict[str, float]

    def __call__(self, x: dict[str, Any], x0: dict[str, Any]) -> float:
        """Distance of simulated statistics ``x`` from the observed ``x0``."""
        if "_error" in x:
            return math.inf
        z = [(x[k] - x0[k]) / s for k, s in self.scales.items()]
        if not all(math.isfinite(v) for v in z):
            return math.inf
        return math.sqrt(sum(v * v for v in z) / len(z))


@dataclass
class Record:
    """One simulated proposal, as the driver stores it."""

    generation: int
    task: int
    k: int
    parameter: dict[str, float]
    stats: dict[str, Any]
    distance: float
    accepted: bool

    @property
    def error(self) -> str | None:
        """The failure text, or None."""
        return self.stats.get("_error")


def run_task(payload: bytes, factory, seed: int, max_tries: int):
    """Sample until one proposal is accepted (a worker's task); seeded, so it is reproducible.

    Returns:
        (pyabc Sample, number of simulations, [(parameter, stats, distance, accepted)]).

    """
    import cloudpickle  # here: with pyabc, the optional calibrate extra

    simulate_one = cloudpickle.loads(payload)
    np.random.seed(seed % 2**32)
    random.seed(seed)
    sample = factory()
    rows = []
    for _ in range(max_tries):
        particle = simulate_one()
        sample.append(particle)
        rows.append((dict(particle.parameter), dict(particle.sum_stat), float(particle.distance), particle.accepted))
        if particle.accepted:
            break
    return sample, len(rows), rows


class Unreachable(RuntimeError):
    """No proposal of the prior sample came within a finite distance of the data.

    Attributes:
        targets: Targets no proposal gave (NaN in every simulated survey).
        proposals: Proposals in the prior sample.
        error: The first failed run's error line, when every proposal failed.

    """

    def __init__(self, targets: list[str], proposals: int, error: str | None) -> None:
        super().__init__(", ".join(targets) or error or "no finite distance")
        self.targets, self.proposals, self.error = targets, proposals, error


def check_prior_sample(records: list[Record], names: list[str]) -> None:
    """Refuse to go on from a prior sample in which no proposal gave every target.

    Such a proposal's distance is infinite (:class:`ScaledDistance`); with every distance
    infinite the first threshold is infinite and ABC-SMC accepts every proposal: the prior
    would come out as the posterior.

    Raises:
        Unreachable: The targets no simulated survey gave, or every run failed.

    """
    ran = [r for r in records if not r.error]
    if any(all(math.isfinite(_number(r.stats.get(n))) for n in names) for r in ran):
        return
    never = [n for n in names if ran and not any(math.isfinite(_number(r.stats.get(n))) for r in ran)]
    first = next((r.error.splitlines()[0] for r in records if r.error), None)
    raise Unreachable(never, len(records), None if ran else first)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def make_sampler(
    executor,
    seed: int,
    on_task: Callable[[list[Record]], None],
    max_tries: int,
    interrupts: Interrupts | None = None,
    names: list[str] | None = None,
):
    """A pyabc sampler that runs its tasks on ``executor`` with seeds from (seed, generation, task).

    Args:
        executor: Anything whose submit() returns a concurrent.futures.Future.
        seed: The calibration's seed.
        on_task: Called in the driver with each finished task's records (store, progress).
        max_tries: Most proposals one task tries before it gives up (acceptance rate too low).
        interrupts: The driver's Ctrl-C flag (cpsim.studies.interrupts), looked at while waiting.
        names: The target statistics, for the prior sample's check (:func:`check_prior_sample`).

    """
    watch = interrupts or Interrupts()
    import cloudpickle  # here: with pyabc, the optional calibrate extra
    from pyabc.sampler import Sampler  # here: the optional calibrate extra, ~2 s to import

    class CRNSampler(Sampler):
        """Reproducible tasks on any executor; records every simulated proposal."""

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002
            payload = cloudpickle.dumps(simulate_one)
            seeds = np.random.SeedSequence([seed, t + 1]).generate_state(n, np.uint64)
            factory = self.sample_factory
            try:
                futures = {
                    executor.submit(run_task, payload, factory, int(s), max_tries): i for i, s in enumerate(seeds)
                }
            except Exception as err:  # noqa: BLE001  (a pool broken by Ctrl-C refuses work: the interrupt)
                raise watch.failed(err) from None
            results: list[Any] = [None] * n
            pending = set(futures)
            records: list[Record] = []
            while pending:
                done = watch.wait(pending)
                pending -= done
                for fut in done:
                    i = futures[fut]
                    try:
                        results[i] = fut.result()
                    except Exception as err:  # noqa: BLE001  (workers ended by Ctrl-C are the interrupt)
                        raise watch.failed(err) from None
                    task = [Record(t, i, k, p, s, d, a) for k, (p, s, d, a) in enumerate(results[i][2])]
                    on_task(task)
                    records += task
            if t < 0 and names is not None:
                check_prior_sample(records, names)
            sample = self._create_empty_sample()
            for part, _, _ in results:
                sample += part
            self.nr_evaluations_ = sum(r[1] for r in results)
            if sample.n_accepted != n:
                sample.ok = False  # some task gave up: the acceptance rate is too low to go on
            return sample

    return CRNSampler()


def make_abc(cal, sampler):
    """The pyabc ABCSMC object of a calibration (priors, model, distance, population size)."""
    import pyabc  # here: the optional calibrate extra, ~2 s to import

    logging.getLogger("ABC").setLevel(logging.WARNING)
    prior = pyabc.Distribution(**{p.key: pyabc.RV(p.scipy()[0], *p.scipy()[1]) for p in cal.priors})
    model = SurveyModel(
        cal.scenario,
        cal.days,
        tuple(cal.seeds()),
        tuple(p.key for p in cal.priors if p.whole),
        tuple(t.name for t in cal.targets),
        cal.options,
    )
    distance = ScaledDistance({t.name: t.sd for t in cal.targets})
    return pyabc.ABCSMC(model, prior, distance, population_size=cal.particles, sampler=sampler)


@dataclass
class Generation:
    """How one generation went."""

    t: int
    epsilon: float
    simulations: int
    accepted: int
    seconds: float


def run_generations(
    cal,
    db_url: str,
    executor,
    on_task,
    on_generation,
    max_tries: int = 1000,
    interrupts: Interrupts | None = None,
) -> str:
    """Run (or resume) the ABC-SMC generations of a calibration into pyabc's history.

    Args:
        cal: The validated calibration.
        db_url: SQLAlchemy URL of pyabc's history (sqlite:///...).
        executor: Where proposals are simulated.
        on_task: Called with each finished task's records.
        on_generation: Called with each finished generation.
        max_tries: Most proposals one task tries.
        interrupts: The driver's Ctrl-C flag.

    Returns:
        Why it stopped: "generations", "epsilon", "simulations" or "acceptance".

    Raises:
        Unreachable: No proposal of the prior sample came within a finite distance of the data.
        Interrupted: Ctrl-C (the generation in flight is lost; a rerun resumes).

    """
    import pyabc  # here: the optional calibrate extra, ~2 s to import

    names = [t.name for t in cal.targets]
    sampler = make_sampler(executor, cal.seed, on_task, max_tries, interrupts, names)
    x0 = {t.name: t.value for t in cal.targets}
    while True:
        abc = make_abc(cal, sampler)
        history = _existing(db_url)
        if history is None:
            abc.new(db_url, x0)
        else:
            abc.load(db_url, 1)
        h = abc.history
        t = h.max_t + 1
        done = _stop_reason(cal, h)
        if done:
            return done
        np.random.seed(np.random.SeedSequence([cal.seed, 10_000 + t]).generate_state(1)[0])
        random.seed(int(cal.seed) * 1_000_003 + t)
        start = time.perf_counter()
        abc.run(max_nr_populations=1)
        h = pyabc.History(db_url)
        if h.max_t < t:
            return "acceptance"
        pops = h.get_all_populations()
        row = pops[pops["t"] == t].iloc[0]
        on_generation(
            Generation(t, float(row["epsilon"]), int(row["samples"]), cal.particles, time.perf_counter() - start)
        )


class DamagedHistory(RuntimeError):
    """pyabc's history file is not a database (a resume cannot read it); the message is one line."""


def _existing(db_url: str):
    """The pyabc history of an earlier session, or None (no file, or an empty or half-created one: start afresh).

    Raises:
        DamagedHistory: The file is not a database: its generations cannot be read, and it is not thrown away.

    """
    import pyabc  # here: the optional calibrate extra, ~2 s to import
    from sqlalchemy.exc import DatabaseError  # here: comes with the optional pyabc

    path = Path(db_url.removeprefix("sqlite:///"))
    if not path.is_file():
        return None
    if _empty(path):  # killed between creating the file (or its tables) and its first row: nothing to keep
        path.unlink()
        return None
    try:
        h = pyabc.History(db_url)
        h.id = 1
        h.max_t  # noqa: B018  (raises when the file holds no run)
        return h
    except DatabaseError as err:
        raise DamagedHistory(f"{path}: not a readable pyabc history ({str(err.orig or err).strip()[:120]})") from None
    except (ValueError, AssertionError) as err:  # no run 1, or another version of pyabc's tables
        raise DamagedHistory(f"{path}: not a history of this calibration ({str(err).split('. ')[0][:120]})") from None


def _empty(path: Path) -> bool:
    """Whether an SQLite file holds no row in any table (a history pyabc began and never wrote to)."""
    try:
        con = sqlite3.connect(path)  # a journal left by a kill is rolled back here
    except sqlite3.Error:
        return False
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return all(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] == 0 for t in tables)
    except sqlite3.Error:  # not a database: damaged, and not thrown away
        return False
    finally:
        con.close()


def _stop_reason(cal, h) -> str | None:
    if h.max_t + 1 >= cal.generations:
        return "generations"
    if h.max_t >= 0:
        pops = h.get_all_populations()
        last = pops[pops["t"] == h.max_t].iloc[0]
        if float(last["epsilon"]) <= cal.min_epsilon:
            return "epsilon"
        if int(h.total_nr_simulations) >= cal.max_simulations:
            return "simulations"
    return None
