"""Backup and restore of a whole site: database, uploaded media and the models it trained, in one archive."""
