"""The consultation rate limits (issue 12): a place is taken atomically and given back when
the submission is refused, so a full limit lets nobody more through and refusals cost nothing;
the wait is the seconds until the window ends."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache

from kaifaqu.consultations.limits import RateLimited, reserve_submission


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "3/600"
    settings.KAIFAQU_CONSULT_RATE_PER_CONTACT = "2/600"
    cache.clear()
    yield
    cache.clear()


@time_machine.travel("2026-03-02 10:01:40+00:00", tick=False)
def test_a_full_limit_refuses_with_the_seconds_left_and_counts_nothing():
    for _ in range(3):
        reserve_submission(client_address="10.0.0.1")
    for _ in range(4):
        with pytest.raises(RateLimited) as refused:
            reserve_submission(client_address="10.0.0.1")
        assert refused.value.retry_after == 500  # 10:00-10:10, 8 min 20 s left
    assert reserve_submission(client_address="10.0.0.2").keys  # another address is free


@time_machine.travel("2026-03-02 10:01:40+00:00", tick=False)
def test_a_released_reservation_gives_its_places_back():
    for _ in range(10):
        reserve_submission(client_address="10.0.0.1", phone="13800001111").release()
    reserve_submission(client_address="10.0.0.1", phone="+86 138-0000-1111")
    reserve_submission(client_address="10.0.0.1", phone="13800001111")
    with pytest.raises(RateLimited):  # the phone's limit (2) is full, the address's (3) not
        reserve_submission(client_address="10.0.0.1", phone="13800001111")
    # The refusal took back its place in the address's counter too: one place is left.
    reserve_submission(client_address="10.0.0.1")
    with pytest.raises(RateLimited):
        reserve_submission(client_address="10.0.0.1")


def test_the_next_window_starts_afresh():
    with time_machine.travel("2026-03-02 10:09:59+00:00", tick=False):
        for _ in range(3):
            reserve_submission(client_address="10.0.0.1")
        with pytest.raises(RateLimited) as refused:
            reserve_submission(client_address="10.0.0.1")
        assert refused.value.retry_after == 1
    with time_machine.travel("2026-03-02 10:10:00+00:00", tick=False):
        reserve_submission(client_address="10.0.0.1")
