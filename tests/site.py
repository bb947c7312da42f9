"""Helpers for tests of the built site: build it for real with MkDocs, then read it like a browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def build_site(root: Path, site: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` in its own process: what a contributor sees, messages and exit status."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([*MKDOCS, "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, env=environment, cwd=root)


def build_languages(root: Path, site: Path, env: dict | None = None,
                    languages: list[str] | None = None) -> subprocess.CompletedProcess:
    """Every language (or these, and English), as `make site` builds them (generator/site/sites.py, in a process
    of its own: it forks a build for each language from the atlas it read)."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    more = [part for language in languages or () for part in ("--language", language)]
    return subprocess.run([sys.executable, "-m", "generator.site.sites", "--root", str(root), str(site), *more],
                          capture_output=True, text=True, env=environment, cwd=ROOT)


def build_in_process(root: Path, site: Path) -> bool:
    """A strict MkDocs build in this process (a third of a subprocess's time for a small atlas), for
    tests that read the built site, not the messages; False if MkDocs refused."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    except MkDocsException:
        return False
    return True


def copy_atlas(target: Path) -> Path:
    """A copy of this repository's atlas (data, content, theme, config) to break or grow."""
    for name in ("cities", "initiatives", "networks", "content", "theme"):
        shutil.copytree(ROOT / name, target / name)
    for name in ("atlas.yml", *(config.name for config in ROOT.glob("mkdocs*.yml"))):
        shutil.copy(ROOT / name, target / name)
    return target


def without_posts(folder: str, names: list[str]) -> list[str]:
    """For copytree: leave out content/news/posts/, whose posts name this repository's cities."""
    return [name for name in names if name == "posts" and Path(folder).name == "news"]


def with_bad_country(atlas: Path, city: str = "testville") -> str:
    """An atlas (small_atlas's, or a copy of this repository's) with a country written out ("Germany") in one
    German city: returns the diagnostic's start the build must print, with the line of the country in that file."""
    text = (atlas / f"cities/{city}.md").read_text(encoding="utf-8").replace("country: DE", "country: Germany")
    (atlas / f"cities/{city}.md").write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("country:"))
    return f"cities/{city}.md:{line}:10: error[bad-country]"


def small_atlas(target: Path) -> Path:
    """The fixture atlas of conftest.py (one city, network and initiative) with this repository's
    pages, theme and config: the quickest atlas MkDocs builds, for tests of the build itself."""
    from .conftest import CITY, INITIATIVE, NETWORK

    for name in ("content", "theme"):  # without the news posts, which are about this repository's entities
        shutil.copytree(ROOT / name, target / name, ignore=without_posts)
    for relative in ("atlas.yml", "initiatives/topics.yml", "networks/scopes.yml",
                     *(config.name for config in ROOT.glob("mkdocs*.yml"))):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, target / relative)
    for relative, text in (("cities/testville.md", CITY), ("networks/test-network.md", NETWORK),
                           ("initiatives/test-welcome.md", INITIATIVE)):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(text, encoding="utf-8")
    return target


class Page(HTMLParser):
    """What a crawler needs from one HTML page: its links, assets, ids, meta and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.meta: dict[str, str] = {}
        self.text: list[str] = []
        self.canonical: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and a.get("href"):
            if a.get("rel") == "canonical":
                self.canonical = a["href"]
            elif a.get("rel") in ("stylesheet", "icon", "manifest"):
                self.assets.append(a["href"])
        elif tag in ("script", "img", "source") and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "meta" and (a.get("name") or a.get("property")):
            self.meta[a.get("name") or a.get("property")] = a.get("content", "")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def page_file(site: Path, url: str) -> Path:
    """The file serving a site-relative URL such as 'cities/potsdam/'."""
    path = site / unquote(url)
    return path / "index.html" if url.endswith("/") or url == "" else path


def resolve(site: Path, page_path: Path, href: str) -> tuple[Path, str] | None:
    """The file and fragment an internal href points to; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:")):
        return None
    base = "/" + page_path.relative_to(site).as_posix()
    target = urlsplit(urljoin(base, href))
    path = site / unquote(target.path).lstrip("/")
    if target.path.endswith("/") or path.is_dir():
        path = path / "index.html"
    return path, target.fragment


HOSTILE_NAME = "<img src=x onerror=window.__pwned=1> Évry & Co"


TRANSLATED_CITY = "city-00001"  # a featured city of the demo, with a German translation


def demo_atlas(target: Path, cities: int = 150, hostile: bool = True, featured: int = 12) -> Path:
    """A synthetic atlas (deterministic) with this repository's pages, theme and configs (every language).

    With `hostile`, one city's name is HTML that would run a script if inserted as HTML. One featured
    city (TRANSLATED_CITY) has a German translation, stamped with its English revision.
    """
    from benchmarks.synthetic import generate

    atlas = generate(target, cities=cities, featured=featured, initiatives=60, networks=6)
    if hostile:
        path = atlas / "cities" / "city-00003.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("name: Synthetic City 3\n", f"name: '{HOSTILE_NAME}'\n"), encoding="utf-8")
    for name in ("content", "theme"):
        shutil.copytree(ROOT / name, atlas / name, ignore=without_posts)
    for config in ROOT.glob("mkdocs*.yml"):
        shutil.copy(config, atlas / config.name)
    write_translation(atlas)
    write_posts(atlas)
    return atlas


