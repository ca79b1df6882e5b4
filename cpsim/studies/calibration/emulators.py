"""Gaussian-process emulators of a simulator's summary statistics, and the implausibility they give.

An emulator predicts one statistic at a point of the parameter space (scaled to the unit cube:
each prior's quantile, so the prior is uniform there) from the simulator runs made so far, with
its uncertainty. It is a linear trend in the parameters (least squares) plus a Gaussian process
on what the trend leaves (scikit-learn's GaussianProcessRegressor; a Matérn 5/2 kernel with one
length scale per parameter and a white-noise term). The white noise is the simulator's own
run-to-run spread (every run has its own seed), so the emulator separates what it does not know
about the mean (its variance, small near runs) from the chance of one run (the nugget, which
stays): the data are one run of the world, so both count against a point.

The implausibility of a point for a target is |E[f(x)] - z| / sqrt(var_emulator(x) + var_run +
sd_target^2) (Craig et al. 1997; Vernon, Goldstein & Bower 2010); a point is ruled out when its
largest implausibility over the targets exceeds the cut-off (3: Pukelsheim's three-sigma rule
holds for any unimodal distribution).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats as st

# Length scales of the unit cube: a parameter whose scale reaches the upper bound hardly matters.
LENGTH_BOUNDS = (0.03, 30.0)


def to_values(priors, u: np.ndarray) -> np.ndarray:
    """Points of the unit cube as parameter values: each coordinate is its prior's quantile."""
    u = np.atleast_2d(np.asarray(u, float))
    out = np.empty_like(u)
    for j, p in enumerate(priors):
        name, args = p.scipy()
        out[:, j] = getattr(st, name).ppf(np.clip(u[:, j], 1e-12, 1 - 1e-12), *args)
    return out


def to_unit(priors, x: np.ndarray) -> np.ndarray:
    """Parameter values as points of the unit cube (the priors' CDFs)."""
    x = np.atleast_2d(np.asarray(x, float))
    out = np.empty_like(x)
    for j, p in enumerate(priors):
        name, args = p.scipy()
        out[:, j] = getattr(st, name).cdf(x[:, j], *args)
    return out


@dataclass
class Emulator:
    """One statistic's emulator (fit with :func:`fit`)."""

    coef: np.ndarray
    gp: object
    run_var: float
    n: int

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the statistic's mean at points ``u`` (the run-to-run spread excluded)."""
        u = np.atleast_2d(u)
        trend = _design(u) @ self.coef
        mean, sd = self.gp.predict(u, return_std=True)
        var = np.maximum(sd**2 - self.run_var, 1e-12)  # sklearn's sd includes the white noise
        return trend + mean, var


def _design(u: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(u)), u])


# Most runs an emulator is fitted to: a GP's fit grows with the cube of its runs, and a few hundred
# runs of the region left hold what a wave adds (more are a random subset, the same on a resume).
MAX_RUNS = 300


def fit(u: np.ndarray, y: np.ndarray, seed: int = 0, trend: bool = True, restarts: int = 0) -> Emulator:
    """Fit an emulator of one statistic to runs at points ``u`` (NaN results left out).

    Args:
        u: Points of the unit cube, one row per run.
        y: The statistic of each run.
        seed: The optimiser's restarts' and the subset's seed (the fit is reproducible).
        trend: Fit the linear trend first (else the process alone, with a constant mean).
        restarts: Further starts of the hyperparameters' optimiser (from random points).

    """
    # here: scikit-learn is the optional calibrate extra, ~1 s to import
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    ok = np.isfinite(y)
    u, y = np.asarray(u, float)[ok], np.asarray(y, float)[ok]
    if len(y) > MAX_RUNS:
        keep = np.sort(np.random.default_rng(seed).choice(len(y), size=MAX_RUNS, replace=False))
        u, y = u[keep], y[keep]
    d = u.shape[1]
    coef = np.linalg.lstsq(_design(u), y, rcond=None)[0] if trend else np.r_[y.mean(), np.zeros(d)]
    resid = y - _design(u) @ coef
    scale = float(resid.var()) or 1.0
    kernel = ConstantKernel(scale, (scale * 1e-4, scale * 1e2)) * Matern(
        length_scale=np.full(d, 0.5), length_scale_bounds=LENGTH_BOUNDS, nu=2.5
    ) + WhiteKernel(scale * 0.1, (scale * 1e-6, scale * 2))
    gp = GaussianProcessRegressor(kernel, normalize_y=False, n_restarts_optimizer=restarts, random_state=seed)
    with warnings.catch_warnings():  # a length scale at its bound is an answer (the parameter hardly matters)
        warnings.simplefilter("ignore")
        gp.fit(u, resid)
    run_var = float(gp.kernel_.k2.noise_level)
    return Emulator(coef, gp, run_var, len(y))


