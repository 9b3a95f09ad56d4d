"""Historical document dates: what archivists type, normalized for storage, sorting and display.

Archivists enter dates as sources and finding aids give them ("May 30, 1965", "circa 1950",
"1951-09/1951-11"). We keep their text and derive from it:

* an EDTF string (Extended Date/Time Format, ISO 8601-2 levels 0 and 1), so the date can be
  exchanged with other archives and re-parsed without loss;
* the earliest and latest day the date can mean, so documents of any precision sort together
  and range searches work;
* a display form for readers, in the style of the Wilson Center Digital Archive
  ("January 07, 1950", "circa July 1952", "1950 (uncertain)"; ranges joined by an en dash).

Choices worth knowing:

* Approximate ("~", circa) and uncertain ("?") dates do not widen earliest/latest: "circa 1950"
  spans 1950-01-01 to 1950-12-31. How far "circa" reaches is a guess we do not make.
* Open-ended intervals keep their open side as None: "../1950" has earliest None and latest
  1950-12-31; "1950/.." has earliest 1950-01-01 and latest None. Both ends open is refused.
* "19XX" (a century) is a range of years, 1900 to 1999, with precision RANGE.
* "1900s" is refused as ambiguous (a decade or a century?); "190X" or "19XX" say which.
* Years have four digits (EDTF writes year 965 as "0965"), so "May 30, 65" is refused rather
  than guessed. Numeric dates with slashes ("30/05/1965") are refused as ambiguous.
* Ranges are displayed in full, never shortened: a September-November 1951 range shows both
  "September 1951" and "November 1951".
* Each end of a range is a day, month, year or decade; a qualifier applies to its own end.
"""

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    DECADE = "decade", "Decade"
    RANGE = "range", "Range"
    UNDATED = "undated", "Undated"


@dataclass(frozen=True)
class HistoricalDate:
    """A parsed date: the archivist's text plus everything derived from it."""

    entered: str
    edtf: str
    earliest: datetime.date | None
    latest: datetime.date | None
    precision: str
    approximate: bool
    uncertain: bool
    display: str


ACCEPTED_FORMS = (
    'Accepted forms: a day ("1965-05-30", "May 30, 1965" or "30 May 1965"), '
    'a month ("1952-07" or "July 1952"), a year ("1950"), a decade ("1950s" or "195X"), '
    'an approximate or uncertain date ("circa 1950", "1950~", "1950?"), '
    'a range ("1951-09/1951-11", "1951-1952", "between 1951 and 1952", "../1950"), '
    'or "undated".'
)

MAX_LENGTH = 100  # the length of Document.date_entered

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = (
    {name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)}
    | {name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, 1)}
    | {"sept": 9}
)

_UNDATED_WORDS = frozenset({"", "undated", "n.d.", "n.d", "n. d.", "no date"})
_EN_DASH = "\u2013"
_QUALIFIERS = {(True, True): "%", (True, False): "~", (False, True): "?", (False, False): ""}

# Patterns run on text that is lower-cased with whitespace collapsed to single spaces.
# re.ASCII keeps \d to 0-9, so int() never sees other scripts' digits.
_CIRCA = re.compile(r"(?:circa|about|ca\.?|c\.?) ?")
_EDTF_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?", re.ASCII)
_EDTF_DECADE = re.compile(r"(?P<stem>\d{3})x", re.ASCII)
_EDTF_CENTURY = re.compile(r"(?P<stem>\d{2})xx", re.ASCII)
_NAMED_DECADE = re.compile(r"(?P<year>\d{4})'?s", re.ASCII)
_MONTH = r"(?P<month>[a-z]+)(?:\. ?|, ?| )"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH}{_DAY}(?:, ?| )(?P<year>\d{{4}})", re.ASCII)
_DAY_MONTH_YEAR = re.compile(rf"{_DAY} {_MONTH}(?P<year>\d{{4}})", re.ASCII)
_MONTH_YEAR = re.compile(rf"{_MONTH}(?P<year>\d{{4}})", re.ASCII)
_BETWEEN = re.compile(r"between (?P<start>.+?) and (?P<end>.+)")
_YEAR_SPAN = re.compile(r"(?P<start>\d{4}) ?- ?(?P<end>\d{4})", re.ASCII)
_DASH = re.compile(r" ?[\u2013\u2014] ?| - ")


