"""The results store: one DuckDB file per experiment, written only by the driver.

Tables:

- ``experiment``: one row: name, design, varied keys, the experiment as JSON and a
  fingerprint of everything that decides the results (scenarios, run table, seeds, days,
  kept figures).
- ``runs``: one row per planned run, written when the sweep starts with status
  ``pending``: run_id (primary key), scenario, point, replicate, params (JSON), seed,
  status (pending, ok, failed), error (text and traceback), duration (seconds inside
  simulate()), one column per varied key (named by the key, e.g. "policing.budget_cut")
  and one column per kept summary figure.
- ``timeseries``: run_id, day and the kept daily figures.
- ``breakdown``: run_id, level ("group" or "beat"), key, residents and the figures of
  cpsim.studies.breakdowns.FIGURES for that group or beat (who benefits; every run keeps it).
- ``provenance``: one row: the provenance record as JSON (cpsim/studies/provenance.py: version,
  git commit, libraries, scenario file hashes, differing parameters, city size, seeds).
- ``points``: the sample points: point, params (JSON) and raw (JSON list, the design
  before whole-number parameters are rounded; Morris analysis needs it).
- ``tasks``: one row per finished batch: runs, worker, seconds inside simulate() and in
  total (the runner's own overhead is the difference).
- ``sessions``: one row per start of the sweep (the first and every resume): when, host,
  pid, the code version (cpsim version, model source hash, git commit), whether it was
  forced past a code change, and how many failed runs it put back to pending.

A batch's runs, their summaries and their time series are committed in one transaction,
so a sweep killed at any moment (kill -9 included) loses only the runs in flight; a rerun
finds the same fingerprint and submits only the runs still pending. The experiment row
records the model code that created the store; a resume with other model code is refused
unless forced. Only one driver can hold a store: a second is refused with one line, and
so is a store that is damaged (truncated, overwritten).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from cpsim import __version__
from cpsim.metrics import DAILY, SUMMARY
from cpsim.studies import provenance
from cpsim.studies.breakdowns import VALUES as BREAKDOWN_VALUES
from cpsim.studies.provenance import code_version
from cpsim.studies.sweeps.batch import BatchOutcome
from cpsim.studies.sweeps.experiment import Experiment, ExperimentError, group_columns
from cpsim.studies.sweeps.sampling import PlannedRun, sample_matrix

WHOLE_UNITS = {"count", "days", "persons", "officers"}
RUN_COLUMNS = ("run_id", "scenario", "point", "replicate", "params", "seed", "status", "error", "duration")


def quote(name: str) -> str:
    """Quote a SQL identifier (varied keys contain dots)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(unit: str) -> str:
    return "BIGINT" if unit in WHOLE_UNITS else "DOUBLE"


def _cell(value: Any) -> Any:
    """A varied value as its column holds it: a list (group names, a cut order) as JSON text."""
    return json.dumps(value) if isinstance(value, (list, tuple)) else value


def _param_type(values: list[Any]) -> str:
    if all(isinstance(v, bool) for v in values):
        return "BOOLEAN"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "BIGINT"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "DOUBLE"
    return "VARCHAR"


def metric_columns(exp: Experiment) -> dict[str, str]:
    """Summary figure column -> SQL type, in store order."""
    cols = {m: _sql_type(SUMMARY[m][0]) for m in exp.metrics}
    if "trust_end" in exp.metrics:
        cols.update({c: "DOUBLE" for c in group_columns(exp)})
    return cols


def fingerprint(exp: Experiment, plan: list[PlannedRun]) -> str:
    """Hash everything that decides the stored results (not the batch size or paths)."""
    data = {
        "scenarios": {k: s.to_dict() for k, s in exp.scenarios.items()},
        "days": exp.days,
        "metrics": list(metric_columns(exp)),
        "timeseries": list(exp.timeseries),
        "plan": [(r.run_id, r.scenario, r.point, r.replicate, r.params, r.seed) for r in plan],
    }
    if exp.parameter_sets:  # only then: stores without a posterior keep the fingerprint they were made with
        data["parameter_sets"] = [dict(s) for s in exp.parameter_sets]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class StoreWriteError(RuntimeError):
    """A batch could not be written to the store (full disk, damaged file); one line."""


