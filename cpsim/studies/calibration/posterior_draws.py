"""Parameter sets drawn from a calibration's posterior, for studies whose answers should carry what the data leave open.

``cpsim compare --posterior out/chicago_fit`` (a calibration's folder or its posterior.parquet)
runs replicate *k* of every scenario with parameter set *k*, drawn from the posterior by its
weights: replicates then differ in their seeds and in their parameters, so the intervals cover
both run-to-run chance and the uncertainty the data leave in the parameters (and the paired
differences between scenarios keep common parameters as they keep common seeds). Keys of the
observation model (``observation.*``) act on a calibration's survey table, not on a run: they
are left out. Each set becomes scenario overrides as the calibration's runs made them
(cpsim.studies.calibration.overrides): list elements in their list, whole-number keys rounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cpsim.simulate import resolve
from cpsim.studies.calibration.observation import is_observation
from cpsim.studies.calibration.overrides import as_overrides, element


class PosteriorError(ValueError):
    """A posterior that cannot be read; the message is one line naming the file and what is allowed."""


def posterior_file(path: str | Path) -> Path:
    """The posterior.parquet of a calibration folder, or the file itself."""
    path = Path(path)
    return path / "posterior.parquet" if path.is_dir() else path


def read_posterior(path: str | Path) -> pd.DataFrame:
    """A posterior sample: ``weight`` and one column per calibrated key.

    Raises:
        PosteriorError: No such file, not a Parquet file, or no weights or keys.

    """
    file = posterior_file(path)
    allowed = "a calibration's output folder or its posterior.parquet (cpsim calibrate)"
    if not file.is_file():
        raise PosteriorError(f"{file}: no such posterior file; allowed: {allowed}")
    try:
        df = pd.read_parquet(file)
    except Exception as err:  # noqa: BLE001  (any unreadable file is the same mistake to the user)
        text = f"not a readable Parquet file ({type(err).__name__})"
        raise PosteriorError(f"{file}: {text}; allowed: {allowed}") from None
    keys = [c for c in df.columns if c not in ("particle", "weight")]
    w = df["weight"].to_numpy(float) if "weight" in df.columns else np.array([])
    if not len(df) or not keys or not len(w) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise PosteriorError(f"{file}: no weighted draws of calibrated keys; allowed: {allowed}")
    return df


def draw_sets(path: str | Path, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` parameter sets drawn from a posterior by its weights (with replacement), reproducibly from ``seed``."""
    df = read_posterior(path)
    keys = [c for c in df.columns if c not in ("particle", "weight") and not is_observation(c)]
    w = df["weight"].to_numpy(float)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x504F5354]))
    pick = rng.choice(len(df), size=n, replace=True, p=w / w.sum())
    return [{k: float(df[k].iloc[i]) for k in keys} for i in pick]


def set_overrides(scenario: Any, values: dict[str, float]) -> dict[str, Any]:
    """A drawn set as overrides of ``scenario``: list elements in its lists, whole-number keys rounded.

    Raises:
        PosteriorError: A key names an element past the end of the scenario's list (a posterior of
            a city with more groups, say).

    """
    whole = []
    for key in values:
        found = element(key)
        if found is not None:
            name, index = found
            section, _, attr = name.partition(".")
            current = getattr(getattr(scenario, section, None), attr, None)
            if current is None or index >= len(current):
                size = "no such list" if current is None else f"{len(current)} elements"
                raise PosteriorError(f"{key}: the scenario's {name} has {size}")
        if found is None:
            section, _, attr = key.partition(".")
            current = getattr(getattr(scenario, section, None), attr, None)
            if isinstance(current, int) and not isinstance(current, bool):
                whole.append(key)
    return as_overrides(scenario, values, tuple(whole))


def check_sets(sets: list[dict[str, float]], scenarios: list[tuple[str, Any]]) -> None:
    """Every drawn set applies to every scenario, before anything runs.

    Args:
        sets: The drawn parameter sets.
        scenarios: (file, scenario) pairs.

    Raises:
        PosteriorError: One line naming the scenario file, the set and why it does not apply.

    """
    for file, params in scenarios:
        for k, values in enumerate(sets):
            try:
                resolve(params, set_overrides(params, values))
            except (PosteriorError, IndexError, KeyError, TypeError, ValueError) as err:
                reason = (str(err).splitlines() or [type(err).__name__])[0]
                raise PosteriorError(
                    f"{file}: the posterior's parameter set {k} does not apply ({reason}); "
                    "allowed: a posterior calibrated on this scenario's city (its groups and keys)"
                ) from None
