"""Leads: enquiries (portal consultations, hotline calls) that may become projects.

A question from a contact or organisation with an open lead updates that lead; a closed or
converted lead is history, so the next question opens a new one. Recording runs on the
asker's behalf (the asker is a visitor or nobody), so it checks no department right; turning
a lead into a project or closing it is the owning department's editors' work.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaifaqu.core import audit
from kaifaqu.core.access import require_change
from kaifaqu.core.models import AuditAction, User
from kaifaqu.core.versioning import CURRENT, Version, versioned_update
from kaifaqu.enterprises import services as enterprise_services
from kaifaqu.enterprises.contacts import can_see_contacts

from ..models import Lead, LeadStatus, Project
from ..selectors import investor_named, lead_investor_match, open_lead_match
from ._common import full_clean
from .projects import project_create


def _lead_name(organisation: str, contact_name: str) -> str:
    return (organisation or contact_name or _("Unnamed enquiry"))[:200]


@transaction.atomic
def lead_record(
    *,
    actor,
    source: str,
    organisation: str,
    contact_name: str,
    phone: str,
    email: str,
    summary: str,
    officer,
    department,
    at: datetime,
) -> Lead:
    """Update the open lead with the same phone, email or organisation (case-insensitive),
    else open one; link the known investor (an enterprise of exactly that name, or with that
    phone or email) when there is one."""
    organisation, contact_name = (organisation or "").strip(), (contact_name or "").strip()
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    summary = (summary or "").strip()
    lead = open_lead_match(phone=phone, email=email, organisation=organisation)
    if lead is not None:

        def add_question(row: Lead) -> None:
            # What the lead lacks is filled in; what it states already is kept (the first
            # contact's details stay the lead's), and the question is added to the summary.
            for field, value in (
                ("organisation", organisation),
                ("contact_name", contact_name),
                ("phone", phone),
                ("email", email),
            ):
                if value and not getattr(row, field):
                    setattr(row, field, value)
            if row.investor_id is None:
                row.investor = lead_investor_match(
                    organisation=row.organisation, phone=row.phone, email=row.email
                )
            stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
            row.summary = "\n\n".join(filter(None, [row.summary, f"[{stamp}] {summary}"]))
            row.last_contact_at = max(row.last_contact_at, at)
            if row.officer_id is None and officer is not None:
                row.officer = officer

        # Recorded on the asker's behalf, who read no version of the lead: the question is
        # added to the lead as stored (and makes an editor's stale edit of it refused).
        return versioned_update(
            lead,
            actor=actor,
            version=CURRENT,
            require=lambda row: None,
            apply=add_question,
            clean=full_clean,
        )
    lead = Lead(
        name=_lead_name(organisation, contact_name),
        organisation=organisation,
        contact_name=contact_name,
        phone=phone,
        email=email,
        investor=lead_investor_match(organisation=organisation, phone=phone, email=email),
        source=source,
        officer=officer,
        department=department,
        summary=summary,
        first_contact_at=at,
        last_contact_at=at,
    )
    full_clean(lead)
    lead.save()
    audit.record(AuditAction.CREATE, actor=actor, obj=lead, after=audit.snapshot(lead))
    return lead


def _require_open(actor: User | None, lead: Lead) -> None:
    require_change(actor, lead.department_id)
    if lead.status != LeadStatus.OPEN:
        raise ValidationError(
            _("This lead is %(status)s already.") % {"status": lead.get_status_display().lower()}
        )


@transaction.atomic
def lead_convert(
    *,
    actor,
    lead: Lead,
    version: Version,
    project_name: str,
    org_unit,
    industry=None,
    allow_duplicate: bool = False,
) -> Project:
    """Enter the lead as a project at its first stage, with the lead's source and officer and
    its investor (a known one, the enterprise of that name, or a new one). A likely duplicate
    raises DuplicateProjectError and changes nothing (no enterprise is left behind)."""
    made: list[Project] = []

    def convert(row: Lead) -> None:
        investor = row.investor
        name = _lead_name(row.organisation, row.contact_name)
        if investor is None:
            investor = investor_named(name)
        if investor is None:
            # Contact details are copied only by someone who may see them (the enterprises'
            # rule); the lead keeps them in any case.
            contacts = (
                {"contact_person": row.contact_name, "phone": row.phone, "email": row.email}
                if actor is None or can_see_contacts(actor)
                else {}
            )
            investor = enterprise_services.enterprise_create(actor=actor, name=name, **contacts)
        project = project_create(
            actor=actor,
            name=project_name,
            investor=investor,
            source=row.source,
            org_unit=org_unit,
            department=row.department,
            officer=row.officer,
            industry=industry,
            first_contact_on=timezone.localtime(row.first_contact_at).date(),
            note=row.summary,
            allow_duplicate=allow_duplicate,
        )
        made.append(project)
        row.status, row.project, row.investor = LeadStatus.CONVERTED, project, investor

    versioned_update(
        lead,
        actor=actor,
        version=version,
        require=lambda row: _require_open(actor, row),
        apply=convert,
        clean=None,
    )
    return made[0]


@transaction.atomic
def lead_close(*, actor: User | None, lead: Lead, version: Version, reason: str) -> Lead:
    """Close a lead that will not become a project, saying why."""
    reason = (reason or "").strip()

    def close(row: Lead) -> None:
        if not reason:
            raise ValidationError({"reason": _("Say why the lead is closed.")})
        row.status, row.close_reason = LeadStatus.CLOSED, reason

    return versioned_update(
        lead,
        actor=actor,
        version=version,
        require=lambda row: _require_open(actor, row),
        apply=close,
        clean=None,
    )


@transaction.atomic
def leads_forget_contacts(*, actor, lead_ids, marker: str) -> int:
    """Blank the person's contact details on leads whose enquiries were anonymised (the
    visitor deleted their data, or it aged out), unless the lead became a project: a project's
    investor is an enterprise kept as business data. The lead's summary stays. Runs as the
    system on the visitor's behalf (no department check). Returns the number changed."""
    leads = list(
        Lead.objects.select_for_update()
        .filter(pk__in=list(lead_ids))
        .exclude(status=LeadStatus.CONVERTED)
        .exclude(contact_name=marker, phone="", email="")
    )
    for lead in leads:
        lead.contact_name, lead.phone, lead.email = marker, "", ""
        if lead.investor_id is None:
            # The organisation a private person typed is theirs to delete too.
            lead.organisation = ""
            lead.name = marker
        lead.version += 1
        lead.save()
    if leads:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="investment.lead",
            object_repr=_("Contact details removed from %(n)s leads") % {"n": len(leads)},
            after={"leads": [lead.pk for lead in leads]},
        )
    return len(leads)
