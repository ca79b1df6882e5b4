"""How Chicago's surveyed area trust moves with the lag between years: drift or year-to-year noise?

If areas drifted (a random walk, or shocks that last years), the variance of an area's change
would grow with the lag between the two years; if each year's figure is a stable area level
plus something that lasts about a year (the survey's sampling and weighting noise, or short
local shocks), it stays flat. The model's area movement (cpsim validate --only areas) is read
against this. A second table asks what kind of movement it is, year pair by year pair: if it
were the survey's sampling noise with responses in proportion to residents, small areas would
move most; if shocks spread over districts or the city's news, neighbouring areas would move
together (Moran's I of the changes over the areas' shared borders); if it lasts about a year, an
area's change would run against its level (regression to the mean). ``--model`` reads the
calibrated Chicago (the fit's posterior median) the same way, by area size:

    python benchmarks/area_lags.py --model
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

CHICAGO = Path(__file__).resolve().parents[1] / "data" / "chicago"
DATA = CHICAGO / "police_sentiment_by_community_area.csv"


def lag_table(path: Path = DATA) -> pd.DataFrame:
    """Per lag in years: mean variance of area change, its SD, and the mean correlation over areas."""
    wide = pd.read_csv(path).pivot(index="Community", columns="Year", values="trust")
    years = sorted(wide.columns)
    rows = []
    for lag in range(1, len(years)):
        var, cor = [], []
        for a, b in zip(years, years[lag:], strict=False):
            both = wide[[a, b]].dropna()
            var.append(float((both[b] - both[a]).var()))
            cor.append(float(np.corrcoef(both[a], both[b])[0, 1]))
        rows.append(
            {
                "lag_years": lag,
                "pairs": len(var),
                "change_var": np.mean(var),
                "change_sd": np.sqrt(np.mean(var)),
                "correlation": np.mean(cor),
            }
        )
    return pd.DataFrame(rows)


def _key(names: pd.Series) -> pd.Series:
    """Area names as both files can match them (the sentiment file writes some names differently)."""
    return names.str.upper().str.replace(r"[^A-Z]", "", regex=True)


def movement_table(chicago: Path = CHICAGO, pairs: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What kind of movement: change SD by area population quartile, and per year pair its clustering.

    ``pairs`` keeps the first that many pairs of consecutive years (None: all).

    Returns:
        (by_size, by_pair): the change SD (year-pair mean removed) in each quartile of area
        population, pooled over the year pairs; and per year pair Moran's I of the changes over
        shared borders, the correlation of an area's change with its neighbours' mean change, and
        with its level in the first year.
    """
    areas = pd.read_csv(chicago / "community_areas.csv")
    wide = pd.read_csv(chicago / "police_sentiment_by_community_area.csv").pivot(
        index="Community", columns="Year", values="trust"
    )
    wide.index = _key(pd.Series(wide.index)).to_numpy()
    population = areas.set_index(_key(areas.name)).population_2014.reindex(wide.index)
    by_number = dict(zip(areas.area_number, _key(areas.name), strict=True))
    position = {k: i for i, k in enumerate(wide.index)}
    borders = np.zeros((len(wide), len(wide)))
    for a, b in pd.read_csv(chicago / "community_area_adjacency.csv")[["area_a", "area_b"]].itertuples(index=False):
        i, j = position[by_number[a]], position[by_number[b]]
        borders[i, j] = borders[j, i] = 1.0
    years = sorted(wide.columns)
    pooled, rows = [], []
    for a, b in list(zip(years, years[1:], strict=False))[:pairs]:
        change = wide[b] - wide[a]
        change = (change - change.mean()).to_numpy()
        ok = ~np.isnan(change)
        c, w = change[ok], borders[np.ix_(ok, ok)]
        neighbours = (w @ c) / np.maximum(w.sum(axis=1), 1.0)
        rows.append(
            {
                "years": f"{a}-{b}",
                "morans_i": len(c) / w.sum() * (c @ w @ c) / (c @ c),
                "corr_with_neighbours": np.corrcoef(c, neighbours)[0, 1],
                "corr_with_level": np.corrcoef(c, wide[a].to_numpy()[ok])[0, 1],
            }
        )
        pooled.append(pd.DataFrame({"change": c, "population": population.to_numpy()[ok]}))
    consecutive = lag_table(chicago / "police_sentiment_by_community_area.csv").correlation.iloc[0]  # lag 1
    return with_persistence(size_table(pooled), [consecutive]), pd.DataFrame(rows)


