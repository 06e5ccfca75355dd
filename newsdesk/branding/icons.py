"""The site's icons, drawn from the newsroom's logo or, without one, from the site's initial.

Browsers ask for /favicon.ico on every first visit, phones for
/apple-touch-icon.png when a reader saves the site to a home screen, and
search engines want a square publisher logo of 112 px or more. One square
drawing serves all three: the uploaded logo fitted in a square with a
margin, or the first letter of the site's name on the accent colour.

Drawn once per logo and site name and kept in Django's cache; readers'
requests for them go through the page cache like any page, which purges
them with everything else when the newsroom settings or the logo change.
"""

import hashlib
import io

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

# The site's accent colour (branding/css/site.css, --accent) and the paper white.
ACCENT = (164, 22, 26)
PAPER = (255, 255, 255)
# ICO holds several sizes; browsers pick 16 or 32 for tabs, Windows 48.
FAVICON_SIZES = [(16, 16), (32, 32), (48, 48)]
# iOS draws touch icons at 180 px on current phones and fills transparency with black.
TOUCH_ICON_SIZE = 180
# The square logo: Google asks for 112 px or more; 512 is what web app manifests use.
LOGO_SIZE = 512
# Logo renditions of the uploaded image are made no larger than this before drawing.
SOURCE_SPEC = "max-512x512"
# The uploaded logo fills this share of the square; the rest is margin.
LOGO_FILL = 0.86
CACHE_SECONDS = 24 * 3600

ICONS = {
    "favicon.ico": "image/x-icon",
    "apple-touch-icon.png": "image/png",
    "icon-512.png": "image/png",
}
SQUARE_LOGO_PATH = "/icon-512.png"


def icon_bytes(name, newsroom):
    """The file `name` (a key of ICONS) for the newsroom, drawn or from the cache."""
    key = f"newsdesk:icon:{name}:{fingerprint(newsroom)}"
    body = cache.get(key)
    if body is None:
        body = draw(name, newsroom)
        cache.set(key, body, CACHE_SECONDS)
    return body


def fingerprint(newsroom):
    """Changes whenever the drawing would: another logo, a new file for it, another site name."""
    logo = newsroom.logo if newsroom.logo_id else None
    parts = [newsroom.site_name, str(newsroom.logo_id)]
    if logo is not None:
        parts += [logo.file.name, logo.file_hash or ""]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]


def draw(name, newsroom):
    square = logo_square(newsroom) or initial_square(newsroom.site_name)
    out = io.BytesIO()
    if name == "favicon.ico":
        square.save(out, format="ICO", sizes=FAVICON_SIZES)
    elif name == "apple-touch-icon.png":
        opaque(square).resize((TOUCH_ICON_SIZE, TOUCH_ICON_SIZE), Image.LANCZOS).save(out, format="PNG", optimize=True)
    elif name == "icon-512.png":
        opaque(square).save(out, format="PNG", optimize=True)
    else:
        raise KeyError(name)
    return out.getvalue()


def logo_square(newsroom):
    """The uploaded logo centred in a transparent LOGO_SIZE square, or None without one."""
    if not newsroom.logo_id:
        return None
    rendition = newsroom.logo.get_rendition(SOURCE_SPEC)
    with rendition.file.open("rb") as file:
        logo = Image.open(file)
        logo.load()
    logo = logo.convert("RGBA")
    box = int(LOGO_SIZE * LOGO_FILL)
    scale = box / max(logo.width, logo.height)
    logo = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.LANCZOS)
    square = Image.new("RGBA", (LOGO_SIZE, LOGO_SIZE), PAPER + (0,))
    square.alpha_composite(logo, ((LOGO_SIZE - logo.width) // 2, (LOGO_SIZE - logo.height) // 2))
    return square


def initial_square(site_name):
    """The site's first letter or digit, white on the accent colour."""
    letter = next((char for char in site_name if char.isalnum()), "N").upper()
    square = Image.new("RGBA", (LOGO_SIZE, LOGO_SIZE), ACCENT + (255,))
    font = ImageFont.load_default(size=int(LOGO_SIZE * 0.62))
    canvas = ImageDraw.Draw(square)
    # Centre the letter's drawn box, not its advance box: capitals have no descender.
    left, top, right, bottom = canvas.textbbox((0, 0), letter, font=font)
    position = ((LOGO_SIZE - (right - left)) / 2 - left, (LOGO_SIZE - (bottom - top)) / 2 - top)
    canvas.text(position, letter, font=font, fill=PAPER + (255,))
    return square


def opaque(square):
    """On paper white: touch icons and search engines' logos may not be transparent."""
    background = Image.new("RGBA", square.size, PAPER + (255,))
    background.alpha_composite(square)
    return background.convert("RGB")
