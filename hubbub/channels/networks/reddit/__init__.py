"""Reddit: subreddits, keyword search and the account's inbox; replies and private messages."""
