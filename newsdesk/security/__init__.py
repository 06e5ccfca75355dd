"""Security: HTTP headers and Content-Security-Policy, login lock-out, private files."""
