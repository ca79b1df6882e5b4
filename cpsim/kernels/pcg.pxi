# A part of cpsim/kernels/compiled.pyx; what it compiles, and its names: cpsim/kernels/pcg.py.

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.stdint cimport uint64_t

cimport numpy as cnp
from numpy.random cimport bitgen_t
from numpy.random.bit_generator cimport BitGenerator

import numpy as np
from numpy.random.bit_generator import ISeedSequence

cnp.import_array()

cdef extern from *:
    """
    #include <stdint.h>
    /* numpy's PCG64 state (numpy/random/src/pcg64/pcg64.h) where the compiler has 128-bit
       integers, which is where numpy uses them too; elsewhere restart() reports it cannot. */
    #if defined(__SIZEOF_INT128__)
    #define CPSIM_PCG128 1
    typedef struct { __uint128_t state; __uint128_t inc; } cpsim_pcg64_random_t;
    typedef struct { cpsim_pcg64_random_t *pcg_state; int has_uint32; uint32_t uinteger; } cpsim_pcg64_state;

    /* pcg64_set_seed: state 0, inc (initseq << 1) | 1, a step, add initstate, a step. */
    static int cpsim_pcg64_seed(void *st, const uint64_t *w) {
        cpsim_pcg64_state *s = (cpsim_pcg64_state *) st;
        const __uint128_t mult = (((__uint128_t) 2549297995355413924ULL) << 64) + 4865540595714422341ULL;
        __uint128_t initstate = (((__uint128_t) w[0]) << 64) + w[1];
        __uint128_t initseq = (((__uint128_t) w[2]) << 64) + w[3];
        s->pcg_state->state = 0;
        s->pcg_state->inc = (initseq << 1u) | 1u;
        s->pcg_state->state = s->pcg_state->state * mult + s->pcg_state->inc;
        s->pcg_state->state += initstate;
        s->pcg_state->state = s->pcg_state->state * mult + s->pcg_state->inc;
        s->has_uint32 = 0;  /* numpy's _reset_state_variables */
        s->uinteger = 0;
        return 0;
    }
    #else
    #define CPSIM_PCG128 0
    static int cpsim_pcg64_seed(void *st, const uint64_t *w) { return -1; }
    #endif
    """
    int CPSIM_PCG128
    int cpsim_pcg64_seed(void *st, const uint64_t *w) nogil


cdef class SeedWords:
    """The seed sequence of a day stream whose PCG64 words are already known: row ``row`` of ``block``.

    PCG64 asks a seed sequence for 4 uint64 words; these are the words numpy's
    ``SeedSequence(seed, spawn_key=...)`` would give (cpsim.streams derives them). Registered
    as a numpy ``ISeedSequence``.
    """

    cdef readonly object block
    cdef readonly Py_ssize_t row

    def __init__(self, block, Py_ssize_t row):
        """Words of row ``row`` of ``block`` (rows x 4 uint64)."""
        self.block, self.row = block, row

    def generate_state(self, n_words, dtype=np.uint32):
        """The known words, when they are what is asked for."""
        if n_words != 4 or np.dtype(dtype) != np.uint64:
            raise ValueError("a day stream's seed holds the 4 uint64 words PCG64 asks for, nothing else")
        return self.block[self.row]


ISeedSequence.register(SeedWords)


cdef const uint64_t *_block(object block) except NULL:
    if (
        not cnp.PyArray_Check(block)
        or cnp.PyArray_TYPE(<cnp.ndarray> block) != cnp.NPY_UINT64
        or cnp.PyArray_NDIM(<cnp.ndarray> block) != 2
        or cnp.PyArray_DIM(<cnp.ndarray> block, 1) != 4
        or not cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray> block)
    ):
        raise ValueError("block must be C-contiguous rows of 4 uint64 seed words")
    return <uint64_t *> cnp.PyArray_DATA(<cnp.ndarray> block)


def restart(list generators, block, list rows):
    """Restart each Generator's PCG64 at its row of seed words, in place.

    Each then draws what a fresh ``Generator(PCG64(SeedWords(block, row)))`` draws, and its
    ``bit_generator.seed_seq`` is that SeedWords. Meant for between days, when nothing is
    drawing from them (the bit generators' locks are not taken).

    Args:
        generators: numpy Generators on PCG64s.
        block: Seed words, one row of 4 uint64 per stream (C-contiguous).
        rows: The row of each generator.

    """
    cdef const uint64_t *words = _block(block)
    cdef Py_ssize_t i, row, n_rows = cnp.PyArray_DIM(<cnp.ndarray> block, 0)
    cdef SeedWords seed_seq
    cdef bitgen_t *bg
    if not CPSIM_PCG128:
        raise RuntimeError("this compiler has no 128-bit integers: make a fresh PCG64 instead")
    if len(rows) != len(generators):
        raise ValueError(f"{len(generators)} generators but {len(rows)} rows")
    for i in range(len(generators)):
        bit_generator = generators[i].bit_generator
        if type(bit_generator) is not np.random.PCG64:
            raise TypeError(f"only a PCG64 can be restarted here, not {type(bit_generator).__name__}")
        row = rows[i]
        if row < 0 or row >= n_rows:
            raise ValueError(f"row {row} is outside 0..{n_rows - 1}")
        bg = <bitgen_t *> PyCapsule_GetPointer(bit_generator.capsule, "BitGenerator")
        cpsim_pcg64_seed(bg.state, words + 4 * row)
        seed_seq = SeedWords.__new__(SeedWords)
        seed_seq.block, seed_seq.row = block, row
        (<BitGenerator> bit_generator)._seed_seq = seed_seq