def size_table(pooled: list[pd.DataFrame]) -> pd.DataFrame:
    """Change SD in each quartile of area population, over (change, population) frames pooled."""
    both = pd.concat(pooled)
    both["quartile"] = pd.qcut(both.population, 4, labels=["smallest", "second", "third", "largest"])
    by_size = both.groupby("quartile", observed=True).agg(
        areas_years=("change", "size"),
        population_max=("population", "max"),
        change_sd=("change", lambda x: float(np.sqrt(np.mean(x**2)))),
    )
    return by_size.reset_index()


# The row of the by-size table that holds the year-to-year correlation instead of a change SD.
PERSISTENCE = "correlation between consecutive years"
# An illustration of the other reading (not fitted): a larger error of each area's estimate, with
# small areas' estimates pulled toward the city's (observation.shrink_responses).
ILLUSTRATION = (6.0, 50.0)


# The Chicago fit's calibrated scenario (the posterior median); its header gives the observation error.
CALIBRATED = CHICAGO.parents[1] / "docs" / "results" / "chicago_fit" / "calibrated.toml"


def fitted_area_sd() -> float:
    """The fit's observation error of an area's estimate (observation.area_sd, the posterior median)."""
    return float(re.search(r"observation.area_sd = ([0-9.]+)", CALIBRATED.read_text())[1])


def model_size_table(seeds: tuple[int, ...] = (1, 2, 3)) -> pd.DataFrame:
    """The calibrated Chicago's published area change SD by area size, under three observation models.

    The calibrated scenario (docs/results/chicago_fit/calibrated.toml: the posterior median) is
    run for its six years on each seed, and each area's population is its residents. Its survey
    is published with sampling only, with the fit's observation error (the posterior median), and
    with ILLUSTRATION's error and shrinkage of small areas toward the city.
    """
    from cpsim import simulate
    from cpsim.studies.calibration.observation import Observation, observe

    area_sd = fitted_area_sd()
    cases = {
        "calibrated model, sampling only": Observation(),
        f"calibrated model, observation error {area_sd:.1f} (the fit's)": Observation(area_sd=area_sd),
        f"error {ILLUSTRATION[0]:.0f} and small areas shrunk (k = {ILLUSTRATION[1]:.0f} answers; not fitted)": (
            Observation(area_sd=ILLUSTRATION[0], shrink_responses=ILLUSTRATION[1])
        ),
    }
    pooled: dict[str, list[pd.DataFrame]] = {name: [] for name in cases}
    correlations: dict[str, list[float]] = {name: [] for name in cases}
    for seed in seeds:
        survey = simulate(CALIBRATED, seed=seed).survey
        for name, obs in cases.items():
            areas = observe(survey, obs, seed)
            areas = areas[(areas["group"] == "all") & (areas["beat"] >= 0)]
            wide = areas.pivot(index="beat", columns="wave", values="trust")
            population = areas.groupby("beat")["residents"].first()
            for a, b in zip(wide.columns, wide.columns[1:], strict=False):
                change = wide[b] - wide[a]
                pooled[name].append(pd.DataFrame({"change": change - change.mean(), "population": population}))
                correlations[name].append(float(np.corrcoef(wide[a], wide[b])[0, 1]))
    return pd.concat(
        [with_persistence(size_table(part), correlations[name]).assign(source=name) for name, part in pooled.items()],
        ignore_index=True,
    )


