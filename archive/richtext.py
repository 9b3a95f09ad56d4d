"""Rich text written by editors: one allow-list sanitizer, a model field that applies it, and a
plain-text rendering for search indexing and snippets.

Editors paste from word processors and old web pages; whatever reaches the database must be
safe to render with ``|safe``. Sanitizing on save (not on render) keeps templates simple and
means the stored HTML is exactly what readers see.

The sanitized text is also the *normal form*: line breaks as ``\n``, no surrounding
whitespace, and stable under another pass. The model field stores it and the form field
cleans to it and compares in it, so opening a record and saving it unchanged is seen as
unchanged (a browser sends ``\r\n`` line breaks; old rows may end in a newline).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from django import forms
from django.db import models

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre", "code",
        "em", "strong", "i", "b", "u", "s", "sub", "sup",
        "h2", "h3", "h4", "div",
        "a", "span", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

# The attribute that marks a redaction; its value says how much was withheld.
REDACTED = "data-redacted"

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    # A redaction in the original: <span data-redacted="2 lines">[redacted: 2 lines]</span>.
    "span": {"title", REDACTED},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

# Relative URLs (internal links such as "/documents/123/") pass through unchanged.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

# Dropped together with everything inside them; other unknown tags lose only the tag itself.
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    {
        "script", "style", "template", "noscript",
        "iframe", "frame", "frameset", "object", "embed", "applet",
        "form", "button", "select", "textarea",
        "svg", "math",
    }
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)

RICH_TEXT_HELP = (
    "Allowed markup: paragraphs, headings (h2 to h4), lists, emphasis, links (http, https, "
    "mailto or relative), abbreviations, block quotes, simple tables, code and redactions. "
    "Anything else, including scripts and styles, is removed when saved."
)


# An HTML5 parser may rearrange misnested markup differently on a second reading (a table
# inside a paragraph, say); a few passes reach the fixed point for anything seen in practice.
_MAX_PASSES = 4


def _one_pass(value: str) -> str:
    return _CLEANER.clean(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def sanitize_html(value: str | None) -> str:
    """Reduce ``value`` to Dossier's allow-list of tags, attributes and URL schemes, in
    normal form (``\n`` line breaks, no surrounding whitespace).

    Idempotent: sanitizing already-sanitized HTML returns it unchanged.
    """
    text = value or ""
    for _ in range(_MAX_PASSES):
        cleaned = _one_pass(text)
        if cleaned == text:
            break
        text = cleaned
    return text


class RichTextFormField(forms.CharField):
    """Cleans to the stored normal form and compares in it, so whitespace or line-break
    differences between the stored text and what the browser sends back are no change."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if value in self.empty_values else sanitize_html(value)

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        return sanitize_html(initial) != self.to_python(data)


class RichTextField(models.TextField):
    """A TextField whose value is sanitized (to normal form) whichever way it is written.

    ``pre_save`` (``save()``, forms, the admin, ``bulk_create``) also puts the clean value
    on the instance; ``get_db_prep_save`` covers ``QuerySet.update()`` and ``bulk_update()``,
    which skip ``pre_save``.
    """

    description = "Sanitized rich text (HTML)"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("help_text", RICH_TEXT_HELP)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("help_text") == RICH_TEXT_HELP:
            del kwargs["help_text"]
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = getattr(model_instance, self.attname)
        if value is None and self.null:
            return None
        cleaned = sanitize_html(value)
        setattr(model_instance, self.attname, cleaned)
        return cleaned

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):
            value = sanitize_html(value)
        return super().get_db_prep_save(value, connection)


# Elements that start a new line in the plain-text rendering.
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "hr", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr",
        "caption", "section", "article", "header", "footer", "figure", "figcaption", "address",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_SKIP_TAGS = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than newlines (includes &nbsp;)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pre = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._pre += tag == "pre"
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        # Outside <pre>, a newline in the source is just whitespace.
        self.parts.append(data if self._pre else data.replace("\n", " "))


def html_to_text(value: str | None) -> str:
    """Plain text from (sanitized) HTML: one line per block, entities decoded, runs of
    whitespace collapsed within each line, blank lines dropped."""
    if not value:
        return ""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    # convert_charrefs=True has already decoded entities (once: "&amp;lt;" stays "&lt;").
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


_REDACTION = re.compile(r"<span\b[^>]*\s" + REDACTED + r"=", re.IGNORECASE)


def redaction_count(value: str | None) -> int:
    """How many redactions a (sanitized) rich text marks."""
    return len(_REDACTION.findall(value or ""))
