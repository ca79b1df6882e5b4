"""The classroom page: a ClassroomModel with its controls, levers, lessons and views (Solara).

Run it with ``cpsim app [SCENARIO]`` (or ``solara run cpsim.app.page``). The page keeps one
``PageSettings`` (cpsim.app.classroom): the picker, every lever and the run settings show it,
and Reset builds exactly it. Picking a scenario loads it at once, levers at its values.

The page is built from Solara components rather than Mesa's SolaraViz: SolaraViz keeps its
play state and model parameters private (a picker outside it cannot stop a run or tell
Reset what to build: the scenario picked and the scenario Reset built could differ), numbers
its tabs "Page 0..2" in draggable grids, and shows its internal controls (play and render
intervals, threads, a step counter) to the class. The play loop follows Mesa's
ModelController: a threaded task steps the model while playing and redraws.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import warnings
from html import escape as esc
from pathlib import Path

import reacton.ipyvuetify as rv
import solara
import solara.lab
import solara.server.settings

from cpsim.app import charts
from cpsim.app.classroom import ClassroomModel, PageRun, PageSettings, default_scenario_file, staffing_notes
from cpsim.app.lessons import lesson_for, to_html
from cpsim.app.levers import LEVERS, Lever, ScenarioFile, Size, scenario_files
from cpsim.app.pictures import MARKS, BeatMapPicture, Colours, NetworkPicture, change_scale, signed
from cpsim.headline import METRICS, figure
from cpsim.scenario import ScenarioError

# The "This website runs on Solara" banner sits over the bottom right of the charts.
solara.server.settings.theme.show_banner = False
# A classroom server is plain http on a local network: the session cookie falls back to
# samesite=lax, which is right here, and solara's multi-line warning about it is noise.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)

TITLE = "cpsim classroom"
TABS = ("The neighbourhood", "Trends", "Your choices vs the baseline", "Side by side")
MODES = {"change since the start": "change", "trust now": "trust"}
AUTO = ""  # colour by trust on day 0 (nothing has changed yet), by change once days pass
SPEEDS = {"a day": 1, "a week": 7}  # days per step (Step, and each frame of Play)
PAUSE = 0.05  # seconds between frames while playing: time for the browser to paint
FRAME_WAIT = 0.1  # seconds between the play loop's looks at whether its day is drawn (and at Pause)
LARGE = 1.3  # the large-text mode's scale, for a projector at the back of a room
KEY_CHART = "height: 390px; width: 100%;"
CHART = "height: 300px; width: 100%;"
TEXT = {"font-size": "0.9375rem", "line-height": "1.4"}
CAPTION = {"font-size": "0.8125rem", "color": "#333", "line-height": "1.35"}
NONE = "(none)"
# Fit the key view on a 1366 x 768 projector: a narrower sidebar than Solara's 400 px, and
# larger text for the back of the room.
CSS = """
.v-navigation-drawer { min-width: 330px !important; width: 330px !important; }
.cpsim-lever .v-input__slot { margin-bottom: 0 !important; }
.cpsim-lever .v-messages { display: none; }
.cpsim-lever .v-input { margin-top: 0 !important; }
.v-tab, .v-btn { text-transform: none !important; letter-spacing: 0 !important; }
.v-tab { font-size: 0.9375rem !important; }
.cpsim-lesson li { margin-bottom: 4px; }
.v-card__title { word-break: normal !important; }
.cpsim-lesson ul { padding-left: 18px; }
.cpsim-lesson .v-expansion-panel-header { font-size: 1.125rem; font-weight: 500; padding: 10px 16px; }
"""
# Large text: the page's sizes are in rem, so a larger root font scales all of its text at once.
LARGE_CSS = f"html {{ font-size: {16 * LARGE:g}px !important; }}"


def _css(style: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in style.items())


def _html(html: str, classes: list[str] | None = None, style: dict | None = None) -> None:
    # Plain HTML, not solara.Markdown: Markdown fetches KaTeX from a CDN, which fails offline.
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=classes or [], style=_css({**TEXT, **(style or {})}))


def _caption(text: str) -> None:
    solara.Text(text, style=CAPTION)


def _chart(option: dict, caption: str, name: str, style: str = CHART):
    title = option.get("title", {})
    head = f"<b style='font-size:1.0625rem'>{esc(title.get('text', ''))}</b>"
    if title.get("subtext"):
        head += f"<br><span class='cpsim-scale-note' style='font-size:0.875rem'>{esc(title['subtext'])}</span>"
    with solara.Column(gap="2px", classes=[f"cpsim-chart-{name}"]) as main:
        _html(head)
        solara.FigureEcharts(option=option, attributes={"style": style}, responsive=True)
        if caption:
            _caption(caption)
    return main


def _picture(run: PageRun, kind: type, colours: Colours) -> bytes:
    # Each drawing's background is made once per run, then only recoloured each day.
    picture = run.pictures.get(kind)
    if picture is None:
        picture = run.pictures[kind] = kind(run)
    return picture.draw(run, colours)


def title_of(path: str | Path) -> str:
    """A scenario's name for a class (its lesson title)."""
    path = Path(path)
    return lesson_for(path.stem).title