def open_problem(path: Path, err: BaseException) -> str:
    """Say in one line why DuckDB could not open a store: held by another process, or damaged."""
    text = _first_line(err)
    if "Could not set lock" in text or "Conflicting lock" in text:
        pid = re.search(r"PID (\d+)", str(err))
        who = f"process {pid.group(1)}" if pid else "another process"
        return f"{path}: {who} is writing this store (a running sweep); allowed: one sweep per store at a time"
    return damaged(path, err)


def damaged(path: Path, err: BaseException) -> str:
    """One line for a store DuckDB cannot read."""
    return (
        f"{path}: not a readable results store ({_first_line(err)}); allowed: a store written by cpsim sweep "
        "(a damaged one cannot be resumed: move it away to start afresh, or restore a copy)"
    )


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn a DuckDB error while reading a store (a damaged block) into one line."""
    try:
        yield
    except duckdb.Error as err:
        raise ExperimentError(damaged(path, err)) from None


class Store:
    """The driver's connection to an experiment's DuckDB file."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, exp: Experiment) -> None:
        self.con, self.path, self.exp = con, path, exp
        self.metrics = metric_columns(exp)
        self.retried = 0
        self.breakdown = False  # set on open: stores written before the breakdown table have none

    @classmethod
    def open(
        cls,
        path: str | Path,
        exp: Experiment,
        plan: list[PlannedRun],
        must_exist: bool = False,
        force: bool = False,
        retry_failed: bool = False,
    ) -> Store:
        """Open the store of an experiment, creating it with its run table when new.

        Args:
            path: The DuckDB file.
            exp: The experiment.
            plan: Its run table.
            must_exist: Refuse to create a new store (``--resume``).
            force: Resume even when the store was written by other model code.
            retry_failed: Put the failed runs back to pending, so this session runs them again.

        Raises:
            ExperimentError: The file belongs to another experiment (or to a changed version of
                this one), was written by other model code (unless ``force``), is held by a
                running sweep, is damaged, or is missing while ``must_exist``.

        """
        path = Path(path)
        existed = path.exists()
        if must_exist and not existed:
            raise ExperimentError(f"{path}: --resume: no such store; allowed: an existing store of {exp.path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as err:
            raise ExperimentError(open_problem(path, err)) from None
        store = cls(con, path, exp)
        try:
            fp = fingerprint(exp, plan)
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if "experiment" not in tables:
                store._create(plan, fp)
            else:
                store._check(fp, force)
                store.breakdown = "breakdown" in tables
            try:
                store.retried = store._retry_failed() if retry_failed else 0
                store._session(force)
            except duckdb.Error as err:  # a write, not a read: a full disk, not a damaged file
                raise ExperimentError(f"{path}: cannot write to the store ({_first_line(err)})") from None
        except ExperimentError:
            con.close()
            raise
        except duckdb.Error as err:
            con.close()
            raise ExperimentError(damaged(path, err)) from None
        return store

    def _check(self, fp: str, force: bool) -> None:
        """Refuse a store of another experiment, or of other model code unless forced."""
        con, path, exp = self.con, self.path, self.exp
        row = con.execute("SELECT fingerprint, name FROM experiment").fetchone()
        if row is None or row[0] != fp:
            raise ExperimentError(
                f"{path}: holds results of a different experiment, of an earlier version of {exp.path.name} or "
                "of other --set values; allowed: the same experiment unchanged (use another --out to start afresh)"
            )
        # The whole runs table is read once: a damaged block fails here, before any run starts.
        con.execute("SELECT count(COLUMNS(*)) FROM runs").fetchall()
        columns = {r[0] for r in con.execute("DESCRIBE experiment").fetchall()}
        stored = con.execute("SELECT code, git FROM experiment").fetchone() if "code" in columns else None
        now = code_version()
        if (stored is None or stored[0] != now.source) and not force:
            was = f"model source {stored[0]}" + (f", git {stored[1]}" if stored[1] else "") if stored else "unknown"
            raise ExperimentError(
                f"{path}: written by other model code ({was}) than this ({now}); allowed: resuming with the "
                "same code, or --force to mix results of two model versions in one store"
            )

    def _retry_failed(self) -> int:
        """Put failed runs back to pending (their error and figures cleared); return how many."""
        con = self.con
        n = con.execute("SELECT count(*) FROM runs WHERE status = 'failed'").fetchone()[0]
        if n:
            sets = ", ".join(
                ["status = 'pending'", "error = NULL", "duration = NULL"] + [f"{quote(m)} = NULL" for m in self.metrics]
            )
            con.begin()
            con.execute("DELETE FROM timeseries WHERE run_id IN (SELECT run_id FROM runs WHERE status = 'failed')")
            con.execute(f"UPDATE runs SET {sets} WHERE status = 'failed'")
            con.commit()
        return n

    def _session(self, force: bool) -> None:
        """Record who resumed the store, with which code."""
        now = code_version()
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS sessions (started TIMESTAMP, host VARCHAR, pid BIGINT, cpsim VARCHAR, "
            "code VARCHAR, git VARCHAR, forced BOOLEAN, retried BIGINT)"
        )
        self.con.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                datetime.now(UTC).replace(tzinfo=None),
                socket.gethostname(),
                os.getpid(),
                now.cpsim,
                now.source,
                now.git,
                force,
                self.retried,
            ],
        )

    def _create(self, plan: list[PlannedRun], fp: str) -> None:
        exp, con = self.exp, self.con
        params = {k: _param_type([r.params[k] for r in plan]) for k in exp.varied}
        cols = [
            "run_id BIGINT PRIMARY KEY",
            "scenario VARCHAR NOT NULL",
            "point BIGINT NOT NULL",
            "replicate BIGINT NOT NULL",
            "params JSON NOT NULL",
            "seed BIGINT NOT NULL",
            "status VARCHAR NOT NULL",
            "error VARCHAR",
            "duration DOUBLE",
            *[f"{quote(k)} {t}" for k, t in params.items()],
            *[f"{quote(m)} {t}" for m, t in self.metrics.items()],
        ]
        ts_cols = ", ".join(f"{quote(m)} {_sql_type(DAILY[m][0])}" for m in exp.timeseries)
        rows = pd.DataFrame(
            {
                "run_id": [r.run_id for r in plan],
                "scenario": [r.scenario for r in plan],
                "point": [r.point for r in plan],
                "replicate": [r.replicate for r in plan],
                "params": [json.dumps(r.params) for r in plan],
                "seed": [r.seed for r in plan],
                **{k: pd.Series([_cell(r.params[k]) for r in plan], dtype=object) for k in exp.varied},
            }
        )
        con.begin()
        code = code_version()
        con.execute(
            "CREATE TABLE experiment (name VARCHAR, file VARCHAR, design VARCHAR, varied JSON, metrics JSON, "
            "timeseries JSON, n_runs BIGINT, fingerprint VARCHAR, spec JSON, created TIMESTAMP, cpsim VARCHAR, "
            "code VARCHAR, git VARCHAR)"
        )
        con.execute(
            "INSERT INTO experiment VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                exp.name,
                str(exp.path),
                exp.design,
                json.dumps(exp.varied),
                json.dumps(list(self.metrics)),
                json.dumps(list(exp.timeseries)),
                len(plan),
                fp,
                json.dumps(exp.to_dict(), default=str),
                datetime.now(UTC).replace(tzinfo=None),
                __version__,
                code.source,
                code.git,
            ],
        )
        con.execute(f"CREATE TABLE runs ({', '.join(cols)})")
        names = ", ".join(quote(c) for c in ["run_id", "scenario", "point", "replicate", "params", "seed", *exp.varied])
        casts = ", ".join(
            [
                "run_id",
                "scenario",
                "point",
                "replicate",
                "params",
                "seed",
                *[f"CAST({quote(k)} AS {t})" for k, t in params.items()],
            ]
        )
        con.register("plan_rows", rows)
        con.execute(f"INSERT INTO runs ({names}, status) SELECT {casts}, 'pending' FROM plan_rows")
        con.unregister("plan_rows")
        con.execute(
            "CREATE TABLE timeseries (run_id BIGINT NOT NULL, day BIGINT NOT NULL"
            + (", " + ts_cols if ts_cols else "")
            + ", PRIMARY KEY (run_id, day))"
        )
        con.execute("CREATE TABLE points (point BIGINT PRIMARY KEY, params JSON, raw JSON)")
        pts = {r.point: r.params for r in plan}
        order = sorted(pts)
        raw = sample_matrix(exp).tolist() if exp.design != "grid" else [list(pts[p].values()) for p in order]
        points = {"point": order, "params": [json.dumps(pts[p]) for p in order], "raw": [json.dumps(r) for r in raw]}
        con.register("plan_points", pd.DataFrame(points))
        con.execute("INSERT INTO points SELECT point, params, raw FROM plan_points")
        con.unregister("plan_points")
        con.execute(
            "CREATE TABLE tasks (finished TIMESTAMP, runs BIGINT, worker VARCHAR, sim_seconds DOUBLE, "
            "worker_seconds DOUBLE)"
        )
        values = ", ".join(f"{quote(v)} DOUBLE" for v in BREAKDOWN_VALUES)
        con.execute(
            f"CREATE TABLE breakdown (run_id BIGINT NOT NULL, level VARCHAR NOT NULL, key VARCHAR NOT NULL, "
            f"residents BIGINT, {values}, PRIMARY KEY (run_id, level, key))"
        )
        con.execute("CREATE TABLE provenance (record JSON)")
        con.execute("INSERT INTO provenance VALUES (?)", [json.dumps(sweep_provenance(exp, plan), default=str)])
        con.commit()
        self.breakdown = True

    def pending(self) -> list[int]:
        """Run ids not done yet, in order."""
        rows = self.con.execute("SELECT run_id FROM runs WHERE status = 'pending' ORDER BY run_id").fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        """Count runs per status."""
        out = {"pending": 0, "ok": 0, "failed": 0}
        out.update(dict(self.con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall()))
        return out

    def commit(self, batch: BatchOutcome) -> None:
        """Write a finished batch (runs, summaries, time series, timing) in one transaction."""
        metric_names = list(self.metrics)
        runs = pd.DataFrame(
            {
                "run_id": [o.run_id for o in batch.outcomes],
                "status": [o.status for o in batch.outcomes],
                "error": pd.Series([o.error for o in batch.outcomes], dtype=object),
                "duration": [o.duration for o in batch.outcomes],
                **{m: pd.Series([o.values.get(m) for o in batch.outcomes], dtype=object) for m in metric_names},
            }
        )
        sets = ", ".join(
            ["status = b.status", "error = b.error", "duration = b.duration"]
            + [f"{quote(m)} = CAST(b.{quote(m)} AS {t})" for m, t in self.metrics.items()]
        )
        self._write(batch, runs, sets)  # Ctrl-C is a flag while a sweep runs (cpsim.studies.interrupts): never cut

    def _write(self, batch: BatchOutcome, runs: pd.DataFrame, sets: str) -> None:
        """The transaction of :meth:`commit`."""
        exp, con = self.exp, self.con
        con.begin()
        try:
            con.register("batch_runs", runs)
            con.execute(f"UPDATE runs SET {sets} FROM batch_runs b WHERE runs.run_id = b.run_id")
            con.unregister("batch_runs")
            series = [o for o in batch.outcomes if o.timeseries is not None]
            if series and exp.timeseries:
                names = ["day", *exp.timeseries]
                ts = pd.concat([pd.DataFrame(o.timeseries, columns=names).assign(run_id=o.run_id) for o in series])
                cols = ["run_id", "day", *exp.timeseries]
                casts = ", ".join(
                    ["run_id", "CAST(day AS BIGINT)"]
                    + [f"CAST({quote(m)} AS {_sql_type(DAILY[m][0])})" for m in exp.timeseries]
                )
                # idempotent: a run's days are replaced, never duplicated
                con.execute(f"DELETE FROM timeseries WHERE run_id IN ({', '.join(str(o.run_id) for o in series)})")
                con.register("batch_ts", ts[cols])
                con.execute(f"INSERT INTO timeseries SELECT {casts} FROM batch_ts")
                con.unregister("batch_ts")
            parts = [o for o in batch.outcomes if o.breakdown is not None]
            if parts and self.breakdown:
                ids = ", ".join(str(o.run_id) for o in parts)
                con.execute(f"DELETE FROM breakdown WHERE run_id IN ({ids})")
                frames = []
                for o in parts:
                    levels, keys, values = o.breakdown
                    frame = pd.DataFrame(values, columns=["residents", *BREAKDOWN_VALUES])
                    frames.append(frame.assign(run_id=o.run_id, level=levels, key=keys))
                rows = pd.concat(frames, ignore_index=True)
                cols = ["run_id", "level", "key", "residents", *BREAKDOWN_VALUES]
                con.register("batch_breakdown", rows[cols])
                con.execute(f"INSERT INTO breakdown SELECT {', '.join(quote(c) for c in cols)} FROM batch_breakdown")
                con.unregister("batch_breakdown")
            con.execute(
                "INSERT INTO tasks VALUES (?, ?, ?, ?, ?)",
                [
                    datetime.now(UTC).replace(tzinfo=None),
                    len(batch.outcomes),
                    batch.worker,
                    batch.sim_seconds,
                    batch.worker_seconds,
                ],
            )
            con.commit()
        except duckdb.Error as err:
            _rollback(con)
            raise StoreWriteError(f"{self.path}: could not write a batch to the store ({_first_line(err)})") from None
        except BaseException:
            _rollback(con)
            raise

    def close(self) -> None:
        """Checkpoint and close the file (a store that can no longer be written is just closed)."""
        try:
            self.con.execute("CHECKPOINT")
        except duckdb.Error:
            pass  # committed batches are safe in the write-ahead log; the next open replays it
        finally:
            self.con.close()


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.Error:
        pass  # the transaction is gone with the connection's failure


