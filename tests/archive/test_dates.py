"""The historical date parser: every accepted form, what it derives, and what it refuses."""

import datetime
from dataclasses import FrozenInstanceError

import pytest
from django.core.exceptions import ValidationError

from archive.dates import (
    ACCEPTED_FORMS,
    DatePrecision,
    HistoricalDate,
    parse_historical_date,
)

D = datetime.date
DASH = "\u2013"  # en dash, written as an escape so no confusable character hides in the source
DAY, MONTH, YEAR = DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR
DECADE, RANGE, UNDATED = DatePrecision.DECADE, DatePrecision.RANGE, DatePrecision.UNDATED

# entered, edtf, earliest, latest, precision, approximate, uncertain, display
ACCEPTED = [
    # EDTF level 0
    ("1965-05-30", "1965-05-30", D(1965, 5, 30), D(1965, 5, 30), DAY, False, False, "May 30, 1965"),
    ("1950-01-07", "1950-01-07", D(1950, 1, 7), D(1950, 1, 7), DAY, False, False,
     "January 07, 1950"),
    ("1952-07", "1952-07", D(1952, 7, 1), D(1952, 7, 31), MONTH, False, False, "July 1952"),
    ("1950", "1950", D(1950, 1, 1), D(1950, 12, 31), YEAR, False, False, "1950"),
    ("0965", "0965", D(965, 1, 1), D(965, 12, 31), YEAR, False, False, "965"),
    # EDTF level 1 qualifiers, on years, months and days
    ("1950~", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("1950?", "1950?", D(1950, 1, 1), D(1950, 12, 31), YEAR, False, True, "1950 (uncertain)"),
    ("1950%", "1950%", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, True, "circa 1950 (uncertain)"),
    ("1965-05~", "1965-05~", D(1965, 5, 1), D(1965, 5, 31), MONTH, True, False, "circa May 1965"),
    ("1965-05-30?", "1965-05-30?", D(1965, 5, 30), D(1965, 5, 30), DAY, False, True,
     "May 30, 1965 (uncertain)"),
    # EDTF intervals
    ("1951-09/1951-11", "1951-09/1951-11", D(1951, 9, 1), D(1951, 11, 30), RANGE, False, False,
     f"September 1951 {DASH} November 1951"),
    ("1951-09-10/1952-08-18", "1951-09-10/1952-08-18", D(1951, 9, 10), D(1952, 8, 18), RANGE,
     False, False, f"September 10, 1951 {DASH} August 18, 1952"),
    ("1950~/1955", "1950~/1955", D(1950, 1, 1), D(1955, 12, 31), RANGE, True, False,
     f"circa 1950 {DASH} 1955"),
    ("1950/1955?", "1950/1955?", D(1950, 1, 1), D(1955, 12, 31), RANGE, False, True,
     f"1950 {DASH} 1955 (uncertain)"),
    ("1950/..", "1950/..", D(1950, 1, 1), None, RANGE, False, False, "1950 or later"),
    ("../1950", "../1950", None, D(1950, 12, 31), RANGE, False, False, "1950 or earlier"),
    ("1951-09 / 1951-11", "1951-09/1951-11", D(1951, 9, 1), D(1951, 11, 30), RANGE, False, False,
     f"September 1951 {DASH} November 1951"),
    # EDTF unspecified digits
    ("196X", "196X", D(1960, 1, 1), D(1969, 12, 31), DECADE, False, False, "1960s"),
    ("196x", "196X", D(1960, 1, 1), D(1969, 12, 31), DECADE, False, False, "1960s"),
    ("19XX", "19XX", D(1900, 1, 1), D(1999, 12, 31), RANGE, False, False, f"1900 {DASH} 1999"),
    # Written days
    ("May 30, 1965", "1965-05-30", D(1965, 5, 30), D(1965, 5, 30), DAY, False, False,
     "May 30, 1965"),
    ("May 30 1965", "1965-05-30", D(1965, 5, 30), D(1965, 5, 30), DAY, False, False,
     "May 30, 1965"),
    ("30 May 1965", "1965-05-30", D(1965, 5, 30), D(1965, 5, 30), DAY, False, False,
     "May 30, 1965"),
    ("Sept. 10, 1951", "1951-09-10", D(1951, 9, 10), D(1951, 9, 10), DAY, False, False,
     "September 10, 1951"),
    ("Jan. 7, 1950", "1950-01-07", D(1950, 1, 7), D(1950, 1, 7), DAY, False, False,
     "January 07, 1950"),
    ("7th January 1950", "1950-01-07", D(1950, 1, 7), D(1950, 1, 7), DAY, False, False,
     "January 07, 1950"),
    ("February 29, 1964", "1964-02-29", D(1964, 2, 29), D(1964, 2, 29), DAY, False, False,
     "February 29, 1964"),
    # Written months and years
    ("May 1965", "1965-05", D(1965, 5, 1), D(1965, 5, 31), MONTH, False, False, "May 1965"),
    ("Sept. 1951", "1951-09", D(1951, 9, 1), D(1951, 9, 30), MONTH, False, False,
     "September 1951"),
    ("February 1964", "1964-02", D(1964, 2, 1), D(1964, 2, 29), MONTH, False, False,
     "February 1964"),
    ("1964-02", "1964-02", D(1964, 2, 1), D(1964, 2, 29), MONTH, False, False, "February 1964"),
    ("1965-02", "1965-02", D(1965, 2, 1), D(1965, 2, 28), MONTH, False, False, "February 1965"),
    ("1900-02", "1900-02", D(1900, 2, 1), D(1900, 2, 28), MONTH, False, False, "February 1900"),
    ("2000-02", "2000-02", D(2000, 2, 1), D(2000, 2, 29), MONTH, False, False, "February 2000"),
    # Circa words
    ("circa 1950", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("ca. 1950", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("c. 1950", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("c.1950", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("about 1950", "1950~", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, False, "circa 1950"),
    ("circa July 1952", "1952-07~", D(1952, 7, 1), D(1952, 7, 31), MONTH, True, False,
     "circa July 1952"),
    ("circa 1950?", "1950%", D(1950, 1, 1), D(1950, 12, 31), YEAR, True, True,
     "circa 1950 (uncertain)"),
    ("May 1965?", "1965-05?", D(1965, 5, 1), D(1965, 5, 31), MONTH, False, True,
     "May 1965 (uncertain)"),
    # Decades
    ("1950s", "195X", D(1950, 1, 1), D(1959, 12, 31), DECADE, False, False, "1950s"),
    ("1950's", "195X", D(1950, 1, 1), D(1959, 12, 31), DECADE, False, False, "1950s"),
    ("circa 1950s", "195X~", D(1950, 1, 1), D(1959, 12, 31), DECADE, True, False,
     "circa 1950s"),
    # Written ranges
    ("between 1951 and 1952", "1951/1952", D(1951, 1, 1), D(1952, 12, 31), RANGE, False, False,
     f"1951 {DASH} 1952"),
    ("1951-1952", "1951/1952", D(1951, 1, 1), D(1952, 12, 31), RANGE, False, False,
     f"1951 {DASH} 1952"),
    (f"1951{DASH}1952", "1951/1952", D(1951, 1, 1), D(1952, 12, 31), RANGE, False, False,
     f"1951 {DASH} 1952"),
    (f"1951 {DASH} 1952", "1951/1952", D(1951, 1, 1), D(1952, 12, 31), RANGE, False, False,
     f"1951 {DASH} 1952"),
    ("September 1951 - November 1951", "1951-09/1951-11", D(1951, 9, 1), D(1951, 11, 30), RANGE,
     False, False, f"September 1951 {DASH} November 1951"),
    ("May 30, 1965 - June 2, 1965", "1965-05-30/1965-06-02", D(1965, 5, 30), D(1965, 6, 2),
     RANGE, False, False, f"May 30, 1965 {DASH} June 02, 1965"),
    ("between May 1951 and circa 1952", "1951-05/1952~", D(1951, 5, 1), D(1952, 12, 31), RANGE,
     True, False, f"May 1951 {DASH} circa 1952"),
    # Undated
    ("undated", "", None, None, UNDATED, False, False, "Undated"),
    ("n.d.", "", None, None, UNDATED, False, False, "Undated"),
    ("no date", "", None, None, UNDATED, False, False, "Undated"),
    ("", "", None, None, UNDATED, False, False, "Undated"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("entered", "edtf", "earliest", "latest", "precision", "approximate", "uncertain", "display"),
    ACCEPTED,
    ids=[case[0] or "empty" for case in ACCEPTED],
)
def test_accepted_forms(
    entered, edtf, earliest, latest, precision, approximate, uncertain, display
):
    assert parse_historical_date(entered) == HistoricalDate(
        entered=entered,
        edtf=edtf,
        earliest=earliest,
        latest=latest,
        precision=precision,
        approximate=approximate,
        uncertain=uncertain,
        display=display,
    )


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("MAY 30, 1965", "1965-05-30"),
        ("may 30, 1965", "1965-05-30"),
        ("CIRCA 1950", "1950~"),
        ("1950S", "195X"),
        ("Between 1951 And 1952", "1951/1952"),
        ("UNDATED", ""),
        ("N.D.", ""),
        ("  May   30,   1965 ", "1965-05-30"),
        ("\t1950\n", "1950"),
        ("\u00a01950\u00a0", "1950"),
    ],
)
def test_case_and_surrounding_whitespace_do_not_matter(entered, expected):
    assert parse_historical_date(entered).edtf == expected


def test_entered_keeps_the_archivists_text_without_surrounding_whitespace():
    parsed = parse_historical_date("  Sept. 10,  1951 \n")

    assert parsed.entered == "Sept. 10,  1951"
    assert parsed.edtf == "1951-09-10"


def test_precision_is_a_stored_choice_value():
    assert parse_historical_date("1950s").precision == "decade"
    assert {parse_historical_date(case[0]).precision for case in ACCEPTED} <= set(
        DatePrecision.values
    )


@pytest.mark.parametrize("entered", [case[0] for case in ACCEPTED if case[1]])
def test_edtf_parses_back_to_the_same_date(entered):
    """The stored EDTF string is itself accepted, and means exactly what was entered."""
    first = parse_historical_date(entered)
    again = parse_historical_date(first.edtf)

    assert (again.edtf, again.earliest, again.latest) == (first.edtf, first.earliest, first.latest)
    assert (again.precision, again.approximate, again.uncertain, again.display) == (
        first.precision,
        first.approximate,
        first.uncertain,
        first.display,
    )


def test_parsed_dates_are_immutable():
    parsed = parse_historical_date("1950")

    with pytest.raises(FrozenInstanceError):
        parsed.edtf = "1951"  # type: ignore[misc]


REJECTED = [
    ("1965-13-01", "no month 13"),
    ("1965-00", "no month 0"),
    ("1965-02-30", "February 1965 has no day 30"),
    ("1965-02-29", "February 1965 has no day 29"),
    ("1965-05-00", "May 1965 has no day 0"),
    ("May 32, 1965", "May 1965 has no day 32"),
    ("yesterday", "\u201cyesterday\u201d is not a date form"),
    ("30/05/1965", "ambiguous"),
    ("5/30/1965", "ambiguous"),
    ("1952-07/1951-01", "ends (January 1951) before it starts (July 1952)"),
    ("1952 - 1951", "before it starts"),
    ("x" * 10_000, "at most 100 characters"),
    ("1" * 101, "at most 100 characters"),
    ("1950\x00", "control or invisible characters"),
    ("19\x0750", "control or invisible characters"),
    ("May\n30, 1965", "control or invisible characters"),
    ("1950\u200b", "control or invisible characters"),
    ("0000", "between 1 and 9999"),
    ("000X", "between 1 and 9999"),
    ("10000", "not a date form"),
    ("-0050", "not a date form"),
    ("abc~", "\u201cabc~\u201d is not a date form"),
    ("abc%", "\u201cabc%\u201d is not a date form"),
    ("~", "not a date form"),
    ("circa", "not a date form"),
    ("circa undated", "not a date form"),
    ("May 30, 65", "not a date form"),
    ("Maz 30, 1965", "not a date form"),
    ("1965-5-3", "not a date form"),
    ("1955s", "written with its first year"),
    ("1900s", "write 190X for the decade or 19XX for the century"),
    ("../..", "at least one known end"),
    ("19XX/2000", "Each end of a range"),
    ("1950/", "not a date form"),
    ("between .. and 1950", "not a date form"),
    ("1950~?", "not a date form"),
    ("\u0661\u0669\u0665\u0660", "not a date form"),  # Arabic-Indic digits
]


@pytest.mark.parametrize(("entered", "reason"), REJECTED, ids=[case[0][:20] for case in REJECTED])
def test_rejected_inputs_say_why_and_name_the_accepted_forms(entered, reason):
    with pytest.raises(ValidationError) as caught:
        parse_historical_date(entered)

    error = caught.value
    assert error.code == "invalid_date"
    [message] = error.messages
    assert reason in message
    assert message.endswith(ACCEPTED_FORMS)


def test_accepted_forms_names_each_kind_of_date():
    for example in ("1965-05-30", "May 30, 1965", "1952-07", "1950s", "circa 1950", "1950?"):
        assert f'"{example}"' in ACCEPTED_FORMS
    assert "1951-09/1951-11" in ACCEPTED_FORMS
    assert "undated" in ACCEPTED_FORMS


def test_long_input_is_not_echoed_in_the_message():
    with pytest.raises(ValidationError) as caught:
        parse_historical_date("9" * 10_000)

    assert "9" * 101 not in caught.value.messages[0]
