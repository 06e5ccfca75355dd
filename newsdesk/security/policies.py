"""The Content-Security-Policy directives for each part of the site.

Readers' pages get the strict policy: scripts, styles and fonts from this
site only, frames from it and the embed players named in
NEWSDESK_CSP_FRAME_SOURCES, no inline script or style, no plugins, no foreign
<base>, forms that post only here, and framing only by this site (the
admin's preview shows a page in a frame). Images may come from any HTTPS
host: a republished wire story may show its outlet's pictures and media
may live on a CDN, and an image cannot run code.

The admin (Wagtail's and Django's) gets the strictest policy it works
under, found by driving it in Chromium and collecting every violation
(tests/browser/test_content_security_policy.py keeps it honest): see ADMIN_RELAXATIONS.
"""

from newsdesk import conf

NONE = "'none'"
SELF = "'self'"
UNSAFE_INLINE = "'unsafe-inline'"

READER = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", "https:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "media-src": [SELF],
    "frame-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

# What Wagtail 8's admin needs beyond the readers' policy, and why. Its
# date and time widgets and its inline panels are <script> elements written
# into the page, its bundled jQuery runs the scripts of the HTML it inserts
# and adds <style> elements, and Draftail sets style attributes: inline
# script and style are allowed here and nowhere else. Everything else holds:
# scripts only from this site (an injected <script src> elsewhere is
# refused), no connections to other hosts, no plugins, forms post here.
# The admin's calls to other hosts are switched off in settings rather than
# allowed here (WAGTAIL_GRAVATAR_PROVIDER_URL, WAGTAIL_ENABLE_UPDATE_CHECK).
ADMIN_RELAXATIONS = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
}

# The demo's outlets imitate other sites, inline <style> included.
DEMO_OUTLET_RELAXATIONS = {"style-src": [SELF, UNSAFE_INLINE]}


def reader_policy():
    """The readers' policy; story embeds may frame the players of NEWSDESK_CSP_FRAME_SOURCES."""
    return {**READER, "frame-src": [SELF, *conf.get("NEWSDESK_CSP_FRAME_SOURCES")]}


def admin_policy():
    return {**reader_policy(), **ADMIN_RELAXATIONS}


def demo_outlet_policy():
    return {**reader_policy(), **DEMO_OUTLET_RELAXATIONS}
