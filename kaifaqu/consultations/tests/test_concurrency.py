"""ACCEPTANCE (issue 5): 50 consultations from 10 threads at once through the API: every
accepted one is stored exactly once and is in the inbox, none is lost, and past the per-address
limit the answer is 429."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from kaifaqu.consultations import selectors
from kaifaqu.consultations.models import Consultation

THREADS, EACH, LIMIT = 10, 5, 4


@pytest.mark.timeout(600)
def test_fifty_submissions_from_ten_threads(demo_committed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KAIFAQU_CONSULT_RATE_PER_IP = f"{LIMIT}/3600"
    settings.KAIFAQU_CONSULT_RATE_PER_CONTACT = "100/3600"
    cache.clear()
    before = Consultation.objects.count()
    start = threading.Barrier(THREADS)
    answers: list[tuple[str, int, dict]] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(t: int) -> None:
        try:
            api = APIClient(REMOTE_ADDR=f"10.9.0.{t}")
            start.wait()
            for i in range(EACH):
                question = f"并发测试问题 thread {t} no {i}"
                response = api.post(
                    "/api/v1/consultations/",
                    {
                        "category": "other",
                        "question": question,
                        "name": f"测试{t}",
                        "phone": f"139{t:04d}{i:04d}",
                        "consent": True,
                    },
                    format="json",
                )
                with lock:
                    answers.append((question, response.status_code, response.json()))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.clear()

    assert errors == []
    assert len(answers) == THREADS * EACH
    statuses = Counter(status for _q, status, _body in answers)
    # Each address gets LIMIT through and is refused after: 10 × 4 accepted, 10 × 1 refused.
    assert statuses == {201: THREADS * LIMIT, 429: THREADS * (EACH - LIMIT)}
    accepted = {q: body["number"] for q, status, body in answers if status == 201}
    stored = Consultation.objects.filter(question__startswith="并发测试问题")
    assert stored.count() == len(accepted) == Consultation.objects.count() - before
    assert len(set(accepted.values())) == len(accepted)  # distinct numbers
    assert dict(stored.values_list("question", "number")) == accepted  # each exactly once
    inbox = selectors.inbox(demo_committed.investment, q="并发测试问题")
    assert sorted(inbox.values_list("number", flat=True)) == sorted(accepted.values())
    refused = [body for _q, status, body in answers if status == 429]
    assert all(body["code"] == "rate_limited" for body in refused)
