"""The networks and channels a post can come from."""

from __future__ import annotations

from django.db import models


class Network(models.TextChoices):
    TWITTER = "twitter", "X / Twitter"
    FACEBOOK = "facebook", "Facebook"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    REDDIT = "reddit", "Reddit"
    RSS = "rss", "Blogs and forums"
    EMAIL = "email", "Email"
    CHAT = "chat", "Web chat"
    PHONE = "phone", "Phone"
    DEMO = "demo", "Demo stream"


NETWORK_VALUES = frozenset(Network.values)


class PostKind(models.TextChoices):
    """What an item is, whatever network it came from."""

    POST = "post", "Public post"
    COMMENT = "comment", "Comment or reply"
    DIRECT = "direct", "Direct message"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat message"
    CALL = "call", "Phone call"
