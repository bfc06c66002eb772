"""Bluesky (AT Protocol): mentions and replies from notifications, searches for the brand's terms,
replies as `app.bsky.feed.post` records, and a parser for Jetstream commit events."""
