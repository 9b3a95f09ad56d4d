"""The document page's reader: its panes (scan, original transcripts, translations), which two
a reader put side by side, and each text cut into numbered, aligned paragraphs.

A paragraph is a top-level block of the text's HTML (a paragraph, heading, list, quotation
or table; loose inline text between blocks counts as one). Its number is its place among
them, so `#p12` names the same paragraph until paragraphs are added or removed before it.
A paragraph that reads just ``[page 3]`` marks where page 3 of the scan begins; it names
that page, is not counted, and every paragraph after it falls on that page.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import QueryDict

from archive import alignment
from archive.selectors import DocumentRecord

SCAN_PANE = "scans"
BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "table", "div", "hr"}
)
VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})
# A page break is a paragraph of a few characters: longer blocks are not read as one.
SHORTEST_PARAGRAPH = 80
PAGE_BREAK = re.compile(r"^\[\s*page\s+(\d{1,4})\s*\]$", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    html: str
    number: int | None = None  # None: a page break or a rule, outside the count
    page: int = 1  # the scan page it falls on
    page_break: int | None = None  # for a page break: the page it starts
    # The original transcript's paragraphs this one corresponds to: panes highlight
    # paragraphs that share one.
    counterparts: tuple[int, ...] = ()

    @property
    def align_keys(self) -> str:
        return " ".join(map(str, self.counterparts))


@dataclass
class Pane:
    key: str  # the section's id, and its name in the URL (?left=scans&right=…)
    label: str
    kind: str  # "scan", "transcript" or "translation"
    source: object = None  # the Transcript or Translation shown
    paragraphs: list[Paragraph] = field(default_factory=list)
    anchor_prefix: str = ""  # "" for the main text: its paragraphs are #p1, #p2 …


@dataclass
class Reader:
    panes: list[Pane]
    left: Pane | None = None
    right: Pane | None = None
    in_step: bool = False

    @property
    def side_by_side(self) -> bool:
        return self.left is not None and self.right is not None

    @property
    def ordered(self) -> list[Pane]:
        """The chosen two first, so that they come first without JavaScript too."""
        chosen = [self.left, self.right] if self.side_by_side else []
        return chosen + [pane for pane in self.panes if pane not in chosen]


# Cutting HTML into top-level blocks ----------------------------------------------------------


# Sanitized HTML (archive.richtext) has no comments, and its serializer quotes every
# attribute and escapes "<" in text, so tags are found by a pattern, about ten times faster
# than html.parser on a long cable.
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def blocks(html: str) -> list[str]:
    """The top-level pieces of `html`: each block element, and each run of loose inline
    content between them."""
    html = html or ""
    spans: list[tuple[int, int]] = []
    depth, start, position = 0, 0, 0  # `start`: where the current piece began
    for tag in _TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2).lower()
        if depth == 0 and name in BLOCK_TAGS and not closing:
            spans.append((start, tag.start()))  # loose content before this block
            start = tag.start()
        if name in VOID_TAGS:
            if depth == 0 and name in BLOCK_TAGS:
                spans.append((start, tag.end()))
                start = tag.end()
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth == 0 and closing and name in BLOCK_TAGS:
            spans.append((start, tag.end()))
            start = tag.end()
        position = tag.end()
    spans.append((start, max(position, len(html))))
    pieces = (html[begin:end].strip() for begin, end in spans)
    return [piece for piece in pieces if piece]


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", html)).strip()


def paragraphs(html: str) -> list[Paragraph]:
    """The numbered paragraphs of a text, with its page breaks and rules between them."""
    result: list[Paragraph] = []
    number, page = 0, 1
    for block in blocks(html):
        page_break = len(block) <= SHORTEST_PARAGRAPH and PAGE_BREAK.match(_plain(block))
        if page_break:
            page = int(page_break.group(1))
            result.append(Paragraph(html=block, page=page, page_break=page))
        elif block.startswith("<hr"):
            result.append(Paragraph(html=block, page=page))
        else:
            number += 1
            result.append(Paragraph(html=block, number=number, page=page, counterparts=(number,)))
    return result


def _aligned(
    translation: list[Paragraph], notation: str, original: list[Paragraph]
) -> list[Paragraph]:
    """The translation's paragraphs, each naming the original's paragraphs it renders and
    falling on the scan page of the first of them."""
    pages = {p.number: p.page for p in original if p.number}
    try:
        corrections = alignment.parse(notation)
    except ValidationError:  # saved before a rule changed: fall back to one to one
        corrections = []
    counted = [p for p in translation if p.number]
    mapping = alignment.align(corrections, len(counted), len(pages)).to_transcript
    aligned = []
    for paragraph in translation:
        if paragraph.number is None:
            aligned.append(paragraph)
            continue
        theirs = mapping.get(paragraph.number, ())
        page = pages[theirs[0]] if theirs else paragraph.page
        aligned.append(
            Paragraph(html=paragraph.html, number=paragraph.number, page=page, counterparts=theirs)
        )
    return aligned


def aligned_pairs(
    translation_html: str, notation: str, original_html: str
) -> list[tuple[Paragraph, list[Paragraph]]]:
    """Each translation paragraph with the original's paragraphs it renders, as editors
    check an alignment (raises ValidationError for notation that does not parse)."""
    corrections = alignment.parse(notation)
    original = {p.number: p for p in paragraphs(original_html) if p.number}
    translation = [p for p in paragraphs(translation_html) if p.number]
    mapping = alignment.align(corrections, len(translation), len(original)).to_transcript
    return [(p, [original[n] for n in mapping.get(p.number, ())]) for p in translation]


def plain_text(paragraph: Paragraph) -> str:
    return _plain(paragraph.html)


# The reader's panes ---------------------------------------------------------------------------


def _panes(record: DocumentRecord) -> list[Pane]:
    panes: list[Pane] = []
    transcripts = record.transcripts
    original = paragraphs(transcripts[0].body) if transcripts else []
    for translation in record.translations:
        text = paragraphs(translation.approved_body)
        if original:
            text = _aligned(text, translation.alignment, original)
        panes.append(
            Pane(
                key=f"translation-{translation.language.code}-{translation.pk}",
                label=f"{translation.language.name} translation",
                kind="translation",
                source=translation,
                paragraphs=text,
            )
        )
    for index, transcript in enumerate(transcripts):
        panes.append(
            Pane(
                key=f"transcript-{transcript.language.code}",
                label=f"Original transcript ({transcript.language.name})",
                kind="transcript",
                source=transcript,
                paragraphs=original if index == 0 else paragraphs(transcript.body),
            )
        )
    for later in panes[1:]:
        later.anchor_prefix = f"{later.key}-"
    if record.scans:
        label = "Original scan" + ("s" if len(record.scans) > 1 else "")
        panes.append(Pane(key=SCAN_PANE, label=label, kind="scan"))
    return panes


def reader(record: DocumentRecord, query: QueryDict) -> Reader:
    """The panes of `record`'s page, two of them side by side if the query names them
    (`?left=scans&right=translation-en-12`; anything else gives one pane at a time)."""
    panes = _panes(record)
    by_key = {pane.key: pane for pane in panes}
    left, right = by_key.get(query.get("left", "")), by_key.get(query.get("right", ""))
    if left is None or right is None or left is right:
        left = right = None
    return Reader(panes=panes, left=left, right=right, in_step=query.get("step") == "1")
