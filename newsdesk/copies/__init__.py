"""Copies and same-story matching: which wire items copy a story already held, and which tell the same event."""
