"""Where attitudes settle: the ties' mean attitudes, the anchors, and the weekly step toward them.

Once a week every resident's attitudes move toward an anchor: their group's norm, the
national mood, their own disposition, what they see (disorder, crime, police on foot) and
their ties' climate (cpsim.mechanisms.trust, conditions). In numpy that was some forty
passes over the residents and the tie list (a cumsum over every tie twice), about 0.5 ms in
a town of 2,000 and 2.3 ms in a city of 10,000, a tenth of a week's days. These kernels make
the same operations in the same order on the same doubles, so every anchor is numpy's to the
bit; the one logarithm stays numpy's (np.log per beat, gathered here).
"""

from cpsim.kernels.path import chosen

kernels = chosen("attitudes")  # the compiled module, or cpsim.kernels.numpy_path.attitudes
anchors = kernels.anchors
settle = kernels.settle
tie_mean = kernels.tie_mean

__all__ = ["anchors", "settle", "tie_mean"]
