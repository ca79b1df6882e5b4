"""A sweep's report: the sensitivity ranking first, its warnings on the figures, titles that fit."""

from __future__ import annotations

from pathlib import Path

import matplotlib.figure
import pytest

from cpsim.studies.claims import intervals_cover
from cpsim.studies.sweeps import run_sweep
from cpsim.studies.sweeps.sensitivity import analyze

ROOT = Path(__file__).resolve().parents[3]
BASELINE = ROOT / "scenarios" / "baseline.toml"
LIAISON = ROOT / "scenarios" / "liaison.toml"


# Sobol with N = 8 over two parameters, two scenarios: far below the N the indices need (a warning).
EXPERIMENT = f"""name = "sobol"
scenarios = ["{BASELINE}", "{LIAISON}"]
design = "sobol"
samples = 8
replicates = 2
common_random_numbers = true
days = 4
seed = 4
metrics = ["safety_end", "trust_end"]
[vary]
safety.initial = [0.3, 0.9]
word_of_mouth.vicarious_weight = [0.1, 0.6]
[overrides]
population.residents = 300
population.beats = 2
"""


@pytest.fixture(scope="module")
def sobol_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("sobol") / "sobol.toml"
    path.write_text(EXPERIMENT)
    run_sweep(path, path.with_suffix(".duckdb"), workers=1)
    return path.with_suffix(".duckdb")


@pytest.fixture(scope="module")
def drawn(sobol_store, tmp_path_factory):
    """The report's text and every figure it saved, drawn (so their texts have sizes)."""
    figures: dict[str, matplotlib.figure.Figure] = {}
    save = matplotlib.figure.Figure.savefig

    def keep(fig, fname, *args, **kwargs):
        save(fig, fname, *args, **kwargs)  # draws the figure: its texts now have a place
        figures[Path(fname).name] = fig

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.figure.Figure, "savefig", keep)
        report = analyze(sobol_store, tmp_path_factory.mktemp("report")).read_text()
    return report, figures


def test_the_ranking_comes_first_and_says_what_the_intervals_cover(drawn):
    report, _ = drawn
    ranking = report.index("Which parameters matter: Sobol indices")
    assert ranking < report.index("Effects of the varied parameters") < report.index("Who benefits")
    assert report.index("Sobol indices: safety_end") < report.index("Effects of the varied parameters")
    assert intervals_cover(what="The 95% bands and paired intervals").replace("'", "&#x27;") in report


def test_the_small_sample_warning_is_on_the_figure(drawn):
    _, figures = drawn
    for metric in ("safety_end", "trust_end"):
        title = figures[f"sobol_{metric}.png"].get_suptitle()
        assert title.startswith(f"Sobol indices of {metric}")
        assert "WARNING: only 8 base samples (N); Sobol indices need N >= 256" in title


def test_no_figure_title_is_cut_at_the_edges(drawn):
    _, figures = drawn
    assert any(name.startswith("groups_") for name in figures)
    for name, fig in figures.items():
        title = fig._suptitle
        if title is None:
            continue
        box = title.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height, name
