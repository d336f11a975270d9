"""The policy library's services and back-office pages, per role."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kaifaqu.core import access
from kaifaqu.core.models import AuditEntry
from kaifaqu.core.versioning import CURRENT, ConcurrentEditError
from kaifaqu.portal import selectors, services
from kaifaqu.portal.categories import Category
from kaifaqu.portal.models import Policy, PolicyAttachment, PolicyStatus

pytestmark = pytest.mark.django_db

EDITORS = ["admin", "investment", "twodept"]
READ_ONLY = ["leader"]
OTHER_DEPARTMENTS = ["economy", "finance"]
SEPARATED = ["sysadmin", "secadmin", "auditadmin"]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(demo, actor=None, **kw):
    fields = {
        "department": demo.departments["investment"],
        "category": Category.INDUSTRY_SUPPORT,
        "title": "测试扶持办法",
        "issuer": "管委会",
        "issued_on": date(2017, 2, 1),
        "valid_from": date(2017, 2, 1),
        "body": "正文第一段。\r\n\r\n正文第二段。  ",
    }
    fields.update(kw)
    return services.policy_create(actor=actor, **fields)


def test_create_publish_revise_withdraw_keeps_every_text(demo):
    editor = demo.users["investment"]
    policy = _draft(demo, editor)
    assert (policy.status, policy.body) == (PolicyStatus.DRAFT, "正文第一段。\n\n正文第二段。")
    assert not selectors.public_policies(q="测试扶持").exists()
    policy = services.policy_publish(actor=editor, policy=policy, version=policy.version)
    assert policy.status == PolicyStatus.PUBLISHED
    assert policy.published_at is not None
    assert list(selectors.public_policies(q="测试扶持")) == [policy]
    policy = services.policy_revise(
        actor=editor,
        policy=policy,
        body="新正文。",
        changes="补助标准调整",
        version=policy.version,
        valid_until=date(2018, 12, 31),
    )
    assert policy.status == PolicyStatus.PUBLISHED
    revisions = list(policy.revisions.order_by("number").values_list("number", "body", "changes"))
    assert [r[:2] for r in revisions] == [(1, "正文第一段。\n\n正文第二段。"), (2, "新正文。")]
    assert revisions[1][2] == "补助标准调整"
    policy = services.policy_withdraw(
        version=CURRENT, actor=editor, policy=policy, reason="政策到期"
    )
    assert policy.status == PolicyStatus.WITHDRAWN
    assert not selectors.public_policies(q="测试扶持").exists()
    assert selectors.public_policy(policy.pk) == policy
    actions = AuditEntry.objects.filter(object_type="portal.policy", object_id=str(policy.pk))
    assert actions.count() == 4


def test_rights_editors_of_the_department_and_zone_admins(demo):
    policy = _draft(demo)
    for name in ["economy", "finance", "leader", "sysadmin"]:
        with pytest.raises(PermissionDenied):
            services.policy_publish(version=CURRENT, actor=demo.users[name], policy=policy)
        with pytest.raises(PermissionDenied):
            _draft(demo, demo.users[name])
    services.policy_publish(version=CURRENT, actor=demo.users["admin"], policy=policy)


def test_bad_input_changes_nothing(demo):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            _draft(demo, valid_until=date(2016, 1, 1))
        assert "expire before it takes effect" in str(error.value)
        policy = _draft(demo)
        with pytest.raises(ValidationError):
            services.policy_withdraw(version=CURRENT, actor=None, policy=policy, reason="x")
        services.policy_publish(version=CURRENT, actor=None, policy=policy)
        with pytest.raises(ValidationError) as error:
            services.policy_withdraw(version=CURRENT, actor=None, policy=policy, reason="  ")
        assert "reason" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.policy_revise(
                version=CURRENT, actor=None, policy=policy, body=policy.body, changes="无"
            )
        with pytest.raises(ValidationError):
            services.policy_update(version=CURRENT, actor=None, policy=policy, title="改")
    policy.refresh_from_db()
    assert (policy.status, policy.revisions.count()) == (PolicyStatus.PUBLISHED, 1)


def test_a_stale_version_is_refused(demo):
    policy = _draft(demo)
    services.policy_update(actor=None, policy=policy, version=1, title="第一次修改")
    with pytest.raises(ConcurrentEditError):
        services.policy_update(actor=None, policy=policy, version=1, title="第二次修改")
    assert Policy.objects.get(pk=policy.pk).title == "第一次修改"


def test_attachments_are_checked_by_content(demo):
    policy = _draft(demo)
    added = services.policy_attachment_add(
        actor=None, policy=policy, file=SimpleUploadedFile("细则.pdf", PDF)
    )
    assert (added.name, added.content_type, added.size) == ("细则.pdf", "application/pdf", len(PDF))
    for name, content in [("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 100), ("空.pdf", b"")]:
        with pytest.raises(ValidationError):
            services.policy_attachment_add(
                actor=None, policy=policy, file=SimpleUploadedFile(name, content)
            )
    assert policy.attachments.count() == 1
    services.policy_attachment_remove(actor=None, attachment=added)
    assert not PolicyAttachment.objects.filter(pk=added.pk).exists()


@hsettings(max_examples=20, deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_random_bytes_are_never_accepted_as_a_pdf(content):
    from kaifaqu.portal.uploads import checked_attachment

    try:
        _name, content_type, _size = checked_attachment(SimpleUploadedFile("x.pdf", content))
    except ValidationError:
        return
    assert content_type in {"image/png", "image/jpeg", "application/pdf"}


def test_public_attachment_download_only_for_published(client, demo):
    policy = _draft(demo)
    added = services.policy_attachment_add(
        actor=None, policy=policy, file=SimpleUploadedFile("细则.pdf", PDF)
    )
    url = reverse("portal:policy_attachment", args=[policy.pk, added.pk])
    assert client.get(url).status_code == 404
    services.policy_publish(version=CURRENT, actor=None, policy=policy)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.fixture
def draft(demo):
    return _draft(demo)


@pytest.mark.parametrize("name", EDITORS + READ_ONLY)
def test_back_office_list_and_detail_for_readers(login, draft, name):
    client = login(name)
    assert client.get(reverse("portal:policy_admin")).status_code == 200
    assert client.get(reverse("portal:policy_admin_detail", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("name", OTHER_DEPARTMENTS)
def test_other_departments_do_not_see_investment_policies(login, draft, name):
    client = login(name)
    listed = client.get(reverse("portal:policy_admin")).context["policies"]
    assert draft not in list(listed)
    assert client.get(reverse("portal:policy_admin_detail", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("name", SEPARATED)
def test_separated_administrators_are_refused(login, draft, name):
    client = login(name)
    assert client.get(reverse("portal:policy_admin")).status_code == 403


def test_anonymous_and_visitors_are_kept_out(client, draft, visitor_user):
    response = client.get(reverse("portal:policy_admin"))
    assert response.status_code == 302
    assert "/login" in response["Location"]
    client.force_login(visitor_user)
    assert client.get(reverse("portal:policy_admin")).status_code == 403


@pytest.mark.parametrize("name", EDITORS)
def test_editors_create_publish_revise_withdraw_through_the_pages(login, demo, name):
    client = login(name)
    response = client.post(
        reverse("portal:policy_admin_create"),
        {
            "department": demo.departments["investment"].pk,
            "category": "other",
            "title": "页面新建政策",
            "issuer": "招商局",
            "issued_on": "2017-03-01",
            "valid_from": "2017-03-01",
            "body": "正文",
        },
    )
    assert response.status_code == 302
    policy = Policy.objects.get(title="页面新建政策")
    client.post(reverse("portal:policy_admin_publish", args=[policy.pk]), {"version": "1"})
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.PUBLISHED
    assert client.get(reverse("portal:policy_admin_edit", args=[policy.pk])).status_code == 403
    response = client.post(
        reverse("portal:policy_admin_revise", args=[policy.pk]),
        {
            "title": "页面新建政策",
            "issuer": "招商局",
            "issued_on": "2017-03-01",
            "valid_from": "2017-03-01",
            "body": "修订正文",
            "changes": "修订",
            "version": policy.version,
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("portal:policy_admin_withdraw", args=[policy.pk]),
        {"reason": "废止", "version": policy.version + 1},
    )
    policy.refresh_from_db()
    assert (policy.status, policy.body, policy.withdrawal_reason) == (
        "withdrawn",
        "修订正文",
        "废止",
    )
    upload = client.post(
        reverse("portal:policy_admin_attach", args=[policy.pk]),
        {"file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert upload.status_code == 302
    assert policy.attachments.count() == 1


@pytest.mark.parametrize("name", READ_ONLY + OTHER_DEPARTMENTS)
def test_non_editors_cannot_change(login, demo, draft, name):
    client = login(name)
    # Editors of other departments may write their own department's policies, not these.
    expected = 200 if access.changes_some_business(demo.users[name]) else 403
    assert client.get(reverse("portal:policy_admin_create")).status_code == expected
    response = client.post(reverse("portal:policy_admin_publish", args=[draft.pk]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.DRAFT


def test_back_office_list_queries_do_not_grow(login, demo, django_assert_max_num_queries):
    client = login("admin")
    for i in range(5):
        _draft(demo, title=f"政策{i}")
    with django_assert_max_num_queries(20):
        client.get(reverse("portal:policy_admin"))


def _revision(policy, **changes) -> dict:
    data = {
        "title": policy.title,
        "issuer": policy.issuer,
        "issued_on": policy.issued_on.isoformat(),
        "valid_from": policy.valid_from.isoformat(),
        "body": policy.body,
        "changes": "修订",
        "version": policy.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def published(draft):
    return services.policy_publish(actor=None, policy=draft, version=draft.version)


@pytest.mark.parametrize("name", EDITORS)
def test_editors_are_shown_the_policy_forms(login, draft, name):
    client = login(name)
    assert client.get(reverse("portal:policy_admin_create")).status_code == 200
    assert client.get(reverse("portal:policy_admin_edit", args=[draft.pk])).status_code == 200
    services.policy_publish(actor=None, policy=draft, version=draft.version)
    assert client.get(reverse("portal:policy_admin_revise", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("name", READ_ONLY + OTHER_DEPARTMENTS + SEPARATED)
def test_others_are_refused_the_policy_forms(login, draft, name):
    client = login(name)
    edit = reverse("portal:policy_admin_edit", args=[draft.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "改", "version": draft.version}).status_code == 403
    services.policy_publish(actor=None, policy=draft, version=draft.version)
    revise = reverse("portal:policy_admin_revise", args=[draft.pk])
    assert client.get(revise).status_code == 403
    assert client.post(revise, _revision(draft, body="新正文")).status_code == 403
    draft.refresh_from_db()
    assert (draft.title, draft.revisions.count()) == ("测试扶持办法", 1)


def test_a_revision_that_changes_nothing_is_refused_by_the_body_field(as_user, published):
    response = as_user("investment").post(
        reverse("portal:policy_admin_revise", args=[published.pk]), _revision(published)
    )
    assert response.status_code == 200
    message = "The revision changes nothing."
    assert response.context["form"].errors == {"body": [message]}
    page = response.content.decode()
    assert 'role="alert"' not in page
    assert page.index('name="body"') < page.index(f'data-error="body">{message}<')
    assert published.revisions.count() == 1


def test_a_stale_revision_answers_409_and_keeps_the_first(as_user, published):
    client = as_user("investment")
    url = reverse("portal:policy_admin_revise", args=[published.pk])
    stale = _revision(published, body="第二个修订")
    assert client.post(url, _revision(published, body="第一个修订")).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this record while you were editing it. Reload it to see their "
        "change, then make yours again."
    ]
    published.refresh_from_db()
    assert (published.body, published.revisions.count()) == ("第一个修订", 2)


def test_a_file_that_is_not_what_it_says_is_refused_by_the_file_field(as_user, draft):
    response = as_user("investment").post(
        reverse("portal:policy_admin_attach", args=[draft.pk]),
        {"file": SimpleUploadedFile("细则.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
    )
    assert (response.status_code, response.context["policy"]) == (200, draft)
    form = response.context["attachment_form"]
    assert list(form.errors) == ["file"]
    (message,) = form.errors["file"]
    page = response.content.decode()
    assert page.index('name="file"') < page.index(f'data-error="file">{message}<')
    assert draft.attachments.count() == 0


def test_a_stale_publish_answers_409_on_the_policy_s_page(as_user, draft):
    client = as_user("investment")
    services.policy_update(actor=None, policy=draft, version=1, title="已改")
    response = client.post(
        reverse("portal:policy_admin_publish", args=[draft.pk]), {"version": "1"}
    )
    assert response.status_code == 409
    message = (
        "Someone else saved this record while you were editing it. Reload it to see their "
        "change, then make yours again."
    )
    assert response.context["publish_form"].non_field_errors() == [message]
    assert f'data-testid="form-errors"><div>{message}<' in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (PolicyStatus.DRAFT, "已改")


def test_a_withdrawal_without_a_reason_is_refused_by_the_reason_field(as_user, published):
    response = as_user("investment").post(
        reverse("portal:policy_admin_withdraw", args=[published.pk]),
        {"reason": "  ", "version": published.version},
    )
    assert response.status_code == 200
    with translation.override("en"):  # the form's own message is translated when read
        assert response.context["withdraw_form"].errors == {"reason": ["This field is required."]}
    assert 'data-error="reason">This field is required.<' in response.content.decode()
    published.refresh_from_db()
    assert published.status == PolicyStatus.PUBLISHED