def shown_mode(chosen: str, day: int) -> str:
    """The colour mode's label in effect: the one chosen, else trust on day 0 and change after."""
    return chosen or (list(MODES)[1] if day == 0 else list(MODES)[0])


@solara.component
def ModeToggle(mode: solara.Reactive[str], day: int, colours: Colours):
    """Colour residents by change since the start or by trust now, with the colour bar."""
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.ToggleButtonsSingle(
            value=shown_mode(mode.value, day), values=list(MODES), on_value=mode.set, dense=True, classes=["cpsim-mode"]
        )
        _html(colour_legend(colours), style={"font-size": "0.875rem"})


def network_colours(model: ClassroomModel, mode: str) -> Colours:
    """Colours of the network pictures: both runs on one scale, so side by side compares."""
    if mode != "change":
        return Colours("trust")
    runs = [r for r in (model.mine, model.other) if r is not None]
    return Colours("change", change_scale(*(r.model.residents.trust - r.trust_start for r in runs)))


def colour_legend(colours: Colours, holds: str = "99% of the residents") -> str:
    """An HTML colour bar for a picture's colours."""
    bar = (
        "<span style='display:inline-block;width:150px;height:14px;vertical-align:middle;border:1px solid #999;"
        f"background:linear-gradient(to right,{','.join(colours.gradient())})'></span>"
    )
    if colours.mode == "change":
        lo, hi = signed(colours.lo, 3), signed(colours.hi, 3)
        return (
            f"<span title='The scale follows the data: ±{colours.hi:g} holds {holds}.'>"
            f"Trust <b>lost</b> {lo} {bar} {hi} <b>gained</b> <span class='cpsim-scale-note'>"
            f"(scale ±{colours.hi:g}, follows the data)</span></span>"
        )
    return f"<b>Trust in police:</b> none 0 {bar} 1 complete"


def marks_legend() -> str:
    """HTML legend of today's rings and the officers' squares."""
    items = [
        f"<span style='display:inline-block;width:13px;height:13px;border-radius:50%;background:#d0d0d0;"
        f"border:{max(2, round(width + 0.5))}px solid rgb{rgb};vertical-align:middle'></span> {label}"
        for _, label, rgb, width in MARKS[::-1]
    ]
    items.append(
        "<span style='display:inline-block;width:12px;height:12px;background:#142163;vertical-align:middle'>"
        "</span> officer on duty"
    )
    items.append(
        "<span style='display:inline-block;width:12px;height:12px;border:3px solid #142163;"
        "vertical-align:middle'></span> off duty"
    )
    return " &nbsp; ".join(items)


