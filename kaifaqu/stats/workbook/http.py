"""What the upload and download pages of every workbook (statistics, investment) share."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from . import staging
from .importer import ImportResult
from .writer import CONTENT_TYPE


def xlsx_attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def staged_upload(request, token: str, key: str = staging.SESSION_KEY):
    """The file this session uploaded under ``token`` and its name, or 404."""
    name = staging.owned(request.session, token, key=key)
    path = staging.path_of(token)
    if name is None or path is None:
        raise Http404(_("This upload has expired: upload the workbook again."))
    return path, name


def imported_message(name: str, result: ImportResult) -> str:
    totals = {
        what: sum(c[what] for c in result.counts.values())
        for what in ("created", "updated", "unchanged")
    }
    return _(
        "%(file)s imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
    ) % {"file": name, **totals}
