"""Reads of the customer 360: the customer page and the interaction timeline."""
