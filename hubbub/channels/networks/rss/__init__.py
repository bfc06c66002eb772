"""Blogs and forums read through their RSS and Atom feeds (articles and comment feeds)."""
