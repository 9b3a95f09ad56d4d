"""A reader searches, narrows by two filters, sorts by date, pages, and shares the URL."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import format_violations
from tests.factories import PlaceFactory, PublishedDocumentFactory, TopicFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def titles(page) -> list[str]:
    return page.locator(".search-hits h3").all_inner_texts()


def test_reader_searches_filters_sorts_and_pages(page, live_server, axe, artifacts_dir):
    famine, china = TopicFactory(name="Famine"), PlaceFactory(name="China")
    beijing = PlaceFactory(name="Beijing", parent=china)
    for n in range(30):
        document = PublishedDocumentFactory(
            title=f"Harvest report {n:02d}", date_entered=f"{1950 + n}-03"
        )
        document.topics.add(famine)
        document.places.add(beijing if n % 2 else china)
    for n in range(8):
        PublishedDocumentFactory(title=f"Harvest cable {n}").topics.add(famine)
    PublishedDocumentFactory(title="Harvest note about China").places.add(china)

    page.goto(f"{live_server.url}/search/")
    page.get_by_label("Words in titles, summaries").fill("harvest")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="39 documents found")).to_be_visible()

    violations = axe(page)
    assert not violations, "search page:\n" + format_violations(violations)

    facets = page.get_by_role("complementary")
    facets.get_by_role("link", name="Famine").click()
    expect(page.get_by_role("heading", name="38 documents found")).to_be_visible()
    facets.get_by_role("link", name="China", exact=True).click()
    expect(page.get_by_role("heading", name="30 documents found")).to_be_visible()

    page.get_by_label("Sort by").select_option("-date")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="30 documents found")).to_be_visible()
    assert titles(page)[:2] == ["Harvest report 29", "Harvest report 28"]

    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    second_page = titles(page)
    assert second_page == [f"Harvest report {n:02d}" for n in range(9, -1, -1)]
    shared_url = page.url
    assert re.search(r"topic=famine", shared_url) and "sort=-date" in shared_url

    page.get_by_role("link", name="Previous page").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    assert titles(page)[0] == "Harvest report 29"

    other = page.context.new_page()
    other.goto(shared_url)
    expect(other.get_by_text("Page 2 of 2")).to_be_visible()
    assert titles(other) == second_page
    other.screenshot(path=artifacts_dir / "search-results.png", full_page=True)

    violations = axe(other)
    assert not violations, "search results with filters:\n" + format_violations(violations)
