"""The stream bank (cpsim/streams.py): numpy's own derivation, and only declared names.

Every stream must be exactly ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))`` with
the documented key, so runs stay bit-identical and scenarios share their random numbers;
a name nobody declared (a typo) must fail instead of drawing from a new stream.
"""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.model import CommunityModel
from cpsim.programs import program_names
from cpsim.scenario import Scenario, apply_overrides
from cpsim.streams import BLOCK_DAYS, DAY_STREAMS, RUN_STREAMS, StreamBank, UndeclaredStream, name_key

SEEDS = [0, 1, 7, 2**32 - 1, 2**32, 2**63 - 1, 2**130 + 5]  # 1, 2 and 5 words of entropy
DAYS = [0, 1, BLOCK_DAYS - 1, BLOCK_DAYS, 365, 2**32 - 1]  # both sides of a block edge


def numpy_words(seed: int, *key: int) -> np.ndarray:
    return np.random.SeedSequence(seed, spawn_key=key).generate_state(4, np.uint64)


@pytest.mark.parametrize("seed", SEEDS)
def test_day_and_program_streams_are_numpys_seed_sequence_derivation(seed):
    bank = StreamBank(seed, programs=["watch", "liaison"])
    for day in DAYS:
        words = bank._seeds.words(day)
        for name in DAY_STREAMS:
            assert np.array_equal(words[bank._day_rows[name]], numpy_words(seed, name_key(name), day)), (day, name)
        for name, row in bank._program_rows.items():
            assert np.array_equal(words[row], numpy_words(seed, name_key("programs"), name_key(name), day))
    clock = iter([3, 3, 4])
    stream = bank.program("watch", lambda: next(clock))
    drawn = [stream.random(4), stream.integers(0, 10**9, 3), stream.random(2)]  # days 3, 3, 4
    ref3 = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(name_key("programs"), name_key("watch"), 3)))
    ref4 = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(name_key("programs"), name_key("watch"), 4)))
    assert np.array_equal(drawn[0], ref3.random(4)) and np.array_equal(drawn[1], ref3.integers(0, 10**9, 3))
    assert np.array_equal(drawn[2], ref4.random(2))
    ref = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(name_key("crime"), 400)))
    assert np.array_equal(bank.day(400)["crime"].poisson(3.0, 50), ref.poisson(3.0, 50))
    ref = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(name_key("graph"),)))
    assert np.array_equal(bank["graph"].random(5), ref.random(5))


def test_a_stream_is_made_once_per_run_or_day():
    bank = StreamBank(3)
    assert bank["custody"] is bank["custody"]
    today = bank.day(9)
    assert today["crime"] is today["crime"] and today["crime"] is not bank.day(9)["crime"]
    assert sorted(today) == sorted(DAY_STREAMS) and sorted(bank) == sorted(RUN_STREAMS)


def test_a_typo_in_a_stream_name_raises():
    bank = StreamBank(3, programs=program_names())
    with pytest.raises(UndeclaredStream, match=r"no day stream named 'crmie'; declared: duty, crime, "):
        bank.day(1)["crmie"]
    with pytest.raises(KeyError, match=r"no run stream named 'populaton'; declared: population, graph"):
        bank["populaton"]
    with pytest.raises(UndeclaredStream, match=r"no program stream named 'wach'; declared \(cpsim.programs.REGISTRY\)"):
        bank.program("wach", lambda: 1)
    model = CommunityModel(apply_overrides(Scenario(), {"population.residents": 300, "population.beats": 1}), seed=1)
    with pytest.raises(UndeclaredStream, match="no program stream named 'vandal'"):
        model.surface.program_stream("vandal")  # a program outside the registry declares no stream
    assert {"watch", "liaison", "trial"} <= set(model.streams._program_rows)


def test_reused_day_streams_draw_what_fresh_ones_draw():
    # The model's day loop restarts one Generator per stream in place (cpsim.kernels.pcg).
    fresh, kept = StreamBank(11, programs=["watch"]), StreamBank(11, programs=["watch"])
    for day in (0, 1, 2, BLOCK_DAYS, BLOCK_DAYS + 1):
        a, b = fresh.day(day), kept.day(day, reuse=True)
        for name in ("crime", "quality", "survey"):
            assert np.array_equal(a[name].random(5), b[name].random(5)), (day, name)
            assert a[name].bit_generator.state == b[name].bit_generator.state
    old = kept.day(7, reuse=True)
    old["crime"]
    kept.day(8, reuse=True)
    with pytest.raises(RuntimeError, match="day 7's streams were restarted for a later day"):
        old["crime"]
    with pytest.raises(UndeclaredStream, match="no day stream named 'crimes'"):
        kept.day(9, reuse=True)["crimes"]
