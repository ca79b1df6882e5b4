"""Area by area: the fit's posterior-predictive runs against the data, and a forecast of the waves it never read.

A calibration that reads only its first survey waves (``statistics.waves``) and checks its
posterior with runs that go on longer (``history_matching.check_days``) forecasts the later
waves without having looked at them. Here each area's simulated score in each wave (the check
runs: posterior draws, new seeds, the observation model's error) is set beside the data, as
``forecast.csv`` (area_number, name, year, role, observed, simulated_mean, simulated_lo,
simulated_hi: the 90% posterior-predictive interval), and the forecast is scored against two
baselines computed from the fit's waves alone:

- persistence: each area's mean over the fit's waves;
- regression: a linear regression (scikit-learn's least squares) of that mean on the area's
  composition (group shares, the first group the reference) and crime (log violent and property
  crimes per 1,000), its fitted value.

Scores per forecast wave: the correlation over areas with the data, and the RMSE after each
side's mean over areas is taken out (a city-wide swing, such as 2020's, is a national mood and
a change of the questions' wording that no model of areas predicts), beside the raw RMSE.
Areas match by name (the areas file's ``name`` and the data's ``Community``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cpsim.studies.calibration.observed import read_observed

LEVEL = 0.90
COLUMNS = ["area_number", "name", "year", "role", "observed", "simulated_mean", "simulated_lo", "simulated_hi"]


def area_table(cal, check_areas: pd.DataFrame) -> pd.DataFrame | None:
    """The forecast table (COLUMNS), or None when the data or the city have no area names to match."""
    observed = read_observed(cal.observed_file)
    if "name" not in observed.columns or not cal.scenario.areas.path:
        return None
    areas = pd.read_csv(cal.scenario.areas.path)
    names = dict(enumerate(areas["name"]))
    numbers = dict(zip(areas["name"], areas["area"], strict=True))
    first = int(observed["year"].min())
    sim = check_areas.assign(name=check_areas["beat"].map(names), year=first + check_areas["survey_wave"])
    q = sim.groupby(["name", "year"])["trust"]
    lo, hi = (1 - LEVEL) / 2, (1 + LEVEL) / 2
    simulated = pd.DataFrame(
        {"simulated_mean": q.mean(), "simulated_lo": q.quantile(lo), "simulated_hi": q.quantile(hi)}
    ).reset_index()
    obs = observed[observed["group"] == "all"][["name", "year", "trust"]].rename(columns={"trust": "observed"})
    table = simulated.merge(obs, on=["name", "year"], how="left")
    table = table[table["year"].isin(obs["year"].unique())]
    fit_years = {first + w for w in cal.options.waves} if cal.options.waves else set(obs["year"])
    table["role"] = np.where(table["year"].isin(fit_years), "fit", "forecast")
    table["area_number"] = table["name"].map(numbers).astype(int)
    return table[COLUMNS].sort_values(["year", "area_number"]).reset_index(drop=True)


def baselines(table: pd.DataFrame, areas_file: str | Path) -> pd.DataFrame:
    """Each area's persistence and regression predictions (from the fit's years only)."""
    fit = table[table["role"] == "fit"]
    mean = fit.groupby("area_number")["observed"].mean()
    areas = pd.read_csv(areas_file).set_index("area")
    groups = [c for c in areas.columns if c not in ("name", "population", "violent_per_1000", "property_per_1000",
                                                    "land_area_km2")]  # fmt: skip
    shares = areas[groups].div(areas[groups].sum(axis=1), axis=0)
    x = pd.concat(
        [
            shares[groups[1:]],  # the first group is the reference
            np.log(areas[["violent_per_1000", "property_per_1000"]].clip(lower=0.1)),
        ],
        axis=1,
    ).loc[mean.index]
    from sklearn.linear_model import LinearRegression  # here: the optional calibrate extra

    ok = np.isfinite(mean.to_numpy())
    model = LinearRegression().fit(x.to_numpy(float)[ok], mean.to_numpy()[ok])
    return pd.DataFrame({"persistence": mean, "regression": model.predict(x.to_numpy(float))}, index=mean.index)


def scores(table: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Per year: correlation over areas, RMSE with and without the city-wide mean, for model and baselines."""
    rows = []
    for (year, role), part in table.groupby(["year", "role"]):
        part = part.set_index("area_number")
        obs = part["observed"]
        preds = {"model": part["simulated_mean"], **{k: base[k].reindex(part.index) for k in base.columns}}
        inside = (part["simulated_lo"] <= obs) & (obs <= part["simulated_hi"])
        shift = obs.mean() - part["simulated_mean"].mean()
        inside_c = (part["simulated_lo"] + shift <= obs) & (obs <= part["simulated_hi"] + shift)
        for name, pred in preds.items():
            ok = obs.notna() & pred.notna()
            o, p = obs[ok], pred[ok]
            rows.append(
                {
                    "year": int(year),
                    "role": role,
                    "predictor": name,
                    "areas": int(ok.sum()),
                    "correlation": float(np.corrcoef(o, p)[0, 1]),
                    "rmse_centred": float(np.sqrt(np.mean(((o - o.mean()) - (p - p.mean())) ** 2))),
                    "rmse": float(np.sqrt(np.mean((o - p) ** 2))),
                    "city_swing": float(o.mean() - p.mean()),
                    "inside_90": float(inside[ok].mean()) if name == "model" else np.nan,
                    "inside_90_centred": float(inside_c[ok].mean()) if name == "model" else np.nan,
                }
            )
    return pd.DataFrame(rows)


def markdown(score: pd.DataFrame) -> str:
    """The scores as a markdown table: one row per year and predictor."""
    lines = [
        "| year | role | predictor | correlation over areas | RMSE, city-wide mean removed | RMSE | data's mean minus "
        "prediction's | data inside the model's 90% interval (as is / city mean moved to the data's) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in score.itertuples(index=False):
        inside = "" if np.isnan(r.inside_90) else f"{r.inside_90:.0%} / {r.inside_90_centred:.0%}"
        lines.append(
            f"| {r.year} | {r.role} | {r.predictor} | {r.correlation:.2f} | {r.rmse_centred:.2f} | {r.rmse:.2f} | "
            f"{r.city_swing:+.1f} | {inside} |"
        )
    return "\n".join(lines)


def maps(table: pd.DataFrame, folder: Path) -> list[Path]:
    """Observed, simulated and residual maps: the fit's years averaged, and each forecast year."""
    from cpsim.studies.maps import trust_maps  # here: matplotlib, for the maps only

    out = []
    fit = table[table["role"] == "fit"]
    years = sorted(fit["year"].unique())
    mean = fit.groupby("area_number")[["observed", "simulated_mean"]].mean().reset_index()
    label = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    out += trust_maps(mean, folder / "fit", simulated="simulated_mean", when=f"{label} mean (fit)")
    for year in sorted(table.loc[table["role"] == "forecast", "year"].unique()):
        part = table[table["year"] == year]
        out += trust_maps(part, folder / str(year), simulated="simulated_mean", when=f"{year} (forecast)")
    return out