TRANSLATED_POST, ENGLISH_POST = "synthetic-welcome", "synthetic-network-grows"  # the demo's news posts


def write_posts(atlas: Path) -> None:
    """Two news posts about the demo's cities: TRANSLATED_POST with a German translation, stamped,
    and ENGLISH_POST in English only."""
    from generator.core.translate import stamp

    posts = atlas / "content" / "news" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for slug, title, day, city in ((TRANSLATED_POST, "Synthetic City 1 opens a welcome centre", 2, TRANSLATED_CITY),
                                   (ENGLISH_POST, "A synthetic network grows", 9, "city-00002")):
        (posts / f"{slug}.md").write_text(
            f"---\ntitle: {title}\ndate: 2026-11-{day:02d}\nauthors: [Moving Cities Atlas editors]\n"
            f"description: What happened, in one sentence.\ncities: [{city}]\nsources:\n"
            f"  - title: The city's news\n    url: https://{city}.example.org/news\n---\n\n"
            "The centre opened in November and advises newcomers in six languages.\n", encoding="utf-8")
    translation = posts / f"{TRANSLATED_POST}.de.md"
    translation.write_text("---\nmachine_assisted: true\ntitle: Synthetische Stadt 1 eröffnet ein Willkommenszentrum\n"
                           "description: Was geschah, in einem Satz.\n---\n\n"
                           "Das Zentrum öffnete im November und berät Neuankömmlinge in sechs Sprachen.\n",
                           encoding="utf-8")
    stamp(translation, atlas)


def write_translation(atlas: Path) -> Path:
    """The German translation of TRANSLATED_CITY, naming the revision of its English text."""
    from generator.core.translate import stamp

    path = atlas / "cities" / f"{TRANSLATED_CITY}.de.md"
    path.write_text("---\nmachine_assisted: true\nsubtitle: Eine synthetische Stadt mit Profil.\n---\n\n"
                    "## Was die Stadt besonders macht\n\nSynthetischer Text für den Test.\n", encoding="utf-8")
    stamp(path, atlas)
    return path


class Server:
    """A static HTTP server on localhost for a built site, in a background thread. Like GitHub Pages,
    it answers an address with no file with the site's 404.html (status 404), wherever it is."""

    def __init__(self, directory: Path):
        import functools
        import http.server
        import threading

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_error(self, code, message=None, explain=None):
                page = Path(self.directory) / "404.html"
                if code != 404 or not page.exists():
                    return super().send_error(code, message, explain)
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        handler = functools.partial(Quiet, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    """Debian's chromium (never a downloaded browser); CHROMIUM overrides."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


# ---- what a browser would run or fetch -----------------------------------------------

FETCHING = ("src", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href", "ping")
SCHEMES_OK = ("http", "https", "mailto", "tel")


class ActiveContent(HTMLParser):
    """Everything in a page that would run a script or load a resource from another host.

    Written from the browser's point of view, independently of the sanitiser's allowlist:
    event handlers, script URLs, inline scripts and styles, frames and embeds, base and
    refresh, remote fetches. The site's own <script src> files are the only scripts allowed.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        for name, value in a.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("style", "srcdoc"):
                self.found.append(f"<{tag} {name}=...>")
            if name in FETCHING and value:
                for url in value.split(",") if name == "srcset" else [value]:
                    if not _is_local(url.strip().split(" ")[0]):
                        self.found.append(f"<{tag} {name}={value[:60]!r}> loads from elsewhere")
            if name == "href" and value and not _is_local(value):  # //host is a link elsewhere, like https:
                scheme = _scheme(value) or "https"
                # rel is a list of link types (the hreflang links are rel="alternate ", see generator/site/plugin.py).
                link_types = set(a.get("rel", "").lower().split())
                if scheme not in SCHEMES_OK or (tag == "link" and not link_types & {"canonical", "alternate"}):
                    self.found.append(f"<{tag} href={value[:60]!r}>")
        if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal"):
            self.found.append(f"<{tag}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "script":
            if a.get("type") == "application/json" and "src" not in a:
                self._script = None  # a data block: never run
            elif "src" in a:
                self._script = None
            else:
                self._script = {"inline": True}
                self.found.append("<script> with inline code")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _clean(url: str) -> str:
    # As a browser reads an address: spaces and controls around it, tabs and line breaks in it, ignored.
    return "".join(c for c in url.strip("\x00- ") if c not in "\t\n\r")


def _scheme(url: str) -> str:
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", _clean(url))
    return match.group(1).lower() if match else ""


def _is_local(url: str) -> bool:
    return not _scheme(url) and not _clean(url).replace("\\", "/").startswith("//")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def site_active_content(site: Path) -> list[str]:
    """Active content anywhere in a built site: every page, and the search index as Material renders it."""
    import json

    found = [f"{path.relative_to(site)}: {item}" for path in sorted(site.rglob("*.html"))
             for item in active_content(path.read_text(encoding="utf-8"))]
    index = site / "search" / "search_index.json"
    if index.exists():
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            for key in ("title", "text"):
                found += [f"search index {doc.get('location')}: {item}" for item in active_content(doc.get(key, ""))]
    return found