def parts_table(model: bool = False, seeds: tuple[int, ...] = (1, 2, 3)) -> pd.DataFrame:
    """Year-specific and carried parts of area movement (cpsim.studies.area_movement.movement_parts), 90% intervals.

    The data over 2017-2021, without 2017 (the survey began late that year), over the fit's years
    2017-2019, and with each year's
    spread over areas set to the years' mean (over 2017-2021 and the fit's 2017-2019); with ``model``,
    the validation's Chicago city and the calibrated one, each latent (every resident's expected
    answer: the areas' own movement) and surveyed (for the calibrated one, published with the
    fit's observation error), pooled over ``seeds``.
    """
    from cpsim.studies.area_movement import CITY, area_series, areas_wide, movement_parts, parts_interval
    from cpsim.studies.calibration.observation import Observation, observe
    from cpsim.studies.calibration.observed import read_observed

    data = areas_wide(read_observed(DATA))
    # the spread over areas changes between years (2019's is nearly twice 2017's; 2020 reworded the
    # items): with each year's spread set to the mean the parts cannot come from a change of scale
    even = (data - data.mean()) / data.std() * data.std().mean()
    cases = {
        "Chicago 2017-2021": [data],
        "Chicago 2018-2021": [data[data.columns[1:]]],
        "Chicago 2017-2019 (the fit's years)": [data[data.columns[:3]]],
        "Chicago 2017-2021, each year's spread set to the mean": [even],
        "Chicago 2017-2019 (the fit's years), each year's spread set to the mean": [even[even.columns[:3]]],
    }
    if model:
        area_sd = fitted_area_sd()
        for label, city, obs in (
            ("validation's Chicago", CITY, Observation()),
            ("calibrated Chicago", CALIBRATED, Observation(area_sd=area_sd)),
        ):
            runs = [(seed, *area_series(seed, city=city)) for seed in seeds]
            cases[f"{label}, latent"] = [latent for _, latent, _ in runs]
            surveyed = "surveyed" if obs.area_sd == 0 else f"surveyed, observation error {obs.area_sd:.1f}"
            cases[f"{label}, {surveyed}"] = [areas_wide(observe(survey, obs, seed)) for seed, _, survey in runs]
    rows = []
    for source, wides in cases.items():
        (year_specific, carried), (lo, hi) = movement_parts(wides).sds(), parts_interval(wides)
        rows.append(
            {
                "source": source,
                "year_specific_sd": year_specific,
                "year_specific_lo": lo.sds()[0],
                "year_specific_hi": hi.sds()[0],
                "carried_sd": carried,
                "carried_lo": lo.sds()[1],
                "carried_hi": hi.sds()[1],
            }
        )
    return pd.DataFrame(rows)


def with_persistence(by_size: pd.DataFrame, correlations: list[float]) -> pd.DataFrame:
    """The by-size rows and one more: the mean correlation of area trust between consecutive years."""
    row = {"quartile": PERSISTENCE, "areas_years": np.nan, "population_max": np.nan, "change_sd": np.mean(correlations)}
    return pd.concat([by_size.astype({"quartile": str}), pd.DataFrame([row])], ignore_index=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="store_true", help="Also the calibrated Chicago's change SD by area size.")
    ap.add_argument(
        "--docs",
        action="store_true",
        help="With --model: write the by-size and the parts tables into docs/calibration.md.",
    )
    args = ap.parse_args()
    table = lag_table()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    one = table.change_var.iloc[0]
    print(
        f"year-specific variance per area-year (half the lag-1 change variance): {one / 2:.1f} points^2 "
        f"(SD {np.sqrt(one / 2):.1f}); growth of change variance from lag 1 to lag {table.lag_years.iloc[-1]}: "
        f"{table.change_var.iloc[-1] - one:+.1f} points^2"
    )
    by_size, by_pair = movement_table()
    print("\nchange SD by area population (year pairs pooled, each pair's city change removed):")
    print(by_size.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    fit_years = movement_table(pairs=2)[0].iloc[:-1]  # the persistence row is every pair's
    print("\nthe same over 2017-2019 alone (the Chicago fit's years):")
    print(fit_years.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print("\nper year pair: clustering over shared borders, and regression to the mean:")
    print(by_pair.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    if args.model:
        model = model_size_table()
        print("\nthe calibrated Chicago (three seeds), published under three observation models:")
        print(model.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        if args.docs:
            from cpsim.studies.calibration.docs_table import write_movement

            rows = pd.concat([by_size.assign(source="Chicago 2017-2021"), model], ignore_index=True)
            write_movement(rows, " ".join(["python benchmarks/area_lags.py", *sys.argv[1:]]))
    parts = parts_table(model=args.model)
    print("\nyear-specific and carried parts of area movement (SD, points; 90% intervals over areas):")
    print(parts.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    if args.model and args.docs:
        from cpsim.studies.calibration.docs_table import write_parts

        write_parts(parts, " ".join(["python benchmarks/area_lags.py", *sys.argv[1:]]))
