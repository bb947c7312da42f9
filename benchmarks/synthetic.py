"""A deterministic synthetic atlas: the same files for the same sizes, on every machine."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from generator.geo import country_at

ROOT = Path(__file__).resolve().parent.parent
# Points well inside their countries, to scatter synthetic cities around.
ANCHORS = [("DE", 51.0, 10.0), ("IT", 42.5, 12.8), ("FR", 46.5, 2.5), ("ES", 40.2, -3.7), ("PL", 52.0, 19.5),
           ("NL", 52.2, 5.5), ("BE", 50.6, 4.6), ("GR", 39.5, 22.0), ("CH", 46.8, 8.2), ("AT", 47.5, 14.5),
           ("SE", 59.5, 15.5), ("PT", 39.8, -8.0), ("CZ", 49.8, 15.5), ("GB", 52.5, -1.5), ("IE", 53.2, -7.8)]
TOPICS = ["access-to-social-rights", "reception-and-residence-security", "protection-against-deportation",
          "political-participation", "intercultural-inclusion-and-anti-racism", "structural-capacities",
          "civil-society-cooperation-and-advocacy"]
# A featured profile's five sections (the validator's profile-sections rule).
BODY = ("## What is unique about the city\n\n" + "Synthetic text for the benchmark. " * 3 + "\n\n"
        "## Focus of local migration policy\n\nMore synthetic text, with a [link](https://example.org).\n\n"
        "## Greatest achievements\n\nSynthetic achievements.\n\n## Key factors\n\nSynthetic factors.\n\n"
        "## Political activity beyond the city level\n\nSynthetic advocacy.\n")


def place(rng: random.Random, country: str, latitude: float, longitude: float) -> tuple[float, float]:
    """A point within a degree of an anchor, drawn again until it lies in the anchor's country."""
    while True:
        point = round(latitude + rng.uniform(-1, 1), 5), round(longitude + rng.uniform(-1, 1), 5)
        if country_at(*point) == country:
            return point


def generate(target: Path, cities: int, featured: int, initiatives: int, networks: int) -> Path:
    """Write a complete, valid atlas with these counts into target (replacing it)."""
    rng = random.Random(20261122)
    shutil.rmtree(target, ignore_errors=True)
    for folder in ("cities", "initiatives", "networks"):
        (target / folder).mkdir(parents=True)
    for relative in ("atlas.yml", "initiatives/topics.yml", "networks/scopes.yml"):
        shutil.copy(ROOT / relative, target / relative)

    network_slugs = [f"network-{n:03d}" for n in range(networks)]
    for n, slug in enumerate(network_slugs):
        (target / "networks" / f"{slug}.md").write_text(
            f"---\nname: Synthetic Network {n}\nshort_name: SN{n}\nfounded: {2000 + n % 25}\n"
            f"scope: {rng.choice(['national', 'european', 'global'])}\nwebsite: https://example.org/n{n}\n"
            f"sources:\n  - title: Members\n    url: https://example.org/n{n}/members\n"
            f"last_verified: 2026-10-01\n---\n\nA synthetic network.\n", encoding="utf-8")

    city_slugs = [f"city-{n:05d}" for n in range(cities)]
    for n, slug in enumerate(city_slugs):
        country, *anchor = ANCHORS[n % len(ANCHORS)]
        latitude, longitude = place(rng, country, *anchor)
        member = rng.sample(network_slugs, k=min(len(network_slugs), rng.randint(1, 3))) if network_slugs else []
        lines = [f"name: Synthetic City {n}", f"country: {country}",
                 f"coordinates: [{latitude:.5f}, {longitude:.5f}]"]
        if n < featured:
            lines += ["featured: true", "subtitle: A synthetic featured city.",
                      f"population: {{value: {rng.randint(5000, 900000)}, year: 2022, source: https://example.org/p}}",
                      "takeaways:", "  - One synthetic takeaway.", "  - Another synthetic takeaway."]
        if member:
            lines += ["networks:"] + [f"  - network: {m}\n    since: 2019-06" if i == 0 else f"  - {m}"
                                      for i, m in enumerate(member)]
        # Every real city cites its GeoNames page; distinct ids also tell the duplicate check these are distinct.
        lines += ["website: https://example.org", "sources:", f"  - https://example.org/c{n}",
                  f"  - https://www.geonames.org/{10_000_000 + n}",
                  "last_verified: 2026-09-15"]
        body = BODY if n < featured else "A synthetic city.\n"
        (target / "cities" / f"{slug}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body,
                                                      encoding="utf-8")

    for n in range(initiatives):
        city = city_slugs[rng.randrange(min(len(city_slugs), max(featured, 1) * 4))]
        topics = rng.sample(TOPICS, k=rng.randint(1, 3))
        related = f"related: [initiative-{(n + 1) % initiatives:05d}]\n" if initiatives > 1 and n % 3 == 0 else ""
        (target / "initiatives" / f"initiative-{n:05d}.md").write_text(
            f"---\ntitle: Synthetic Initiative {n}\ncity: {city}\ntopics: [{', '.join(topics)}]\n"
            f"since: {2005 + n % 20}\nactors: [Synthetic NGO]\n{related}sources: [https://example.org/i{n}]\n"
            f"last_verified: 2026-08-01\n---\n\n## What is inspiring\n\nSynthetic text.\n", encoding="utf-8")
    return target
