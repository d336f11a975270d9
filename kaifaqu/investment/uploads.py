"""Files people upload to a project: documents and scans, at most 20 MB, whose content is what
their name says."""

from __future__ import annotations

from kaifaqu.core.uploads import DOCUMENTS, CheckedUpload
from kaifaqu.core.uploads import checked_upload as _checked

MAX_FILE_BYTES = 20 * 1024 * 1024


def checked_upload(upload, field: str = "file") -> CheckedUpload:
    return _checked(upload, kinds=DOCUMENTS, max_bytes=MAX_FILE_BYTES, field=field)
