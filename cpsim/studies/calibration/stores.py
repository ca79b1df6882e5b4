"""What every calibration store holds first: the ``calibration`` table, one row naming the fit.

ABC-SMC's store (posterior_store.py) and history matching's (history_matching.py) both begin
with it; a store is reopened only by the calibration whose fingerprint its row holds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cpsim import __version__
from cpsim.studies.calibration.spec import Calibration


def create_calibration_table(con, cal: Calibration, spec: dict) -> None:
    """Create the ``calibration`` table and write its row (inside the caller's transaction).

    Args:
        con: The store's DuckDB connection.
        cal: The calibration.
        spec: The calibration's settings as JSON-able values (the method's own).
    """
    con.execute(
        "CREATE TABLE calibration (name VARCHAR, file VARCHAR, fingerprint VARCHAR, spec JSON, created TIMESTAMP, "
        "cpsim VARCHAR)"
    )
    con.execute(
        "INSERT INTO calibration VALUES (?, ?, ?, ?, ?, ?)",
        [cal.name, str(cal.path), cal.fingerprint(), json.dumps(spec, default=str),
         datetime.now(UTC).replace(tzinfo=None), __version__],
    )  # fmt: skip
