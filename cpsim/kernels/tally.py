"""Story tallies: the day's stories summed by resident, in one pass each.

Word of mouth (cpsim.mechanisms.word_of_mouth) adds up, per resident and channel, the
stories told that day and then what each listener hears from their ties. numpy does it as
``np.unique(idx, return_inverse=True)`` and one ``np.bincount(inverse, values)`` per
channel: some 40 calls a day, which cost more than the sums at the few hundred stories of a
small city. Here the distinct residents are sorted once (numpy's sort), each story's row is
found in that short sorted list (numpy's searchsorted), and the stories are added to their
rows in the order given: every sum is bincount's, to the bit. (A row per resident of the whole
city would skip the search, but in a city of a million its random reads miss the cache and it
was slower than numpy; this is faster at every size measured, 2,000 to 1,000,000.)
"""

from cpsim.kernels.path import chosen

kernels = chosen("tally")  # the compiled module, or cpsim.kernels.numpy_path.tally
hear = kernels.hear
merge = kernels.merge

__all__ = ["hear", "merge"]
