"""The experiences kernels give, to the bit, what numpy's columns, steps, complaints and stories gave."""

from __future__ import annotations

from itertools import accumulate
from types import SimpleNamespace

import numpy as np
import pytest

from cpsim.kernels import experiences
from cpsim.mechanisms import complaints, contacts, enforcement, response
from cpsim.mechanisms.bounds import signed, unit
from cpsim.mechanisms.contacts import COLUMNS, Contacts, apply_experiences, kind_code
from cpsim.mechanisms.patrol import casual_valences as patrol_valences
from cpsim.scenario import Scenario

DTYPES = tuple(np.dtype(dtype) for _, dtype in COLUMNS)
RESIDENT_STATE = (
    "trust",
    "legitimacy",
    "effectiveness",
    "attitude_legitimacy",
    "attitude_effectiveness",
    "familiarity",
)


def take_numpy(parts: list[tuple]) -> dict[str, np.ndarray]:
    """The numpy code columns() replaced (Contacts.take): one slice assignment per column and part."""
    ends = list(accumulate([p[1].size for p in parts]))
    spans = list(zip([0, *ends][:-1], ends, strict=True))
    out = {}
    for j, (name, dtype) in enumerate(COLUMNS):
        col = np.empty(ends[-1] if ends else 0, dtype)
        for (a, b), part in zip(spans, parts, strict=True):
            col[a:b] = part[j]
        out[name] = col
    return out


def apply_numpy(res, c, t, patrol, vicarious: float = 1.0) -> dict[str, np.ndarray]:
    """The numpy code around the move that familiar_steps and familiarise replaced (apply_experiences).

    Familiarity counts in the share kept only (the move's fam), not in the step (mult).
    """
    idx = c["idx"]
    v = np.array((c["v_leg"], c["v_eff"]))
    mult = c["weight"] * vicarious
    fam = np.where(c["familiar"], res.familiarity[idx], 0.0)
    read, delta, kept = contacts._move(res, idx, v, None, mult, fam, t)
    known = idx[c["familiar"]]
    res.familiarity[known] += patrol.familiarity_step * (1.0 - res.familiarity[known])
    w = t.legitimacy_weight
    return {"v_leg": read[0], "v_eff": read[1], "d_trust": w * delta[0] + (1 - w) * delta[1], "kept": kept * delta}


def complaint_numpy(quality, legitimacy, comp, formal=True, familiarity=0.0):
    """The numpy code complaint_risk replaced (complaints.complaint_probability)."""
    q = np.fmin(quality, 1.0)
    p = comp.poor_contact_rate * unit((0.5 - q) / 0.5)
    p *= np.where(formal, 1.0, comp.casual_factor)
    p *= 1.0 - comp.trust_dependency * (1.0 - legitimacy)
    p *= 1.0 - comp.familiarity_discount * familiarity
    return p


def stories_numpy(c, effects, untold: tuple[str, ...] = ("incident_news",)):
    """The numpy code story_rows replaced (CommunityModel.tell of each experience)."""
    with np.errstate(invalid="ignore"):  # inf x 0 is NaN in both
        tell = c["weight"] * ~np.isin(c["kind"], [kind_code(k) for k in untold])
        vals = np.empty((c["idx"].size, 3))
        vals[:, 0], vals[:, 1], vals[:, 2] = effects["v_leg"] * tell, effects["v_eff"] * tell, 0.0
    return vals


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def residents(rng, n: int) -> SimpleNamespace:
    """Random states, with values at the ends 0 and 1 (and a -0.0), where steps clip."""
    res = SimpleNamespace(n=n)
    for name in RESIDENT_STATE:
        x = rng.random(n)
        x[rng.random(n) < 0.15] = 0.0
        x[rng.random(n) < 0.15] = 1.0
        x[rng.random(n) < 0.03] = -0.0
        setattr(res, name, x)
    return res