def today_text(run: PageRun) -> str:
    """What happened today, in counts a class can check against the rings."""
    if run.model.day == 0:
        return "Day 0: nothing has happened yet. Press Step for one day or ▶ to play."
    n = {k: len(v) for k, v in run.touched_today().items()}
    contact = "1 resident" if n["contact"] == 1 else f"{n['contact']} residents"
    news = f"{n['news']} saw an incident in the news, " if n["news"] else ""
    return (
        f"Today: {contact} had a police contact or a crime, {n['program']} "
        f"{'was' if n['program'] == 1 else 'were'} at a program or event, {news}{n['heard']} heard a story from a "
        "friend or neighbour."
    )


# --- views: each a component, so only the open tab's views are computed -----------------


@solara.component
def NetworkView(run: PageRun, day: int, colours: Colours, key_view: bool = True):
    """The social network: residents coloured by trust or its change, today's marks, officers."""
    jpeg = solara.use_memo(lambda: _picture(run, NetworkPicture, colours), [run, day, colours])
    with solara.Column(gap="2px", classes=["cpsim-network"]):
        solara.Image(jpeg, format="jpeg", width="100%")
        if key_view:
            _html(marks_legend(), style={"font-size": "0.875rem"})
            _html(today_text(run), classes=["cpsim-today"], style={"font-size": "0.875rem"})


@solara.component
def BeatMapView(run: PageRun, day: int, mode: str):
    """Places coloured by their residents' mean trust (or its change), with each beat's mean."""
    place, _ = BeatMapPicture.values(run, mode)
    colours = Colours("change", change_scale(place, share=1.0)) if mode == "change" else Colours("trust")
    jpeg = solara.use_memo(lambda: _picture(run, BeatMapPicture, colours), [run, day, colours])
    with solara.Column(gap="2px", classes=["cpsim-beatmap"]):
        _html(colour_legend(colours, "every street"), style={"font-size": "0.875rem"})
        solara.Image(jpeg, format="jpeg", width="100%")
        _caption(
            "The beats (police neighbourhoods) and their streets, each street coloured by its residents' average. "
            "Beats with more crime and more stops tend to lose trust; the minority group lives mostly in one beat."
        )


def other_name(model: ClassroomModel) -> str:
    """How the page names the run alongside: "the baseline", or its scenario's title."""
    stem = Path(model.settings.compare_with).stem
    return "the baseline" if stem in ("baseline", "") else title_of(model.settings.compare_with)


@solara.component
def ChartView(name: str, model: ClassroomModel, day: int, key_view: bool = False, large: bool = False):
    """The chart ``cpsim.app.charts.<name>_chart`` with its caption (its first sentence in the key view)."""
    other = other_name(model)
    build = getattr(charts, f"{name}_chart")
    option = build(model, model.alongside, other.removeprefix("the ")) if name.startswith("compare") else build(model)
    option = charts.enlarged(option, LARGE if large else 1)
    caption = charts.captions(model.params.population.group_names, other)[name]
    if key_view:
        caption = caption.split(". ")[0] + "."
    return _chart(option, caption, name.replace("_", "-"), KEY_CHART if key_view else CHART)


@solara.component
def CompareTable(model: ClassroomModel, day: int, compact: bool = False):
    """Headline figures of both runs side by side, with the difference (``compact``: for a narrow column)."""
    mine, base = model.summary(), model.alongside.summary()
    other = title_of(model.settings.compare_with)

    # a narrow table: the short labels of cpsim.headline, rounded as everywhere else ("n/a" before
    # the first victimisation)
    rows = "".join(
        f"<tr><td>{esc(METRICS[k].brief)}</td><td align=right>{figure(mine[k], k)}</td>"
        f"<td align=right>{figure(base[k], k)}</td><td align=right>{figure(mine[k] - base[k], k, True)}</td></tr>"
        for k in SUMMARY_ROWS
    )
    head = (
        f"<tr><th align=left>on day {model.day}</th><th align=right>yours</th><th align=right>{esc(other)}</th>"
        f"<th align=right>{'Δ' if compact else 'difference'}</th></tr>"
    )
    with solara.Column(gap="4px", classes=["cpsim-compare-table"]):
        spacing, size = ("5px 3px", "0.8125rem") if compact else ("14px 4px", "0.9375rem")
        _html(f"<table style='border-spacing: {spacing}; font-size: {size}'>{head}{rows}</table>")
        _caption(
            "The same figures for both runs, counted since day 1. A neighbourhood this size has a few victimisations "
            "a week: differences of a few crimes can be chance. Change the seed and Reset to see how much runs vary."
        )


