"""Rate limits for the public chat endpoints: fixed windows counted in Django's cache.

The cache is the default backend unless the deployment configures another: local memory counts per
process, which suits one `hubbub serve`; several processes need a shared cache (Redis, Memcached)
in `CACHES` for the limits to hold across them. Counting needs no database write per request.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` requests per `seconds` for one subject (a session, an IP address)."""

    name: str
    count: int
    seconds: int


SESSIONS_PER_IP = Limit("sessions-per-ip", 10, 60 * 60)
MESSAGES_PER_SESSION = Limit("messages-per-session", 20, 60)
MESSAGES_PER_IP = Limit("messages-per-ip", 60, 60)
STREAMS_PER_SESSION = Limit("streams-per-session", 30, 60)


def allow(limit: Limit, subject: str) -> bool:
    """Count one request of `subject` under `limit`; False once the window's count is spent."""
    window = int(time.time() // limit.seconds)
    # Hashed: the subject comes from outside, and cache backends restrict key characters.
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    key = f"hubbub:chat-limit:{limit.name}:{digest}:{window}"
    if cache.add(key, 1, timeout=limit.seconds + 1):
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 1)
        used = 1
    return used <= limit.count
