"""The one local runner of studies: the same results in worker processes as in this one."""

from __future__ import annotations

from cpsim.studies.runner import replicate_seeds, run_parallel


def test_run_parallel_in_workers_equals_the_serial_run_in_order():
    # each job carries its seed, so neither the workers nor the finishing order may change a result
    jobs = [(base, 3) for base in (1, 2, 3, 4)]
    serial = run_parallel(replicate_seeds, jobs, workers=1)
    assert serial == [replicate_seeds(*job) for job in jobs]
    assert run_parallel(replicate_seeds, jobs, workers=2) == serial
