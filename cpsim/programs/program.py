"""The interface every community program or strategy implements, and the model surface it acts on.

A program never sets an outcome. It acts through what it delivers: officer hours it
requests (``plan``), contacts, events attended, calls handled or guardians added
(``act``), all recorded through the same mechanisms as everything else. It reaches the
model only through ``Surface``: what it may read (read-only views of the state arrays)
and the few ways it may change the model, each named after what it delivers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

import numpy as np
from mesa.time import Schedule

from cpsim.mechanisms import crisis as crisis_mech
from cpsim.mechanisms.enforcement import stop_cumweights
from cpsim.mechanisms.policing import contact_quality, pick_officers
from cpsim.streams import ProgramStream
from cpsim.world.areas import area_table


def frozen(value):
    """A read-only view of an array or a mapping; anything else as it is."""
    if isinstance(value, np.ndarray):
        view = value.view()
        view.flags.writeable = False
        return view
    if isinstance(value, dict):
        return MappingProxyType(value)
    return value


class ReadOnly:
    """Read-only views of a state object's arrays (writes raise ``ValueError``)."""

    def __init__(self, state) -> None:
        """Wrap a Residents, Places or Officers object (or the social graph)."""
        object.__setattr__(self, "_state", state)

    def __getattr__(self, name: str):
        return frozen(getattr(self._state, name))

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"programs change the model only through Surface methods, not .{name}")


