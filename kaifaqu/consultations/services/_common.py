"""What the consultation services share: numbering, visitors, sign-in links, attachments,
notices to visitors through the outbox."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core.models import AuditChainLock, User

from ..models import Attachment, Consultation, Message, OutboxChannel, SignInLink, Visitor
from ..outbox import outbox_enqueue
from ._checks import CheckedFile

#: What anonymised personal data reads as: the consultation stays for the bureau's records.
ANONYMISED = "已匿名"
#: The version of the privacy notice a visitor consents to (the notice's text is the form's).
NOTICE_VERSION = "2025-1"
_NUMBER_TRIES = 20


def serialise_writers() -> None:
    """Every audited write queues on the audit chain's lock row anyway; taking it first makes
    a submission's look-ups (the visitor, the open lead, the day's last number) and its writes
    one step, so two submissions from one contact cannot both create a visitor on PostgreSQL
    (SQLite's immediate transactions serialise writers already)."""
    AuditChainLock.objects.select_for_update().get_or_create(pk=1)


def client_hash(address: str) -> str:
    if not address:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def site_url(path: str) -> str:
    """An absolute URL for messages leaving the site (KAIFAQU_SITE_URL, if set)."""
    return settings.KAIFAQU_SITE_URL.rstrip("/") + path


def sign_in_path(token: str) -> str:
    try:
        return reverse("consultations:sign_in", args=[token])
    except NoReverseMatch:  # the personal-space pages are not mounted (an API-only test)
        return f"/space/sign-in/{token}/"


def space_path() -> str:
    try:
        return reverse("consultations:space")
    except NoReverseMatch:
        return "/space/"


def save_numbered(consultation: Consultation) -> None:
    """Save a new consultation numbered ZX + its local date + a 4-digit sequence of the day.

    The number is the day's highest plus one; two concurrent savers may pick the same, and
    the unique index refuses the second, which retries inside a savepoint (on PostgreSQL its
    next read sees the committed number)."""
    day = timezone.localtime(consultation.received_at).strftime("%Y%m%d")
    prefix = f"ZX{day}"
    for _attempt in range(_NUMBER_TRIES):
        last = (
            Consultation.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        sequence = int(last[len(prefix) :]) + 1 if last else 1
        if sequence > 9999:
            raise ValidationError(_("No more consultation numbers today; call the hotline."))
        consultation.number = f"{prefix}{sequence:04d}"
        try:
            with transaction.atomic():
                consultation.save()
            return
        except IntegrityError:
            consultation.pk = None
            continue
    raise ValidationError(_("The consultation could not be numbered; please send it again."))


def new_visitor(*, name: str, organisation: str, phone: str, email: str) -> Visitor:
    user = User(username=f"visitor-{secrets.token_hex(6)}", full_name=name[:100])
    user.set_unusable_password()
    user.save()
    visitor = Visitor(user=user, name=name, organisation=organisation, phone=phone, email=email)
    visitor.full_clean(exclude=["user"])
    visitor.save()
    return visitor


def visitor_by_contact(*, phone: str, email: str) -> tuple[Visitor | None, str]:
    """The visitor with this phone (first) or email, and the contact that matched."""
    if phone:
        visitor = Visitor.objects.filter(phone=phone).order_by("pk").first()
        if visitor is not None:
            return visitor, phone
    if email:
        visitor = Visitor.objects.filter(email__iexact=email).order_by("pk").first()
        if visitor is not None:
            return visitor, email
    return None, ""


def channel_for(contact: str) -> str:
    return OutboxChannel.EMAIL if "@" in contact else OutboxChannel.SMS


def issue_sign_in_link(
    visitor: Visitor, *, sent_to: str, consultation: Consultation | None = None
) -> str:
    """A new one-time link for the visitor, sent to ``sent_to`` (one of their contacts)
    through the outbox; returns the raw token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    SignInLink.objects.create(
        user=visitor.user,
        token_hash=token_hash(token),
        sent_to=sent_to,
        created_at=now,
        expires_at=now + timedelta(hours=settings.KAIFAQU_SIGN_IN_LINK_HOURS),
    )
    url = site_url(sign_in_path(token))
    hours = settings.KAIFAQU_SIGN_IN_LINK_HOURS
    if consultation is not None:
        body = _(
            "Your consultation %(number)s has been received. Your personal space keeps it "
            "and the answers: %(url)s (the link works once, for %(hours)s hours)."
        ) % {"number": consultation.number, "url": url, "hours": hours}
    else:
        body = _(
            "Sign in to your personal space: %(url)s (the link works once, for %(hours)s hours)."
        ) % {"url": url, "hours": hours}
    outbox_enqueue(
        channel=channel_for(sent_to),
        recipient=sent_to,
        subject=_("Your personal space"),
        body=body,
        consultation=consultation,
    )
    return token


def notify_reply(consultation: Consultation) -> None:
    """Tell the visitor that the bureau replied (the text stays in the personal space)."""
    contact = consultation.email or consultation.phone
    if not contact or consultation.anonymised_at is not None:
        return
    outbox_enqueue(
        channel=channel_for(contact),
        recipient=contact,
        subject=_("Reply to your consultation %(number)s") % {"number": consultation.number},
        body=_(
            "The investment promotion bureau has replied to your consultation %(number)s. "
            "Read the reply in your personal space: %(url)s"
        )
        % {"number": consultation.number, "url": site_url(space_path())},
        consultation=consultation,
    )


class StoredFiles:
    """Files written to storage inside a transaction, removed again if it fails (storage is
    not transactional: a refused or rolled-back change must leave no file behind)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def add(
        self, consultation: Consultation, checked: CheckedFile, *, by, message: Message | None
    ) -> Attachment:
        attachment = Attachment(
            consultation=consultation,
            message=message,
            token=secrets.token_hex(16),
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        # Named before writing: a write that fails half-way (a full disk) leaves part of the
        # file, which the storage does not remove (the token makes the name unique).
        self.names.append(attachment.file.field.generate_filename(attachment, attachment.token))
        attachment.file.save(attachment.token, checked.upload, save=False)
        if attachment.file.name != self.names[-1]:
            self.names.append(attachment.file.name)
        attachment.save()
        return attachment

    def discard(self) -> None:
        from django.core.files.storage import default_storage

        for name in self.names:
            default_storage.delete(name)  # a name never written is no error
        self.names.clear()


def delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def _delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(_delete)


def not_future(at: datetime, field: str) -> None:
    if at > timezone.now():
        raise ValidationError({field: _("The time cannot be in the future.")})