def sweep_provenance(exp: Experiment, plan: list[PlannedRun]) -> dict[str, Any]:
    """The provenance record of a sweep (cpsim.studies.provenance): the experiment file's hash, scenarios, seeds."""
    files = {name: str(f) for name, f in exp.scenario_files.items()}
    seeds = sorted({r.seed for r in plan})
    prov = provenance.record(
        exp.scenarios,
        files,
        seed=exp.seed,
        replicate_seeds=seeds if len(seeds) <= 1000 else [],
        days=exp.days,
        replicates=exp.replicates,
        overrides=[f"{k}={v}" for k, v in exp.overrides.items()],
        study="sweep",
        **(
            {"posterior": exp.posterior, "parameter_sets": [dict(s) for s in exp.parameter_sets]}
            if exp.parameter_sets
            else {}
        ),
        experiment={
            "file": str(exp.path),
            "sha256": provenance.sha256(exp.path),
            "design": exp.design,
            "vary": {k: list(v) for k, v in exp.vary.items()},
            "runs": len(plan),
        },
    )
    return prov


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


@dataclass
class SweepResults:
    """An experiment's stored results, as DataFrames.

    Attributes:
        experiment: The experiment row (name, design, varied keys, spec, ...).
        runs: One row per run (pending runs included), params expanded into columns.
        timeseries: One row per run and day (empty when none were kept).
        tasks: One row per finished batch (worker, seconds inside simulate() and in total).
        points: One row per sample point: params and the raw (unrounded) design values.
        breakdown: One row per run, level (group or beat) and key (empty for older stores).
        provenance: The sweep's provenance record (empty for older stores).

    """

    experiment: dict[str, Any]
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    tasks: pd.DataFrame
    points: pd.DataFrame
    breakdown: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    provenance: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def varied(self) -> list[str]:
        """The varied keys."""
        return list(self.experiment["varied"])

    @property
    def metrics(self) -> list[str]:
        """The summary figure columns."""
        return list(self.experiment["metrics"])


