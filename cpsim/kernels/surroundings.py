"""Residents' surroundings (police presence, police on foot, disorder) and how safe they feel, in single passes.

Phase 13 (cpsim.model ``_safety``, cpsim.mechanisms.safety) is a dozen-odd small in-place
updates: police presence per beat, police seen on foot per place, disorder relaxing toward
its base, and each resident's perceived safety moving toward its target, lowered by their
own victimisation and by what they heard. In numpy each is a few ufuncs on arrays of a few
beats or places, and the cost is the calls. These kernels do the same arithmetic, operation
by operation in numpy's order (a*b+c rounds twice; clip keeps NaN and -0.0 as np.clip
does), so every value is numpy's to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("surroundings")  # the compiled module, or cpsim.kernels.numpy_path.surroundings
approach = kernels.approach
feel = kernels.feel
presence = kernels.presence

__all__ = ["approach", "feel", "presence"]
