"""A network's page shows two counts (issue 24): its members in the atlas, and the count the network's
own page gives, with that page and, where it dates its list, the date."""

from __future__ import annotations

import pytest

from generator.build import build

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
