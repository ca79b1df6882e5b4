"""The ledger's cell sums and booked hours are, to the bit, the numpy path's bincounts and fancy-indexed adds."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.kernels.ledger import book_hours, cell_sums
from cpsim.kernels.numpy_path import ledger as numpy_path
from cpsim.metrics import residents_by_cell


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def cell_order(beat: np.ndarray, group: np.ndarray, n_beats: int, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    return residents_by_cell(beat.astype(np.int64) * n_groups + group, n_beats * n_groups)


def residents(*beats_and_groups: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    beat, group = zip(*beats_and_groups, strict=True) if beats_and_groups else ((), ())
    return np.array(beat, np.int32), np.array(group, np.int8)


@pytest.mark.parametrize("walk", [False, True])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_fields", [4, 1, 6, 8])
def test_cell_sums_are_bincounts(seed, n_fields, walk):
    rng = np.random.default_rng(seed)
    n, n_beats, n_groups = int(rng.integers(1, 3000)), int(rng.integers(1, 12)), int(rng.integers(1, 5))
    # Residents sorted by beat and shuffled (they are often stored by place), values across
    # magnitudes and signs (so the order of additions shows in the last bits), some cells empty.
    beat = rng.integers(0, n_beats, n).astype(np.int32)
    group = rng.integers(0, n_groups, n).astype(np.int8)
    if seed % 2:
        beat.sort()
    fields = tuple(rng.standard_normal(n) * rng.choice([1e-8, 1.0, 1e8], n) for _ in range(n_fields))
    events = tuple(rng.integers(0, n, int(rng.integers(0, 50))) for _ in range(5))
    by_cell = cell_order(beat, group, n_beats, n_groups) if walk else None  # (cell by cell, in blocks)
    got = cell_sums(beat, group, n_beats, n_groups, fields, events, by_cell)
    assert same_bits(got, numpy_path.cell_sums(beat, group, n_beats, n_groups, fields, events, by_cell))


def test_no_residents_and_no_events():
    beat, group = residents()
    empty = np.empty(0, np.int64)
    got = cell_sums(beat, group, 3, 1, (np.empty(0),) * 4, (empty,) * 5)
    assert same_bits(got, np.zeros((9, 3)))


def test_sums_start_at_zero_as_bincount_does():
    # 0.0 + -0.0 is 0.0: an empty start would keep the sign of a lone -0.0.
    beat, group = residents((0, 0), (0, 1))
    got = cell_sums(beat, group, 1, 2, (np.array([-0.0, 2.5]),), ())
    assert same_bits(got, np.array([[0.0, 2.5]]))


def test_bad_input_is_refused():
    beat, group = residents((0, 0), (1, 0), (2, 1))
    with pytest.raises(ValueError, match="field 0 has 2 values for 3 residents"):
        cell_sums(beat, group, 3, 2, (np.zeros(2),), ())
    with pytest.raises(ValueError, match=r"beat 2 of resident 2 is outside 0\.\.1"):
        cell_sums(beat, group, 2, 2, (np.zeros(3),), ())
    with pytest.raises(ValueError, match=r"group 1 of resident 2 is outside 0\.\.0"):
        cell_sums(beat, group, 3, 1, (np.zeros(3),), ())
    with pytest.raises(ValueError, match=r"group must have 3 values, not 2"):
        cell_sums(beat, group[:2], 3, 2, (), ())
    with pytest.raises(ValueError, match=r"event kind 1 names resident 3, not one of 0\.\.2"):
        cell_sums(beat, group, 3, 2, (), (np.array([0]), np.array([3])))
    with pytest.raises(ValueError, match=r"event kind 0 names resident -1"):
        cell_sums(beat, group, 3, 2, (), (np.array([-1]),))


def test_the_walk_by_cell_refuses_what_is_not_residents_by_cell():
    beat, group = residents((0, 0), (1, 0), (2, 1))
    order, start = cell_order(beat, group, 3, 2)
    field = (np.zeros(3),) * 4
    with pytest.raises(ValueError, match=r"resident 2's cell \(beat 2, group 1\) is outside 2 x 2"):
        cell_sums(beat, group, 2, 2, (), (np.array([0, 2]),), (order, np.array([0, 1, 1, 2, 3])))
    # A field beyond the walk's fours goes the one pass, which reads every resident's cell.
    with pytest.raises(ValueError, match=r"beat 2 of resident 2 is outside 0\.\.1"):
        cell_sums(beat, group, 2, 2, (np.zeros(3),) * 5, (), (order, np.array([0, 1, 1, 2, 3])))
    for bad in (3, -1, 600):  # past the last block too
        with pytest.raises(ValueError, match=rf"order names resident {bad}, not one of 0\.\.2"):
            cell_sums(beat, group, 3, 2, field, (), (np.array([0, 1, bad], np.int32), start))
    with pytest.raises(ValueError, match=r"start must run from 0 to the 3 residents, not from 0 to 2"):
        cell_sums(beat, group, 3, 2, field, (), (order, np.array([0, 1, 1, 1, 2, 2, 2])))
    with pytest.raises(ValueError, match=r"start falls at cell 1"):
        cell_sums(beat, group, 3, 2, field, (), (order, np.array([0, 2, 1, 1, 2, 3, 3])))
    with pytest.raises(ValueError, match=r"order must have 3 values, not 2"):
        cell_sums(beat, group, 3, 2, field, (), (order[:2], start))
    with pytest.raises(TypeError, match="order must be int32, not float64"):
        cell_sums(beat, group, 3, 2, field, (), (order.astype(float), start))
    with pytest.raises(TypeError, match="start must be int64, not int32"):
        cell_sums(beat, group, 3, 2, field, (), (order, start.astype(np.int32)))
    with pytest.raises(ValueError, match=r"by_cell must be \(order, start\)"):
        cell_sums(beat, group, 3, 2, field, (), (order,))


def test_the_walk_is_the_residents_by_cell_each_cells_in_order():
    beat, group = residents((1, 0), (0, 1), (1, 0), (0, 0), (1, 1))
    order, start = cell_order(beat, group, 2, 2)
    assert order.tolist() == [3, 1, 0, 2, 4] and start.tolist() == [0, 1, 2, 4, 5]
    assert order.dtype == np.int32 and start.dtype == np.int64


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
        numpy_path.book_hours(want, working, beat, per_beat, on_duty)
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
    beat, group = residents((0, 0), (1, 0), (1, 0))
    with pytest.raises(TypeError, match="field 1 must be float64, not float32"):
        cell_sums(beat, group, 2, 1, (np.zeros(3), np.zeros(3, np.float32)), ())
    with pytest.raises(TypeError, match="event kind 0 must be int64, not int32"):
        cell_sums(beat, group, 2, 1, (), (np.array([0], np.int32),))
    with pytest.raises(TypeError, match="beat must be int32, not float64"):
        cell_sums(beat.astype(float), group, 2, 1, (), ())
    with pytest.raises(TypeError, match="group must be int8, not int64"):
        cell_sums(beat, group.astype(np.int64), 2, 1, (), ())
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
    numpy_path.book_hours(want, working, beat, per_beat, on_duty)
    assert same_bits(got, want) and same_bits(view[::2], want)
    assert same_bits(view[1::2], start[1::2])  # the rows in between untouched
