"""The `atlas` command: validate the data, start a new file, print the schema."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from .. import __version__
from ..core.countries import country_hint, is_country_code
from ..core.diagnostics import format_github, format_json, format_text, one_line, summary_line
from ..core.i18n import LANGUAGES, SOURCE
from ..core.load import FOLDERS, MAX_SLUG, RESERVED_SLUGS, slugify
from ..core.kinds import REGISTRY as KINDS_REGISTRY
from ..core.kinds import json_schema
from ..core.model import Country as CountryType

EPILOG_VALIDATE = """examples:
  atlas validate                         check every file of the atlas here
  atlas validate cities/potsdam.md       report on one file (references still resolve)
  atlas validate --format github         annotations for GitHub Actions
  atlas validate --strict                warnings fail too
exit status: 0 when clean, 1 when there are errors (or warnings with --strict), 2 on bad usage"""

EPILOG_NEW = """examples:
  atlas new city "Hallstatt" --country AT
  atlas new city "Hallstatt" --country AT --geonames   its coordinates and their source from GeoNames
  atlas new city "Potsdam" --country DE --featured     a full profile, with its sections
  atlas new initiative "Welcome Centre" --city potsdam
  atlas new network "From the Sea to the City"
  atlas new post "Maintal becomes a Safe Harbour"      a news post, in content/news/posts/
The file is named after NAME (cities/hallstatt.md); an existing file is never overwritten."""


def find_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if any((directory / folder).is_dir() for folder in FOLDERS.values()) and (directory / "atlas.yml").exists():
            return directory
    return None


def _root_or_exit(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve() if args.root else find_root(Path.cwd())
    if root is None or not root.is_dir():
        print("atlas: error: no atlas here (expected atlas.yml and cities/, initiatives/, networks/ folders); "
              "run it from the atlas's folder or pass --root", file=sys.stderr)
        sys.exit(2)
    return root


def cmd_validate(args: argparse.Namespace) -> int:
    from ..core.validate import validate

    root = _root_or_exit(args)
    paths = [_unfollowed(Path(p)) for p in args.paths]
    checked = [root / f for f in (*FOLDERS.values(), "content")]
    for given, path in zip(args.paths, paths):
        if not path.exists() and not path.is_symlink():
            print(f"atlas: error: {one_line(given)}: no such file or folder", file=sys.stderr)
            return 2
        if path == root:  # `atlas validate .` in the atlas's folder: the whole atlas, as with no path
            paths = []
            break
        if not (path == root / "atlas.yml" or any(path == f or f in path.parents for f in checked)):
            print(f"atlas: error: {one_line(given)}: not an atlas file; the atlas checks atlas.yml and the files "
                  "in cities/, initiatives/, networks/ and content/", file=sys.stderr)
            return 2
    report = validate(root, paths or None)
    if args.format == "json":
        print(format_json(report.checked, report.diagnostics))
    else:
        formatter = format_github if args.format == "github" else format_text
        for diagnostic in report.diagnostics:
            print(formatter(diagnostic))
        print(summary_line(report.checked, report.diagnostics), file=sys.stderr if args.format == "github" else sys.stdout)
    failing = [d for d in report.diagnostics if d.is_error or args.strict]
    return 1 if failing else 0


def _unfollowed(path: Path) -> Path:
    """An absolute path whose last part is not followed if it is a symbolic link (it is reported, not read)."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name


