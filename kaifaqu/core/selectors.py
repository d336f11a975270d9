from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import signin
from .models import AuditAction, AuditChange, AuditEntry, User, actor_words

#: Accounts that are not staff accounts (the public's, e.g. investors' personal spaces), as
#: filters registered by the package that opens them; the staff account list leaves them out.
_PUBLIC_ACCOUNTS: list[Q] = []


def register_public_accounts(condition: Q) -> None:
    _PUBLIC_ACCOUNTS.append(condition)


def public_accounts() -> QuerySet[User]:
    """The public's accounts (visitors with a personal space): never offered a staff role."""
    if not _PUBLIC_ACCOUNTS:
        return User.objects.none()
    condition = _PUBLIC_ACCOUNTS[0]
    for other in _PUBLIC_ACCOUNTS[1:]:
        condition |= other
    return User.objects.filter(condition)


_PUBLIC_CACHE = "_kaifaqu_public_account"


def is_public_account(user: object) -> bool:
    """Whether a signed-in user is one of the public's (one query, then cached on it)."""
    if not getattr(user, "is_authenticated", False) or not _PUBLIC_ACCOUNTS:
        return False
    if not hasattr(user, _PUBLIC_CACHE):
        pk = cast("int", getattr(user, "pk", None))
        setattr(user, _PUBLIC_CACHE, public_accounts().filter(pk=pk).exists())
    public: bool = getattr(user, _PUBLIC_CACHE)
    return public


def user_list() -> QuerySet[User]:
    """The staff accounts the system administrator manages."""
    qs = User.objects.prefetch_related("role_grants").order_by("username")
    for condition in _PUBLIC_ACCOUNTS:
        qs = qs.exclude(condition)
    return qs


def role_holders(role: str) -> QuerySet[User]:
    """The active accounts holding a global role, by username."""
    return (
        User.objects.filter(is_active=True, role_grants__role=role).distinct().order_by("username")
    )


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.order_by("-seq")


@dataclass(frozen=True)
class HistoryRow:
    """One change of an object as its history shows it: an audit entry of its own, or its
    change row in an import's one entry (the import's time and actor, the row's values)."""

    object_id: str
    created_at: datetime
    actor_username: str
    action: str
    before: Any
    after: Any

    def get_action_display(self) -> str:
        return str(AuditAction(self.action).label)

    @property
    def actor_name(self) -> str:
        """Who acted, in words (the system's task, not "system:load_demo")."""
        return actor_words(self.actor_username)


def audit_trail(object_type: str, object_ids: Iterable[object]) -> list[HistoryRow]:
    """The history of some objects of one type, oldest first (a figure's inputs): their
    own audit entries and the change rows of the imports that wrote them, in three queries."""
    ids = [str(i) for i in object_ids]
    entries = AuditEntry.objects.filter(object_type=object_type, object_id__in=ids)
    changes = list(
        AuditChange.objects.filter(object_type=object_type, object_id__in=ids).order_by(
            "batch", "n"
        )
    )
    imports: dict[str, AuditEntry] = {}
    if changes:
        batches = {c.batch for c in changes}
        found = AuditEntry.objects.filter(
            action=AuditAction.IMPORT, after__changes__batch__in=batches
        )
        # The filter matched on after.changes.batch, so every entry found holds one.
        imports = {cast(dict[str, Any], e.after)["changes"]["batch"]: e for e in found}
    rows: list[tuple[tuple[int, int], HistoryRow]] = [
        (
            (e.seq, 0),
            HistoryRow(e.object_id, e.created_at, e.actor_username, e.action, e.before, e.after),
        )
        for e in entries
    ]
    for change in changes:
        entry = imports.get(change.batch)
        if entry is None:  # a dry run writes no rows; an entry always names its batch
            continue
        action = AuditAction.CREATE if change.before is None else AuditAction.UPDATE
        rows.append(
            (
                (entry.seq, change.n),
                HistoryRow(
                    change.object_id,
                    entry.created_at,
                    entry.actor_username,
                    action,
                    change.before,
                    change.after,
                ),
            )
        )
    return [row for _key, row in sorted(rows, key=lambda item: item[0])]


def accounts_locked_everywhere() -> list[str]:
    """Accounts locked from every address now (core.signin), from their audit alerts."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    names = (
        AuditEntry.objects.filter(
            action=AuditAction.LOCKOUT, after__scope="account", created_at__gte=since
        )
        .values_list("actor_username", flat=True)
        .distinct()
    )
    return sorted(name for name in set(names) if signin.account_locked_for(name) is not None)


@dataclass(frozen=True)
class ApiToken:
    user: User
    created: datetime
    expires: datetime


def api_tokens() -> list[ApiToken]:
    """Every account's API token that still works, oldest first, for the security
    administrator to revoke (the key itself is never shown). One query."""
    from rest_framework.authtoken.models import Token

    lifetime = timedelta(days=settings.KAIFAQU_API_TOKEN_DAYS)
    return [
        ApiToken(user=token.user, created=token.created, expires=token.created + lifetime)
        for token in Token.objects.select_related("user").order_by("created")
        if not signin.token_expired(token)
    ]


def locked_accounts() -> QuerySet[AccessAttempt]:
    """Accounts locked out now: the failure limit reached within the cool-off time."""
    # django-axes ships no type information, so mypy sees its manager as Any.
    return cast(
        "QuerySet[AccessAttempt]",
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).order_by("-attempt_time"),
    )


@dataclass(frozen=True)
class OwnAccount:
    """What a staff member sees of their own account on the account page."""

    password_changed: datetime
    password_expires: datetime
    second_factor: bool
    recovery_codes_left: int
    token: ApiToken | None


def own_account(user: User) -> OwnAccount:
    """The password's age, the second factor and the API token of ``user``, in three queries."""
    from django_otp.plugins.otp_static.models import StaticToken
    from rest_framework.authtoken.models import Token

    changed = user.password_changed_at or user.date_joined
    token = Token.objects.filter(user=user).first()
    lifetime = timedelta(days=settings.KAIFAQU_API_TOKEN_DAYS)
    return OwnAccount(
        password_changed=changed,
        password_expires=changed + timedelta(days=settings.KAIFAQU_PASSWORD_MAX_AGE_DAYS),
        second_factor=signin.confirmed_totp(user) is not None,
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
        token=(
            ApiToken(user=user, created=token.created, expires=token.created + lifetime)
            if token is not None and not signin.token_expired(token)
            else None
        ),
    )
