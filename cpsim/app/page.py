"""The classroom page: Mesa's SolaraViz around a ClassroomModel.

Run it with ``cpsim app [SCENARIO]`` (or ``solara run cpsim.app.page``). The sidebar holds
the scenario picker, Mesa's controls (Reset, Play, Step) and the levers; levers take
effect when Reset rebuilds the neighbourhood, exactly like ``--set`` overrides of
``cpsim run``. Three pages of views: the neighbourhood (day, social network, beat map,
trust), live plots, and the comparison with the baseline scenario run alongside.
"""

from __future__ import annotations

from html import escape as esc
from pathlib import Path

import solara
from mesa.visualization import Slider, SolaraViz

from cpsim.app import charts
from cpsim.app.classroom import DEFAULT_RESIDENTS, ClassroomModel, default_scenario_file
from cpsim.app.levers import LEVERS, ScenarioFile, scenario_files
from cpsim.app.pictures import BeatMapPicture, NetworkPicture
from cpsim.scenario import ScenarioError

CHART_STYLE = {"style": "height: 300px; width: 100%;"}
DAY_STYLE = {"font-size": "26px", "font-weight": "600"}
CAPTION_STYLE = {"font-size": "12px", "color": "#444", "line-height": "1.3"}
TITLE = "cpsim classroom: a neighbourhood and its police"


def model_params(model: ClassroomModel) -> dict:
    """Mesa's model_params: the scenario file (fixed) and sliders starting at the model's values."""
    params: dict = {
        "scenario_file": str(model.scenario_file),
        "residents": Slider("Residents", model.residents.n, 1000, 3000, 250),
        "seed": Slider("Random seed", model.seed, 1, 100, 1),
        "compare": {"type": "Checkbox", "value": model.baseline is not None, "label": "Run the baseline alongside"},
    }
    for lever in LEVERS:
        value = lever.read(model.params)
        params[lever.name] = Slider(
            lever.label, value, min(lever.lo, value), max(lever.hi, value), lever.step,
            dtype=int if lever.is_int else float,
        )
    return params


def _html(html: str) -> None:
    # Plain HTML, not solara.Markdown: Markdown fetches KaTeX from a CDN, which fails offline.
    solara.HTML(tag="div", unsafe_innerHTML=html, style={"font-size": "14px", "line-height": "1.4"})


def _caption(text: str) -> None:
    solara.Text(text, style=CAPTION_STYLE)


def _chart(option: dict, caption: str, name: str):
    with solara.Column(gap="4px", classes=[f"cpsim-chart-{name}"]) as main:
        solara.FigureEcharts(option=option, attributes=CHART_STYLE, responsive=True)
        _caption(caption)
    return main


def _picture(model: ClassroomModel, kind: type) -> bytes:
    # Each drawing's background is made once per model, then only recoloured each day.
    picture = model.pictures.get(kind)
    if picture is None:
        picture = model.pictures[kind] = kind(model)
    return picture.draw(model)


def day_view(model: ClassroomModel):
    """The day, the scenario, the levers in effect and how to use the page."""
    p = model.params
    groups = charts.group_trust(model)
    now = groups[-1] if len(groups) else None
    on_duty = int(model.officers.on_duty.sum()) if model.day else 0
    with solara.Column(gap="6px") as main:
        solara.Text(f"Day {model.day} of {p.run.days}", classes=["cpsim-day"], style=DAY_STYLE)
        _html(f"<b>Scenario: {esc(p.run.name)}</b> ({esc(Path(model.scenario_file).name)}). {esc(p.run.description)}")
        solara.Text(
            f"{model.residents.n:,} residents in {model.n_beats} beats, {model.officers.n} officers "
            f"({int((model.officers.beat >= 0).sum())} on beats), seed {model.seed}. This run: "
            + "; ".join(f"{lv.label} {lv.read(p):g}{' (changed)' if lv.name in model.changed else ''}" for lv in LEVERS)
            + ".",
            style=CAPTION_STYLE,
        )
        if now is not None:
            text = ", ".join(f"{n} {v:.2f}" for n, v in zip(p.population.group_names, now, strict=True))
            solara.Text(f"Mean trust today: {text}. Officers on duty today: {on_duty}.", style={"font-size": "14px"})
        _caption(
            "Move the levers in the sidebar, then press Reset to rebuild the neighbourhood with them. Step moves one "
            "day on; the play button runs day after day. Page 0: the neighbourhood. Page 1: live plots. "
            "Page 2: your settings against the baseline scenario, run alongside with the same random numbers."
        )
    return main