# The figures the comparison table shows, in order; labels and formats come from cpsim.headline.
SUMMARY_ROWS = (
    "trust_end",
    "trust_gap_end",
    "safety_end",
    "victimizations",
    "crimes_recorded",
    "reporting_rate",
    "stops",
    "complaints",
    "hours_community",
    "hours_total",
)


def _no_other() -> None:
    solara.Info("Nothing runs alongside: choose a scenario under 'Compare with' (Run settings) and press Reset.")


@solara.component
def NeighbourhoodTab(model: ClassroomModel, day: int, mode: solara.Reactive[str], large: bool = False):
    """The key view: the network (change you can see) beside the difference from the baseline."""
    shown = MODES[shown_mode(mode.value, day)]
    colours = network_colours(model, shown)
    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
        with solara.Column(gap="2px", style={"flex": "0 0 54%", "max-width": "54%"}):
            ModeToggle(mode, day, colours)
            NetworkView(model.mine, day, colours)
        with solara.Column(gap="2px", style={"flex": "1 1 auto", "min-width": "0"}):
            ChartView(
                "compare_difference" if model.alongside is not None else "trust", model, day, key_view=True, large=large
            )
    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "nowrap", "margin-top": "12px"}):
        with solara.Column(style={"flex": "0 0 54%", "max-width": "54%"}):
            BeatMapView(model.mine, day, shown)
        with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
            ChartView("trust", model, day, large=large)


@solara.component
def TrendsTab(model: ClassroomModel, day: int, large: bool = False):
    """The live plots of this run."""
    with solara.GridFixed(columns=2, row_gap="14px", column_gap="16px"):
        for name in ("trust", "reporting", "crime", "complaints", "hours"):
            ChartView(name, model, day, large=large)


@solara.component
def CompareTab(model: ClassroomModel, day: int, large: bool = False):
    """This run against the run alongside."""
    if model.alongside is None:
        _no_other()
        return
    with solara.GridFixed(columns=2, row_gap="14px", column_gap="16px"):
        for name in ("compare_difference", "compare_trust", "compare_crime", "compare_reporting"):
            ChartView(name, model, day, large=large)
    CompareTable(model, day)


@solara.component
def SideBySideTab(model: ClassroomModel, day: int, mode: solara.Reactive[str]):
    """The two neighbourhoods, same seed, side by side: which would you choose?"""
    if model.other is None:
        _no_other()
        return
    colours = network_colours(model, MODES[shown_mode(mode.value, day)])
    ModeToggle(mode, day, colours)
    # Three columns, the table beside the pictures: below them it fell under a 768-pixel screen.
    with solara.Row(
        gap="14px", style={"flex-wrap": "nowrap", "align-items": "flex-start"}, classes=["cpsim-side-by-side"]
    ):
        for label, run in (("Your choices", model.mine), (title_of(model.settings.compare_with), model.other)):
            with solara.Column(gap="2px", style={"flex": "1 1 0", "min-width": "0"}):
                who = f"{label}: {title_of(model.scenario_file)}" if run is model.mine else label
                changed = changes_text(model.settings) if run is model.mine else "as in its scenario"
                _html(f"<b>{esc(who)}</b> <span style='color:#555'>({esc(changed)})</span>")
                NetworkView(run, day, colours, key_view=False)
                _html(esc(today_text(run)), style={"font-size": "0.8125rem"})
        with solara.Column(gap="2px", style={"flex": "0 0 270px", "min-width": "0"}):
            CompareTable(model, day, compact=True)
    _html(marks_legend(), style={"font-size": "0.875rem"})


# --- the sidebar ----------------------------------------------------------------------


