"""Newsroom: roles, the editorial workflow and periodic work such as scheduled publishing."""
