"""Memory's daily step: current trust relaxes toward the attitude, and the trust index is rebuilt.

Phase 14 (cpsim.mechanisms.trust) moves each resident's legitimacy and effectiveness toward
their attitudes (``relax``: three in-place ufuncs each) and writes the trust index
(``combine``: two more, and a temporary). ``remember`` does the same arithmetic in one pass
over the residents, operation by operation as numpy does it, so every value is numpy's to
the bit. ``tally`` adds the day's kept changes to the collective memories' weekly sums
(cpsim.mechanisms.norms) in one pass, numpy's bincount sums to the bit; ``fade`` moves members'
attitudes with their memories' fading, numpy's gathers and adds to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("memory")  # the compiled module, or cpsim.kernels.numpy_path.memory
fade = kernels.fade
remember = kernels.remember
tally = kernels.tally

__all__ = ["fade", "remember", "tally"]