def changes_text(settings: PageSettings) -> str:
    """The changed levers as a class reads them ("as in the scenario file" if none)."""
    changed = settings.changed()
    if not changed:
        return "as in the scenario"
    by_name = {lv.name: lv for lv in LEVERS}
    return "; ".join(
        f"{by_name[k].label} {by_name[k].text(v)} (scenario: {by_name[k].text(settings.defaults[k])})"
        for k, v in changed.items()
    )


def pending(shown: PageSettings, built: PageSettings) -> list[str]:
    """What differs between the settings on screen and the run (waiting for Reset)."""
    out = [
        f"{lv.label} {lv.text(shown.levers[lv.name])}"
        for lv in LEVERS
        if shown.levers.get(lv.name) != built.levers.get(lv.name)
    ]
    if shown.residents != built.residents:
        out.append(f"{shown.residents:,} residents")
    if shown.seed != built.seed:
        out.append(f"seed {shown.seed}")
    if shown.compare_with != built.compare_with:
        out.append(f"compare with {Path(shown.compare_with).stem if shown.compare_with else 'nothing'}")
    return out


@solara.component
def LeverControl(lever: Lever, position: float, default: float, size: Size, on_value):
    """A lever: its name, value and unit, the scenario file's value if changed, and its slider."""
    lo, hi = lever.bounds(size)
    note = f" <span style='color:#b35900'>(scenario: {esc(lever.text(default))})</span>" if position != default else ""
    with solara.Column(gap="0px", classes=["cpsim-lever", f"cpsim-lever-{lever.name}"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>{esc(lever.label)}</b>: <span class='cpsim-lever-value'>"
            f"{esc(lever.text(position))}</span>{note}",
            attributes={"title": lever.doc},
            style="font-size: 0.9375rem",
        )
        slider = solara.SliderInt if lever.is_int else solara.SliderFloat
        slider("", value=position, min=lo, max=hi, step=lever.step, on_value=on_value, thumb_label=False)


@solara.component
def DayTitle(model: solara.Reactive, tick: solara.Reactive[int]):
    """The day and the scenario, in the app bar: what a class reads first."""
    _ = tick.value  # a day passed
    m = model.value
    with solara.AppBarTitle():
        if m is None:
            solara.Text(TITLE)
            return
        solara.Text(f"Day {m.day} of {m.params.run.days}", classes=["cpsim-day"], style={"font-size": "1.375rem"})
        solara.Text(f" — {title_of(m.scenario_file)}", classes=["cpsim-title"], style={"font-size": "1.25rem"})


@solara.component
def ScenarioCard(files: list[ScenarioFile], settings: solara.Reactive[PageSettings], pick):
    """The picker and the picked scenario's description."""
    stem = Path(settings.value.scenario_file).stem
    solara.Select("Scenario", values=[f.path.stem for f in files], value=stem, on_value=pick)
    picked = next((f for f in files if f.path.stem == stem), None)
    if picked is not None:
        _html(esc(picked.description), style={"font-size": "0.875rem"})


@solara.component
def Controls(model, tick, playing, speed, settings, reset, step):
    """Reset, Play/Pause, Step, how far a step goes, and what waits for Reset."""
    _ = tick.value  # Play and Step switch off on the last day
    m = model.value
    running = m is not None and m.running
    with solara.Row(justify="space-between", style={"margin-top": "8px"}):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button(
            "❚❚" if playing.value else "▶",
            color="primary",
            disabled=not running,
            on_click=lambda: playing.set(not playing.value),
        )
        solara.Button("Step", color="primary", on_click=step, disabled=playing.value or not running)
    with solara.Row(style={"align-items": "center", "margin-top": "6px"}):
        solara.Text("Each step moves", style={"font-size": "0.875rem"})
        solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True, classes=["cpsim-speed"])
    waiting = pending(settings.value, m.settings) if m is not None else []
    if waiting:
        _html(
            "<b>Press Reset</b> to run with: " + esc("; ".join(waiting)),
            classes=["cpsim-pending"],
            style={"color": "#b35900", "font-size": "0.875rem"},
        )


