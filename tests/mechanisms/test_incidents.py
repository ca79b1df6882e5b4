"""cpsim/mechanisms/incidents.py: how often and when a story in the news is met."""

from __future__ import annotations

import numpy as np
import pytest

from cpsim.mechanisms.incidents import News
from cpsim.scenario import Scenario

S = Scenario()


def test_a_story_is_met_binomially_often_on_days_spread_over_its_news_days():

    inc = S.incidents
    news = News()
    viewers = np.arange(20_000, dtype=np.int64) * 3
    same = viewers % 2 == 0
    news.publish(10, viewers, same, 1.0, 6.0, inc, np.random.default_rng(4))
    per_viewer = np.zeros(viewers.max() + 1)
    daily = []
    for day in range(0, 10 + inc.news_days + 5):
        met = news.today(day, inc)
        assert day >= 10 or not met  # nothing before it breaks
        count = 0
        for who, weight, _, _ in met:
            assert np.allclose(weight, np.where(who % 2 == 0, inc.news_weight * (1 + inc.linked_fate), inc.news_weight))
            np.add.at(per_viewer, who, 1)
            count += who.size
        daily.append(count)
    chance = 6.0 / inc.news_days
    # Each viewer meets it Binomial(news_days, chance) times: mean 6, variance 6 (1 - chance).
    met = per_viewer[viewers]
    assert met.mean() == pytest.approx(6.0, abs=0.05)
    assert met.var() == pytest.approx(6.0 * (1 - chance), rel=0.05)
    # Spread evenly over the news days, and gone after them.
    news_days = np.array(daily[10 : 10 + inc.news_days])
    assert np.all(np.abs(news_days - viewers.size * chance) < 5 * np.sqrt(viewers.size * chance))
    assert sum(daily[10 + inc.news_days :]) == 0 and not news.stories
