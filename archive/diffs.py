"""Word-level differences between two rich texts, for reviewers to read."""

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import strip_tags

# Block ends become paragraph breaks so a diff keeps the text's shape.
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)
_TOKEN = re.compile(r"\n|[^\S\n]+|[^\s]+")
PARAGRAPH = "\n"


@dataclass(frozen=True)
class Chunk:
    kind: str  # "equal", "insert" or "delete"
    text: str

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split(PARAGRAPH)


@dataclass(frozen=True)
class WordDiff:
    chunks: list[Chunk]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def plain_words(rich_text: str) -> list[str]:
    """The words of a rich text, with whitespace tokens and paragraph breaks kept."""
    text = html.unescape(strip_tags(_BLOCK_END.sub(PARAGRAPH, rich_text or "")))
    text = re.sub(r"\n\s*", PARAGRAPH, text.strip())
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> WordDiff:
    """What changed from `old` to `new`, word by word."""
    a, b = plain_words(old), plain_words(new)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    chunks: list[Chunk] = []
    added = removed = 0
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(Chunk("equal", "".join(a[a0:a1])))
            continue
        if op in ("delete", "replace"):
            chunks.append(Chunk("delete", "".join(a[a0:a1])))
            removed += sum(1 for w in a[a0:a1] if w.strip())
        if op in ("insert", "replace"):
            chunks.append(Chunk("insert", "".join(b[b0:b1])))
            added += sum(1 for w in b[b0:b1] if w.strip())
    return WordDiff(chunks=chunks, added=added, removed=removed)
