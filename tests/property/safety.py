"""What safe output is, checked by parsing it as a browser would (lxml), never by pattern-matching the text."""

import lxml.html

from newsdesk.wire.sanitising import ALLOWED_ATTRIBUTES

# The article allow-list as it comes out: nh3 adds rel="nofollow noopener" to every link.
ARTICLE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "a": ALLOWED_ATTRIBUTES["a"] | {"rel"}}

# The schemes a browser would run or load as a document.
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background", "xlink:href"}


def unsafe_parts(html: str, tags: set[str], attributes: dict[str, set[str]]) -> list[str]:
    """Everything in html outside the allow-list, or able to run script; empty when the output is safe."""
    if not html.strip():
        return []
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    problems = []
    for element in wrapper.iterdescendants():
        if not isinstance(element.tag, str):
            problems.append(f"a {type(element).__name__} node")
            continue
        if element.tag not in tags:
            problems.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{name} on <{element.tag}>")
            if name not in attributes.get(element.tag, set()):
                problems.append(f"{name} on <{element.tag}>")
            if name in URL_ATTRIBUTES and _runs_script(value):
                problems.append(f"{name}={value!r}")
            if name == "srcset" and any(_runs_script(part.split()[0]) for part in value.split(",") if part.strip()):
                problems.append(f"srcset={value!r}")
    return problems


def _runs_script(url: str) -> bool:
    # Browsers drop ASCII tabs and newlines anywhere in a URL and C0 controls
    # and spaces at its ends, and read the scheme without regard to case.
    squeezed = "".join(character for character in url if ord(character) > 0x20).lower()
    return squeezed.startswith(SCRIPT_SCHEMES)