def fit_all(u: np.ndarray, ys: np.ndarray, seed: int = 0) -> list[Emulator]:
    """One emulator per column of ``ys``."""
    return [fit(u, ys[:, j], seed + j) for j in range(ys.shape[1])]


def implausibility(emus: list[Emulator], u: np.ndarray, z: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Implausibility of each point (rows) for each target (columns)."""
    out = np.empty((len(u), len(emus)))
    for j, e in enumerate(emus):
        mean, var = e.predict(u)
        out[:, j] = np.abs(mean - z[j]) / np.sqrt(var + e.run_var + sd[j] ** 2)
    return out


def log_likelihood(emus: list[Emulator], u: np.ndarray, z: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Gaussian log-likelihood of the data at each point, the targets taken as independent."""
    total = np.zeros(len(u))
    for j, e in enumerate(emus):
        mean, var = e.predict(u)
        v = var + e.run_var + sd[j] ** 2
        total += -0.5 * ((mean - z[j]) ** 2 / v + np.log(2 * np.pi * v))
    return total


def quadratic_fit(u: np.ndarray, y: np.ndarray):
    """A quadratic response surface (least squares): the simpler emulator the process is measured against."""
    ok = np.isfinite(y)

    def design(x: np.ndarray) -> np.ndarray:
        d = x.shape[1]
        cross = [x[:, i] * x[:, j] for i in range(d) for j in range(i, d)]
        return np.column_stack([np.ones(len(x)), x, *cross])

    coef = np.linalg.lstsq(design(u[ok]), y[ok], rcond=None)[0]
    return lambda x: design(np.atleast_2d(x)) @ coef


def accuracy(u: np.ndarray, ys: np.ndarray, names: list[str], share: float, seed: int) -> list[dict]:
    """Each statistic's emulators measured on runs they were not fit to.

    A share of the runs is held out; the process emulator and a quadratic surface are fit to the
    rest. For each: R^2 on the held-out runs, and for the process the share of held-out runs
    within 2 and 3 predictive SD (run-to-run spread included; ~95% and ~99% when its uncertainty
    is honest).

    """
    rng = np.random.default_rng(seed)
    n = len(u)
    test = rng.permutation(n)[: max(2, int(round(share * n)))]
    train = np.setdiff1d(np.arange(n), test)
    out = []
    for j, name in enumerate(names):
        y = ys[:, j]
        ok_test = test[np.isfinite(y[test])]
        if len(ok_test) < 2 or np.isfinite(y[train]).sum() < 5:
            continue
        truth = y[ok_test]
        spread = float(np.var(truth)) or 1.0
        row = {"statistic": name, "train": int(np.isfinite(y[train]).sum()), "test": len(ok_test)}
        e = fit(u[train], y[train], seed + j)
        mean, var = e.predict(u[ok_test])
        row["r2_gp"] = 1 - float(np.mean((mean - truth) ** 2)) / spread
        z = np.abs(mean - truth) / np.sqrt(var + e.run_var)
        row["within_2sd"] = float(np.mean(z <= 2))
        row["within_3sd"] = float(np.mean(z <= 3))
        row["run_sd"] = float(np.sqrt(e.run_var))
        q = quadratic_fit(u[train], y[train])
        row["r2_quadratic"] = 1 - float(np.mean((q(u[ok_test]) - truth) ** 2)) / spread
        out.append(row)
    return out
