"""The day's experiences: gathering them into columns, and the bookkeeping around their moves.

cpsim.mechanisms.contacts gathers every mechanism's experiences into columns and applies
them; cpsim.mechanisms.complaints turns poor contacts into complaints. Around the compiled
move (cpsim.kernels.moves) that was some 40 numpy calls a day (a slice assignment per column
and part, the familiarity multiplier and its growth, the change of the trust index, the
complaint risk, the stories to tell), each costing more than its arithmetic at a small
city's few hundred experiences. These kernels do the same arithmetic per experience,
operation for operation, so every result is numpy's to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("experiences")  # the compiled module, or cpsim.kernels.numpy_path.experiences
columns = kernels.columns
complaint_risk = kernels.complaint_risk
familiar_steps = kernels.familiar_steps
familiarise = kernels.familiarise
procedural_valences = kernels.procedural_valences
story_rows = kernels.story_rows

__all__ = ["columns", "complaint_risk", "familiar_steps", "familiarise", "procedural_valences", "story_rows"]
