import secrets
from collections.abc import Iterator
from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .roles import Role


def _new_session_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """An account of a member of staff or of an investor."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    #: Part of the session auth hash: changing it ends every session of the account (on
    #: deactivation), and reactivating the account does not bring them back.
    session_stamp = models.CharField(
        _("session stamp"), max_length=32, default=_new_session_stamp, editable=False
    )
    #: When the password was last set, by whatever path (set_password keeps it).
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, editable=False
    )

    #: Audit rows name an account "user #12", never by its holder's name (``audit.describe``).
    audit_pseudonymous = True
    #: Nor do they hold the holder's name or contact details: a change to them is recorded
    #: by the fields' names only (``services.user_update``), so erasing them leaves no copy.
    audit_exclude = ("full_name", "email", "phone")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_session_auth_hash(self) -> str:
        return self._stamped(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback in super().get_session_auth_fallback_hash():
            yield self._stamped(fallback)

    def _stamped(self, password_hash: str) -> str:
        return salted_hmac(
            "kaifaqu.core.User.session_stamp",
            password_hash + self.session_stamp,
            algorithm="sha256",
        ).hexdigest()

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None and "password" in fields:
            kwargs["update_fields"] = {*fields, "password_changed_at"}
        super().save(*args, **kwargs)

    def end_sessions(self) -> None:
        """A new stamp: every session signed in before now no longer verifies."""
        self.session_stamp = _new_session_stamp()


class RoleGrant(models.Model):
    """A global role held by a user (department roles live with the departments in orgs)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="core_rolegrant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Lockout")
    UNLOCK = "unlock", _("Unlock")
    PERMISSION_CHANGE = "permission_change", _("Permission change")
    ACCOUNT_CHANGE = "account_change", _("Account change")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    VIEW_SENSITIVE = "view_sensitive", _("View of personal data")
    PURGE = "purge", _("Retention purge")


_M = TypeVar("_M", bound=models.Model)


class AuditEntryQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise PermissionError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event. Append-only; each row's hash covers the previous row's hash.

    The actor is kept as plain values, not a foreign key, so that no later change to the
    user table can alter (or cascade into) a row of the log.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    created_at = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True, editable=False)
    actor_username = models.CharField(_("user"), max_length=150, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    action = models.CharField(
        _("action"), max_length=30, choices=AuditAction.choices, db_index=True, editable=False
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    object_repr = models.CharField(_("object"), max_length=255, blank=True, editable=False)
    before = models.JSONField(_("before"), null=True, blank=True, editable=False)
    after = models.JSONField(_("after"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries cannot be deleted")

    @property
    def actor_name(self) -> str:
        """Who acted, as a reader says it: the username, or the system and its task."""
        return actor_words(self.actor_username)

    @property
    def object_type_name(self) -> str:
        """The kind of record, by its model's verbose name (用户, not core.user)."""
        return model_words(self.object_type)


#: The system's tasks that write audit rows (``acting(label="system:<task>")``), in words.
SYSTEM_TASKS = {
    "load_demo": _("loading the demo data"),
    "check_rules": _("running the data checks"),
    "generate_synthetic": _("generating synthetic data"),
    "export_workbook": _("exporting the statistics workbook"),
    "import_workbook": _("importing the statistics workbook"),
    "export_projects": _("exporting the investment workbook"),
    "import_projects": _("importing the investment workbook"),
    "anonymise_consultations": _("anonymising consultations"),
    "draft_report": _("drafting a report"),
    "reset_admin_password": _("resetting an administrator's password"),
    "reset_second_factor": _("resetting a second factor"),
    "revoke_admin_role": _("revoking an administrator's role"),
    "restore": _("restoring a backup"),
    "backup": _("making a backup"),
    "purge_audit": _("purging old audit entries"),
    "drill": _("a restore drill"),
    "setup": _("setting up the installation"),
}


def actor_words(label: str) -> str:
    """ "system:load_demo" -> "系统（加载演示数据）"; a username stays as it is."""
    system, colon, task = label.partition(":")
    if system != "system" or not colon:
        return label
    words = SYSTEM_TASKS.get(task)
    return str(_("System (%(task)s)") % {"task": words if words is not None else task})


def model_words(label: str) -> str:
    """A model's verbose name from its label ("core.user" -> 用户); the label of a model
    no longer installed stays as stored."""
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)


class AuditChange(models.Model):
    """One record changed by a bulk write (an import), beside the write's one audit entry.

    An import of 100,000 values is one event: one ``AuditEntry`` names the file, the actor and
    the counts, and holds ``{"changes": {"batch", "count", "sha256"}}``; each value it created
    or changed is a row here with that ``batch``, in order (``n``), with the fields before and
    after. The entry's hash covers the SHA-256 of these rows (``audit.verify_changes``), so
    the chain makes a changed, removed or added row detectable as it does for entries.
    Append-only, like the entries.
    """

    batch = models.CharField(_("batch"), max_length=32, editable=False)
    n = models.PositiveIntegerField(_("number in the batch"), editable=False)
    object_type = models.CharField(_("object type"), max_length=100, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, editable=False)
    object_repr = models.CharField(_("object"), max_length=255, blank=True, editable=False)
    before = models.JSONField(_("before"), null=True, blank=True, editable=False)
    after = models.JSONField(_("after"), null=True, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audited change")
        verbose_name_plural = _("audited changes")
        ordering = ["batch", "n"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "n"], name="core_auditchange_batch_n")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.batch} #{self.n} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit entries cannot be deleted")


class AuditChainLock(models.Model):
    """The single row that writers lock so that they append to the chain one at a time.

    It holds nothing: the chain's end is read from the last entry. Updating a head row on
    every append would leave one dead row version per entry inside a long transaction (an
    import audits thousands of rows), which PostgreSQL must step over on every later read.
    """

    class Meta:
        verbose_name = _("audit chain lock")

    def __str__(self) -> str:
        return "audit chain lock"


class Versioned(models.Model):
    """A record changed only as "this, if it is still the version I read" (optimistic
    locking): ``core.versioning.versioned_update`` checks and bumps the version."""

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """Work done off the request (core.jobs): who started it, how far it is, what came of it.

    The page that started it polls it; only its owner sees it."""

    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    #: the same work asked for again (a second click, a retry) finds this job instead of a new one
    key = models.CharField(_("key"), max_length=200, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    #: the language of the page that started it: its messages are written in it
    language = models.CharField(_("language"), max_length=10, blank=True)
    #: what it is doing, in the owner's language
    message = models.CharField(_("message"), max_length=200, blank=True)
    #: where its result is (a page), or a file kept on the job
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    result_name = models.CharField(_("file name"), max_length=255, blank=True)
    result_type = models.CharField(_("file type"), max_length=100, blank=True)
    # The message is said on the result's page as well (an import's counts), not only on
    # the job's own.
    announce = models.BooleanField(_("announce the result"), default=False)
    result_file = models.BinaryField(_("file"), null=True, blank=True)
    #: why it failed, for the owner
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
