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
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from cpsim.studies.calibration.stats import Options, statistics


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
        from cpsim.simulate import simulate

        values = []
        for seed in self.seeds:
            try:
                result = simulate(self.scenario, seed=seed, days=self.days, overrides=self.overrides(parameter))
                values.append(statistics(result.survey, self.names, self.options))
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
    import cloudpickle

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


def make_sampler(executor, seed: int, on_task: Callable[[list[Record]], None], max_tries: int):
    """A pyabc sampler that runs its tasks on ``executor`` with seeds from (seed, generation, task).

    Args:
        executor: Anything whose submit() returns a concurrent.futures.Future.
        seed: The calibration's seed.
        on_task: Called in the driver with each finished task's records (store, progress).
        max_tries: Most proposals one task tries before it gives up (acceptance rate too low).

    """
    import cloudpickle
    from pyabc.sampler import Sampler

    class CRNSampler(Sampler):
        """Reproducible tasks on any executor; records every simulated proposal."""

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):  # noqa: ARG002
            payload = cloudpickle.dumps(simulate_one)
            seeds = np.random.SeedSequence([seed, t + 1]).generate_state(n, np.uint64)
            factory = self.sample_factory
            futures = {executor.submit(run_task, payload, factory, int(s), max_tries): i for i, s in enumerate(seeds)}
            results: list[Any] = [None] * n
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    i = futures[fut]
                    results[i] = fut.result()
                    on_task([Record(t, i, k, p, s, d, a) for k, (p, s, d, a) in enumerate(results[i][2])])
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
    import pyabc

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


def run_generations(cal, db_url: str, executor, on_task, on_generation, max_tries: int = 1000) -> str:
    """Run (or resume) the ABC-SMC generations of a calibration into pyabc's history.

    Args:
        cal: The validated calibration.
        db_url: SQLAlchemy URL of pyabc's history (sqlite:///...).
        executor: Where proposals are simulated.
        on_task: Called with each finished task's records.
        on_generation: Called with each finished generation.
        max_tries: Most proposals one task tries.

    Returns:
        Why it stopped: "generations", "epsilon", "simulations" or "acceptance".

    """
    import pyabc

    sampler = make_sampler(executor, cal.seed, on_task, max_tries)
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


def _existing(db_url: str):
    import pyabc

    path = db_url.removeprefix("sqlite:///")
    from pathlib import Path

    if not Path(path).is_file():
        return None
    try:
        h = pyabc.History(db_url)
        h.id = 1
        h.max_t  # noqa: B018  (raises when the file holds no run)
        return h
    except Exception:  # noqa: BLE001  (an empty or half-created history: start afresh)
        Path(path).unlink()
        return None


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
