"""Random draws of the day's contacts, from numpy's own C distributions.

A Generator's methods (random, poisson, integers, standard_normal) each call one C function
of numpy's distributions library per number; the Python layers around them (argument checks,
broadcasting, array creation) cost more than the numbers at a small city's few contacts a
day. These kernels call the same C functions on the same bit generator, in the same order,
so they draw the same numbers and leave the stream where numpy would (tests/kernels compare
both, stream state included). Arrays are reached through their data pointers, each checked
once (cpsim.kernels.arrays): a typed memoryview costs about 0.6 µs to acquire, as much as the
draws of a small city's call.
"""

from cpsim.kernels.path import chosen

kernels = chosen("draws")  # the compiled module, or cpsim.kernels.numpy_path.draws
badness_chances = kernels.badness_chances
chances = kernels.chances
contact_quality = kernels.contact_quality
patrol_contacts = kernels.patrol_contacts
pick_officers = kernels.pick_officers
poisson_from_uniform = kernels.poisson_from_uniform
poisson_members = kernels.poisson_members
sample_weighted_within = kernels.sample_weighted_within
sample_within = kernels.sample_within
victims = kernels.victims
weighted_counts = kernels.weighted_counts

__all__ = [
    "badness_chances",
    "chances",
    "contact_quality",
    "patrol_contacts",
    "pick_officers",
    "poisson_from_uniform",
    "poisson_members",
    "sample_weighted_within",
    "sample_within",
    "victims",
    "weighted_counts",
]
