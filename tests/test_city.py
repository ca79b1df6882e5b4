"""The model's own state (cpsim/city.py): declared dtypes, checked when the model is built."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cpsim.city import City, Neighbourhoods
from cpsim.model import CommunityModel
from cpsim.scenario import Scenario, apply_overrides
from cpsim.world.state import check_dtypes, state_of


@pytest.fixture(scope="module")
def model() -> CommunityModel:
    return CommunityModel(apply_overrides(Scenario(), {"population.residents": 400, "population.beats": 2}), seed=2)


def test_a_built_model_holds_its_state_in_the_declared_dtypes(model):
    for holder in (model.frame, model.city, model.hood):
        check_dtypes(holder)  # raises on a mismatch
    model.step()
    check_dtypes(model.city)


def test_every_array_of_the_moving_state_declares_a_dtype():
    for cls in (City, Neighbourhoods):
        untyped = [f.name for f in dataclasses.fields(cls) if state_of(f).dtype is None and f.name != "reference"]
        assert not untyped, f"{cls.__name__}: {untyped} declare no dtype"


def test_a_wrong_dtype_is_refused_naming_the_field(model):
    city = dataclasses.replace(model.city, crisis_calls=np.empty(0, np.int32))
    with pytest.raises(TypeError, match=r"City\.crisis_calls: dtype int32; declared int64"):
        check_dtypes(city)
    frame = dataclasses.replace(model.frame, initial_offending=model.frame.initial_offending.astype(np.float32))
    with pytest.raises(TypeError, match=r"Frame\.initial_offending: dtype float32; declared float64"):
        check_dtypes(frame)
