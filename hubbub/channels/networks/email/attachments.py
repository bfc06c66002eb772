"""Files that came with emails, kept content-addressed outside the web root and recorded once each.

A file is stored as `<HUBBUB_VAR_DIR>/attachments/<aa>/<bb>/<sha256>`: no extension and no
executable bit, so nothing ever runs or is served from it by its name; the sender's filename is
kept, sanitised, only as the display name of the `channels.Attachment` row. The same bytes sent
twice are stored once. No view serves these files yet: a download view must send them with
`Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`, never inline.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hubbub.channels.models import Attachment
from hubbub.channels.networks.email.payloads import AttachmentPart
from hubbub.core.networks import Network

FILE_MODE = 0o600


def attachments_dir() -> Path:
    """Where attachment files live: under the var dir, which the web server never serves."""
    return Path(settings.VAR_DIR) / "attachments"


def stored_path(sha256: str) -> Path:
    """The file holding the bytes whose SHA-256 is `sha256`."""
    return attachments_dir() / sha256[:2] / sha256[2:4] / sha256


def keep_attachments(post_external_id: str, parts: Iterable[AttachmentPart]) -> list[Attachment]:
    """Store each part's bytes once and record it for the email `post_external_id` (idempotent)."""
    kept = []
    with transaction.atomic():
        for part in parts:
            digest = _write_once(part.data)
            row, _ = Attachment.objects.get_or_create(
                network=Network.EMAIL,
                post_external_id=post_external_id,
                sha256=digest,
                filename=part.filename,
                defaults={"content_type": part.content_type, "size": len(part.data)},
            )
            kept.append(row)
    return kept


def _write_once(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = stored_path(digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed: a crash never leaves a half file under the digest.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).chmod(FILE_MODE)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest
