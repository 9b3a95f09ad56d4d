"""OAI-PMH responses written as text: a harvest page is thousands of small elements, and
joining escaped strings costs a fraction of building and serializing an lxml tree (see
bench/README.md, "OAI-PMH harvest"). Every value goes through `text` or `attribute`, which
escape markup, and the whole response through `document`, which drops what XML 1.0
cannot carry; the tests check each response against the OAI-PMH schema.
"""

import re

# Characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot encode):
# dropped rather than failing the whole page. Markup never contains them, so one pass over
# the finished response cleans every value in it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def document(markup: str) -> bytes:
    """The response body: an XML declaration and `markup`, cleaned, in UTF-8."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("", markup)).encode()


def text(value) -> str:
    """`value` as element content. A carriage return is written as a reference, so that
    parsers, which turn a literal one into a line feed, read back what was stored."""
    escaped = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\r", "&#13;")


def attribute(value) -> str:
    return text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def element(tag: str, content: str = "", attributes: dict[str, str] | None = None) -> str:
    """<tag attributes>content</tag>; `content` is markup already (use `text` for values)."""
    opening = tag
    if attributes:
        opening += "".join(f' {name}="{attribute(value)}"' for name, value in attributes.items())
    return f"<{opening}>{content}</{tag}>"


def text_element(tag: str, value) -> str:
    return f"<{tag}>{text(value)}</{tag}>"
