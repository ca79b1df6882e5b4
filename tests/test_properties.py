"""Property tests: whatever a scenario, experiment or calibration file holds, cpsim refuses it with one line or runs it.

Hypothesis draws scenario documents of random structure, types and values (NaN, infinities,
huge and negative numbers, empty lists and strings, unicode, nested tables), raw bytes,
damaged copies of a real scenario, documents valid key by key (every value inside its
declared range, edges included), experiment and calibration documents of both kinds
(tests/study_strategies.py: anything in their shape, and valid key by key, which then run)
and edge lists. The suite runs a bounded,
derandomised number of examples; ``CPSIM_HYPOTHESIS_SCALE=20`` runs twenty times as many
(with fresh random examples) for a longer hunt. ``COUNTS`` records what each test saw.
"""

from __future__ import annotations

import collections
import contextlib
import io
import math
import os
import tempfile
import warnings
from concurrent.futures import Future
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.stats
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_strategies import any_documents, to_toml, valid_documents
from study_strategies import calibration_documents, experiment_documents, valid_calibrations, valid_experiments

import cpsim
from cpsim.cli import main
from cpsim.scenario import ScenarioError, load_scenario
from cpsim.scenario.graphfile import GraphFileError, count_graph_nodes
from cpsim.studies.calibration.abc_smc import SurveyModel
from cpsim.studies.calibration.spec import load_calibration
from cpsim.studies.executors import Pool
from cpsim.studies.sweeps import load_experiment, open_results, run_sweep, run_table
from cpsim.studies.sweeps.experiment import ExperimentError
from cpsim.studies.sweeps.sampling import check_points, count_runs

pytestmark = (
    pytest.mark.slow
)  # kills, interrupts and resumes real runs, or draws many documents: make test-fast skips it

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
SCALE = float(os.environ.get("CPSIM_HYPOTHESIS_SCALE", "1"))
COUNTS: collections.Counter = collections.Counter()
# Valid documents this big are checked, not run, in the suite.
LARGEST_RUN = 3_000