@dataclass(frozen=True)
class _Point:
    """One date, or one end of a range, before it becomes a HistoricalDate."""

    edtf: str
    earliest: datetime.date
    latest: datetime.date
    precision: str
    label: str
    approximate: bool = False
    uncertain: bool = False

    @property
    def qualified_edtf(self) -> str:
        return self.edtf + _QUALIFIERS[self.approximate, self.uncertain]

    @property
    def display(self) -> str:
        text = f"circa {self.label}" if self.approximate else self.label
        return f"{text} (uncertain)" if self.uncertain else text


def parse_historical_date(value: str) -> HistoricalDate:
    """Parse an archivist's date; raise ValidationError(code="invalid_date") naming the forms.

    See the module docstring for how open ends, qualifiers and centuries are treated.
    """
    entered = _checked(value)
    text = " ".join(entered.lower().split())
    if text in _UNDATED_WORDS:
        return HistoricalDate(
            entered, "", None, None, DatePrecision.UNDATED, False, False, "Undated"
        )
    ends = _split_range(text)
    if ends is not None:
        return _range(entered, *ends)
    point = _parse_point(text)
    if point is None:
        raise _unrecognized(entered)
    return HistoricalDate(
        entered=entered,
        edtf=point.qualified_edtf,
        earliest=point.earliest,
        latest=point.latest,
        precision=point.precision,
        approximate=point.approximate,
        uncertain=point.uncertain,
        display=point.display,
    )


def _invalid(reason: str) -> ValidationError:
    """Every refusal says what went wrong and then what would have been accepted."""
    return ValidationError(f"{reason} {ACCEPTED_FORMS}", code="invalid_date")


def _unrecognized(entered: str) -> ValidationError:
    return _invalid(f"\u201c{entered}\u201d is not a date form the archive recognizes.")


def _checked(value: str) -> str:
    """Strip the value; refuse overlong text and invisible characters before any parsing."""
    entered = value.strip()
    if len(entered) > MAX_LENGTH:
        raise _invalid(f"A date can be at most {MAX_LENGTH} characters long.")
    if any(unicodedata.category(char)[0] == "C" or char in "\u2028\u2029" for char in entered):
        raise _invalid("A date cannot contain control or invisible characters.")
    return entered


def _split_range(text: str) -> tuple[str, str, bool] | None:
    """The two ends of a range, and whether EDTF's open end ".." is allowed; None if no range."""
    if match := _BETWEEN.fullmatch(text):
        return match["start"], match["end"], False
    if "/" in text:
        parts = [part.strip() for part in text.split("/")]
        if len(parts) == 2:
            return parts[0], parts[1], True
        raise _invalid(
            "Numeric dates with slashes, such as 30/05/1965, are ambiguous: "
            "write 1965-05-30 or 30 May 1965."
        )
    if match := _YEAR_SPAN.fullmatch(text):
        return match["start"], match["end"], False
    parts = _DASH.split(text)
    if len(parts) == 2:
        return parts[0], parts[1], False
    return None


def _range(entered: str, start_text: str, end_text: str, open_allowed: bool) -> HistoricalDate:
    """A range spans from the start's earliest day to the end's latest day."""
    start = _range_end(entered, start_text, open_allowed)
    end = _range_end(entered, end_text, open_allowed)
    if start is None and end is None:
        raise _invalid("A range needs at least one known end.")
    if start is not None and end is not None and end.latest < start.earliest:
        raise _invalid(f"The range ends ({end.display}) before it starts ({start.display}).")
    ends = [point for point in (start, end) if point is not None]
    if start is None:
        display = f"{end.display} or earlier"
    elif end is None:
        display = f"{start.display} or later"
    else:
        display = f"{start.display} {_EN_DASH} {end.display}"
    return HistoricalDate(
        entered=entered,
        edtf=f"{start.qualified_edtf if start else '..'}/{end.qualified_edtf if end else '..'}",
        earliest=start.earliest if start else None,
        latest=end.latest if end else None,
        precision=DatePrecision.RANGE,
        approximate=any(point.approximate for point in ends),
        uncertain=any(point.uncertain for point in ends),
        display=display,
    )


