"""newsdesk: a self-hosted news site with a wire desk."""

__version__ = "0.1.0"