def connect_read(path: str | Path, *, query: bool = False, files: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a read-only connection, with one-line errors for a missing or busy file.

    Args:
        path: The store.
        query: For a user's SQL (``cpsim results --sql``): the connection reaches the store's
            tables and nothing else: no file, URL or other database, no extension installed
            or loaded, and the query cannot change these settings.
        files: With ``query``: the query may also read and write files under the store's
            folder (paths are compared as written; a symbolic link there is followed).

    Raises:
        ExperimentError: No such store, not a store, or a running sweep holds it.

    """
    path = Path(path)
    if not path.is_file():
        raise ExperimentError(f"{path}: no such results store")
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False} if query else {}
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as err:
        text = _first_line(err)
        if "Could not set lock" in text or "Conflicting lock" in text:
            raise ExperimentError(f"{path}: a running sweep is writing it; wait until it ends ({text})") from None
        raise ExperimentError(damaged(path, err)) from None
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    except duckdb.Error as err:
        con.close()
        raise ExperimentError(damaged(path, err)) from None
    if not {"experiment", "runs", "timeseries", "points"} <= tables:
        con.close()
        raise ExperimentError(f"{path}: not a cpsim results store (no experiment/runs tables)")
    if query:
        if files:  # allowed even with external access off: the store's folder, by its absolute path
            con.execute("SET allowed_directories = ?", [[os.path.join(os.path.abspath(path.parent), "")]])
        con.execute("SET enable_external_access = false")  # files, URLs, ATTACH, INSTALL and LOAD
        con.execute("SET lock_configuration = true")  # the query cannot SET them back
    return con


def open_results(path: str | Path, timeseries: bool = True) -> SweepResults:
    """Load an experiment's results for a notebook or a script (the file is closed again).

    Args:
        path: The DuckDB store written by ``cpsim sweep``.
        timeseries: Also load the daily time series (can be large).

    Returns:
        The results as DataFrames.

    """
    con = connect_read(path)
    try:
        with reading(Path(path)):
            exp = con.execute("SELECT * FROM experiment").fetchdf().iloc[0].to_dict()
            for key in ("varied", "metrics", "timeseries", "spec"):
                exp[key] = json.loads(exp[key])
            runs = con.execute("SELECT * FROM runs ORDER BY run_id").fetchdf()
            ts = (
                con.execute("SELECT * FROM timeseries ORDER BY run_id, day").fetchdf()
                if timeseries
                else pd.DataFrame(columns=["run_id", "day"])
            )
            tasks = con.execute("SELECT * FROM tasks ORDER BY finished").fetchdf()
            points = con.execute("SELECT * FROM points ORDER BY point").fetchdf()
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            breakdown = (
                con.execute("SELECT * FROM breakdown ORDER BY run_id, level, key").fetchdf()
                if "breakdown" in tables
                else pd.DataFrame()
            )
            prov = con.execute("SELECT record FROM provenance").fetchone() if "provenance" in tables else None
    finally:
        con.close()
    points["params"] = points["params"].map(json.loads)
    points["raw"] = points["raw"].map(json.loads)
    return SweepResults(exp, runs, ts, tasks, points, breakdown, json.loads(prov[0]) if prov else {})
