"""Branding: the newsroom's settings, masthead, share links and page chrome."""
