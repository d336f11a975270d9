"""The consultation services: submission and its checks, visitors and sign-in links,
replies, hotline calls, routes, conversion into a project, the visitor's own data."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kaifaqu.consultations import selectors, services
from kaifaqu.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    Message,
    OutboxMessage,
    SignInLink,
    Status,
    Visitor,
)
from kaifaqu.consultations.workdays import add_working_days
from kaifaqu.core.models import AuditEntry, User
from kaifaqu.core.testing import disk_full_on_write
from kaifaqu.core.versioning import CURRENT
from kaifaqu.investment.models import Lead, LeadStatus, Project
from kaifaqu.investment.selectors import kanban_columns, project_list
from kaifaqu.investment.services import DuplicateProjectError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KAIFAQU_CONSULT_MAX_FILE_MB = 1
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def files_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> dict[str, int]:
    return {
        "consultations": Consultation.objects.count(),
        "visitors": Visitor.objects.count(),
        "users": User.objects.count(),
        "leads": Lead.objects.count(),
        "attachments": Attachment.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "links": SignInLink.objects.count(),
    }


def submit(**kw):
    fields = {
        "category": "industry_support",
        "question": "光伏项目可以享受哪些扶持政策？",
        "name": "张三丰",
        "organisation": "测试光伏有限公司",
        "phone": "13812345678",
        "email": "",
        "consent": True,
        "client_address": "10.0.0.1",
    }
    fields.update(kw)
    return services.consultation_submit(**fields)


# --- a submission ------------------------------------------------------------------------


def test_a_first_submission_creates_the_visitor_the_consultation_the_lead_and_a_link(demo):
    before = counts()
    result = submit(email="Zhang@Example.com")
    c = result.consultation
    assert result.account_created is True
    assert result.signed_in_already is False
    assert re.fullmatch(r"ZX\d{8}\d{4}", c.number)
    assert c.number[2:10] == timezone.localtime(c.received_at).strftime("%Y%m%d")
    assert c.channel == Channel.WEB
    assert c.status == Status.NEW
    assert c.email == "zhang@example.com"
    assert c.phone == "13812345678"
    assert c.officer == demo.investment  # the demo routes every category to 招商局's officer
    assert c.department == demo.departments["investment"]
    assert c.due_at == add_working_days(c.received_at, 1)
    assert c.consent_at == c.received_at
    assert c.notice_version == services.NOTICE_VERSION
    assert c.client_hash
    assert "10.0.0.1" not in c.client_hash
    visitor = result.visitor
    assert visitor.user.username.startswith("visitor-")
    assert len(visitor.user.username) == 20
    assert not visitor.user.has_usable_password()
    assert selectors.visitor_of(visitor.user) == visitor
    assert (visitor.name, visitor.organisation) == ("张三丰", "测试光伏有限公司")
    assert c.lead.source == "portal_consultation"
    assert c.lead.status == LeadStatus.OPEN
    assert c.lead.officer == demo.investment
    assert c.lead.summary == f"{c.number}: 光伏项目可以享受哪些扶持政策？"
    link = SignInLink.objects.get(user=visitor.user)
    assert link.token_hash == hashlib.sha256(result.sign_in_token.encode()).hexdigest()
    assert link.sent_to == "zhang@example.com"  # email first: it can be sent today
    outbox = OutboxMessage.objects.get(consultation=c)
    assert (outbox.channel, outbox.recipient) == ("email", "zhang@example.com")
    assert f"/space/sign-in/{result.sign_in_token}/" in outbox.body
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "consultations": 1,
        "visitors": 1,
        "users": 1,
        "leads": 1,
        "attachments": 0,
        "outbox": 1,
        "links": 1,
    }
    assert (
        AuditEntry.objects.filter(
            object_type="consultations.consultation", object_id=str(c.pk), action="create"
        ).count()
        == 1
    )


def test_numbers_follow_each_other_within_a_day(demo):
    first = submit(phone="13800000001").consultation
    second = submit(phone="13800000002").consultation
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_a_known_contact_attaches_to_the_visitor_and_gets_a_new_link_at_that_contact(demo):
    first = submit(phone="138-1234-5678", email="")
    before = counts()
    second = submit(phone="+86 13812345678", email="other@example.com", name="张先生")
    assert second.visitor == first.visitor
    assert second.account_created is False
    assert second.sign_in_token
    assert second.sign_in_token != first.sign_in_token
    assert OutboxMessage.objects.get(consultation=second.consultation).recipient == "13812345678"
    assert OutboxMessage.objects.get(consultation=second.consultation).channel == "sms"
    assert counts()["visitors"] == before["visitors"]
    assert second.consultation.lead == first.consultation.lead  # the open lead is updated
    # The visitor's details are not overwritten by an unverified submission.
    assert Visitor.objects.get(pk=first.visitor.pk).email == ""


def test_a_signed_in_visitor_needs_no_link(demo):
    first = submit()
    before = counts()
    again = submit(user=first.visitor.user, phone="13900000000")
    assert again.visitor == first.visitor
    assert again.signed_in_already is True
    assert again.sign_in_token is None
    after = counts()
    assert (after["links"], after["outbox"]) == (before["links"], before["outbox"])


# --- refusals: nothing stored -----------------------------------------------------------


def _refused(settings, **kw) -> ValidationError:
    before, disk = counts(), files_on_disk(settings)
    with pytest.raises(ValidationError) as error:
        submit(**kw)
    assert counts() == before
    assert files_on_disk(settings) == disk
    return error.value


def test_an_oversize_file_is_refused_and_nothing_is_stored(demo, settings):
    big = SimpleUploadedFile("plan.pdf", PDF + b"0" * (1024 * 1024))
    error = _refused(settings, files=[SimpleUploadedFile("ok.png", PNG), big])
    assert error.message_dict == {"files": ["plan.pdf is larger than 1.0\xa0MB."]}


def test_a_script_in_the_text_is_refused_and_nothing_is_stored(demo, settings):
    error = _refused(settings, question="请问<script>alert(1)</script>政策")
    assert error.message_dict == {"question": ["Please write plain text: markup is not accepted."]}


def test_a_missing_consent_is_refused_and_nothing_is_stored(demo, settings):
    error = _refused(settings, consent=False)
    assert error.message_dict == {
        "consent": ["Please agree to the handling of your personal data, or we cannot answer you."]
    }


def test_a_filled_honeypot_is_refused_naming_no_field(demo, settings):
    error = _refused(settings, honeypot="http://spam.example")
    assert error.messages == ["Your consultation could not be sent."]
    assert not hasattr(error, "error_dict")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "<b>张三</b>"),
        ("organisation", "<img src=x onerror=alert(1)>"),
        ("question", "点击 javascript:alert(1)"),
        ("question", "JavaScript : void(0)"),
        ("question", "<!-- hidden -->"),
    ],
)
def test_markup_is_refused_in_every_text_field(demo, settings, field, value):
    error = _refused(settings, **{field: value})
    assert error.message_dict == {field: ["Please write plain text: markup is not accepted."]}


def test_plain_text_with_angle_brackets_is_accepted(demo):
    c = submit(question="面积 < 50亩、租金 <5元/平方米 可以吗？").consultation
    assert c.question == "面积 < 50亩、租金 <5元/平方米 可以吗？"


def test_every_field_problem_is_reported_at_once(demo, settings):
    error = _refused(settings, category="nope", question="", name="", phone="12345", consent=False)
    assert sorted(error.message_dict) == ["category", "consent", "name", "phone", "question"]


def test_a_phone_or_an_email_is_required(demo, settings):
    error = _refused(settings, phone="", email="")
    assert error.message_dict == {
        "phone": ["Give a phone number or an email address, so that we can answer."]
    }


def test_too_long_a_question_is_refused(demo, settings):
    settings.KAIFAQU_CONSULT_MAX_CHARS = 10
    error = _refused(settings, question="一" * 11)
    assert error.message_dict == {"question": ["Please keep this to 10 characters (it has 11)."]}


@pytest.mark.parametrize("phone", ["13812345678", "0534-2345678", "(0534) 2345678", "4001686016"])
def test_mainland_phones_are_accepted(demo, phone):
    assert submit(phone=phone).consultation.phone == re.sub(r"\D", "", phone)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "virus.exe",
            b"MZ\x90\x00" + b"\x00" * 64,
            "virus.exe: only PDF, Word, Excel, PNG and JPEG files are accepted.",
        ),
        ("photo.pdf", PNG, "photo.pdf is not the kind of file its name says: its content is PNG."),
        ("empty.pdf", b"", "empty.pdf is empty."),
    ],
)
def test_files_are_checked_by_their_content(demo, settings, name, content, message):
    error = _refused(settings, files=[SimpleUploadedFile(name, content)])
    assert error.message_dict == {"files": [message]}


def test_too_many_files_are_refused(demo, settings):
    settings.KAIFAQU_CONSULT_MAX_FILES = 2
    error = _refused(settings, files=[SimpleUploadedFile(f"{i}.png", PNG) for i in range(3)])
    assert error.message_dict == {"files": ["Attach at most 2 files."]}


def test_accepted_files_are_stored_under_a_plain_name(demo, settings):
    from docx import Document

    doc = io.BytesIO()
    Document().save(doc)
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 64
    files = [
        SimpleUploadedFile("计划书.docx", doc.getvalue()),
        SimpleUploadedFile("site.jpeg", jpeg),
    ]
    c = submit(files=files).consultation
    stored = list(c.attachments.order_by("pk"))
    assert [(a.name, a.content_type) for a in stored] == [
        ("计划书.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("site.jpeg", "image/jpeg"),
    ]
    assert [a.size for a in stored] == [len(doc.getvalue()), 68]
    assert len(files_on_disk(settings)) == 2
    assert all("计划书" not in a.file.name and a.token in a.file.name for a in stored)


def test_a_full_disk_during_an_upload_leaves_no_file_and_nothing_stored(demo, settings):
    before = counts()
    files = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", PDF)]

    with disk_full_on_write(2), pytest.raises(OSError, match="No space left"):
        submit(files=files)

    assert counts() == before
    assert files_on_disk(settings) == []


def test_a_save_failing_after_the_files_were_stored_leaves_no_file(demo, settings, monkeypatch):
    import errno

    from kaifaqu.consultations.services import submit as submitting

    def _fails(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(submitting, "_record_lead", _fails)
    before = counts()

    with pytest.raises(OSError, match="No space left"):
        submit(files=[SimpleUploadedFile("a.png", PNG)])

    assert counts() == before
    assert files_on_disk(settings) == []


# --- rate limits --------------------------------------------------------------------------


def test_the_rate_limit_per_address_refuses_past_its_count(demo, settings):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "2/3600"
    submit(phone="13800000001")
    submit(phone="13800000002")
    before = counts()
    with pytest.raises(services.RateLimited) as error:
        submit(phone="13800000003")
    assert 0 < error.value.retry_after <= 3600
    assert "400-168-6016" in error.value.messages[0]
    assert error.value.messages[0].startswith("Too many consultations have been sent")
    assert counts() == before
    assert submit(phone="13800000004", client_address="10.0.0.2").consultation.pk


def test_the_rate_limit_per_contact_counts_phone_and_email_normalised(demo, settings):
    settings.KAIFAQU_CONSULT_RATE_PER_CONTACT = "1/600"
    submit(phone="13800000001", client_address="10.0.0.1")
    with pytest.raises(services.RateLimited) as error:
        submit(phone="+86 138 0000 0001", client_address="10.0.0.9")
    assert 0 < error.value.retry_after <= 600
    submit(email="A@example.com", phone="", client_address="10.0.0.3")
    with pytest.raises(services.RateLimited):
        submit(email="a@EXAMPLE.com", phone="", client_address="10.0.0.4")


def test_the_rate_limit_message_speaks_chinese(demo, settings):
    settings.KAIFAQU_CONSULT_RATE_PER_IP = "0/60"
    with pytest.raises(services.RateLimited) as error:
        submit()
    assert error.value.retry_after <= 60
    # The Chinese text comes with the lead's merge of translations; the hotline is in any case.
    assert "400-168-6016" in error.value.messages[0]


# --- sign-in links ------------------------------------------------------------------------


def test_a_link_signs_in_once_and_verifies_its_contact(demo):
    result = submit(email="li@example.com", phone="")
    user = services.sign_in_link_redeem(result.sign_in_token)
    assert user == result.visitor.user
    visitor = Visitor.objects.get(pk=result.visitor.pk)
    assert visitor.email_verified_at is not None
    assert visitor.phone_verified_at is None
    assert services.sign_in_link_redeem(result.sign_in_token) is None  # one time only
    assert services.sign_in_link_redeem("not-a-token") is None


def test_an_expired_link_signs_in_nobody(demo):
    result = submit()
    SignInLink.objects.filter(user=result.visitor.user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.sign_in_link_redeem(result.sign_in_token) is None


def test_a_link_to_a_contact_the_visitor_no_longer_has_is_refused(demo):
    result = submit(phone="13812345678")
    Visitor.objects.filter(pk=result.visitor.pk).update(phone="13900000000")
    assert services.sign_in_link_redeem(result.sign_in_token) is None


def test_asking_for_a_new_link_sends_one_only_to_a_known_contact(demo):
    result = submit(phone="13812345678")
    before = OutboxMessage.objects.count()
    services.sign_in_link_request(contact="nobody@example.com")
    assert OutboxMessage.objects.count() == before
    services.sign_in_link_request(contact="138 1234 5678")
    sent = OutboxMessage.objects.order_by("-pk").first()
    assert OutboxMessage.objects.count() == before + 1
    assert (sent.channel, sent.recipient) == ("sms", "13812345678")
    assert SignInLink.objects.filter(user=result.visitor.user).count() == 2


# --- replies, closing, reassigning --------------------------------------------------------


def test_a_staff_reply_meets_the_deadline_and_tells_the_visitor(demo):
    c = submit(email="li@example.com").consultation
    message = services.consultation_reply(
        actor=demo.investment, consultation=c, body="您好，请来电。", version=c.version
    )
    c.refresh_from_db()
    assert (message.from_staff, message.author, message.body) == (
        True,
        demo.investment,
        "您好，请来电。",
    )
    assert c.first_replied_at == message.created_at == c.last_activity_at
    assert (c.status, c.version) == (Status.REPLIED, 2)
    notice = OutboxMessage.objects.filter(consultation=c).order_by("-pk").first()
    assert notice.recipient == "li@example.com"
    assert c.number in notice.subject
    assert [m.pk for m in selectors.thread(c)] == [message.pk]


def test_replies_are_refused_to_those_outside_the_department(demo):
    c = submit().consultation
    for user in (demo.finance, demo.economy, demo.auditadmin):
        with pytest.raises(PermissionDenied):
            services.consultation_reply(version=CURRENT, actor=user, consultation=c, body="x")
    assert Message.objects.filter(consultation=c).count() == 0


def test_a_stale_version_is_refused(demo):
    from kaifaqu.core.versioning import ConcurrentEditError

    c = submit().consultation
    with pytest.raises(ConcurrentEditError):
        services.consultation_reply(actor=demo.investment, consultation=c, body="x", version=9)


def test_the_visitor_replies_to_their_own_until_it_is_closed(demo):
    mine, other = submit(), submit(phone="13900000000")
    with pytest.raises(PermissionDenied):
        services.consultation_visitor_reply(
            actor=other.visitor.user, consultation=mine.consultation, body="我的"
        )
    m = services.consultation_visitor_reply(
        actor=mine.visitor.user, consultation=mine.consultation, body="补充：用地约50亩。"
    )
    c = Consultation.objects.get(pk=mine.consultation.pk)
    assert (m.from_staff, c.status) == (False, Status.VISITOR_REPLIED)
    assert c.first_replied_at is None
    services.consultation_close(version=CURRENT, actor=demo.investment, consultation=c)
    with pytest.raises(ValidationError) as error:
        services.consultation_visitor_reply(actor=mine.visitor.user, consultation=c, body="再问")
    assert error.value.messages == [
        "This consultation is closed; please send a new consultation instead."
    ]


def test_reassigning_needs_an_editor_of_the_department(demo):
    c = submit().consultation
    with pytest.raises(ValidationError):
        services.consultation_reassign(
            version=CURRENT, actor=demo.investment, consultation=c, officer=demo.finance
        )
    c = services.consultation_reassign(
        version=CURRENT, actor=demo.investment, consultation=c, officer=demo.twodept
    )
    assert c.officer == demo.twodept


# --- hotline, routes ----------------------------------------------------------------------


def test_staff_log_a_hotline_call_with_a_lead_and_no_personal_space(demo):
    before = counts()
    at = timezone.now() - timedelta(hours=1)
    c = services.hotline_call_log(
        actor=demo.investment,
        category="land_buildings",
        question="有无标准厂房？",
        name="王先生",
        phone="13905340009",
        received_at=at,
    )
    assert (c.channel, c.logged_by, c.visitor, c.received_at) == (
        Channel.HOTLINE,
        demo.investment,
        None,
        at,
    )
    assert c.lead.source == "hotline"
    after = counts()
    assert (
        after["consultations"] - before["consultations"],
        after["visitors"],
        after["leads"] - before["leads"],
    ) == (1, before["visitors"], 1)
    with pytest.raises(PermissionDenied):
        services.hotline_call_log(
            actor=demo.finance, category="other", question="q", name="n", phone="13905340009"
        )


def test_routes_are_set_by_investment_editors_to_investment_editors(demo):
    route = services.route_set(actor=demo.admin, category="other", officer=demo.twodept)
    assert (route.officer, route.department.code) == (demo.twodept, "investment")
    assert submit(category="other").consultation.officer == demo.twodept
    with pytest.raises(PermissionDenied):
        services.route_set(actor=demo.finance, category="other", officer=demo.investment)
    with pytest.raises(ValidationError):
        services.route_set(actor=demo.investment, category="other", officer=demo.economy)


# --- a project from a consultation -------------------------------------------------------


def test_a_consultation_becomes_a_project_on_the_kanban(demo):
    c = submit(organisation="咨询转化测试有限公司").consultation
    lead_column = {col.stage: col.count for col in kanban_columns(project_list(demo.investment))}
    project = services.consultation_convert(
        version=CURRENT,
        actor=demo.investment,
        consultation=c,
        project_name="咨询转化测试光伏项目",
        org_unit=demo.units["371471101"],
    )
    assert (project.stage, project.source, project.officer) == (
        "lead",
        "portal_consultation",
        demo.investment,
    )
    assert project.investor.name == "咨询转化测试有限公司"
    assert project.investor.phone == "13812345678"  # the officer may see contacts
    columns = {col.stage: col.count for col in kanban_columns(project_list(demo.investment))}
    assert columns["lead"] == lead_column["lead"] + 1
    lead = Lead.objects.get(pk=c.lead_id)
    assert (lead.status, lead.project) == (LeadStatus.CONVERTED, project)


def test_a_likely_duplicate_project_is_refused_until_confirmed(demo):
    c = submit(organisation="重复测试有限公司").consultation
    town = demo.units["371471101"]
    services.consultation_convert(
        version=CURRENT,
        actor=demo.investment,
        consultation=c,
        project_name="重复测试项目",
        org_unit=town,
    )
    again = submit(organisation="重复测试有限公司", phone="13900000000").consultation
    assert again.lead_id != c.lead_id  # the converted lead is history: a new one opens
    projects = Project.objects.count()
    with pytest.raises(DuplicateProjectError) as error:
        services.consultation_convert(
            version=CURRENT,
            actor=demo.investment,
            consultation=again,
            project_name="重复测试项目",
            org_unit=town,
        )
    assert error.value.matches
    assert Project.objects.count() == projects
    project = services.consultation_convert(
        version=CURRENT,
        actor=demo.investment,
        consultation=again,
        project_name="重复测试项目",
        org_unit=demo.units["371471101"],
        allow_duplicate=True,
    )
    assert project.investor == Project.objects.get(name="重复测试项目", pk__lt=project.pk).investor


def test_converting_is_refused_outside_the_department(demo):
    c = submit().consultation
    with pytest.raises(PermissionDenied):
        services.consultation_convert(
            actor=demo.finance,
            consultation=c,
            project_name="x",
            org_unit=demo.units["371471101"],
            version=CURRENT,
        )


# --- the visitor's own data -------------------------------------------------------------


def test_the_visitor_changes_their_details_and_a_new_contact_is_unverified(demo):
    result = submit(email="li@example.com")
    services.sign_in_link_redeem(result.sign_in_token)
    visitor = services.visitor_update(
        actor=result.visitor.user,
        name="李四",
        organisation="新公司",
        phone="13812345678",
        email="new@example.com",
    )
    assert (visitor.name, visitor.email, visitor.email_verified_at) == (
        "李四",
        "new@example.com",
        None,
    )
    other = submit(phone="13900000000")
    with pytest.raises(ValidationError) as error:
        services.visitor_update(
            actor=other.visitor.user, name="x", organisation="", phone="13812345678", email=""
        )
    assert error.value.message_dict == {
        "phone": ["This phone number belongs to another personal space."]
    }
    with pytest.raises(PermissionDenied):
        services.visitor_update(
            actor=demo.investment, name="x", organisation="", phone="", email="a@b.cn"
        )


def test_erasing_keeps_the_consultations_anonymised_and_deletes_the_account(
    demo, settings, django_capture_on_commit_callbacks
):
    result = submit(email="li@example.com", files=[SimpleUploadedFile("a.png", PNG)])
    services.consultation_reply(
        version=CURRENT, actor=demo.investment, consultation=result.consultation, body="答复"
    )
    user_pk = result.visitor.user.pk
    assert len(files_on_disk(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.visitor_erase(actor=result.visitor.user)
    c = Consultation.objects.get(pk=result.consultation.pk)
    assert (c.name, c.organisation, c.phone, c.email) == (services.ANONYMISED, "", "", "")
    assert c.anonymised_at is not None
    assert c.visitor is None
    assert (c.lead.contact_name, c.lead.phone, c.lead.email) == (services.ANONYMISED, "", "")
    assert c.question == "光伏项目可以享受哪些扶持政策？"
    assert [m.body for m in c.messages.all()] == ["答复"]
    assert not User.objects.filter(pk=user_pk).exists()
    assert not SignInLink.objects.filter(user_id=user_pk).exists()
    assert not OutboxMessage.objects.filter(recipient="li@example.com").exists()
    assert c.attachments.count() == 0
    assert files_on_disk(settings) == []  # removed when the transaction commits
