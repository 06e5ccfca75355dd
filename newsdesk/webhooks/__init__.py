"""Webhooks: signed POSTs to other systems when stories are published, updated or unpublished."""
