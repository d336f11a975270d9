"""The audit log in words: the actor, the kind of record, the changed fields (issue 13, 4)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kaifaqu.core import audit_display, services
from kaifaqu.core.models import AuditEntry, User


@pytest.mark.django_db
def test_a_change_reads_as_its_fields_old_and_new_in_the_user_s_language():
    user = User.objects.create(username="zhang", full_name="张三", is_active=True)
    services.user_update(actor=None, user=user, full_name="李四", is_active=False)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    with translation.override("en"):
        assert [(c.label, c.old, c.new) for c in audit_display.changes(entry)] == [
            ("active", "Yes", "No"),
            ("full name", "—", "changed"),  # the holder's name stays out of the log
        ]
        assert audit_display.object_type_text(entry.object_type) == "user"
    with translation.override("zh-hans"):
        text = audit_display.changes_text(entry)
        assert audit_display.object_type_text("core.user") == "用户"
        assert "：— → 变化" in text
        assert "张三" not in text
        assert "李四" not in text
        assert "{" not in text


@pytest.mark.parametrize(
    ("username", "en", "zh"),
    [
        ("system:load_demo", "System (loading the demo data)", "系统（加载演示数据）"),
        ("system", "System", "系统"),
        ("economy", "economy", "economy"),
        ("", "—", "—"),
    ],
)
def test_an_actor_reads_in_words(username, en, zh):
    with translation.override("en"):
        assert audit_display.actor_text(username) == en
    with translation.override("zh-hans"):
        assert audit_display.actor_text(username) == zh