@solara.component
def LessonCard(stem: str):
    """The scenario's lesson: things to notice, things to try, a question (NetLogo's Info tab), folded.

    It starts folded under the levers: open, it pushed the levers off a 768-pixel screen.
    """
    lesson = lesson_for(stem)
    opened = solara.use_reactive(None)  # the open panel's index (0), or None when folded
    with rv.ExpansionPanels(
        v_model=opened.value, on_v_model=opened.set, class_="cpsim-lesson", style_="margin-top: 10px"
    ):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[f"Lesson: {lesson.title}"], class_="cpsim-lesson-title")
            with rv.ExpansionPanelContent():
                _html(
                    "<b>Things to notice</b><ul>" + "".join(f"<li>{to_html(x)}</li>" for x in lesson.notice) + "</ul>"
                    "<b>Things to try</b><ul>" + "".join(f"<li>{to_html(x)}</li>" for x in lesson.try_) + "</ul>"
                    f"<b>Discuss:</b> {to_html(lesson.discuss)}",
                    style={"font-size": "0.875rem"},
                )


@solara.component
def LeverCard(settings: solara.Reactive[PageSettings]):
    """Every lever, at the position the page shows (and Reset builds)."""
    s = settings.value
    size = Size.of(s.residents)
    with solara.Card("Your choices", margin=0, style={"margin-top": "10px"}):
        for lever in LEVERS:
            LeverControl(
                lever,
                s.levers[lever.name],
                s.defaults[lever.name],
                size,
                lambda v, name=lever.name: settings.set(settings.value.with_lever(name, v)),
            )
        _caption("Move a lever, then press Reset: the run starts again from day 0 with your choices.")


@solara.component
def RunCard(
    settings: solara.Reactive[PageSettings],
    files: list[ScenarioFile],
    folder: Path,
    large: solara.Reactive[bool] | None = None,
):
    """What runs alongside, the size of the neighbourhood, the seed, and large text for a projector."""
    s = settings.value

    def compare_with(stem: str) -> None:
        path = "" if stem == NONE else str(folder / f"{stem}.toml")
        settings.set(dataclasses.replace(settings.value, compare_with=path))

    with solara.Card("Run settings", margin=0, style={"margin-top": "10px"}):
        solara.Select(
            "Compare with",
            values=[NONE] + [f.path.stem for f in files],
            value=Path(s.compare_with).stem if s.compare_with else NONE,
            on_value=compare_with,
        )
        solara.SliderInt(
            "Residents",
            value=s.residents,
            min=1000,
            max=3000,
            step=250,
            thumb_label="always",
            on_value=lambda v: settings.set(settings.value.resized(v)),
        )
        solara.SliderInt(
            "Random seed",
            value=s.seed,
            min=1,
            max=100,
            thumb_label="always",
            on_value=lambda v: settings.set(dataclasses.replace(settings.value, seed=int(v))),
        )
        if large is not None:
            solara.Switch(label="Large text (projector)", value=large, classes=["cpsim-large"])


@solara.component
def Main(model, tick, tab, mode, drawn: threading.Event | None = None, large: bool = False):
    """The run's header and the four tabs of views; ``drawn`` is set once a day is on screen."""
    shown = tick.value  # a day passed
    solara.use_effect(lambda: drawn.set() if drawn is not None else None, [shown])
    m = model.value
    if m is None:
        return
    day = m.day
    other = Path(m.settings.compare_with).stem if m.settings.compare_with else ""
    versus = f"compared with {title_of(m.settings.compare_with)}" if other else "nothing runs alongside"
    _html(
        f"<b>{esc(title_of(m.scenario_file))}</b> ({esc(Path(m.scenario_file).name)}) · "
        f"<b>Your choices:</b> <span class='cpsim-changes'>{esc(changes_text(m.settings))}</span> · {versus} · "
        f"{m.residents.n:,} residents, {m.n_beats} beats, {m.officers.n} officers, seed {m.seed}",
        classes=["cpsim-header"],
    )
    for note in staffing_notes(m):
        _html(esc(note), classes=["cpsim-staffing"], style={"color": "#b35900", "font-size": "0.875rem"})
    labels = list(TABS)
    if other and other != "baseline":
        labels[2] = f"Your choices vs {title_of(m.settings.compare_with)}"
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab(labels[0]):
            NeighbourhoodTab(m, day, mode, large)
        with solara.lab.Tab(labels[1]):
            TrendsTab(m, day, large)
        with solara.lab.Tab(labels[2]):
            CompareTab(m, day, large)
        with solara.lab.Tab(labels[3]):
            SideBySideTab(m, day, mode)


