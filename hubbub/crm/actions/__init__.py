"""Writes of the customer 360: tiers, identities, merges; each one transaction."""
