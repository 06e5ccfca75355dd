"""API: a read-only JSON API for published stories, sections and authors."""
