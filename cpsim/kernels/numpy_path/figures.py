"""The day's figures: the sums, counts and means cpsim.metrics.day_figures reports (numpy)."""

from __future__ import annotations

import numpy as np

NUMPY_FROM = 0  # (the compiled path hands rows from this long to numpy's sum; here every row is numpy's)


def means(rows):
    """``float(np.add.reduce(x) / x.size)`` of each row (NaN for an empty row)."""
    return [float(np.add.reduce(x) / x.size) if x.size else float("nan") for x in rows]


def totals(rows):
    """``float(np.add.reduce(x))`` of each row."""
    return [float(np.add.reduce(x)) for x in rows]


def counts(rows):
    """``np.count_nonzero(x)`` of each row of flags."""
    return [int(np.count_nonzero(x)) for x in rows]


def both(first, second):
    """How many of two flag rows of one length are both set."""
    return int(np.count_nonzero(first & second))


def signs(selected, values):
    """Values above and below zero among the selected."""
    picked = values[selected]
    return int(np.count_nonzero(picked > 0)), int(np.count_nonzero(picked < 0))


def selected_total(values, kind, lookup):
    """The sum of the values whose kind the lookup marks."""
    return float(values[lookup[kind]].sum())


def margins(sums, n_beats, n_groups):
    """The day's cell sums by group and by beat (figures x groups, figures x beats)."""
    cells = sums.reshape(-1, n_beats, n_groups)
    return cells.sum(axis=1), cells.sum(axis=2)
