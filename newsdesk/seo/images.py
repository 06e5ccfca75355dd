"""The lead-image renditions that search engines and social cards are given."""

# Google asks for article images in these three ratios, at least 1,200 px
# wide, so each of its layouts can use one without cropping it itself.
STRUCTURED_DATA_SPECS = ["fill-1200x675", "fill-1200x900", "fill-1200x1200"]
# Facebook, LinkedIn and X draw large cards at 1.91:1; 1200x630 is their size.
SOCIAL_CARD_SPEC = "fill-1200x630"
# A publisher logo fits in a box; Google wants it at least 112 px on a side.
LOGO_SPEC = "max-600x600"
MIN_LOGO_SIDE = 112


def lead_image_renditions(image):
    """{spec: rendition} for the structured data and the social card, made in one batch."""
    if image is None:
        return {}
    return image.get_renditions(*STRUCTURED_DATA_SPECS, SOCIAL_CARD_SPEC)
