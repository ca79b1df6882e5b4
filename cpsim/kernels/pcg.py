"""Restarting a PCG64 bit generator at new seed words, in place.

A day draws from some nine streams, each a PCG64 seeded from that day's words (cpsim.streams).
Making a fresh numpy PCG64 and Generator costs about 4.5 µs (a lock, a capsule, the seeding
through Python), some 50 µs of a small city's 1 ms day. Seeding is PCG64's own arithmetic on
two 128-bit numbers (numpy/random/src/pcg64: ``pcg64_set_seed``), so an existing generator can
be restarted at a day's words instead, in well under a microsecond: the state it gets is the
one a fresh ``PCG64`` seeded with those words has, which cpsim.streams checks against numpy
at import before relying on it (``RESTART``), and tests/kernels/test_pcg.py for many words.
"""

from cpsim.kernels.path import chosen

kernels = chosen("pcg")  # the compiled module, or cpsim.kernels.numpy_path.pcg
restart = kernels.restart
SeedWords = kernels.SeedWords

__all__ = ["restart", "SeedWords"]
