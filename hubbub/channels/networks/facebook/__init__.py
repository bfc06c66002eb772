"""Facebook Pages: feed and Messenger webhooks, Graph API polling fallback, replies and private replies."""
