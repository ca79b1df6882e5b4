"""Officers' days: beat swaps and who is on duty (cpsim.mechanisms.policing), compiled.

A city of a few dozen officers makes a dozen numpy calls a day to learn that nobody swaps
beats today and who works; these loops do it in one call each, with the same numbers drawn
from the same stream and the same arithmetic (tests/kernels/test_rota.py).
"""

from cpsim.kernels.path import chosen

kernels = chosen("rota")  # the compiled module, or cpsim.kernels.numpy_path.rota
duty = kernels.duty
roster = kernels.roster
rotate = kernels.rotate

__all__ = ["duty", "roster", "rotate"]