def _range_end(entered: str, text: str, open_allowed: bool) -> _Point | None:
    """One end of a range; None for an open end. Nested ranges (such as 19XX) are refused."""
    if open_allowed and text == "..":
        return None
    point = _parse_point(text)
    if point is None:
        raise _unrecognized(entered)
    if point.precision == DatePrecision.RANGE:
        raise _invalid("Each end of a range must be a day, a month, a year or a decade.")
    return point


def _parse_point(text: str) -> _Point | None:
    """A single date with its qualifiers: a circa word in front, or ~ ? % at the end."""
    approximate = False
    if match := _CIRCA.match(text):
        approximate, text = True, text[match.end() :]
    mark = text[-1:]
    if mark and mark in "~?%":
        text = text[:-1].rstrip()
    point = _parse_core(text)
    if point is None:
        return None
    return replace(
        point, approximate=approximate or mark in ("~", "%"), uncertain=mark in ("?", "%")
    )


def _parse_core(text: str) -> _Point | None:
    """An unqualified date in EDTF or in the written forms; None if the text is no such form."""
    if match := _EDTF_DATE.fullmatch(text):
        year, month, day = (int(part) if part else None for part in match.groups())
        if day is not None:
            return _day(year, month, day)
        return _month(year, month) if month is not None else _year(year)
    if match := _EDTF_DECADE.fullmatch(text):
        return _decade(int(match["stem"]) * 10)
    if match := _EDTF_CENTURY.fullmatch(text):
        return _century(int(match["stem"]) * 100)
    if match := _NAMED_DECADE.fullmatch(text):
        return _named_decade(int(match["year"]))
    if match := _MONTH_DAY_YEAR.fullmatch(text) or _DAY_MONTH_YEAR.fullmatch(text):
        month = _MONTH_NUMBERS.get(match["month"])
        return _day(int(match["year"]), month, int(match["day"])) if month else None
    if match := _MONTH_YEAR.fullmatch(text):
        month = _MONTH_NUMBERS.get(match["month"])
        return _month(int(match["year"]), month) if month else None
    return None


def _check_year(year: int) -> None:
    if not 1 <= year <= 9999:
        raise _invalid("Years must be between 1 and 9999.")


def _check_month(year: int, month: int) -> None:
    _check_year(year)
    if not 1 <= month <= 12:
        raise _invalid(f"There is no month {month}.")


def _day(year: int, month: int, day: int) -> _Point:
    _check_month(year, month)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _invalid(f"{MONTH_NAMES[month - 1]} {year} has no day {day}.")
    date = datetime.date(year, month, day)
    label = f"{MONTH_NAMES[month - 1]} {day:02d}, {year}"
    return _Point(date.isoformat(), date, date, DatePrecision.DAY, label)


def _month(year: int, month: int) -> _Point:
    _check_month(year, month)
    last_day = calendar.monthrange(year, month)[1]
    return _Point(
        f"{year:04d}-{month:02d}",
        datetime.date(year, month, 1),
        datetime.date(year, month, last_day),
        DatePrecision.MONTH,
        f"{MONTH_NAMES[month - 1]} {year}",
    )


def _year(year: int) -> _Point:
    _check_year(year)
    first, last = _year_span(year, year)
    return _Point(f"{year:04d}", first, last, DatePrecision.YEAR, str(year))


def _decade(first_year: int) -> _Point:
    _check_year(first_year)
    first, last = _year_span(first_year, first_year + 9)
    return _Point(f"{first_year // 10:03d}X", first, last, DatePrecision.DECADE, f"{first_year}s")


def _named_decade(year: int) -> _Point:
    """'1950s' is a decade; '1955s' is a typo and '1900s' could be a decade or a century."""
    if year % 10:
        raise _invalid("A decade is written with its first year, as in 1950s.")
    if year % 100 == 0:
        raise _invalid(
            f"{year}s could be a decade or a century: write {year // 10:03d}X for the decade "
            f"or {year // 100:02d}XX for the century."
        )
    return _decade(year)


def _century(first_year: int) -> _Point:
    _check_year(first_year)
    last_year = first_year + 99
    first, last = _year_span(first_year, last_year)
    label = f"{first_year} {_EN_DASH} {last_year}"
    return _Point(f"{first_year // 100:02d}XX", first, last, DatePrecision.RANGE, label)


def _year_span(first_year: int, last_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
