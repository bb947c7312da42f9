"""A network's page shows two counts (issue 24): its members in the atlas, and the count the network's
own page gives, with that page and, where it dates its list, the date."""

from __future__ import annotations

import re

import pytest

from generator.site.build import build

from .conftest import only, write_network


def network_page(atlas) -> str:
    return {o.path: o.content for o in build(atlas.root).outputs}["networks/test-network.md"]


def test_a_network_page_shows_the_networks_own_count_with_its_source_and_date(atlas):
    write_network(atlas, extra="member_count: {count: 1200, as_of: 2023-11, source: 'https://example.org/members'}\n")
    assert atlas.diagnostics() == []
    page = network_page(atlas)
    assert "Members in the atlas:</strong> 1 city in 1 country" in page
    assert ("Members by the network's own count:</strong> 1,200 (as of November 2023) "
            '(<a href="https://example.org/members">source</a>)') in page


def test_a_count_the_page_does_not_date_says_so_and_when_it_was_read_and_a_lower_bound_is_one(atlas):
    write_network(atlas, extra="member_count: {count: 80, at_least: true, retrieved: 2026-12-07, "
                               "source: 'https://example.org/members'}\n")
    assert atlas.diagnostics() == []
    assert ("Members by the network's own count:</strong> more than 80 (the page gives no date; "
            "read on 7 December 2026) ") in network_page(atlas)


def test_a_network_without_a_count_says_it_publishes_none_that_could_be_read(atlas):
    page = network_page(atlas)
    assert "Members by the network's own count:</strong> the network publishes no count that could be read" in page


@pytest.mark.parametrize("count, code", [
    ("{count: 12, source: 'javascript:alert(1)'}", "unsafe-url"),
    ("{count: 12, source: 'https://example.org/\"><script>'}", None),
    ("{count: -3, source: 'https://example.org'}", None),
    ("{count: 12}", "missing-field"),
    ("{count: many, source: 'https://example.org'}", None),
])
def test_a_count_that_is_not_a_number_with_a_safe_source_is_refused_with_its_line(atlas, count, code):
    write_network(atlas, extra=f"member_count: {count}\n")
    errors = [d for d in atlas.diagnostics() if d.severity.name == "ERROR"]
    assert errors, count
    assert all(d.path == "networks/test-network.md" and d.line == 4 for d in errors)
    if code:
        only(errors, code)


# ---- how the network grew (issue 25): members by the year they joined, a chart and its table -------------

def city(atlas, slug: str, membership: str) -> None:
    atlas.write(f"cities/{slug}.md", f"---\nname: {slug.capitalize()}\ncountry: DE\ncoordinates: [52.5, 13.4]\n"
                                     f"networks:\n{membership}sources: [https://example.org/{slug}]\n"
                                     f"last_verified: 2026-10-01\n---\n")


def growth_table(page: str) -> list[tuple[str, str, str]]:
    table = page.split('class="atlas-growth__numbers"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr><th scope="row">(\d+)</th><td>([\d,]+)</td><td>([\d,]+)</td></tr>', table)


def test_a_network_page_charts_its_members_by_the_year_they_joined_with_the_numbers_as_a_table(atlas):
    write_network(atlas, extra="commitments:\n  - {slug: harbour, name: A Safe Harbour}\n")
    city(atlas, "aberg", "  - {network: test-network, since: 2018}\n")
    city(atlas, "bedorf", "  - {network: test-network, since: 2018-06}\n")
    city(atlas, "cestadt", "  - {network: test-network, since: 2021-03-14}\n")
    # No since, but a council decision to be one: the year of the decision. A decision against it is no joining.
    city(atlas, "dehausen", "  - network: test-network\n    commitments:\n      - {commitment: harbour, state: declared,"
                            " date: 2020-05-27, source: 'https://example.org/d'}\n")
    city(atlas, "eheim", "  - network: test-network\n    commitments:\n      - {commitment: harbour, state: not,"
                         " date: 2019-05-27, source: 'https://example.org/e'}\n")
    assert [d for d in atlas.diagnostics() if d.severity.name == "ERROR"] == []
    page = network_page(atlas)
    # Every year from the first to the last, a year without a new member too; Testville and Eheim have no year.
    assert growth_table(page) == [("2018", "2", "2"), ("2019", "0", "2"), ("2020", "1", "3"), ("2021", "1", "4")]
    assert "4 of its 6 members in the atlas have a known year." in page
    chart = page.split('<svg class="atlas-growth__chart"', 1)[1].split("</svg>", 1)[0]
    assert 'aria-hidden="true"' in chart  # screen readers read the table instead
    numbers = re.findall(r'class="atlas-growth__number"[^>]*>([\d,]+)<', chart)
    years = re.findall(r'class="atlas-growth__year"[^>]*>(\d+)<', chart)
    assert numbers == ["2", "2", "3", "4"] and years == ["2018", "2019", "2020", "2021"]
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', chart)]
    assert heights[0] == heights[1] < heights[2] < heights[3]  # bars as tall as their numbers


def test_a_network_whose_members_have_no_year_shows_no_chart(atlas):
    page = network_page(atlas)
    assert "How the network grew" not in page and "atlas-growth" not in page
