"""Which paragraphs of a translation render which paragraphs of the original transcript.

By default paragraph n of the translation renders paragraph n of the transcript. Where a
translator merged or split paragraphs, an editor writes corrections, one per line (or
separated by ";"), each ``translation paragraphs = transcript paragraphs``:

    3=3-4      translation paragraph 3 renders transcript paragraphs 3 and 4 (merged)
    5-6=5      translation paragraphs 5 and 6 render transcript paragraph 5 (split)
    9=         translation paragraph 9 has no counterpart (a translator's note)
    =12        transcript paragraph 12 was not translated

Between and after corrections, paragraphs pair one to one again from where the last
correction ended, so a single correction fixes everything after a merge or a split.
docs/reading.md gives the full notation.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPAN = r"\s*(?:(\d+)\s*(?:-\s*(\d+))?)?\s*"
_CORRECTION = re.compile(rf"^{_SPAN}={_SPAN}$")


@dataclass(frozen=True)
class Correction:
    translation: range
    transcript: range


@dataclass(frozen=True)
class Alignment:
    """Each side's paragraph numbers (from 1) mapped to the other side's."""

    to_transcript: dict[int, tuple[int, ...]]
    to_translation: dict[int, tuple[int, ...]]


def _span(first: str | None, last: str | None) -> range:
    if first is None:
        return range(0)
    start, end = int(first), int(last or first)
    if start < 1 or end < start:
        raise ValueError
    return range(start, end + 1)


def parse(notation: str) -> list[Correction]:
    """The corrections written in `notation`; ValidationError names the line at fault."""
    corrections: list[Correction] = []
    items = [item.strip() for item in re.split(r"[\n;]", notation or "")]
    for item in filter(None, items):
        match = _CORRECTION.match(item)
        try:
            if not match:
                raise ValueError
            correction = Correction(_span(*match.group(1, 2)), _span(*match.group(3, 4)))
        except ValueError:
            raise ValidationError(
                _("“%(item)s” is not a correction: write it as 3=3-4, 5-6=5, 9= or =12.")
                % {"item": item}
            ) from None
        if not correction.translation and not correction.transcript:
            raise ValidationError(_("“%(item)s” names no paragraph.") % {"item": item})
        previous = corrections[-1] if corrections else None
        if previous and (
            _starts_before_end(correction.translation, previous.translation)
            or _starts_before_end(correction.transcript, previous.transcript)
        ):
            raise ValidationError(
                _("“%(item)s” overlaps or comes before the correction above it: list "
                  "corrections in the order of the text.") % {"item": item}
            )  # fmt: skip
        corrections.append(correction)
    return corrections


def _starts_before_end(span: range, previous: range) -> bool:
    return bool(span) and bool(previous) and span.start < previous.stop


def align(corrections: list[Correction], translation_count: int, transcript_count: int):
    """The alignment of a translation of `translation_count` paragraphs with a transcript of
    `transcript_count`; corrections naming paragraphs beyond either end are cut short."""
    to_transcript: dict[int, tuple[int, ...]] = {}
    to_translation: dict[int, tuple[int, ...]] = {}

    def pair(ours: range, theirs: range) -> None:
        ours = [n for n in ours if n <= translation_count]
        theirs = [n for n in theirs if n <= transcript_count]
        for n in ours:
            to_transcript[n] = tuple(theirs)
        for n in theirs:
            to_translation[n] = tuple(ours)

    i = j = 1  # the next paragraph of each side not yet paired
    for correction in corrections:
        t_start = correction.translation.start if correction.translation else None
        o_start = correction.transcript.start if correction.transcript else None
        # One to one up to the correction; a side that reaches it first waits.
        while (t_start is None or i < t_start) and (o_start is None or j < o_start):
            pair(range(i, i + 1), range(j, j + 1))
            i, j = i + 1, j + 1
        # Whatever one side skipped to reach the correction stands alone.
        if t_start is not None:
            pair(range(i, t_start), range(0))
            i = max(i, correction.translation.stop)
        if o_start is not None:
            pair(range(0), range(j, o_start))
            j = max(j, correction.transcript.stop)
        pair(correction.translation, correction.transcript)
    while i <= translation_count or j <= transcript_count:
        pair(range(i, i + 1), range(j, j + 1))
        i, j = i + 1, j + 1
    return Alignment(to_transcript=to_transcript, to_translation=to_translation)


def validate_alignment(notation: str) -> None:
    """The model field's validator: the notation parses."""
    parse(notation)
