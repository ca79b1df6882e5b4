"""The compiled day kernels, built as one extension module.

Each part (attitudes.pxi, beats.pxi, …) is the kernel of one stretch of the day; the module of
the same name (cpsim/kernels/draws.py, …) says what it compiles and gives its names, and the
mechanisms import from those. One module, not one per part: each extension module carries
Cython's runtime and its own load-time pages: imported, twelve of them took 1.2 MB of resident
memory and this one takes 0.26 MB.
"""

include "attitudes.pxi"
include "beats.pxi"
include "draws.pxi"
include "experiences.pxi"
include "figures.pxi"
include "ledger.pxi"
include "memory.pxi"
include "moves.pxi"
include "pcg.pxi"
include "rota.pxi"
include "safety.pxi"
include "tally.pxi"
