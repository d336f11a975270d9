"""Policy attachments: documents and scans, at most 20 MB, of the kind their content says
whatever their name says."""

from __future__ import annotations

from kaifaqu.core.uploads import DOCUMENTS, CheckedUpload, checked_upload

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def checked_attachment(upload, field: str = "file") -> CheckedUpload:
    return checked_upload(
        upload, kinds=DOCUMENTS, max_bytes=MAX_ATTACHMENT_BYTES, field=field, by_content=True
    )
