"""The inbox's order and scope, one's own consultations, contact details masked or audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from kaifaqu.consultations import selectors, services
from kaifaqu.consultations.models import Consultation
from kaifaqu.core.models import AuditEntry
from kaifaqu.core.versioning import CURRENT


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def call(phone: str, hours_ago: float):
    return services.consultation_submit(
        category="other",
        question=f"q{phone}",
        name="吴八",
        phone=phone,
        consent=True,
        received_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_the_inbox_puts_overdue_first_then_waiting_by_deadline_then_the_rest(demo):
    Consultation.objects.all().delete()
    overdue_old = call("13800000001", 24 * 20).consultation
    overdue_new = call("13800000002", 24 * 10).consultation
    waiting = call("13800000003", 0.1).consultation
    replied = call("13800000004", 24 * 30).consultation
    services.consultation_reply(
        version=CURRENT, actor=demo.investment, consultation=replied, body="好"
    )
    closed = call("13800000005", 24 * 40).consultation
    services.consultation_close(version=CURRENT, actor=demo.investment, consultation=closed)
    numbers = list(selectors.inbox(demo.investment).values_list("number", flat=True))
    assert numbers == [
        overdue_old.number,
        overdue_new.number,
        waiting.number,
        replied.number,
        closed.number,
    ]
    assert list(selectors.inbox(demo.investment, overdue_only=True)) == [overdue_old, overdue_new]
    assert list(selectors.inbox(demo.investment, status="closed")) == [closed]
    assert list(selectors.inbox(demo.investment, q=waiting.number)) == [waiting]


def test_the_inbox_is_scoped_to_the_departments_read(demo):
    call("13800000001", 1)
    assert selectors.inbox(demo.investment).count() == Consultation.objects.count()
    assert selectors.inbox(demo.leader).count() == Consultation.objects.count()
    assert selectors.inbox(demo.finance).count() == 0
    assert selectors.inbox(demo.auditadmin).count() == 0
    c = Consultation.objects.first()
    with pytest.raises(Http404):
        selectors.consultation_for_staff(demo.finance, c.pk)
    assert selectors.consultation_for_staff(demo.investment, c.pk) == c


def test_the_inbox_reads_in_one_query_however_long(demo, django_assert_num_queries):
    for i in range(5):
        call(f"1380000000{i}", i)
    selectors.inbox(demo.investment)  # the user's roles, read once and kept on the user
    with django_assert_num_queries(1):
        rows = [(c.officer, c.visitor, c.lead) for c in selectors.inbox(demo.investment)]
    assert len(rows) == Consultation.objects.count()


def test_a_visitor_sees_only_their_own(demo):
    mine, other = call("13800000001", 1), call("13800000002", 1)
    user = mine.visitor.user
    assert selectors.visitor_of(user) == mine.visitor
    assert selectors.visitor_of(demo.investment) is None
    assert list(selectors.consultations_of(mine.visitor)) == [mine.consultation]
    with pytest.raises(Http404):
        selectors.consultation_for_visitor(user, other.consultation.pk)
    with pytest.raises(Http404):
        selectors.consultation_for_visitor(demo.investment, mine.consultation.pk)


def test_contacts_are_masked_without_the_permission_and_not_audited(demo):
    c = call("13812345678", 1).consultation
    before = AuditEntry.objects.count()
    contact = selectors.contact_for(demo.leader, c, purpose="inbox")
    assert (contact.contact_person, contact.phone, contact.masked) == ("吴*", "138****5678", True)
    assert AuditEntry.objects.count() == before


def test_an_unmasked_list_is_one_audit_row(demo):
    a, b = call("13812345678", 1).consultation, call("13900000000", 1).consultation
    before = AuditEntry.objects.count()
    shown = selectors.contacts_for(demo.investment, [a, b], purpose="inbox")
    assert (shown[a.pk].phone, shown[b.pk].phone) == ("13812345678", "13900000000")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq")[0]
    assert (entry.action, entry.object_repr) == ("view_sensitive", "2 consultations")
    assert entry.after["consultations"] == sorted([a.pk, b.pk])
    assert entry.after["purpose"] == "inbox"
