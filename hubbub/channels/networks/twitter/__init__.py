"""X / Twitter: mentions and search by polling, Account Activity webhooks, replies and DMs."""
