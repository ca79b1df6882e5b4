"""Experience moves: how the day's experiences move residents' trust components, in one pass.

cpsim.mechanisms.contacts applies the day's experiences (and, later, the stories heard) to
both trust components and their attitudes. In numpy that is some 40 calls per use (gathers,
the reading through prior trust, the step, the consolidation share, the adds and the clips),
which cost more than the arithmetic at the few hundred experiences of a small city. This
kernel does the same arithmetic per experience, operation for operation, so every result is
numpy's to the bit:

    prior = trust[idx]
    read = signed(where(has, v, 0) * (1 + bias * sign(where(has, v, 0)) * (2 * prior - 1)))
    step = [[step_legitimacy], [step_effectiveness]] * mult
    now = (legitimacy[idx], effectiveness[idx])
    pos = step * read * (1 - now)
    neg = step * [[ratio_legitimacy], [ratio_effectiveness]] * read * now
    delta = where(has, where(read >= 0, pos, maximum(neg, -now)), 0)
    kept = minimum(consolidation + familiar_consolidation * fam
                   + salience_consolidation * (maximum(|read[0]|, |read[1]|) * minimum(mult, 1)) ** 2, 1)
    np.add.at(legitimacy, idx, delta[0]); np.add.at(attitude_legitimacy, idx, kept * delta[0])
    (the same for effectiveness), then every touched value clipped to 0..1

Every change is added in the order given and the clips come after all the adds, which is
np.add.at's result when a resident has several experiences, and the plain gather, add, clip
and scatter's when each has one.
"""

from cpsim.kernels.path import chosen

kernels = chosen("moves")  # the compiled module, or cpsim.kernels.numpy_path.moves
move = kernels.move

__all__ = ["move"]
