"""The news before day 1: what the stories residents met left in current trust and in attitudes.

The start of a run (cpsim.start) meets the news of the 210 days before day 1 as the day meets
it: each day the unconsolidated part of earlier meetings fades (``transient *= keep``) and each
meeting moves both components' transient and kept parts (read_valence, consolidation_share,
experience_delta, and gathered, added and scattered). In numpy that is some 15 calls on small
arrays per meeting, and the fading walks every resident every day: at 2,000 residents 12 of a
build's 17 ms, at a million 0.9 s. ``news_history`` does the same arithmetic per meeting row,
operation for operation, and fades each resident's transient only when it is met again and at
the end, one multiply a day as before, so every value is numpy's to the bit.
"""

from cpsim.kernels.path import chosen

kernels = chosen("history")  # the compiled module, or cpsim.kernels.numpy_path.history
news_history = kernels.news_history

__all__ = ["news_history"]
