"""Draw the demo newsroom's pictures: abstract lead images and initials portraits.

Every picture is generated from a seed, so the demo ships no image files and
draws the same pictures on every machine.
"""

import hashlib
import io
import random

from PIL import Image, ImageDraw, ImageFont

# One hue family per section, so the front page reads as sections at a glance.
SECTION_PALETTES = {
    "world": ["#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"],
    "politics": ["#2b2d42", "#8d99ae", "#edf2f4", "#ef233c", "#d90429"],
    "business": ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"],
    "technology": ["#03045e", "#0077b6", "#00b4d8", "#90e0ef", "#caf0f8"],
    "science": ["#22223b", "#4a4e69", "#9a8c98", "#c9ada7", "#f2e9e4"],
    "sports": ["#006d77", "#83c5be", "#edf6f9", "#ffddd2", "#e29578"],
    "culture": ["#5f0f40", "#9a031e", "#fb8b24", "#e36414", "#0f4c5c"],
}
DEFAULT_PALETTE = ["#333333", "#666666", "#999999", "#cccccc", "#eeeeee"]


def _rng(seed):
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))


def lead_image(seed, section, size=(1600, 900)):
    """JPEG bytes of an abstract composition in the section's colours."""
    rng = _rng(seed)
    palette = SECTION_PALETTES.get(section, DEFAULT_PALETTE)
    width, height = size
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image, "RGBA")
    for band in range(height):
        shade = int(40 * band / height)
        draw.line([(0, band), (width, band)], fill=(0, 0, 0, shade))
    for _ in range(rng.randint(9, 16)):
        colour = rng.choice(palette[1:])
        alpha = rng.randint(90, 200)
        rgba = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) + (alpha,)
        x, y = rng.randint(-200, width), rng.randint(-200, height)
        extent = rng.randint(120, 620)
        shape = rng.choice(["circle", "rect", "band"])
        if shape == "circle":
            draw.ellipse([x, y, x + extent, y + extent], fill=rgba)
        elif shape == "rect":
            draw.rectangle([x, y, x + extent, y + extent // 2], fill=rgba)
        else:
            draw.polygon([(x, 0), (x + extent // 3, 0), (x - extent, height), (x - extent - extent // 3, height)], fill=rgba)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=82, optimize=True)
    return output.getvalue()


def portrait(name, size=400):
    """PNG bytes of a round-friendly square with the person's initials."""
    rng = _rng(name)
    palette = rng.choice(list(SECTION_PALETTES.values()))
    image = Image.new("RGB", (size, size), palette[0])
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    try:
        font = ImageFont.load_default(size=size // 3)
    except TypeError:  # Pillow without FreeType sizes
        font = ImageFont.load_default()
    draw.text((size / 2, size / 2), initials, fill=palette[-1] if palette[-1] != palette[0] else "#ffffff", font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()
