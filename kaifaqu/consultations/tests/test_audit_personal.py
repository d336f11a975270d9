"""Erasing a visitor leaves their name, phone and email in no audit row."""

from __future__ import annotations

import json

import pytest

from kaifaqu.consultations import services
from kaifaqu.core.models import AuditChange, AuditEntry

from .test_views_support import submit

NAME, PHONE, EMAIL = "欧阳明月", "13987654321", "mingyue@example.cn"


def _audit_text() -> str:
    rows = [
        [e.actor_username, e.object_type, e.object_id, e.object_repr, e.before, e.after]
        for e in AuditEntry.objects.all()
    ] + [
        [c.object_type, c.object_id, c.object_repr, c.before, c.after]
        for c in AuditChange.objects.all()
    ]
    return json.dumps(rows, ensure_ascii=False)


@pytest.mark.parametrize("organisation", ["", "星河新能源有限公司"])
def test_erasure_leaves_no_personal_data_in_the_audit_log(demo, media, organisation):
    asked = submit(name=NAME, organisation=organisation, phone=PHONE, email=EMAIL)
    user = asked.visitor.user
    services.visitor_update(
        actor=user, name=NAME + "甲", organisation=organisation, phone=PHONE, email=EMAIL
    )
    assert AuditEntry.objects.filter(object_type="consultations.visitor").exists()
    services.visitor_erase(actor=user)
    text = _audit_text()
    for personal in (NAME, PHONE, EMAIL):
        assert personal not in text, [r for r in text.split("], [") if personal in r]
    visitor_rows = AuditEntry.objects.filter(
        object_type="consultations.visitor", object_id=str(asked.visitor.pk)
    )
    assert {e.object_repr for e in visitor_rows} == {f"visitor #{asked.visitor.pk}"}
