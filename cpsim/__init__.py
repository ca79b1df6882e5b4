"""cpsim: an agent-based simulation of community-police interaction."""

from cpsim.agents import Officer, Resident
from cpsim.analysis import compare as compare
from cpsim.model import CommunityModel
from cpsim.scenario import Scenario, ScenarioError, load_scenario
from cpsim.simulate import Result, simulate

__all__ = [
    "CommunityModel",
    "Officer",
    "Resident",
    "Result",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "simulate",
]
__version__ = "0.1.0"
