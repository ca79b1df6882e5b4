"""Record the compiled kernels' calls in real runs, then replay each on the numpy path and compare.

Run as a script in a fresh process (``python tests/kernels/replay.py scenario.toml ...``): each
part module's names are wrapped before any mechanism imports them, the scenarios run on the
compiled kernels, and the first calls of every kernel (its arguments before and after, its result,
the state of any Generator it drew from) are replayed on cpsim.kernels.numpy_path with copies of
the same arguments. Prints one JSON object: the calls compared per kernel, and every difference.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

PARTS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "cpsim" / "kernels").glob("*.pxi"))
KEEP = 12  # calls kept per kernel and scenario


def same(a, b) -> bool:
    """Equal to the bit: arrays by dtype, shape and bytes; Generators by state; floats by bits."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, np.random.Generator):
        return isinstance(b, np.random.Generator) and a.bit_generator.state == b.bit_generator.state
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return type(b) is type(a) and np.float64(a).tobytes() == np.float64(b).tobytes()
    if dataclasses.is_dataclass(a) and not isinstance(a, type):  # the residents' state, a scenario section
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if type(a).__name__ == "SeedWords":
        return type(b).__name__ == "SeedWords" and a.row == b.row and same(a.block, b.block)
    return type(a) is type(b) and a == b


def snapshot(x):
    """A deep copy; a program's stream (cpsim.streams.ProgramStream) as a copy of today's Generator."""
    if type(x).__name__ == "ProgramStream":
        x.bit_generator  # noqa: B018  (switches the stream to today's Generator)
        return copy.deepcopy(x._rng)
    if isinstance(x, tuple) and hasattr(x, "_fields"):  # a NamedTuple (cpsim.mechanisms.policing.Asked)
        return type(x)(*(snapshot(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(snapshot(v) for v in x)
    if isinstance(x, dict):
        return {k: snapshot(v) for k, v in x.items()}
    return copy.deepcopy(x)


def main(scenarios: list[str], residents: int, days: int) -> dict:
    """Run the scenarios recording kernel calls; replay them on numpy; the comparison."""
    from cpsim.kernels import path

    assert path.COMPILED, "the replay compares the compiled kernels with numpy: build them first"
    calls: dict[str, list] = {}
    running = {"scenario": 0}  # the scenario being run, counted from 1
    for part in PARTS:
        module = importlib.import_module(f"cpsim.kernels.{part}")
        for name in module.__all__:
            kernel = getattr(module, name)
            if not callable(kernel) or isinstance(kernel, type):
                continue

            def wrapper(*args, _kernel=kernel, _key=f"{part}.{name}", **kwargs):
                kept = calls.setdefault(_key, [])
                if len(kept) >= KEEP * running["scenario"]:  # enough of this kernel in this scenario
                    return _kernel(*args, **kwargs)
                # An iterator is read once (cpsim.start's meetings with the news, drawn as the kernel reads
                # them): recorded, and given to the kernel, as the list of what it yields.
                args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
                before = snapshot((args, kwargs))
                result = _kernel(*args, **kwargs)
                kept.append((before, snapshot((args, kwargs)), snapshot(result)))
                return result

            setattr(module, name, wrapper)
    from cpsim import simulate  # (after the wrapping: mechanisms that import a kernel's name get the wrapper)

    for k, scenario in enumerate(scenarios, 1):
        running["scenario"] = k
        simulate(scenario, seed=7, days=days, overrides={"population.residents": residents})
    compared, differ = {}, []
    for key, kept in sorted(calls.items()):
        part, name = key.split(".")
        equation = getattr(importlib.import_module(f"cpsim.kernels.numpy_path.{part}"), name)
        for n, (before, after, result) in enumerate(kept):
            args, kwargs = copy.deepcopy(before)
            got = equation(*args, **kwargs)
            if not same(got, result):
                differ.append(f"{key} call {n}: the result differs")
            elif not same((args, kwargs), after):
                differ.append(f"{key} call {n}: what it changes in place (or a stream's state) differs")
        compared[key] = len(kept)
    return {"compared": compared, "differ": differ}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[3:], int(sys.argv[1]), int(sys.argv[2]))))
