"""Account and role writes. Each is atomic, validated and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from . import access, audit, selectors, signin
from .models import AuditAction, RoleGrant, User
from .roles import PROTECTED_ROLES, SEPARATED_ADMIN_ROLES, Role

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

_ACCOUNT_FIELDS = ["username", "full_name", "email", "phone", "is_active"]


def _require(actor: User | None, role: str) -> None:
    """``actor=None`` is the system itself: a management command run by the operator."""
    if actor is not None and not access.has_role(actor, role):
        raise PermissionDenied(_("You do not have the role this action needs."))


def _require_unprotected(actor: User | None, user: User) -> None:
    """No one administrator changes another administrator's or a zone administrator's
    account: a password reset of one would let them sign in as that administrator. The
    server command (``actor=None``) may; so may the account's holder for their own."""
    if actor is None or actor.pk == user.pk:
        return
    held = RoleGrant.objects.filter(user=user, role__in=PROTECTED_ROLES).values_list(
        "role", flat=True
    )
    role = next(iter(held), None)
    if role is not None:
        raise PermissionDenied(
            _(
                "%(name)s holds the role %(role)s: no administrator may change or reset that "
                "account. Run kaifaqu reset_admin_password on the server."
            )
            % {"name": user.username, "role": Role(role).label}
        )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """A system administrator opens an account; it holds no role until one is granted."""
    _require(actor, Role.SYSTEM_ADMIN)
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(
        AuditAction.CREATE, actor=actor, obj=user, after=audit.snapshot(user, _ACCOUNT_FIELDS)
    )
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, **changes: object) -> User:
    _require(actor, Role.SYSTEM_ADMIN)
    unknown = set(changes) - set(_ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"not account fields: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_unprotected(actor, user)
    if actor is not None and user.pk == actor.pk and changes.get("is_active") is False:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = audit.snapshot(user, _ACCOUNT_FIELDS)
    personal = {name: getattr(user, name) for name in User.audit_exclude}
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    if before["is_active"] and not user.is_active:
        # Deactivation ends the account's sessions and tokens for good: reactivating it later
        # brings neither back.
        user.end_sessions()
        Token.objects.filter(user=user).delete()
    user.save()
    after = audit.snapshot(user, _ACCOUNT_FIELDS)
    changed = [name for name, old in personal.items() if getattr(user, name) != old]
    if changed:
        after["personal_data_changed"] = changed
    if before != after:
        audit.record(AuditAction.ACCOUNT_CHANGE, actor=actor, obj=user, before=before, after=after)
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """The user themself, or a system administrator resetting it."""
    if actor is None or actor.pk != user.pk:
        _require(actor, Role.SYSTEM_ADMIN)
    _require_unprotected(actor, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(AuditAction.ACCOUNT_CHANGE, actor=actor, obj=user, after={"password": "changed"})
    return user


def check_staff_account(user: User) -> None:
    """The public's accounts (visitors' personal spaces) never hold a staff role."""
    if selectors.is_public_account(user):
        raise ValidationError(
            _("%(name)s is a visitor's account, not a staff account: it cannot hold a role.")
            % {"name": user.username}
        )


def check_separation(user: User, adding: str) -> None:
    """三员分立: a separated administrator holds no other role of any kind."""
    held = set(access.global_roles(user))
    has_department_roles = bool(access.department_roles(user))
    if adding in SEPARATED_ADMIN_ROLES:
        if held - {adding} or has_department_roles:
            raise ValidationError(
                _("%(role)s cannot be combined with any other role.") % {"role": Role(adding).label}
            )
    elif held & SEPARATED_ADMIN_ROLES:
        other = Role(next(iter(held & SEPARATED_ADMIN_ROLES)))
        raise ValidationError(
            _("This user holds the role %(role)s, which cannot be combined with any other role.")
            % {"role": other.label}
        )


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    _require(actor, Role.SECURITY_ADMIN)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if actor is not None and user.pk == actor.pk:
        raise ValidationError(_("You cannot change your own roles."))
    User.objects.select_for_update().get(pk=user.pk)
    check_staff_account(user)
    access.forget(user)
    if access.has_role(user, role):
        raise ValidationError(_("The user already holds this role."))
    check_separation(user, role)
    grant = RoleGrant.objects.create(user=user, role=role, granted_by=actor)
    access.forget(user)
    audit.record(
        AuditAction.PERMISSION_CHANGE,
        actor=actor,
        obj=user,
        before=None,
        after={"granted": role},
    )
    return grant


@transaction.atomic
def role_revoke(*, actor: User | None, user: User, role: str) -> None:
    """A security administrator takes a role away. An administrator's or a zone
    administrator's role is taken away on the server only (``kaifaqu revoke_admin_role``):
    otherwise one security administrator could strip the others and the zone administrator
    and be left alone in charge. A public visitor's account may lose any role here: it should
    never have held one (``check_staff_account``)."""
    _require(actor, Role.SECURITY_ADMIN)
    if actor is not None and user.pk == actor.pk:
        raise ValidationError(_("You cannot change your own roles."))
    if actor is not None and role in PROTECTED_ROLES and not selectors.is_public_account(user):
        raise PermissionDenied(
            _(
                "%(name)s holds the role %(role)s: no administrator may take it away. Run "
                "kaifaqu revoke_admin_role on the server."
            )
            % {"name": user.username, "role": Role(role).label}
        )
    deleted, _count = RoleGrant.objects.filter(user=user, role=role).delete()
    if not deleted:
        raise ValidationError(_("The user does not hold this role."))
    access.forget(user)
    audit.record(
        AuditAction.PERMISSION_CHANGE, actor=actor, obj=user, before={"granted": role}, after=None
    )


@transaction.atomic
def token_revoke(*, actor: User | None, user: User) -> bool:
    """The owner, or a security administrator, withdraws the account's API token at once.
    False when it held none."""
    if actor is None or actor.pk != user.pk:
        _require(actor, Role.SECURITY_ADMIN)
    deleted, _count = Token.objects.filter(user=user).delete()
    if deleted:
        audit.record(
            AuditAction.ACCOUNT_CHANGE, actor=actor, obj=user, after={"api_token": "revoked"}
        )
    return bool(deleted)


@transaction.atomic
def account_unlock(*, actor: User | None, username: str) -> None:
    """A security administrator lifts a lockout before its 30 minutes are up."""
    _require(actor, Role.SECURITY_ADMIN)
    axes_reset(username=username)
    signin.forget_account(username)
    audit.record(AuditAction.UNLOCK, actor=actor, object_type="core.user", object_repr=username)


# Second factor -------------------------------------------------------------------------------


@transaction.atomic
def second_factor_enrol_start(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled: the same unconfirmed device (and secret) until a
    code confirms it, so the QR code stays valid across reloads."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def _recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _index in range(signin.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the enrolled authenticator with a code from it: the account's other
    authenticators go, ten new recovery codes come (returned, to be shown once). None, and
    nothing changes, when the code is wrong."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    code = "".join(code.split())
    if not (code.isdigit() and device.verify_token(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes(user)
    audit.record(
        AuditAction.ACCOUNT_CHANGE,
        actor=user,
        obj=user,
        after={"second_factor": "enrolled", "recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User) -> bool:
    """A security administrator removes an account's authenticator and recovery codes (a
    lost phone): it enrols again at its next sign-in. Never an administrator's or a zone
    administrator's account (the server command's only). Its sessions end. False when it
    had none."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require(actor, Role.SECURITY_ADMIN)
    _require_unprotected(actor, user)
    totp, _count = TOTPDevice.objects.filter(user=user).delete()
    static, _count = StaticDevice.objects.filter(user=user).delete()
    if totp or static:
        # Whoever holds the lost phone may hold a session too: it ends with the device.
        user.end_sessions()
        user.save(update_fields=["session_stamp"])
        audit.record(
            AuditAction.ACCOUNT_CHANGE, actor=actor, obj=user, after={"second_factor": "reset"}
        )
    return bool(totp or static)


@transaction.atomic
def second_factor_set_demo(*, user: User) -> TOTPDevice:
    """The demo loader's: the account's authenticator holds the published demo secret
    (``signin.DEMO_TOTP_KEY``), so anyone trying the demo can compute its codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, key=signin.DEMO_TOTP_KEY).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="demo", key=signin.DEMO_TOTP_KEY, confirmed=True
        )
        audit.record(
            AuditAction.ACCOUNT_CHANGE, actor=None, obj=user, after={"second_factor": "demo"}
        )
    return device
