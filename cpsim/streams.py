"""Every random stream of a run, by declared name: run streams, day streams, program streams.

Each stream is ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))`` with a key built
from names, never from positions, so two scenarios run with the same seed share every
stream they both use (common random numbers):

- a run stream (building the world, custody at the start, the field trial):
  ``(crc32(name),)``, one Generator for the whole run;
- a day stream (one per mechanism, fresh each day): ``(crc32(name), day)``. A mechanism
  that draws more numbers one day in one scenario (more stops, more calls) would
  otherwise push every later draw out of step; re-keying by day keeps the scenarios
  coupled from the next day on;
- a program stream (fresh each day, like the core's): ``(crc32("programs"),
  crc32(program), day)``, so switching one program on leaves every other draw unchanged.

Names are declared here (run and day streams) or by the programs' registry (program
streams); asking for any other name raises ``UndeclaredStream``, so a typo fails at once
instead of silently drawing from a new stream.

Day and program streams are seeded without building a ``SeedSequence`` per stream and
day: the entropy pool after the run seed and a stream's name words is numpy's own
(``SeedSequence(seed, spawn_key=name_words).pool``, once per run), and only the day word
is mixed in, for a block of days and every declared stream at once, by the same
arithmetic numpy's ``SeedSequence`` uses (O'Neill's seed_seq_fe; tests check every word
against numpy's). The resulting PCG64 seed words are handed to ``PCG64`` through numpy's
``ISeedSequence`` interface, so every draw is the one numpy's own derivation gives.

The model's own day streams (``bank.day(d, reuse=True)``) and program streams keep one
Generator per stream for the run and restart its PCG64 at each day's words in place
(cpsim.kernels.pcg: the state a fresh PCG64 gets, checked against numpy at import),
instead of building nine new generators a day; a reused day's streams are closed when the
next day's are made.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np

from cpsim.kernels import pcg

RUN_STREAMS = (
    "population",
    "graph",
    "officers",
    "custody",
    "trial",
    "waves",
    "news_history",
    "incident_history",
    "national_incidents",
)
DAY_STREAMS = (
    "duty",
    "crime",
    "reporting",
    "watch",
    "response",
    "quality",
    "crisis",
    "patrol",
    "enforcement",
    "complaints",
    "national",
    "survey",
    "incidents",
    "headlines",
    "waves",
)
PROGRAMS = "programs"  # first key word of every program stream

BLOCK_DAYS = 64  # days of seeds mixed at once (a few kB per block)

# numpy's SeedSequence constants (numpy/random/bit_generator.pyx, after seed_seq_fe).
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4  # SeedSequence's default pool size, in 32-bit words
_WORDS = 8  # PCG64 asks for 4 uint64 words: 8 uint32 words


class UndeclaredStream(KeyError):
    """A stream name that was never declared (most likely a typo)."""

    def __str__(self) -> str:
        return str(self.args[0])


def name_key(name: str) -> int:
    """The key word of a stream name: crc32 of its UTF-8 bytes."""
    return zlib.crc32(name.encode())


def _u32_words(n: int) -> int:
    """Number of 32-bit words numpy's SeedSequence makes of a non-negative integer."""
    return max(1, (int(n).bit_length() + 31) // 32)


def _powers(init: int, mult: int, count: int) -> np.ndarray:
    """``init * mult**k mod 2**32`` for k = 0..count-1: the running hash constants."""
    out = np.empty(count, np.uint64)
    value = init
    for k in range(count):
        out[k] = value
        value = (value * mult) & 0xFFFFFFFF
    return out.astype(np.uint32)


def _fold(x: np.ndarray) -> np.ndarray:
    return x ^ (x >> np.uint32(16))


def _mix_word(pool: np.ndarray, word: np.ndarray, xor: np.ndarray, mul: np.ndarray) -> np.ndarray:
    """Mix one more entropy word into each pool word (SeedSequence.mix_entropy, last phase)."""
    return _fold(np.uint32(_MIX_L) * pool - np.uint32(_MIX_R) * _fold((word ^ xor) * mul))


class _DaySeeds:
    """PCG64 seed words of declared streams, day by day, mixed a block of days at a time.

    Each row is a stream whose key is ``(*prefix, day)``; ``words(day)`` gives, for every
    row, the 4 uint64 words ``SeedSequence(seed, spawn_key=(*prefix, day)).generate_state(4,
    np.uint64)`` returns.
    """

    def __init__(self, seed: int, prefixes: list[tuple[int, ...]]) -> None:
        # The pool after the seed words is SeedSequence(seed)'s: a short seed is padded with
        # zeros before a spawn key, which is what filling the pool does without one. Hash
        # constants used by then: 4 filling the pool, 12 mixing it, 4 per seed word beyond it.
        done = 16 + _POOL * (max(_POOL, _u32_words(seed)) - _POOL)
        width = max(len(p) for p in prefixes) + 1
        a = _powers(_INIT_A, _MULT_A, done + _POOL * width + 1)
        at = done + _POOL * np.arange(width)[:, None] + np.arange(_POOL)  # (word, pool word)
        self.xor_a, self.mul_a = a[at], a[at + 1]
        pools = np.tile(np.random.SeedSequence(seed).pool, (len(prefixes), 1))
        for length in {len(p) for p in prefixes}:
            rows = [k for k, p in enumerate(prefixes) if len(p) == length]
            keys = np.array([prefixes[k] for k in rows], np.uint32).reshape(len(rows), length)
            for j in range(length):
                pools[rows] = _mix_word(pools[rows], keys[:, j, None], self.xor_a[j], self.mul_a[j])
        self.pools, self.day_word = pools, np.array([len(p) for p in prefixes])  # the day is word len(prefix)
        b = _powers(_INIT_B, _MULT_B, _WORDS + 1)
        self.xor_b, self.mul_b = b[:_WORDS], b[1:]
        self.first, self.block = -1, np.empty((0, len(prefixes), 4), np.uint64)

    def words(self, day: int) -> np.ndarray:
        """Seed words of every row for one day: (rows, 4) uint64."""
        if not 0 <= day - self.first < len(self.block):
            self.first = day - day % BLOCK_DAYS
            self.block = self._mix(np.arange(self.first, self.first + BLOCK_DAYS))
        return self.block[day - self.first]

    def _mix(self, days: np.ndarray) -> np.ndarray:
        if days.min() < 0 or days.max() > 0xFFFFFFFF:
            raise ValueError(f"day streams are keyed by days 0..2**32-1, not {days.min()}..{days.max()}")
        d = days.astype(np.uint32)[:, None, None]  # (days, 1, 1)
        pool = _mix_word(self.pools, d, self.xor_a[self.day_word], self.mul_a[self.day_word])  # (days, rows, 4)
        # SeedSequence.generate_state(4, np.uint64): 8 uint32 words cycling over the pool.
        state = _fold((np.tile(pool, 2) ^ self.xor_b) * self.mul_b)
        lo, hi = state[..., 0::2].astype(np.uint64), state[..., 1::2].astype(np.uint64)
        return lo | (hi << np.uint64(32))


def _generator(block: np.ndarray, row: int) -> np.random.Generator:
    """A fresh Generator on the PCG64 seeded with row ``row`` of a day's seed words."""
    return np.random.Generator(np.random.PCG64(pcg.SeedWords(block, row)))


def _restarts_as_numpy() -> bool:
    """Whether restarting a PCG64 in place (cpsim.kernels.pcg) gives the state numpy's own seeding gives."""
    block = np.array([[1, 2, 3, 4], [2**64 - 1, 0, 2**63, 12345], [7, 2**64 - 2, 0, 2**64 - 1]], np.uint64)
    kept = [_generator(block, 0) for _ in range(3)]
    try:
        pcg.restart(kept, block, [2, 1, 0])
    except RuntimeError:  # (a compiler without 128-bit integers)
        return False
    return all(
        g.bit_generator.state == _generator(block, row).bit_generator.state
        for g, row in zip(kept, [2, 1, 0], strict=True)
    )


RESTART = _restarts_as_numpy()  # else every day stream is a fresh Generator, as numpy's seeding makes it


class DayStreams(Mapping):
    """One day's mechanism streams: created on first use (a day touches only some), or restarted.

    A DayStreams made with ``kept`` generators (``StreamBank.day(d, reuse=True)``) restarts
    all of them at the day's words at once, in one compiled pass, instead of making fresh ones.
    """

    def __init__(self, bank: StreamBank, day: int, kept: dict[str, np.random.Generator] | None = None) -> None:
        """Streams of ``bank`` for ``day``; ``kept``: one Generator per declared stream, restarted here."""
        self.day = day
        self._rows, self._words = bank._day_rows, bank._seeds.words(day)
        self._made: dict[str, np.random.Generator] = {}
        self.closed = False
        if kept is not None:
            if kept:  # (made in the rows' order on the first day: its values are the rows' generators)
                pcg.restart(list(kept.values()), self._words, bank._day_row_list)
            else:  # the first day: one fresh Generator per declared stream, kept for the run
                kept.update((name, _generator(self._words, row)) for name, row in self._rows.items())
            # Shared, not copied: it holds every declared stream, so nothing is ever added to it,
            # and close() lets go of it.
            self._made = kept

    def __getitem__(self, name: str) -> np.random.Generator:
        rng = self._made.get(name)
        if rng is None:
            row = self._rows.get(name)
            if row is None:
                raise UndeclaredStream(f"no day stream named {name!r}; declared: {', '.join(DAY_STREAMS)}")
            if self.closed:
                raise RuntimeError(f"day {self.day}'s streams were restarted for a later day (reuse=True)")
            rng = self._made[name] = _generator(self._words, row)
        return rng

    def close(self) -> None:
        """Hand the kept generators on to a later day: this day's streams can no longer be asked for."""
        self.closed, self._made = True, {}

    def __iter__(self) -> Iterator[str]:
        return iter(DAY_STREAMS)

    def __len__(self) -> int:
        return len(DAY_STREAMS)


class ProgramStream:
    """A program's random stream: use it like a Generator (``stream.random(n)``).

    It draws from the program's generator of the day ``clock()`` returns, switching when
    the day changes.
    """

    def __init__(self, bank: StreamBank, name: str, clock: Callable[[], int]) -> None:
        """Bind the stream to a bank, a declared program name and the model's day."""
        if name not in bank._program_rows:
            raise UndeclaredStream(
                f"no program stream named {name!r}; declared (cpsim.programs.REGISTRY): {', '.join(bank._program_rows)}"
            )
        self._bank, self._row, self._clock = bank, bank._program_rows[name], clock
        self._day, self._rng = -1, None

    def __getattr__(self, attr: str):
        day = self._clock()
        if day != self._day:  # the program's one Generator, restarted at the new day's words
            words = self._bank._seeds.words(day)
            if self._rng is None or not RESTART:
                self._rng = _generator(words, self._row)
            else:
                pcg.restart([self._rng], words, [self._row])
            self._day = day
        return getattr(self._rng, attr)


class StreamBank(Mapping):
    """Every random stream of one run: a mapping of the run streams, and the day's streams.

    ``bank["population"]`` is a run stream, ``bank.day(d)["crime"]`` a day stream and
    ``bank.program("watch", clock)`` a program stream; undeclared names raise
    ``UndeclaredStream``.
    """

    def __init__(self, seed: int, programs: Iterable[str] = ()) -> None:
        """Streams of the run seed ``seed``, with these program names declared."""
        self.seed = int(seed)
        self._run: dict[str, np.random.Generator] = {}
        self._day_rows = {name: k for k, name in enumerate(DAY_STREAMS)}
        self._day_row_list = list(self._day_rows.values())  # (restarting the kept generators, daily)
        self._program_rows = {name: len(DAY_STREAMS) + k for k, name in enumerate(dict.fromkeys(programs))}
        prefixes = [(name_key(n),) for n in DAY_STREAMS]
        prefixes += [(name_key(PROGRAMS), name_key(n)) for n in self._program_rows]
        self._seeds = _DaySeeds(self.seed, prefixes)
        self._kept: dict[str, np.random.Generator] = {}  # the day streams' generators, restarted each day
        self._reused: DayStreams | None = None

    def __getitem__(self, name: str) -> np.random.Generator:
        rng = self._run.get(name)
        if rng is None:
            if name not in RUN_STREAMS:
                raise UndeclaredStream(f"no run stream named {name!r}; declared: {', '.join(RUN_STREAMS)}")
            seq = np.random.SeedSequence(self.seed, spawn_key=(name_key(name),))
            rng = self._run[name] = np.random.default_rng(seq)
        return rng

    def __iter__(self) -> Iterator[str]:
        return iter(RUN_STREAMS)

    def __len__(self) -> int:
        return len(RUN_STREAMS)

    def day(self, day: int, *, reuse: bool = False) -> DayStreams:
        """The mechanism streams of one day.

        Args:
            day: The day.
            reuse: Restart the bank's kept generators at this day's words instead of making
                fresh ones (the same draws, about 4 µs less per stream): the model's day loop.
                The previous reused day's streams are closed; a generator taken from them
                draws the new day's numbers from then on, so keep none past its day.

        """
        if not reuse or not RESTART:
            return DayStreams(self, day)
        if self._reused is not None:
            self._reused.close()
        self._reused = DayStreams(self, day, self._kept)
        return self._reused

    def program(self, name: str, clock: Callable[[], int]) -> ProgramStream:
        """The stream of program ``name``, following the day ``clock()`` returns."""
        return ProgramStream(self, name, clock)


def make_streams(seed: int) -> StreamBank:
    """The stream bank of a run seed (no program streams declared)."""
    return StreamBank(seed)


__all__ = [
    "DAY_STREAMS",
    "RUN_STREAMS",
    "DayStreams",
    "ProgramStream",
    "StreamBank",
    "UndeclaredStream",
    "make_streams",
    "name_key",
]