def examples(n: int):
    """Settings for ``n`` examples (times the scale), derandomised unless scaled up."""
    return settings(
        max_examples=max(1, int(n * SCALE)),
        derandomize=SCALE == 1,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def check(path: Path) -> tuple[int, str]:
    """``cpsim check PATH`` in this process: (exit code, stderr).

    Hypothesis's @given does not mix with function-scoped fixtures (capsys): the streams are
    redirected here, for the call only.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["check", str(path)])
    return exit_info.value.code, err.getvalue()


def assert_refused_cleanly(code: int, err: str) -> None:
    assert code == 2, err
    assert err.startswith("cpsim: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


def run_briefly(scenario) -> None:
    """A valid scenario must run: two days (one if it asks for one), trust stays a number."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rates of 0/0 on a day with no cases are NaN
        result = cpsim.simulate(scenario, days=min(2, scenario.run.days))
    for column in ("trust_mean", "legitimacy_mean", "effectiveness_mean", "safety_mean"):
        assert np.isfinite(result.timeseries[column]).all(), column


def check_then_run(text: str | bytes, what: str) -> None:
    """The property: exit 2 with one line and no traceback, or a valid scenario that runs."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        code, err = check(path)
        if code != 0:
            assert_refused_cleanly(code, err)
            COUNTS[f"{what}: refused"] += 1
            return
        scenario = load_scenario(path)
        if scenario.population.residents > LARGEST_RUN:
            # run the same scenario in a small city, when it is valid there too
            small = {"population.residents": 300, "population.beats": min(scenario.population.beats, 300)}
            try:
                scenario = load_scenario(path, small)
            except ScenarioError:
                COUNTS[f"{what}: valid, too big to run here"] += 1
                return
        run_briefly(scenario)
        COUNTS[f"{what}: valid and ran"] += 1


@examples(200)
@given(any_documents())
def test_any_document_is_refused_with_one_line_or_runs(doc):
    check_then_run(to_toml(doc), "random document")


@examples(25)
@given(valid_documents())
def test_documents_valid_key_by_key_are_refused_by_a_rule_or_run(doc):
    check_then_run(to_toml(doc), "in-range document")


def _mutations() -> st.SearchStrategy[bytes]:
    original = BASELINE.read_bytes() + b"\n[patrol]\nfoot_hours = 2.0\n"

    @st.composite
    def mutate(draw) -> bytes:
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
            at = draw(st.integers(0, max(0, len(data) - 1)))
            if kind == "flip" and data:
                data[at] = draw(st.integers(0, 255))
            elif kind == "cut":
                del data[at:]
            elif kind == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=8))
            elif data:
                del data[at : at + draw(st.integers(1, 40))]
        return bytes(data)

    return st.one_of(mutate(), st.binary(max_size=200))


@examples(100)
@given(_mutations())
def test_damaged_or_random_bytes_are_refused_with_one_line_or_run(data):
    check_then_run(data, "damaged bytes")


EXPERIMENT_KEYS = {
    "design": st.sampled_from(["grid", "grid", "lhs", "sobol", "morris", "grd", ""]),
    "replicates": st.one_of(st.integers(-2, 5), st.floats(allow_nan=True), st.just(10**20)),
    "samples": st.one_of(st.integers(-1, 8), st.just(math.nan), st.just(10**12)),
    "days": st.one_of(st.integers(-1, 5), st.just(math.inf), st.just(40_000)),
    "seed": st.one_of(st.integers(-1, 2**64), st.just(math.nan)),
    "levels": st.one_of(st.integers(0, 6), st.just("4")),
    "second_order": st.one_of(st.booleans(), st.just(1)),
    "metrics": st.one_of(st.just("all"), st.just(["trust_end", "nope"]), st.just([]), st.just(3)),
}
VARY_VALUES = st.one_of(
    st.sampled_from([[0.0, 0.2], [0.1], [2, 4], [True, False]]),
    st.lists(
        st.one_of(st.floats(allow_nan=True), st.integers(-5, 10**6), st.booleans(), st.text(max_size=3)), max_size=4
    ),
    st.floats(allow_nan=True),
    st.text(max_size=4),
)
VARY_KEYS = st.sampled_from(
    [
        "policing.budget_cut",
        "population.beats",
        "population.residents",
        "trust.initial_by_group",
        "graph.kind",
        "run.days",
        "incident.day",
        "watch.enabled",
        "policing.budgetcut",
        "nope",
    ]
)


@examples(150)
@given(
    st.fixed_dictionaries({}, optional=EXPERIMENT_KEYS),
    st.dictionaries(VARY_KEYS, VARY_VALUES, max_size=3),
    st.dictionaries(VARY_KEYS, VARY_VALUES, max_size=2),
)
def test_experiment_files_are_refused_with_one_line_or_counted(top, vary, overrides):
    doc = {"scenarios": [str(BASELINE)], **top, "vary": vary, "overrides": overrides}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exp.toml"
        path.write_text(to_toml(doc))
        try:
            exp = load_experiment(path)
        except ExperimentError as err:  # an ExperimentError is also a ScenarioError
            assert "\n" not in str(err) and str(err)
            COUNTS["experiment: refused"] += 1
            return
        except ScenarioError as err:
            assert "\n" not in str(err) and str(err)
            COUNTS["experiment: refused"] += 1
            return
        assert count_runs(exp) >= 1
        COUNTS["experiment: valid"] += 1


TOKENS = st.one_of(st.sampled_from(["0", "1", "2", "a", "é", "#", "{'w': 1}", "#x"]), st.text(max_size=4))
LINES = st.lists(
    st.tuples(st.lists(TOKENS, max_size=4), st.sampled_from([" ", "\t", "  ", " \u00a0 "]), st.booleans()),
    max_size=12,
)


@examples(150)
@given(LINES)
def test_edge_lists_are_counted_exactly_as_networkx_reads_them(lines):
    text = "".join(sep.join(tokens) + ("\r\n" if crlf else "\n") for tokens, sep, crlf in lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ties.edges"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            read = nx.read_edgelist(path, nodetype=str, data=False).number_of_nodes()
        except UnicodeDecodeError:
            read = 0
        try:
            counted = count_graph_nodes(path)
        except GraphFileError as err:
            # refused: networkx finds no node either, or the file holds NUL bytes (binary data that
            # networkx would read as names of people; cpsim refuses it on purpose)
            assert read == 0 or "\x00" in text, err
            COUNTS["edge list: refused"] += 1
            return
        assert counted == read
        COUNTS["edge list: counted as networkx"] += 1


def one_line_refusal(err: BaseException) -> None:
    assert isinstance(err, ScenarioError) and str(err) and "\n" not in str(err), err


class Inline:
    """Runs each task at once in this process (no worker start-up)."""

    def submit(self, fn, *args):
        future: Future = Future()
        future.set_result(fn(*args))
        return future


def load_document(doc: dict, loader, name: str, what: str):
    """Write a document and load it; None when refused (with one line, counted as ``what``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(to_toml(doc))
        try:
            return loader(path)
        except ScenarioError as err:  # ExperimentError and CalibrationError are ScenarioErrors
            one_line_refusal(err)
            COUNTS[f"{what}: refused"] += 1
            return None


@examples(150)
@given(experiment_documents())
def test_any_experiment_document_is_refused_with_one_line_or_plans_its_runs(doc):
    exp = load_document(doc, load_experiment, "exp.toml", "any experiment")
    if exp is None:
        return
    n = count_runs(exp)
    assert n >= 1
    if n <= 10_000:
        plan = run_table(exp)
        assert len(plan) == n and len({r.seed for r in plan}) >= exp.replicates
        try:
            check_points(exp, plan)
        except ScenarioError as err:
            one_line_refusal(err)
    COUNTS["any experiment: valid"] += 1


@examples(25)
@given(valid_experiments())
def test_valid_experiments_are_refused_by_a_rule_or_run_as_recorded(doc):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exp.toml"
        path.write_text(to_toml(doc))
        try:
            exp = load_experiment(path)
        except ScenarioError as err:
            one_line_refusal(err)
            COUNTS["valid experiment: refused by a rule"] += 1
            return
        if count_runs(exp) > 12:
            COUNTS["valid experiment: planned, too many runs to run here"] += 1
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                report = run_sweep(exp, Path(folder) / "s.duckdb", pool=Pool(Inline(), 1, "here"), progress=False)
            except ScenarioError as err:  # a point of a sampled design that breaks a rule
                one_line_refusal(err)
                COUNTS["valid experiment: a point refused by a rule"] += 1
                return
        assert report.failed == 0 and report.done == report.total
        runs = open_results(Path(folder) / "s.duckdb").runs
        assert (runs["status"] == "ok").all() and len(runs) == report.total
        if "days" in runs:
            assert (runs["days"] == exp.days).all()  # each run lasted the days the store says
        COUNTS["valid experiment: ran"] += 1


@examples(150)
@given(calibration_documents())
def test_any_calibration_document_is_refused_with_one_line_or_gives_a_sound_spec(doc):
    cal = load_document(doc, load_calibration, "cal.toml", "any calibration")
    if cal is not None:
        assert_sound(cal)
        COUNTS["any calibration: valid"] += 1


@examples(25)
@given(valid_calibrations())
def test_valid_calibrations_give_priors_that_sample_and_proposals_that_run(doc):
    cal = load_document(doc, load_calibration, "cal.toml", "valid calibration, by a rule")
    if cal is None:
        return
    assert_sound(cal)
    rng = np.random.default_rng(0)
    draw = {p.key: float(getattr(scipy.stats, p.scipy()[0])(*p.scipy()[1]).rvs(random_state=rng)) for p in cal.priors}
    assert all(p.lo <= draw[p.key] <= p.hi for p in cal.priors), draw
    model = SurveyModel(cal.scenario, cal.days, tuple(cal.seeds()), tuple(p.key for p in cal.priors if p.whole),
                        tuple(t.name for t in cal.targets), cal.options)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = model(draw)
    assert "_error" not in stats, stats.get("_error")
    COUNTS["valid calibration: a proposal ran"] += 1


def assert_sound(cal) -> None:
    """A validated calibration: finite priors that scipy (and so pyabc) can build, finite targets."""
    for p in cal.priors:
        assert math.isfinite(p.lo) and math.isfinite(p.hi) and p.lo < p.hi
        name, args = p.scipy()
        dist = getattr(scipy.stats, name)(*args)
        assert all(math.isfinite(a) for a in args) and dist.pdf((p.lo + p.hi) / 2) >= 0
        if p.kind == "normal":
            assert math.isfinite(p.mean) and p.sd > 0
    for t in cal.targets:
        assert math.isfinite(t.value) and math.isfinite(t.sd) and t.sd > 0


def teardown_module() -> None:
    """Say what the examples were (shown with pytest -s)."""
    print("\nproperty examples:", ", ".join(f"{k}: {v}" for k, v in sorted(COUNTS.items())))