def _placed(args: argparse.Namespace, fields: dict, given: dict[str, str]) -> tuple[str, list[dict]] | int:
    """--geonames: a new city's coordinates and their GeoNames source, from the gazetteer (offline), as
    `atlas import --geonames` places a row; the exit status if it cannot."""
    from ..core import gazetteer

    if "coordinates" not in fields:
        print("atlas: error: --geonames is for cities: it fills in their coordinates", file=sys.stderr)
        return 2
    if "country" not in given:
        print("atlas: error: --geonames needs the city's country, e.g. --country AT", file=sys.stderr)
        return 2
    if args.geonames and not args.geonames.isdigit():
        print(f"atlas: error: --geonames expects a GeoNames id (a number such as 2776943), found {args.geonames!r}",
              file=sys.stderr)
        return 2
    try:
        place = gazetteer.resolve(args.name, given["country"], int(args.geonames) if args.geonames else None)
    except gazetteer.Unresolved as problem:
        hint = ("check the id at geonames.org, and the country" if args.geonames else
                "give the one you mean by its GeoNames id, from this list: --geonames ID" if problem.several else
                "check the spelling as GeoNames writes it, or leave out --geonames and write the coordinates")
        print(f"atlas: error: {problem.reason} (hint: {hint})", file=sys.stderr)
        return 1
    source = place.source(dt.date.today())
    written = {**source, "title": json.dumps(source["title"], ensure_ascii=False),  # as YAML: the title quoted
               "retrieved": source["retrieved"].isoformat()}
    return f"[{place.latitude}, {place.longitude}]", [written]


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import render_template

    root = _root_or_exit(args)
    slug = slugify(args.name)
    if not slug:
        print(f"atlas: error: cannot make a file name from {args.name!r}; use letters or digits", file=sys.stderr)
        return 2
    if len(slug) > MAX_SLUG:
        print(f"atlas: error: the file name made from the name would have {len(slug)} characters, more than "
              f"{MAX_SLUG}; give the name as it is usually written, shorter", file=sys.stderr)
        return 2
    kind = KINDS_REGISTRY[args.kind]
    if slug in RESERVED_SLUGS and kind.index_template:
        print(f"atlas: error: {kind.files}/{slug}.md is a page the site generates, the list of all "
              f"{kind.folder}; add a word to the name, e.g. \"{args.name} (region)\"", file=sys.stderr)
        return 2
    given: dict[str, str] = {}
    fields = {f.name: f for f in KINDS_REGISTRY[args.kind].fields}
    for option in ("country", "city"):  # a field of the new file, given on the command line
        value = getattr(args, option)
        if value is None:
            continue
        if option not in fields:
            has = [name for name, kind in KINDS_REGISTRY.items() if option in {f.name for f in kind.fields}]
            print(f"atlas: error: --{option} is for {' and '.join(KINDS_REGISTRY[k].folder for k in has)}",
                  file=sys.stderr)
            return 2
        if isinstance(fields[option].type, CountryType):
            if not is_country_code(value.upper()):
                print(f"atlas: error: --country expects a two-letter ISO code such as DE, found {value!r} "
                      f"(hint: {country_hint(value)})", file=sys.stderr)
                return 2
            value = value.upper()
        given[option] = value
    if args.featured:
        if "featured" not in fields:
            print("atlas: error: --featured is for cities (a featured city has a full profile)", file=sys.stderr)
            return 2
        given["featured"] = "true"
    target = root / kind.files / f"{slug}.md"
    if target.exists():
        print(f"atlas: error: {target.relative_to(root)} already exists; edit it instead", file=sys.stderr)
        return 1
    sources = []
    if args.geonames is not None:
        placed = _placed(args, fields, given)
        if isinstance(placed, int):
            return placed
        given["coordinates"], sources = placed
    target.parent.mkdir(parents=True, exist_ok=True)
    name = args.name if not any(c in args.name for c in ":#'\"") else json.dumps(args.name, ensure_ascii=False)
    target.write_text(render_template(args.kind, name, given, sources), encoding="utf-8")
    print(f"wrote {target.relative_to(root)}: fill in the fields, then run  atlas validate {target.relative_to(root)}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(KINDS_REGISTRY)
    schemas = {kind: json_schema(kind) for kind in kinds}
    print(json.dumps(schemas[args.kind] if args.kind else schemas, indent=2, ensure_ascii=False, default=str))
    return 0


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, found {one_line(text)!r}") from None


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import GitError, diff, format_changelog, format_github, format_markdown, format_text, review_notices

    if args.format != "changelog" and (args.language != SOURCE or args.date):
        print("atlas: error: --date and --language are for --format changelog (the other formats list the "
              "records as the data names them)", file=sys.stderr)
        return 2
    root = _root_or_exit(args)
    try:
        changes = diff(root, args.base, args.head)
        notices = review_notices(root, args.base, args.head)
    except GitError as error:
        print(f"atlas: error: git: {error}", file=sys.stderr)
        return 2
    if args.format == "changelog":
        print(format_changelog(changes, args.date or dt.date.today(), args.language), end="")
        return 0
    if args.format == "github":
        annotations = format_github(changes)
        if annotations:
            print(annotations)
        return 0
    print(format_markdown(changes, notices) if args.format == "markdown" else format_text(changes, notices))
    return 0


def cmd_translations(args: argparse.Namespace) -> int:
    from ..core.translate import completeness, format_report, stamp
    from ..core.validate import validate

    root = _root_or_exit(args)
    if args.stamp:
        for given in args.stamp:
            try:
                revision = stamp(Path(given).resolve(), root)
            except (ValueError, OSError) as error:
                print(f"atlas: error: {one_line(str(error))}", file=sys.stderr)
                return 2
            print(f"{one_line(given)}: translates: {revision}")
        return 0
    report = validate(root)
    print(format_report(completeness(report, root / "content"), markdown=args.format == "markdown"), end="")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import datetime as dt

    from .importer import ImportFailed, import_cities
    from ..core.validate import validate

    root = _root_or_exit(args)
    path = Path(args.file)
    if not path.is_file():
        print(f"atlas: error: {path}: no such file", file=sys.stderr)
        return 2
    try:
        verified = dt.date.fromisoformat(args.verified) if args.verified else None
    except ValueError:
        print(f"atlas: error: --verified expects a date like 2026-10-01, found {args.verified!r}", file=sys.stderr)
        return 2
    try:
        outcome = import_cities(root, path, update=args.update, verified=verified, geonames=args.geonames)
    except ImportFailed as error:
        print(f"atlas: error: {one_line(str(error))}", file=sys.stderr)
        return 1
    # Names and reasons quote the file's cells: printed on one line each, so no cell can forge a line.
    for label, reason in outcome.skipped:
        print(one_line(f"{path}: {label}: skipped: {reason}"))
    for label, name, reasons in outcome.failed:
        for reason in reasons:
            print(one_line(f"{path}: {label}: {name + ': ' if name else ''}{reason}"))
    for file, changes in outcome.updated.items():
        print(one_line(f"{file}: updated: {'; '.join(changes)}"))
    for file in outcome.unchanged:
        print(f"{file}: unchanged")
    written = outcome.written + list(outcome.updated)
    if written:  # what was written passes the same validation as every file
        report = validate(root, [root / p for p in written])
        for diagnostic in report.errors:
            print(one_line(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.message}"))
    print(f"{outcome.rows} rows: {len(outcome.written)} new files, {len(outcome.updated)} updated, "
          f"{len(outcome.unchanged)} unchanged, {len(outcome.skipped)} skipped, {len(outcome.failed)} not imported")
    return 1 if outcome.failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atlas",
        description="The Moving Cities Atlas: check the data files and start new ones.",
        epilog="Run 'atlas COMMAND --help' for a command's options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"atlas {__version__}")
    parser.add_argument("--root", help="the atlas's folder (default: found from the current folder)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    check = commands.add_parser("validate", help="check the data files and report every problem",
                                description="Check the data files and report every problem with its file, "
                                            "line and column.",
                                epilog=EPILOG_VALIDATE, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to report on (default: all)")
    check.add_argument("--format", choices=["text", "github", "json"], default="text",
                       help="text (default), github (Actions annotations) or json")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(run=cmd_validate)

    new = commands.add_parser("new", help="write a template for a new city, initiative, network or news post",
                              description="Write a template for a new entity, with every field explained.",
                              epilog=EPILOG_NEW, formatter_class=argparse.RawDescriptionHelpFormatter)
    new.add_argument("kind", choices=list(KINDS_REGISTRY))
    new.add_argument("name", metavar="NAME", help="the name, e.g. \"Hallstatt\"")
    new.add_argument("--country", metavar="CC", help="a city's ISO country code, e.g. DE")
    new.add_argument("--city", metavar="SLUG", help="an initiative's city, e.g. potsdam")
    new.add_argument("--featured", action="store_true",
                     help="a featured city: a full profile, with its sections (needs sources for each)")
    new.add_argument("--geonames", metavar="ID", nargs="?", const="",
                     help="a city's coordinates, and their source, from GeoNames (offline): the one place of NAME "
                          "in --country, or the place with this GeoNames id")
    new.set_defaults(run=cmd_new)

    schema = commands.add_parser("schema", help="print the JSON Schema of the entity files and news posts",
                                 description="Print the JSON Schema of each entity's front matter, derived from "
                                             "the model the validator uses.",
                                 epilog="examples:\n  atlas schema\n  atlas schema city > city.schema.json",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    schema.add_argument("kind", nargs="?", choices=list(KINDS_REGISTRY))
    schema.set_defaults(run=cmd_schema)

    changes = commands.add_parser("diff", help="list the entities a change adds, removes or changes",
                                  description="Compare the atlas between two git revisions, entity by entity.",
                                  epilog="examples:\n  atlas diff origin/main\n  atlas diff main HEAD --format markdown"
                                         " >> \"$GITHUB_STEP_SUMMARY\"\n  atlas diff v2026-12-06 HEAD --format "
                                         "changelog --date 2026-12-07",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    changes.add_argument("base", metavar="BASE", help="the revision before the change, e.g. origin/main")
    changes.add_argument("head", metavar="HEAD", nargs="?", default="HEAD", help="the revision after (default HEAD)")
    changes.add_argument("--format", choices=["text", "markdown", "github", "changelog"], default="text",
                         help="github: only annotations on records whose facts change while their last_verified "
                              "stays, for a pull request's check; changelog: a dated section for the data "
                              "changelog (content/changes.md)")
    changes.add_argument("--date", type=_iso_date, help="the release's date, for --format changelog (default today)")
    changes.add_argument("--language", choices=LANGUAGES, default=SOURCE,
                         help="the language of --format changelog, for content/changes.<language>.md (default en)")
    changes.set_defaults(run=cmd_diff)

    languages = commands.add_parser("translations", help="how complete each language is; stamp a translation",
                                    description="Per language: UI strings, hand-written pages, featured profiles, "
                                                "initiatives and networks translated (counts and percentages), and the translations "
                                                "whose English text has changed since.",
                                    epilog="examples:\n  atlas translations\n"
                                           "  atlas translations --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
                                           "  atlas translations --stamp cities/potsdam.de.md   after translating",
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
    languages.add_argument("--format", choices=["text", "markdown"], default="text")
    languages.add_argument("--stamp", nargs="+", metavar="FILE",
                           help="write into each translation the revision of the English text it now translates")
    languages.set_defaults(run=cmd_translations)

    bulk = commands.add_parser("import", help="create city files from a CSV spreadsheet or a GeoJSON file",
                               description="Create one checked file per row. Columns (CSV) or properties (GeoJSON): "
                                           "name, country, latitude, longitude, source (one or more addresses), "
                                           "and optionally networks (slugs separated by ;), website, subtitle, "
                                           "featured, last_verified, slug (the file name; by default made from "
                                           "the name), source_title and retrieved (the source's title and the date "
                                           "of the copy read), since (when the row's one network admitted it), "
                                           "geonames (a GeoNames id). GeoJSON points give the coordinates; with "
                                           "--geonames the gazetteer does for rows without latitude and longitude, "
                                           "and cites GeoNames as a source. With --update, a row "
                                           "is merged into its existing file: the fields it gives replace theirs, "
                                           "networks and sources are added, nothing else changes.",
                               epilog="examples:\n  atlas import members.csv --kind city\n"
                                      "  atlas import members.geojson --kind city --verified 2026-10-01\n"
                                      "  atlas import data-sources/anvita.csv --geonames --update\n"
                                      "Rows that cannot be imported are reported with their row number and reason; "
                                      "the exit status is then 1.",
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    bulk.add_argument("file", metavar="FILE", help="a .csv (UTF-8, header row) or .geojson file")
    bulk.add_argument("--kind", choices=["city"], default="city", help="what each row is (only city for now)")
    bulk.add_argument("--update", action="store_true",
                      help="merge rows into existing files instead of skipping them (nothing is removed)")
    bulk.add_argument("--verified", metavar="DATE",
                      help="last_verified for rows without that column (default: today for a new file; an "
                           "updated file keeps its own date unless this is given)")
    bulk.add_argument("--geonames", action="store_true",
                      help="place rows without latitude and longitude from the GeoNames gazetteer (offline), "
                           "refusing names that fit several places; a geonames column pins one")
    bulk.set_defaults(run=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
