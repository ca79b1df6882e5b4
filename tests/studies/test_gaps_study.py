"""The equity study: the package confined to low-trust beats, the memory flows read off, the study's output."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cpsim.model import CommunityModel
from cpsim.reports.validation_figures import gap_figure
from cpsim.studies import gaps_study as gs
from cpsim.studies.patterns import PatternSettings, city


def test_the_package_confined_to_the_low_trust_beats_works_only_there():
    policies, _ = gs.variants(2)
    model = CommunityModel(gs.study_city(3000, policies["neighbourhood policing in low-trust beats"]), seed=2)
    res = model.residents
    mean = np.bincount(res.beat, weights=res.trust) / model.beat_residents
    keep = next(p for p in model.programs if p.name == "neighbourhood").where
    assert keep.sum() == 2 and mean[keep].max() < mean[~keep].min()
    programs = {p.name: p for p in model.programs}
    assert all(np.array_equal(programs[name].where, keep) for name in gs.PACKAGE_PROGRAMS)
    for _ in range(90):
        model.step()
    steady = programs["neighbourhood"].steady
    assert steady.size and keep[model.officers.beat[steady]].all()
    assert np.array_equal(np.flatnonzero(model.steady_officers), np.sort(steady))  # the others rotate again
    assert programs["hotspots"].spots.size and keep[model.places.beat[programs["hotspots"].spots]].all()
    assert not programs["hotspots"].request[~keep].any()
    came = programs["beat_meetings"].attended > 0
    assert came.any() and keep[res.beat[came]].all()
    assert not programs["beat_meetings"].sessions.pending[~keep].any()


def test_the_memories_flows_are_read_off_their_weekly_step():
    # A city of memories with no experience: the memories fade toward D and K is zero.
    t = city("baseline.toml", 1500).trust
    k = np.array([[0.001, 0.002], [-0.003, -0.002]])
    weekly = 1 / (1 - 0.5 ** (7 / t.memory_half_life_days))
    assert gs.sustained_gap(k, t) == pytest.approx((0.0015 + 0.0025) * weekly)
    assert gs.memory_gap(np.array([[0.6, 0.5], [0.3, 0.2]]), t) == pytest.approx(0.3)


def test_a_flow_switched_off_that_is_a_policy_too_runs_once():
    policies, flows = gs.variants(2)
    assert list(policies)[0] == "baseline" and "all differential flows" in flows
    keys = {v.key for v in (*policies.values(), *flows.values())}
    assert len(keys) == len(policies) + len(flows) - 2  # equal stops and equal treatment are flows too
    combined = policies["all of these"]
    assert combined.confined and combined.overrides["training.enabled"] is True


def test_the_study_on_a_tiny_city_over_short_horizons(monkeypatch, tmp_path):
    monkeypatch.setattr(gs, "HORIZONS", (1, 2))
    shown = gs.gaps_study(PatternSettings(residents=1500, replicates=2, quick=True), workers=1)
    policies, flows = gs.variants(2)
    reported = [f for f in shown.findings if f.reported]
    assert len(reported) == len(policies) + len(flows) - 1  # every city but the baseline
    rule = shown.findings[-1]
    assert rule.fact == "gaps" and rule.strict and not rule.reported and len(rule.values) == 2
    assert set(shown.table["label"]) == set(policies) | set(flows)
    base = shown.table[shown.table["label"] == "baseline"]
    assert (base["closed"] == 0).all() and (base["gap"] > 0.2).all()
    assert np.isfinite(shown.table[["gap", "closed", "sustained"]].to_numpy(float)).all()
    assert len(shown.paths) == len(set(shown.table["label"])) * 3  # day 0 and two year ends
    text = shown.markdown("figures/validation_gaps.png")
    assert "### Policies" in text and "### Each differential flow switched off" in text
    assert "figures/validation_gaps.png" in text and "history fading" in text
    png = gap_figure(shown.figure_data(), tmp_path / "gaps.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert math.isfinite(shown.baseline["sustained_share"])
