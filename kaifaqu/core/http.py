"""Requests and responses shared by the packages' views."""

from __future__ import annotations

import mimetypes
import os
from typing import TYPE_CHECKING

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest

if TYPE_CHECKING:
    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in users reach (``LoginRequiredMixin``): its
    ``user`` is an account, never the anonymous user. A type only; Django builds the request.
    """

    user: User


#: The content types a stored file may be shown inline as: raster images only.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def stored_file_response(
    file: FieldFile,
    *,
    name: str | None = None,
    content_type: str | None = None,
    inline: bool = False,
) -> FileResponse:
    """A stored file, streamed under its own name and its checked content type (``None``: the
    type the name suggests). The browser is told not to sniff another type from the content
    (an upload whose bytes read as HTML stays a download). Downloads are attachments; images
    shown in a page are ``inline``: only raster images are ever served inline, never HTML or
    SVG (which can carry script), whatever the caller asks.
    """
    filename = name or os.path.basename(file.name or "")
    kind = (content_type or mimetypes.guess_type(filename)[0] or "").split(";")[0].strip()
    inline = inline and kind.lower() in INLINE_IMAGE_TYPES
    response = FileResponse(
        file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
