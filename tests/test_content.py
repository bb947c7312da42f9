"""The atlas's own content: the minimums of issue 5, read from the data in the repository.

These tests read the real files through the same pipeline as the site (validate, then
link), as of the data's newest last_verified date (conftest.py's data_date), so that they
pass or fail with the commit, not with the calendar; that the files pass `--strict` is
tested in test_valid_atlas.py. They fail when a contributor's change drops the atlas below
what it promises.
"""

from __future__ import annotations

import pytest

from generator.core.diagnostics import format_text
from generator.core.link import link


@pytest.fixture(scope="module")
def repository(repository_report):
    assert not repository_report.errors, "\n".join(format_text(d) for d in repository_report.errors)
    return link(repository_report)


def test_at_least_ten_networks_each_with_founding_year_scope_and_website(repository):
    complete = [n.slug for n in repository.networks.values() if n.founded and n.scope and n.website]
    assert len(complete) >= 10
    # A year or a website that no source gives is left out (Ciudades Refugio, the Dutch coalition of 2020,
    # the Austrian mayors' alliance of 2020 and the Swiss alliance have no website; the sources of ICC UK and of the Piccoli Comuni del Welcome
    # give no one founding year), but every network says where it works.
    assert [n.slug for n in repository.networks.values() if not n.scope] == []
    assert sorted(n.slug for n in repository.networks.values() if not (n.founded and n.website)) == [
        "allianz-aufnahme-schweiz", "buergermeister-mit-herz", "ciudades-refugio", "coalitie-500-kinderen", "intercultural-cities-uk",
        "piccoli-comuni-welcome"]


def test_networks_show_their_member_cities(repository):
    # From the Sea to the City is a consortium of organisations, not of cities (see its page).
    without_members = [n.slug for n in repository.networks.values() if not n.members]
    assert without_members == ["from-the-sea-to-the-city"]


def test_at_least_fifty_initiatives_covering_every_topic(repository):
    assert len(repository.initiatives) >= 50
    empty_topics = [t.slug for t in repository.topics.values() if not t.initiatives]
    assert empty_topics == []
    without_actors = [i.slug for i in repository.initiatives.values() if not i.actors]
    assert without_actors == []


def test_at_least_one_hundred_further_member_municipalities(repository):
    members = [c.slug for c in repository.cities.values() if not c.featured and c.memberships]
    assert len(members) >= 100


def test_at_least_28_featured_cities_in_ten_countries_with_full_profiles(repository):
    # That each is a full profile (subtitle, networks, two takeaways, the five
    # sections) is the validator's rule profile-incomplete / profile-sections: the fixture is clean.
    featured = repository.featured
    assert len(featured) >= 28
    assert len({city.country.code for city in featured}) >= 10


def test_every_entity_names_a_source_and_when_it_was_verified(repository):
    entities = [*repository.cities.values(), *repository.initiatives.values(), *repository.networks.values()]
    unsourced = [e.path for e in entities if not e.sources]
    assert unsourced == []
    bad_urls = [e.path for e in entities if not all(s.url.startswith(("https://", "http://")) for s in e.sources)]
    assert bad_urls == []
    undated = [e.path for e in entities if not e.last_verified]
    assert undated == []


def test_every_city_cites_the_gazetteer_its_coordinates_come_from(repository):
    missing = [c.path for c in repository.cities.values() if not any("geonames.org/" in s.url for s in c.sources)]
    assert missing == []
