"""Studies: what runs the model many times and reads the runs together.

The shared runner (``runner``: replicate seeds, failure rows; ``executors``: local
processes or a Dask cluster, for every study), scenario
comparisons (``compare``), virtual field trials (``trials``), replications of published
findings (``validation``, ``patterns``), the per-run figures a study pools (``breakdowns``,
``gaps``, ``trajectories``, ``costs``), experiments at scale (``sweeps``), calibration
against survey data (``calibration``), and the plumbing they share (``workers``,
``progress``, ``provenance``, ``resources``). Nothing is imported here, so importing one
study does not load the others.
"""
