"""Beat arithmetic: the day's small per-beat and per-place products, each in one pass.

Crime (phase 3), officers' time (phase 5) and what officers sense (phase 13) work on arrays
of a few beats, a few dozen places and a few hundred offenders. In numpy each is some 10 to
30 calls (gathers, a bincount, the products, a clip), which cost far more than the
arithmetic. These functions do the same operations, in numpy's order and with numpy's
roundings (a*b+c rounds twice; sums in input order as np.bincount adds), so every result is
numpy's to the bit. What numpy computes differently from C stays in numpy and comes in as an
argument: np.exp, powers with non-integer exponents, and np.sum's pairwise sums.
"""

from cpsim.kernels.path import chosen

kernels = chosen("beats")  # the compiled module, or cpsim.kernels.numpy_path.beats
ACTIVITIES = kernels.ACTIVITIES  # the plan's rows, in the order split_hours fills them
active_offending = kernels.active_offending
add_disorder = kernels.add_disorder
capacity = kernels.capacity
compliance_argument = kernels.compliance_argument
crime_ratio = kernels.crime_ratio
expected_victimisations = kernels.expected_victimisations
offender_cumweights = kernels.offender_cumweights
place_means_at = kernels.place_means_at
relative_by_beat = kernels.relative_by_beat
review = kernels.review
routine_share = kernels.routine_share
sense = kernels.sense
split_hours = kernels.split_hours
spread_foot = kernels.spread_foot

__all__ = [
    "ACTIVITIES",
    "active_offending",
    "add_disorder",
    "capacity",
    "compliance_argument",
    "crime_ratio",
    "expected_victimisations",
    "offender_cumweights",
    "place_means_at",
    "relative_by_beat",
    "review",
    "routine_share",
    "sense",
    "split_hours",
    "spread_foot",
]
