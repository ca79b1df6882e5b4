"""cpsim/mechanisms/reporting.py: who reports a crime (F3, F5)."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.mechanisms import reporting
from cpsim.scenario import Scenario

S = Scenario()


def test_reporting_rises_with_legitimacy_and_matches_share_at_reference():
    rep = S.reporting
    p = reporting.report_probability(np.array([0.2, rep.reference_legitimacy, 0.8]), rep.violent_share, rep)
    assert p[0] < p[1] < p[2]
    assert p[1] == pytest.approx(rep.violent_share)
