from __future__ import annotations

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "hubbub.channels"
    # Not "channels": that label belongs to the Django Channels package, which a deployment may install.
    label = "hubbub_channels"
    verbose_name = "Channels"