def copy(res: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(**{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(res).items()})


def values(rng, n: int) -> np.ndarray:
    """Valences across magnitudes, with zeros of both signs, NaN (says nothing) and the limits."""
    x = rng.uniform(-1, 1, n) * rng.choice([1e-9, 1e-3, 1.0, 3.0], n)
    for special, share in ((0.0, 0.05), (-0.0, 0.05), (np.nan, 0.15), (1.0, 0.05), (-1.0, 0.05)):
        x[rng.random(n) < share] = special
    return x


def random_parts(rng, n_residents: int) -> list[tuple]:
    """Parts as mechanisms and programs add them: scalars and arrays of every kind add() is given."""
    parts = []
    for _ in range(int(rng.integers(0, 7))):
        n = int(rng.integers(1, 40))
        idx = rng.integers(0, n_residents, n)
        if rng.random() < 0.2:  # a strided view (every other of a longer array)
            idx = rng.integers(0, n_residents, 2 * n)[::2]
        scalar = rng.random(3) < 0.5
        v_leg = float(values(rng, 1)[0]) if scalar[0] else values(rng, n)
        v_eff = np.float64(values(rng, 1)[0]) if scalar[1] else values(rng, n)[::-1]  # reversed: negative strides
        quality = np.nan if scalar[2] else rng.choice([np.nan, 0.0, 0.3, 1.0, -0.0], n)
        weight = rng.choice([1.0, 0.5, 2.0]) if rng.random() < 0.5 else rng.exponential(1.0, n)
        familiar = bool(rng.random() < 0.5) if rng.random() < 0.7 else rng.random(n) < 0.5
        police = bool(rng.random() < 0.7)
        code = kind_code(str(rng.choice(["call", "stop", "patrol_foot", "victim", "arrest"])))  # kinds the model has
        parts.append((code, idx, v_leg, v_eff, quality, familiar, weight, police))
    return parts


def test_columns_copy_every_kind_of_value_numpy_assigns():
    rng = np.random.default_rng(0)
    for _ in range(200):
        parts = random_parts(rng, 50)
        got = dict(zip(contacts._NAMES, experiences.columns(parts, DTYPES), strict=True))
        want = take_numpy(parts)
        assert got.keys() == want.keys()
        assert all(same_bits(got[k], want[k]) for k in want)


def test_columns_hand_other_dtypes_and_broadcasts_to_numpy():
    idx = np.arange(4)
    odd = [
        (np.int32(2), idx, np.float32(0.1), np.arange(4, dtype=np.float32) / 3, 1, np.bool_(True), 2, 1),
        (1, idx[:1], np.array([0.5]), np.array(0.25), 0.7, np.array([1]), True, 0.0),
    ]
    got = experiences.columns(odd, DTYPES)
    want = take_numpy(odd)
    assert all(same_bits(g, want[name]) for g, (name, _) in zip(got, COLUMNS, strict=True))
    with pytest.raises(ValueError):  # a part's array of the wrong length, as numpy refuses it
        experiences.columns([(0, idx, np.zeros(3), 0.0, 0.0, False, 1.0, True)], DTYPES)
    with pytest.raises(TypeError, match="float64, int64 or bool"):
        experiences.columns([], (np.dtype("U1"),))


def test_take_empties_the_buffer_and_gives_empty_columns():
    c = Contacts()
    c.add("stop", np.array([3, 1]), 0.5, -0.2, 0.4)
    got = c.take()
    assert got["idx"].tolist() == [3, 1] and got["kind"].tolist() == [kind_code("stop")] * 2
    empty = c.take()
    assert all(empty[name].size == 0 and empty[name].dtype == np.dtype(dtype) for name, dtype in COLUMNS)


def strong_sections(rng):
    t = Scenario().trust
    patrol = SimpleNamespace(familiarity_step=float(rng.uniform(0.0, 1.0)))
    return t, patrol


@pytest.mark.parametrize("seed", range(8))
def test_apply_experiences_equals_the_numpy_code_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    res = residents(rng, 60)  # few residents: many repeats, some met twice by their team
    t, patrol = strong_sections(rng)
    if seed == 0:
        patrol = Scenario().patrol
    for _ in range(5):
        c = take_numpy(random_parts(rng, res.n))
        vicarious = float(rng.choice([1.0, 0.3]))
        a, b = copy(res), copy(res)
        got = apply_experiences(a, c, t, patrol, vicarious)
        want = apply_numpy(b, c, t, patrol, vicarious)
        assert all(same_bits(got[k], want[k]) for k in want)
        assert all(same_bits(getattr(a, k), getattr(b, k)) for k in RESIDENT_STATE)
        res = a


def test_familiar_steps_and_familiarise_refuse_bad_shapes_and_residents():
    idx, no = np.array([0, 5]), np.zeros(2, bool)
    familiarity = np.zeros(3)
    with pytest.raises(ValueError, match="resident 5"):
        experiences.familiar_steps(idx, no, np.ones(2), familiarity, 1.0)
    with pytest.raises(ValueError, match="weight must have 2"):
        experiences.familiar_steps(idx, no, np.ones(3), familiarity, 1.0)
    with pytest.raises(ValueError, match="resident 5"):
        experiences.familiarise(idx, no, np.zeros(2), familiarity, 0.1, np.zeros((2, 2)), 0.5)
    with pytest.raises(ValueError, match=r"delta must be 2 x 2, not of shape \(2, 3\)"):
        experiences.familiarise(idx * 0, no, np.zeros(2), familiarity, 0.1, np.zeros((2, 3)), 0.5)
    # Arrays are read through their data: another dtype, a strided view or a read-only output is refused.
    with pytest.raises(TypeError, match="idx must be int64, not int32"):
        experiences.familiar_steps(idx.astype(np.int32), no, np.ones(2), familiarity, 1.0)
    with pytest.raises(ValueError, match="weight must be one contiguous row"):
        experiences.familiar_steps(idx * 0, no, np.ones(4)[::2], familiarity, 1.0)
    familiarity.flags.writeable = False
    with pytest.raises(ValueError, match="familiarity is read-only"):
        experiences.familiarise(idx * 0, no, np.zeros(2), familiarity, 0.1, np.zeros((2, 2)), 0.5)


def complaints_section(rng):
    return SimpleNamespace(
        poor_contact_rate=float(rng.uniform(0, 0.2)),
        casual_factor=float(rng.uniform(0, 1)),
        trust_dependency=float(rng.uniform(0, 1)),
        familiarity_discount=float(rng.uniform(0, 1)),
    )


@pytest.mark.parametrize("seed", range(8))
def test_complaint_probability_equals_the_numpy_code_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    comp = Scenario().complaints if seed == 0 else complaints_section(rng)
    n = 300
    quality = rng.choice([np.nan, 0.0, -0.0, 0.5, 1.0, 1.5, -0.2, np.inf, -np.inf], n)
    drawn = rng.random(n) < 0.5
    quality[drawn] = rng.random() * rng.random(int(drawn.sum()))  # values around 0.5 and below
    legitimacy = values(rng, n) * 0.5 + 0.5
    for formal in (True, False, rng.random(n) < 0.5):
        for familiarity in (0.0, 0.3, rng.random(n)):
            got = complaints.complaint_probability(quality, legitimacy, comp, formal, familiarity)
            assert same_bits(got, complaint_numpy(quality, legitimacy, comp, formal, familiarity))


def test_complaint_risk_refuses_bad_shapes():
    comp = Scenario().complaints
    with pytest.raises(ValueError, match="legitimacy must have 2"):
        complaints.complaint_probability(np.zeros(2), np.zeros(3), comp)
    with pytest.raises(ValueError, match="formal must have 2"):
        complaints.complaint_probability(np.zeros(2), np.zeros(2), comp, np.ones(3, bool))
    with pytest.raises(TypeError, match="formal must be bool"):
        complaints.complaint_probability(np.zeros(2), np.zeros(2), comp, np.ones(2))
    with pytest.raises(ValueError, match="familiarity must have 2"):
        complaints.complaint_probability(np.zeros(2), np.zeros(2), comp, True, np.zeros(1))


@pytest.mark.parametrize("seed", range(6))
def test_complaints_draw_the_uniforms_numpy_draws(seed):
    p = np.random.default_rng(seed).choice([0.0, 0.1, 0.5, 1.0, np.nan], 200)
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    assert same_bits(complaints.draw_complaints(p, a), b.random(p.size) < p)
    assert a.bit_generator.state == b.bit_generator.state


@pytest.mark.parametrize("seed", range(6))
def test_stories_equal_the_numpy_rows_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    news = (kind_code("incident_news"), np.arange(3), -0.8, -0.2, np.nan, False, 0.3, False)  # not retold
    c = take_numpy([*random_parts(rng, 40), news])
    c["weight"][rng.random(c["weight"].size) < 0.1] = np.inf  # inf x 0 (an untold kind) is NaN in both
    n = c["idx"].size
    # Read valences are never NaN (a NaN x inf x 0 would leave which NaN to the compiler's operand order).
    effects = {"v_leg": np.nan_to_num(values(rng, n)), "v_eff": np.nan_to_num(values(rng, n))}
    assert same_bits(contacts.stories(c, effects), stories_numpy(c, effects))
    with pytest.raises(ValueError, match="weight must have"):
        experiences.story_rows(effects["v_leg"], effects["v_eff"], np.ones(n + 1), c["kind"], np.zeros(9, bool))
    with pytest.raises(ValueError, match="kind .* is outside"):
        experiences.story_rows(effects["v_leg"], effects["v_eff"], np.ones(n), c["kind"], np.zeros(1, bool))


def enforcement_valences_numpy(quality, outcome, intrusion, tint):
    """The numpy code procedural_valences replaced (enforcement.enforcement_valences)."""
    proc = 2.0 * quality - 1.0
    return signed(proc - intrusion), signed(outcome + tint * proc)


def answered_valences_numpy(q, resp):
    """The numpy code procedural_valences replaced (CommunityModel._response's answered calls)."""
    return 2 * q - 1, signed(resp.answered_valence + resp.procedural_tint * (2 * q - 1))


@pytest.mark.parametrize("seed", range(6))
def test_procedural_valences_equal_the_numpy_code_to_the_bit(seed):
    rng = np.random.default_rng(seed)
    q = rng.choice([0.0, -0.0, 0.5, 1.0, np.nan, 1.7, -0.4], 200)
    q = np.where(rng.random(200) < 0.5, rng.random(200), q)
    outcome, intrusion, tint = (float(x) for x in rng.uniform(-1.5, 1.5, 3))
    got = enforcement.enforcement_valences(q, outcome, intrusion, tint)
    want = enforcement_valences_numpy(q, outcome, intrusion, tint)
    assert all(same_bits(g, w) for g, w in zip(got, want, strict=True))
    resp = SimpleNamespace(answered_valence=outcome, procedural_tint=tint)
    got = response.answered_valences(q, resp)
    assert all(same_bits(g, w) for g, w in zip(got, answered_valences_numpy(q, resp), strict=True))
    with pytest.raises(TypeError, match="quality must be float64"):
        experiences.procedural_valences(q.astype(np.float32), 0.0, 0.0, 0.0, True)


@pytest.mark.parametrize("seed", range(5))
def test_casual_valences_are_numpys(seed):
    rng = np.random.default_rng(seed)
    quality = np.concatenate([rng.random(int(rng.integers(0, 300))), [0.0, 1.0, 0.5, np.nan]])
    patrol = Scenario().patrol
    v_leg = signed(2.0 * quality - 1.0 + patrol.valence_weight * patrol.contact_valence)
    v_eff = signed(patrol.valence_weight * patrol.contact_valence + (2.0 * quality - 1.0) * patrol.procedural_tint)
    got = patrol_valences(quality, patrol)
    assert same_bits(got[0], v_leg) and same_bits(got[1], v_eff)
