"""Newsroom: roles, the editorial workflow, scheduled work, and what happens on unpublish."""