def network_view(model: ClassroomModel):
    """The social network: residents coloured by trust, officers on their beats."""
    with solara.Column(gap="4px", classes=["cpsim-network"]) as main:
        solara.Image(_picture(model, NetworkPicture), format="jpeg", width="100%")
        _caption(
            "Each dot is a resident, coloured by trust in police (red: little, blue: much), sitting with neighbours on "
            "the same street. Grey lines are social ties that carry stories of police encounters. Squares are the "
            "beat officers (filled: on duty today)."
        )
    return main


def beat_map_view(model: ClassroomModel):
    """Places coloured by their residents' mean trust, with each beat's mean."""
    with solara.Column(gap="4px", classes=["cpsim-beatmap"]) as main:
        solara.Image(_picture(model, BeatMapPicture), format="jpeg", width="100%")
        _caption(
            "The beats (police neighbourhoods) and their streets, each street coloured by its residents' average "
            "trust. Beats with more crime and more stops tend to lose trust; the last group lives mostly in its own "
            "beat."
        )
    return main


def trust_view(model: ClassroomModel):
    """Trust by group."""
    return _chart(charts.trust_chart(model), charts.CAPTIONS["trust"], "trust")


def reporting_view(model: ClassroomModel):
    """Reporting rate."""
    return _chart(charts.reporting_chart(model), charts.CAPTIONS["reporting"], "reporting")


def crime_view(model: ClassroomModel):
    """True vs recorded crime."""
    return _chart(charts.crime_chart(model), charts.CAPTIONS["crime"], "crime")


def complaints_view(model: ClassroomModel):
    """Complaints so far."""
    return _chart(charts.complaints_chart(model), charts.CAPTIONS["complaints"], "complaints")


def hours_view(model: ClassroomModel):
    """Officer hours by activity."""
    return _chart(charts.hours_chart(model), charts.CAPTIONS["hours"], "hours")


def _no_baseline():
    with solara.Column() as main:
        solara.Info("Tick 'Run the baseline alongside' in the sidebar and press Reset to compare with the baseline.")
    return main


def compare_trust_view(model: ClassroomModel):
    """Trust: this run vs the baseline."""
    if model.baseline is None:
        return _no_baseline()
    return _chart(charts.compare_trust_chart(model, model.baseline), charts.CAPTIONS["compare_trust"], "compare-trust")


def compare_difference_view(model: ClassroomModel):
    """Trust: this run minus the baseline."""
    if model.baseline is None:
        return _no_baseline()
    option = charts.compare_difference_chart(model, model.baseline)
    return _chart(option, charts.CAPTIONS["compare_difference"], "compare-difference")


def compare_crime_view(model: ClassroomModel):
    """Crime so far: this run vs the baseline."""
    if model.baseline is None:
        return _no_baseline()
    return _chart(charts.compare_crime_chart(model, model.baseline), charts.CAPTIONS["compare_crime"], "compare-crime")


def compare_reporting_view(model: ClassroomModel):
    """Reporting: this run vs the baseline."""
    if model.baseline is None:
        return _no_baseline()
    option = charts.compare_reporting_chart(model, model.baseline)
    return _chart(option, charts.CAPTIONS["compare_reporting"], "compare-reporting")