@solara.component
def Page():
    """The whole page: sidebar (scenario, controls, levers, the folded lesson, run settings) and the views.

    The state lives here; each part reads only the state it shows, so a simulated day
    redraws the day, the controls and the open tab, not the levers and the lesson.
    """
    first = default_scenario_file()
    folder = first.parent
    files: list[ScenarioFile] = solara.use_memo(lambda: scenario_files(folder), [])

    def start():
        shown = PageSettings.load(first)
        return shown, ClassroomModel(**shown.kwargs())

    initial_settings, initial_model = solara.use_memo(start, [])
    settings = solara.use_reactive(initial_settings)
    model = solara.use_reactive(initial_model)
    error = solara.use_reactive("")
    playing = solara.use_reactive(False)
    tick = solara.use_reactive(0)  # bumped whenever the model changes in place (days passed)
    drawn = solara.use_memo(threading.Event, [])  # the last day is on screen (set by Main)
    tab = solara.use_reactive(0)
    mode = solara.use_reactive(AUTO)
    speed = solara.use_reactive(next(iter(SPEEDS)))
    large = solara.use_reactive(False)  # large text, for a projector

    def build(shown: PageSettings) -> None:
        playing.set(False)
        try:
            built = ClassroomModel(**shown.kwargs())
        except ScenarioError as err:
            error.set(str(err))
            model.set(None)
            return
        error.set("")
        model.set(built)

    def pick(stem: str) -> None:
        playing.set(False)
        s = settings.value
        path = folder / f"{stem}.toml"
        try:
            shown = PageSettings.load(path, s.residents, s.seed, s.compare_with)
        except ScenarioError as err:
            settings.set(dataclasses.replace(s, scenario_file=str(path)))
            error.set(str(err))
            model.set(None)
            return
        settings.set(shown)
        build(shown)

    def reset() -> None:
        build(settings.value)

    def advance(m: ClassroomModel) -> None:
        for _ in range(SPEEDS[speed.value]):
            if m.running:
                m.step()
        tick.set(tick.value + 1)

    def step() -> None:
        if model.value is not None:
            advance(model.value)

    def play_loop() -> None:
        # As Mesa's ModelController: step while playing, redraw, leave the browser time to paint.
        # The next day is simulated only once this one is drawn. On a busy machine drawing a day
        # can take longer than simulating one; a loop that ran ahead changed the day during every
        # render pass of whichever thread was drawing (the click on Play's), and reacton gave up
        # after 100 passes ("Too many renders triggered").
        drawn.set()
        while playing.value:
            m = model.value
            if m is None or not m.running:
                playing.set(False)
                break
            drawn.clear()
            advance(m)
            while playing.value and not drawn.wait(FRAME_WAIT):
                pass
            time.sleep(PAUSE)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    solara.Title(TITLE)
    solara.Style(CSS)
    DayTitle(model, tick)
    if large.value:
        solara.Style(LARGE_CSS)
    with solara.Sidebar():
        with solara.Card(margin=0, classes=["cpsim-scenario"]):
            ScenarioCard(files, settings, pick)
            Controls(model, tick, playing, speed, settings, reset, step)
        LeverCard(settings)  # the levers first: a class changes them, the lesson is read once
        LessonCard(Path(settings.value.scenario_file).stem)
        RunCard(settings, files, folder, large)
    if error.value:
        solara.Error(f"This scenario cannot be loaded: {error.value}")
    Main(model, tick, tab, mode, drawn, large.value)
