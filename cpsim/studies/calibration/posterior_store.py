"""The calibration store: every simulated proposal and the posterior, in one DuckDB file.

Tables (written only by the driver):

- ``calibration``: one row: name, file, fingerprint, the calibration as JSON, cpsim version.
- ``proposals``: one row per simulated proposal: generation (-1 is pyabc's calibration
  sample from the prior), task, k (the task's k-th try), one column per calibrated key, one
  per target statistic, distance, accepted, error (text and traceback of a failed run).
- ``generations``: generation, epsilon, simulations, accepted particles, seconds.
- ``posterior``: the last generation's particles: weight, one column per key and target.

pyabc's own history (SQLite, ``pyabc.db`` beside the store) is what a resume continues
from; proposals of a generation that was in flight are replaced when it is run again.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from cpsim.studies.calibration.abc_smc import Generation, Record
from cpsim.studies.calibration.spec import Calibration, CalibrationError
from cpsim.studies.calibration.stores import create_calibration_table
from cpsim.studies.sweeps.results import quote


class CalibrationStore:
    """The driver's connection to a calibration's DuckDB file."""

    def __init__(self, path: Path, cal: Calibration) -> None:
        """Open (or create) the store of a calibration.

        Raises:
            CalibrationError: The file belongs to another calibration or is locked by a running one.

        """
        self.path, self.cal = Path(path), cal
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.is_file() and self.path.stat().st_size == 0:
            self.path.unlink()  # a kill while DuckDB was creating the file: nothing in it to keep
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as err:
            raise CalibrationError(_open_problem(self.path, err)) from None
        self.keys, self.stats = cal.keys, [t.name for t in cal.targets]
        try:
            tables = {r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            # no tables: a kill between creating the file and its tables (they are made in one transaction)
            row = self.con.execute("SELECT fingerprint, file FROM calibration").fetchone() if tables else None
            if tables and (row is None or row[0] != cal.fingerprint()):
                raise CalibrationError(
                    f"{self.path}: holds calibration {row[1] if row else '(none)'} with other settings; "
                    "allowed: --out to a new directory, or delete it to start again"
                )
            self.created = not tables
            if self.created:
                self._create()
        except duckdb.Error as err:
            self.con.close()
            raise CalibrationError(_damaged(self.path, err)) from None
        except CalibrationError:
            self.con.close()
            raise

    def _create(self) -> None:
        cal, con = self.cal, self.con
        cols = [f"{quote(k)} DOUBLE" for k in [*self.keys, *self.stats]]
        con.begin()
        spec = {
            "name": cal.name,
            "scenario": cal.scenario_file,
            "observed": cal.observed_file,
            "days": cal.days,
            "replicates": cal.replicates,
            "seed": cal.seed,
            "particles": cal.particles,
            "priors": [p.__dict__ for p in cal.priors],
            "targets": [t.__dict__ for t in cal.targets],
        }
        create_calibration_table(con, cal, spec)
        con.execute(
            "CREATE TABLE proposals (generation BIGINT, task BIGINT, k BIGINT, "
            + ", ".join(cols)
            + ", distance DOUBLE, accepted BOOLEAN, error VARCHAR, PRIMARY KEY (generation, task, k))"
        )
        con.execute(
            "CREATE TABLE generations (generation BIGINT PRIMARY KEY, epsilon DOUBLE, simulations BIGINT, "
            "accepted BIGINT, seconds DOUBLE)"
        )
        con.execute("CREATE TABLE posterior (particle BIGINT, weight DOUBLE, " + ", ".join(cols) + ")")
        con.commit()

    def forget_after(self, generation: int) -> None:
        """Drop proposals of generations after ``generation`` (they were in flight when the run stopped)."""
        self.con.execute("DELETE FROM proposals WHERE generation > ?", [generation])
        self.con.execute("DELETE FROM generations WHERE generation > ?", [generation])

    def add(self, records: list[Record]) -> None:
        """Store a finished task's proposals (idempotent: a rerun task replaces its rows)."""
        rows = pd.DataFrame(
            {
                "generation": [r.generation for r in records],
                "task": [r.task for r in records],
                "k": [r.k for r in records],
                **{key: [float(r.parameter.get(key, float("nan"))) for r in records] for key in self.keys},
                **{s: [_num(r.stats.get(s)) for r in records] for s in self.stats},
                "distance": [r.distance for r in records],
                "accepted": [bool(r.accepted and not r.error) for r in records],
                "error": pd.Series([r.error for r in records], dtype=object),
            }
        )
        self.con.register("task_rows", rows)
        self.con.execute("INSERT OR REPLACE INTO proposals SELECT * FROM task_rows")
        self.con.unregister("task_rows")

    def fill_generations(self, history) -> int:
        """Add the generations pyabc's history holds and the store lacks (a kill between the two writes).

        Their seconds are unknown (NULL). Returns how many rows were added.
        """
        if history is None:
            return 0
        pops = history.get_all_populations()
        have = {r[0] for r in self.con.execute("SELECT generation FROM generations").fetchall()}
        missing = pops[(pops["t"] >= 0) & ~pops["t"].isin(have)]
        for _, row in missing.iterrows():
            self.con.execute(
                "INSERT INTO generations VALUES (?, ?, ?, ?, NULL)",
                [int(row["t"]), float(row["epsilon"]), int(row["samples"]), self.cal.particles],
            )
        return len(missing)

    def add_generation(self, g: Generation) -> None:
        """Record a finished generation."""
        self.con.execute(
            "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?, ?)",
            [g.t, g.epsilon, g.simulations, g.accepted, g.seconds],
        )

    def set_posterior(self, posterior: pd.DataFrame) -> None:
        """Replace the posterior table."""
        self.con.execute("DELETE FROM posterior")
        self.con.register("post_rows", posterior[["particle", "weight", *self.keys, *self.stats]])
        self.con.execute("INSERT INTO posterior SELECT * FROM post_rows")
        self.con.unregister("post_rows")

    def table(self, name: str) -> pd.DataFrame:
        """A whole table as a DataFrame."""
        order = {"proposals": " ORDER BY generation, task, k", "generations": " ORDER BY generation"}.get(name, "")
        return self.con.execute(f"SELECT * FROM {name}{order}").fetchdf()

    def export(self, directory: Path) -> list[Path]:
        """Write the posterior and the proposals as Parquet files (DuckDB's COPY, no pyarrow needed)."""
        out = []
        for name in ("posterior", "proposals", "generations"):
            target = directory / f"{name}.parquet"
            self.con.execute(
                f"COPY (SELECT * FROM {name}) TO '{str(target).replace(chr(39), chr(39) * 2)}' (FORMAT PARQUET)"
            )
            out.append(target)
        return out

    def close(self) -> None:
        """Checkpoint and close the file."""
        try:
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()


def _open_problem(path: Path, err: BaseException) -> str:
    """One line for a store DuckDB cannot open: held by a running calibration, or damaged."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if "lock" in text.lower():
        return f"{path}: another process is writing this store (a running calibration); allowed: one at a time"
    return _damaged(path, err)


def _damaged(path: Path, err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return (
        f"{path}: not a readable calibration store ({text}); allowed: a store written by cpsim calibrate "
        "(move a damaged one away to start afresh)"
    )


def _num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")
