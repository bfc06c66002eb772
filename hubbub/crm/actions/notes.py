"""Notes agents write about a customer."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hubbub.crm.models import Customer, Note

MAX_NOTE_CHARS = Note._meta.get_field("text").max_length or 5000


class NoteRefusedError(ValueError):
    """A note that cannot be stored (empty or too long); permanent, the text must change."""


@transaction.atomic
def add_note(customer: Customer, author: Any, text: str) -> Note:
    """Store a note about `customer` by `author`; NoteRefusedError when it is blank or too long."""
    cleaned = text.strip()
    if not cleaned:
        raise NoteRefusedError("A note needs some text.")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise NoteRefusedError(f"A note holds at most {MAX_NOTE_CHARS:,} characters.")
    return Note.objects.create(customer=customer, author=author, text=cleaned)