class Surface:
    """What a program may read from the model, and the only ways it may change it.

    Reads: ``day``, ``params``, ``seed``, ``n_beats``, ``beat_residents``, ``social``,
    ``residents``, ``places`` and ``officers`` (read-only views), ``street_cumw`` and
    ``stop_cumw`` (who is out on the street, who gets stopped), ``directed_foot`` (the
    directed foot hours the day's split granted), ``crisis_calls`` and ``crisis_draws``
    (today's answered crisis calls), ``totals`` and ``today`` (figures so far). Arrays and
    mappings come as read-only views.
    """

    def __init__(self, model) -> None:
        """Bind the surface to a model."""
        self._model = model
        self.residents = ReadOnly(model.residents)
        self.places = ReadOnly(model.places)
        self.officers = ReadOnly(model.officers)

    # ------------------------------------------------------------ reads
    day = property(lambda self: self._model.day, doc="Today (1 during the first step).")
    params = property(lambda self: self._model.params, doc="The scenario (frozen).")
    seed = property(lambda self: self._model.seed, doc="The run seed.")
    n_beats = property(lambda self: self._model.n_beats, doc="Number of beats.")
    beat_residents = property(lambda self: frozen(self._model.beat_residents), doc="Residents per beat.")
    social = property(lambda self: ReadOnly(self._model.social), doc="The social graph (CSR).")
    street_cumw = property(lambda self: frozen(self._model.frame.street_cumw), doc="Street-time weights in beat order.")
    stop_cumw = property(lambda self: frozen(self._model.stop_cumw), doc="Stop weights in beat order.")
    directed_foot = property(
        lambda self: frozen(self._model.directed_foot), doc="Directed foot hours granted per beat."
    )
    crisis_calls = property(lambda self: frozen(self._model.city.crisis_calls), doc="Today's answered crisis calls.")
    crisis_draws = property(lambda self: frozen(self._model.city.crisis_draws), doc="Outcome draw of each crisis call.")
    totals = property(lambda self: frozen(self._model.totals), doc="Run totals so far (victimisations, ...).")
    today = property(lambda self: frozen(self._model.today), doc="Yesterday's daily figures (before today's record).")

    def expected_victimizations(self) -> tuple[np.ndarray, np.ndarray]:
        """Expected violent and property victimisations per place today (measurement probes)."""
        return self._model.expected_victimizations()

    def stops_today(self) -> np.ndarray:
        """Residents stopped or arrested so far today."""
        return self._model.contacts.of_kinds(("stop", "arrest"))

    def run_stream(self, name: str) -> np.random.Generator:
        """The run's own random stream ``name``: one Generator for the whole run (cpsim.streams)."""
        return self._model.streams[name]

    def program_stream(self, name: str) -> ProgramStream:
        """Program ``name``'s own random stream, fresh each day (cpsim.streams.ProgramStream)."""
        model = self._model
        return model.streams.program(name, lambda: model.day)

    def schedule(self, callback: Callable[[], None], interval: float, start: float) -> None:
        """Call ``callback`` every ``interval`` days from day ``start`` (Mesa's recurring events)."""
        self._model.schedule_recurring(callback, Schedule(interval=interval, start=start))

    # ------------------------------------------------------------ officer time
    def request_community_hours(self, per_beat: np.ndarray | float) -> None:
        """Ask for community-work hours in each beat today (granted after calls; see granted_share)."""
        self._model.community_requests += per_beat

    def community_requests(self) -> np.ndarray:
        """Community-work hours all programs requested today, per beat."""
        return frozen(self._model.community_requests)

    def request_foot_hours(self, per_beat: np.ndarray | float) -> None:
        """Ask for directed foot-patrol hours in each beat today (split like routine foot patrol)."""
        self._model.foot_requests += per_beat

    def request_stops(self, per_beat: np.ndarray | float) -> None:
        """Ask for extra stops in each beat today (made by the enforcement mechanism)."""
        self._model.extra_stops += per_beat

    def keep_on_beat(self, officers: np.ndarray) -> None:
        """Exempt these officers from rotation (steady beat officers)."""
        self._model.steady_officers[officers] = True

    # ------------------------------------------------------------ contacts and stories
    def quality(self, officers: np.ndarray, beats: np.ndarray, rng) -> np.ndarray:
        """Procedural quality of contacts by these officers in these beats (skill, climate, noise)."""
        m = self._model
        return contact_quality(m.officers, officers, m.params.policing.contact_sd, rng, m.beat_quality_shift()[beats])

    def officers_for(self, beats: np.ndarray, rng) -> np.ndarray:
        """An on-duty officer of each beat (any on-duty officer where the beat has none)."""
        return pick_officers(self._model.officers, beats, rng, self._model.roster)

    def add_experiences(
        self,
        kind: str,
        idx: np.ndarray,
        v_legitimacy: np.ndarray | float,
        v_effectiveness: np.ndarray | float,
        quality: np.ndarray | float = np.nan,
        familiar: bool = False,
        weight: np.ndarray | float = 1.0,
        police: bool = True,
    ) -> None:
        """Record experiences for today (cpsim.mechanisms.contacts.Contacts.add)."""
        self._model.contacts.add(kind, idx, v_legitimacy, v_effectiveness, quality, familiar, weight, police)

    def tell(self, idx, v_legitimacy, v_effectiveness, fear) -> None:
        """Give residents a story to pass to their ties today (cpsim.model.CommunityModel.tell)."""
        self._model.tell(idx, v_legitimacy, v_effectiveness, fear)

    def claim_crisis_calls(self, claimed: np.ndarray) -> None:
        """Take these of today's crisis calls off the police-alone path (a co-responder team handles them)."""
        self._model.city.crisis_claimed |= claimed

    def record_force(self, idx: np.ndarray) -> None:
        """Record crises that ended in force (cpsim.mechanisms.crisis.record_force)."""
        crisis_mech.record_force(self._model.contacts, self._model.tell, idx, self._model.params.crisis)

    # ------------------------------------------------------------ places
    def add_reporting_channel(self, places: np.ndarray, share: float) -> None:
        """Someone else reports an unreported victimisation at these places with chance ``share``."""
        m = self._model
        m.place_reporting[places] = 1.0 - (1.0 - m.place_reporting[places]) * (1.0 - share)

    def add_guardianship(self, places: np.ndarray, boost: float) -> None:
        """Add guardians (watch members) at these places."""
        self._model.places.extra_guardianship[places] += boost

    def reduce_disorder(self, places: np.ndarray, factor: np.ndarray | float) -> None:
        """Multiply visible disorder at these places by ``factor`` (0..1): a cleanup, a fixed problem."""
        self._model.places.disorder[places] *= factor

    def add_foot_presence(self, places: np.ndarray, hours: np.ndarray | float) -> None:
        """Officer hours on foot at these places today (deters crime there tomorrow; residents see it)."""
        np.add.at(self._model.places.hotspot_hours, places, hours)

    # ------------------------------------------------------------ residents and officers
    def lower_offending(self, idx: np.ndarray, values: np.ndarray) -> None:
        """Lower these offenders' offending rate to ``values`` (never raises it)."""
        res = self._model.residents
        res.offending[idx] = np.minimum(res.offending[idx], values)

    def weight_stops(self, idx: np.ndarray, factor: np.ndarray | float) -> None:
        """Multiply these residents' chance of being stopped (pulling levers)."""
        m = self._model
        m.residents.stop_weight[idx] *= factor
        m.stop_cumw = stop_cumweights(m.residents)

    def change_skill(self, officers: np.ndarray, delta: np.ndarray | float) -> None:
        """Change these officers' procedural skill by ``delta`` (clipped to 0..1)."""
        skill = self._model.officers.skill
        skill[officers] = np.clip(skill[officers] + delta, 0.0, 1.0)


def confined_beats(model: Surface, areas) -> np.ndarray | None:
    """The beats a program is confined to, as a mask, or None when it runs city-wide.

    Args:
        model: The model's surface, before day 1 (the city as built).
        areas: A section's validated ``areas`` value (cpsim.scenario.program_areas): area names
            of the areas file, ``{"lowest_trust": N}``, or empty.
    """
    if not areas:
        return None
    keep = np.zeros(model.n_beats, bool)
    if isinstance(areas, Mapping):
        res, people = model.residents, model.beat_residents
        mean = np.bincount(res.beat, weights=res.trust, minlength=model.n_beats) / np.maximum(people, 1)
        mean[people == 0] = np.inf  # a beat nobody lives in has no trust to be low
        keep[np.argsort(mean, kind="stable")[: areas["lowest_trust"]]] = True
    else:
        beat = {name: i for i, name in enumerate(area_table(model.params).names)}
        keep[[beat[name] for name in areas]] = True
    return keep


class Program:
    """Base class: override the hooks a program needs.

    A program is built from its scenario section (``params.<name>``) and is off — returns
    None, so the run is exactly the baseline — when the section is disabled, its fidelity
    is zero or any of its ``doses`` (staff, hours, reach) is zero. Its hooks receive the
    model's ``Surface``. A section's ``areas`` confines the program to some beats
    (``where``, set by ``confine`` before ``attach``); each program says what it does there.
    """

    name = "program"
    doses: tuple[str, ...] = ()
    where: np.ndarray | None = None  # the beats the program works in (a mask); None: city-wide

    def __init__(self, sec) -> None:
        """Keep the section."""
        self.sec = sec
        self.pending = False  # a scheduled session waiting for hours
        self.log: list[tuple] = []

    @classmethod
    def from_scenario(cls, params):
        """The program, or None when it is off."""
        sec = getattr(params, cls.name)
        if not sec.enabled or getattr(sec, "fidelity", 1.0) <= 0 or any(getattr(sec, d) <= 0 for d in cls.doses):
            return None
        return cls(sec)

    @property
    def areas(self):
        """The section's ``areas`` value (empty: city-wide)."""
        return getattr(self.sec, "areas", ())

    def confine(self, model: Surface) -> None:
        """Resolve ``areas`` into ``where``: called once when the model is built, before any ``attach``."""
        self.where = confined_beats(model, self.areas)

    def works_in(self, beats: np.ndarray) -> np.ndarray:
        """Whether each beat is one of the program's (every beat when city-wide; never beat -1, no beat)."""
        beats = np.asarray(beats)
        if self.where is None:
            return np.ones(beats.shape, bool)
        return (beats >= 0) & self.where[np.maximum(beats, 0)]

    def attach(self, model: Surface) -> None:
        """Called once when the model is built (schedule recurring events here)."""

    def plan(self, model: Surface) -> None:
        """Called each day before officer hours are split (request hours, mark places)."""

    def act(self, model: Surface, hours: dict) -> None:
        """Called each day after hours are split, with the hours each activity got per beat."""
