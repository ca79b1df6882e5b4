"""The ledger's cell sums are, to the bit, the bincounts GroupTables made with numpy."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels.ledger import book_hours, cell_sums


def cell_sums_numpy(cell: np.ndarray, n_cells: int, fields, events) -> np.ndarray:
    """The numpy code the ledger replaced: a bincount per field, one for every event kind at once."""
    sums = np.empty((len(fields) + len(events), n_cells))
    for k, field in enumerate(fields):
        sums[k] = np.bincount(cell, weights=field, minlength=n_cells)
    offsets = np.arange(len(events)) * n_cells
    keys = cell[np.concatenate(events)] + np.repeat(offsets, [part.size for part in events])
    sums[len(fields) :] = np.bincount(keys, minlength=len(events) * n_cells).reshape(len(events), -1)
    return sums


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_fields", [4, 1, 6])
def test_cell_sums_are_bincounts(seed, n_fields):
    rng = np.random.default_rng(seed)
    n, n_cells = int(rng.integers(1, 3000)), int(rng.integers(1, 40))
    # Sorted and shuffled cells (residents are often stored by place), values across magnitudes
    # and signs (so the order of additions shows in the last bits), some cells left empty.
    cell = rng.integers(0, n_cells, n)
    if seed % 2:
        cell.sort()
    fields = tuple(rng.standard_normal(n) * rng.choice([1e-8, 1.0, 1e8], n) for _ in range(n_fields))
    events = tuple(rng.integers(0, n, int(rng.integers(0, 50))) for _ in range(5))
    assert same_bits(cell_sums(cell, n_cells, fields, events), cell_sums_numpy(cell, n_cells, fields, events))


def test_no_residents_and_no_events():
    empty = np.empty(0, np.int64)
    got = cell_sums(empty, 3, (np.empty(0),) * 4, (empty,) * 5)
    assert same_bits(got, np.zeros((9, 3)))


def test_sums_start_at_zero_as_bincount_does():
    # 0.0 + -0.0 is 0.0: an empty start would keep the sign of a lone -0.0.
    got = cell_sums(np.array([0, 1]), 2, (np.array([-0.0, 2.5]),), ())
    assert same_bits(got, np.array([[0.0, 2.5]]))


def test_bad_input_is_refused():
    cell = np.array([0, 1, 2])
    with pytest.raises(ValueError, match="field 0 has 2 values for 3 residents"):
        cell_sums(cell, 3, (np.zeros(2),), ())
    with pytest.raises(ValueError, match=r"cell 2 of resident 2 is outside 0\.\.1"):
        cell_sums(cell, 2, (np.zeros(3),), ())
    with pytest.raises(ValueError, match=r"event kind 1 names resident 3, not one of 0\.\.2"):
        cell_sums(cell, 3, (), (np.array([0]), np.array([3])))
    with pytest.raises(ValueError, match=r"event kind 0 names resident -1"):
        cell_sums(cell, 3, (), (np.array([-1]),))


def book_hours_numpy(booked, working, beat, per_beat, on_duty) -> None:
    """The numpy code the kernel replaced (CommunityModel._book_hours)."""
    who = np.flatnonzero(working & (beat >= 0))
    b = beat[who]
    booked[:, who] += np.array(per_beat)[:, b] * (1.0 / np.maximum(on_duty[b], 1))


@pytest.mark.parametrize("seed", range(8))
def test_book_hours_is_each_officers_share(seed):
    rng = np.random.default_rng(60 + seed)
    n, n_beats, rows = int(rng.integers(0, 60)), int(rng.integers(1, 10)), 6
    beat = rng.integers(-1, n_beats, n).astype(np.int32)  # -1: no beat (never booked)
    working = rng.random(n) < 0.6
    on_duty = np.bincount(beat[working & (beat >= 0)], minlength=n_beats).astype(float)
    on_duty[0] = 0.0  # a beat nobody works: divided by 1
    per_beat = tuple(rng.random(n_beats) * rng.choice([0.0, 1.0, 37.0], n_beats) for _ in range(rows))
    start = rng.random((rows, n)) * 100
    got, want = start.copy(), start.copy()
    for _day in range(2):  # hours accumulate day after day
        book_hours(got, working.view(np.uint8), beat, per_beat, on_duty)
        book_hours_numpy(want, working, beat, per_beat, on_duty)
    assert same_bits(got, want)


def test_book_hours_refuses_bad_input():
    booked, working = np.zeros((2, 3)), np.ones(3, np.uint8)
    beat, rows = np.array([0, 1, -1], np.int32), (np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="booked is 2 x 3"):
        book_hours(booked, working, beat, rows[:1], np.ones(2))
    with pytest.raises(ValueError, match=r"officer 1's beat 1 is outside 0\.\.0"):
        book_hours(booked, working, beat, (np.zeros(1), np.zeros(1)), np.ones(1))
    with pytest.raises(ValueError, match="per_beat row 1 has 3 beats, not 2"):
        book_hours(booked, working, beat, (np.zeros(2), np.zeros(3)), np.ones(2))


def test_wrong_dtypes_and_read_only_arrays_are_refused_in_one_line():
    cell = np.array([0, 1, 1])
    with pytest.raises(TypeError, match="field 1 must be float64, not float32"):
        cell_sums(cell, 2, (np.zeros(3), np.zeros(3, np.float32)), ())
    with pytest.raises(TypeError, match="event kind 0 must be int64, not int32"):
        cell_sums(cell, 2, (), (np.array([0], np.int32),))
    with pytest.raises(TypeError, match="cell must be int64, not float64"):
        cell_sums(cell.astype(float), 2, (), ())
    beat, rows = np.array([0, 0, -1], np.int32), (np.ones(1), np.ones(1))
    frozen = np.zeros((2, 3))
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="booked is read-only"):
        book_hours(frozen, np.ones(3, bool), beat, rows, np.ones(1))
    with pytest.raises(TypeError, match="booked must be float64, not int64"):
        book_hours(np.zeros((2, 3), np.int64), np.ones(3, bool), beat, rows, np.ones(1))
    with pytest.raises(TypeError, match="working must be bool, not int64"):
        book_hours(np.zeros((2, 3)), np.ones(3, np.int64), beat, rows, np.ones(1))
    with pytest.raises(TypeError, match="per_beat row 1 must be float64, not int64"):
        book_hours(np.zeros((2, 3)), np.ones(3, bool), beat, (np.ones(1), np.ones(1, np.int64)), np.ones(1))


def test_book_hours_takes_bool_as_its_uint8_view_and_rows_a_step_apart():
    rng = np.random.default_rng(5)
    beat, working = np.array([0, 1, -1, 1], np.int32), np.array([True, True, True, False])
    per_beat, on_duty = (rng.random(2), rng.random(2)), np.array([1.0, 2.0])
    start = rng.random((4, 4)) * 10
    got, view, want = start[:2].copy(), start.copy(), start[:2].copy()
    view[::2] = start[:2]
    book_hours(got, working, beat, per_beat, on_duty)
    book_hours(view[::2], working.view(np.uint8), beat, per_beat, on_duty)  # rows 0 and 2 of view
    book_hours_numpy(want, working, beat, per_beat, on_duty)
    assert same_bits(got, want) and same_bits(view[::2], want)
    assert same_bits(view[1::2], start[1::2])  # the rows in between untouched
