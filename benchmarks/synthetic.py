"""A deterministic synthetic atlas: the same files for the same sizes, on every machine."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

from generator.core.geo import country_at

ROOT = Path(__file__).resolve().parent.parent
# Points well inside their countries, to scatter synthetic cities around.
ANCHORS = [("DE", 51.0, 10.0), ("IT", 42.5, 12.8), ("FR", 46.5, 2.5), ("ES", 40.2, -3.7), ("PL", 52.0, 19.5),
           ("NL", 52.2, 5.5), ("BE", 50.6, 4.6), ("GR", 39.5, 22.0), ("CH", 46.8, 8.2), ("AT", 47.5, 14.5),
           ("SE", 59.5, 15.5), ("PT", 39.8, -8.0), ("CZ", 49.8, 15.5), ("GB", 52.5, -1.5), ("IE", 53.2, -7.8)]
TOPICS = ["access-to-social-rights", "reception-and-residence-security", "protection-against-deportation",
          "political-participation", "intercultural-inclusion-and-anti-racism", "structural-capacities",
          "civil-society-cooperation-and-advocacy"]
# A featured profile's five sections (the validator's profile-sections rule), each a marker sentence
# (the tests edit them) and then real text: the atlas's own profiles, in turn, so that the pages are as
# long as real ones (REAL_TEXT).
SECTIONS = ["What is unique about the city", "Focus of local migration policy", "Greatest achievements",
            "Key factors", "Political activity beyond the city level"]
MARKERS = ["Synthetic text for the benchmark.", "More synthetic text, with a [link](https://example.org).",
           "Synthetic achievements.", "Synthetic factors.", "Synthetic advocacy."]
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") and "\n---\n" in text else ""


def _sections(body: str) -> dict[str, str]:
    parts = re.split(r"(?m)^## (.*)$", body)
    return {title.strip(): LINK.sub(r"\1", text).strip() for title, text in zip(parts[1::2], parts[2::2])}


def real_texts() -> dict[str, list]:
    """The repository's own prose, its links flattened to their words: featured profiles by section,
    initiatives' and networks' texts, subtitles and takeaways."""
    import yaml

    texts: dict[str, list] = {"profiles": [], "initiatives": [], "networks": [], "subtitles": [], "takeaways": []}
    for path in sorted((ROOT / "cities").glob("*.md")):
        if path.stem.count(".") or "\nfeatured: true" not in path.read_text(encoding="utf-8"):
            continue
        sections = _sections(_body(path))
        if all(sections.get(title) for title in SECTIONS):
            texts["profiles"].append([sections[title] for title in SECTIONS])
            data = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])
            texts["subtitles"].append(data.get("subtitle") or "")
            texts["takeaways"].append(data.get("takeaways") or [])
    for path in sorted((ROOT / "initiatives").glob("*.md")):
        if not path.stem.count("."):
            texts["initiatives"].append(LINK.sub(r"\1", _body(path)).strip())
    for path in sorted((ROOT / "networks").glob("*.md")):
        if not path.stem.count("."):  # the English texts, not their translations (iash.de.md)
            texts["networks"].append(LINK.sub(r"\1", _body(path)).strip())
    return texts


def profile(texts: dict, n: int) -> str:
    real = texts["profiles"][n % len(texts["profiles"])]
    return "".join(f"## {title}\n\n{marker} {text}\n\n" for title, marker, text in zip(SECTIONS, MARKERS, real))


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def place(rng: random.Random, country: str, latitude: float, longitude: float) -> tuple[float, float]:
    """A point within a degree of an anchor, drawn again until it lies in the anchor's country."""
    while True:
        point = round(latitude + rng.uniform(-1, 1), 5), round(longitude + rng.uniform(-1, 1), 5)
        if country_at(*point) == country:
            return point


def generate(target: Path, cities: int, featured: int, initiatives: int, networks: int) -> Path:
    """Write a complete, valid atlas with these counts into target (replacing it)."""
    rng = random.Random(20261122)
    texts = real_texts()
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
            f"last_verified: 2026-10-01\n---\n\nA synthetic network. {texts['networks'][n % len(texts['networks'])]}\n",
            encoding="utf-8")

    city_slugs = [f"city-{n:05d}" for n in range(cities)]
    for n, slug in enumerate(city_slugs):
        country, *anchor = ANCHORS[n % len(ANCHORS)]
        latitude, longitude = place(rng, country, *anchor)
        member = rng.sample(network_slugs, k=min(len(network_slugs), rng.randint(1, 3))) if network_slugs else []
        lines = [f"name: Synthetic City {n}", f"country: {country}",
                 f"coordinates: [{latitude:.5f}, {longitude:.5f}]"]
        if n < featured:
            real = n % len(texts["subtitles"])
            lines += ["featured: true", f"subtitle: {quoted(texts['subtitles'][real] or 'A synthetic featured city.')}",
                      f"population: {{value: {rng.randint(5000, 900000)}, year: 2022, source: https://example.org/p}}",
                      "takeaways:", *(f"  - {quoted(t)}" for t in texts["takeaways"][real] or ["One synthetic takeaway."])]
        if member:
            # As in the real atlas, a city's first membership is dated (2015 to 2023) for two cities in three.
            since = f"{2015 + n % 9}-06" if n % 3 != 2 else None
            lines += ["networks:"] + [f"  - network: {m}\n    since: {since}" if i == 0 and since else f"  - {m}"
                                      for i, m in enumerate(member)]
        # Every real city cites its GeoNames page; distinct ids also tell the duplicate check these are distinct.
        lines += ["website: https://example.org", "sources:", f"  - https://example.org/c{n}",
                  f"  - https://www.geonames.org/{10_000_000 + n}",
                  "last_verified: 2026-09-15"]
        body = profile(texts, n) if n < featured else "A synthetic city.\n"
        (target / "cities" / f"{slug}.md").write_text("---\n" + "\n".join(lines) + "\n---\n\n" + body,
                                                      encoding="utf-8")

    for n in range(initiatives):
        city = city_slugs[rng.randrange(min(len(city_slugs), max(featured, 1) * 4))]
        topics = rng.sample(TOPICS, k=rng.randint(1, 3))
        related = f"related: [initiative-{(n + 1) % initiatives:05d}]\n" if initiatives > 1 and n % 3 == 0 else ""
        (target / "initiatives" / f"initiative-{n:05d}.md").write_text(
            f"---\ntitle: Synthetic Initiative {n}\ncity: {city}\ntopics: [{', '.join(topics)}]\n"
            f"since: {2005 + n % 20}\nactors: [Synthetic NGO]\n{related}sources: [https://example.org/i{n}]\n"
            f"last_verified: 2026-08-01\n---\n\n{_initiative_body(texts, n)}\n", encoding="utf-8")
    return target


def _initiative_body(texts: dict, n: int) -> str:
    """An initiative's real text (its sections as written), after the marker the tests use."""
    real = texts["initiatives"][n % len(texts["initiatives"])]
    return "## What is inspiring\n\nSynthetic text. " + (real.split("## What is inspiring", 1)[-1].lstrip("\n")
                                                         if "## What is inspiring" in real else real)