SUMMARY_ROWS = (
    ("trust_end", "mean trust now", "{:.3f}"),
    ("trust_gap_end", "trust gap between groups", "{:.3f}"),
    ("safety_end", "residents' feeling of safety", "{:.3f}"),
    ("victimizations", "true victimisations so far", "{:,}"),
    ("crimes_recorded", "recorded crimes so far", "{:,}"),
    ("reporting_rate", "share of victimisations reported", "{:.2f}"),
    ("stops", "stops so far", "{:,}"),
    ("complaints", "complaints so far", "{:,}"),
    ("hours_total", "officer hours so far", "{:,.0f}"),
)


def compare_table_view(model: ClassroomModel):
    """Headline figures side by side."""
    if model.baseline is None:
        return _no_baseline()
    mine, base = model.summary(), model.baseline.summary()

    def fmt(fmt_: str, v) -> str:
        return "n/a" if v != v else fmt_.format(v)  # NaN before the first victimisation

    rows = "".join(
        f"<tr><td>{label}</td><td align=right>{fmt(f, mine[k])}</td><td align=right>{fmt(f, base[k])}</td>"
        f"<td align=right>{fmt('{:+' + f[2:], mine[k] - base[k])}</td></tr>"
        for k, label, f in SUMMARY_ROWS
    )
    head = (
        f"<tr><th align=left>on day {model.day}</th><th align=right>yours</th><th align=right>baseline</th>"
        "<th align=right>difference</th></tr>"
    )
    with solara.Column(gap="4px", classes=["cpsim-compare-table"]) as main:
        _html(f"<table style='border-spacing: 14px 4px; font-size: 14px'>{head}{rows}</table>")
        _caption(
            "The same figures for your run and the baseline, counted since day 1. A neighbourhood of 2,000 has about "
            "140 victimisations a year: differences of a few crimes can be chance. Change the seed and Reset to see "
            "how much runs vary."
        )
    return main


COMPONENTS = [
    (day_view, 0), (network_view, 0), (beat_map_view, 0), (trust_view, 0),
    (reporting_view, 1), (crime_view, 1), (complaints_view, 1), (hours_view, 1),
    (compare_trust_view, 2), (compare_difference_view, 2), (compare_crime_view, 2), (compare_reporting_view, 2),
    (compare_table_view, 2),
]


@solara.component
def ScenarioPicker(files: list[ScenarioFile], chosen: solara.Reactive[str]):
    """Pick a scenario file; the page loads it at once and shows what it represents."""
    by_stem = {f.path.stem: f for f in files}
    with solara.Card("Scenario"):
        solara.Select("Scenario file", values=list(by_stem), value=chosen)
        picked = by_stem.get(chosen.value)
        if picked is not None:
            _html(f"<b>{esc(picked.name)}</b>: {esc(picked.description)}")
        with solara.Details("All scenarios"):
            items = "".join(f"<li><b>{esc(f.path.stem)}</b>: {esc(f.description)}</li>" for f in files)
            _html(f"<ul>{items}</ul>")
        with solara.Details("What the levers do"):
            items = "".join(f"<li><b>{esc(lv.label)}</b>: {esc(lv.doc)}</li>" for lv in LEVERS)
            _html(f"<ul>{items}</ul><p>Set them below, then press Reset.</p>")


@solara.component
def Page():
    """The whole page: scenario picker, then SolaraViz for the picked scenario."""
    first = default_scenario_file()
    files = solara.use_memo(lambda: scenario_files(first.parent), [])
    chosen = solara.use_reactive(first.stem)
    path = first.parent / f"{chosen.value}.toml"

    def build():
        try:
            return ClassroomModel(scenario_file=str(path), residents=DEFAULT_RESIDENTS)
        except ScenarioError as err:
            return err

    model = solara.use_memo(build, [chosen.value])
    params = solara.use_memo(lambda: None if isinstance(model, ScenarioError) else model_params(model), [model])
    with solara.Sidebar():
        ScenarioPicker(files, chosen)
    if isinstance(model, ScenarioError):
        solara.Error(f"This scenario cannot be loaded: {model}")
        return
    # A new key when the scenario changes: Mesa's controls restart with its values.
    SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE, play_interval=50).key(chosen.value)
