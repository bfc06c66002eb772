"""Mastodon (and API-compatible fediverse servers): mentions, hashtags, replies and direct messages."""
