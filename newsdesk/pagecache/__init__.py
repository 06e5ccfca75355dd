"""The full-page cache for anonymous readers, with exact invalidation.

- keys.py: which requests may be answered from the cache, and their key.
- dependencies.py: what a page shows, recorded while it renders.
- entries.py: a stored response (headers, body, its gzip and brotli forms).
- stores.py: where entries live (files on one machine, Redis for many).
- middleware.py: stores what Django renders for anonymous readers.
- wsgi.py: answers hits before Django runs.
- invalidation.py: purges the pages an edit changes.

docs/caching.md explains the whole.
"""
