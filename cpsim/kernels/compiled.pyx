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
include "history.pxi"
include "ledger.pxi"
include "memory.pxi"
include "moves.pxi"
include "normal.pxi"
include "pcg.pxi"
include "rota.pxi"
include "surroundings.pxi"
include "tally.pxi"


cdef extern from *:
    """
    /* MSVC before Visual Studio 2022 17.0 contracts a * b + c into an FMA under /fp:precise
       (setup.py); numpy's ufuncs round each operation. GCC and clang: -ffp-contract=off. */
    #if defined(_MSC_VER)
    #pragma fp_contract (off)
    #endif
    /* numpy's major.minor version at build time (setup.py), -1 if it was not recorded */
    #ifndef CPSIM_NUMPY_MAJOR
    #define CPSIM_NUMPY_MAJOR -1
    #endif
    #ifndef CPSIM_NUMPY_MINOR
    #define CPSIM_NUMPY_MINOR -1
    #endif
    """
    int CPSIM_NUMPY_MAJOR
    int CPSIM_NUMPY_MINOR

# The numpy (major.minor) whose C random distributions are linked in: cpsim.kernels.path runs the
# numpy path under any other numpy, whose Generator may draw other numbers.
NUMPY_BUILT = f"{CPSIM_NUMPY_MAJOR}.{CPSIM_NUMPY_MINOR}"
