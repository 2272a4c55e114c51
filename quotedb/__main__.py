"""`python -m quotedb COMMAND`: helper commands beside build_db.py.

    schema   write the JSON Schemas for record files into schema/
    serve    serve a built database with Datasette, immutable, with the site's settings and
             its table counts precomputed in an inspect file beside it (written when missing)
             (--watch: rebuild it from quotes/ and restart whenever a record changes)
    settings print settings.json as `--setting NAME VALUE` options (for `datasette publish`)
    draft    draft a record file from an article's plain text, for review
"""

import argparse
import datetime
import json
import shlex
import sys
from pathlib import Path

from . import site
from .records import ArticleFile, SpeakerRegistry

SCHEMAS = {"article.schema.json": ArticleFile, "speakers.schema.json": SpeakerRegistry}


def json_schemas() -> dict:
    """The JSON Schema of each record file, keyed by file name."""
    schemas = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        schemas[name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return schemas


def write_schemas(directory="schema"):
    directory = Path(directory)
    directory.mkdir(exist_ok=True)
    for name, text in json_schemas().items():
        (directory / name).write_text(text, encoding="utf-8")
        print(f"wrote {directory / name}")


def _positive(text) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text!r}")
    return int(text)


def _port(text) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port (0 to 65535): {text!r}")
    return int(text)


def _draft(args) -> int:
    from .drafting import draft_record
    from .loading import InvalidRecords, load_speakers

    try:
        text = args.article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.article}: cannot read the article: {error}", file=sys.stderr)
        return 1
    try:
        speakers = load_speakers(args.records)
    except InvalidRecords as invalid:
        for problem in invalid.problems:
            print(problem, file=sys.stderr)
        return 1
    sys.stdout.write(draft_record(text, args.date, args.outlet, speakers, args.title, args.author, args.url))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quotedb")
    commands = parser.add_subparsers(dest="command", required=True)
    schema = commands.add_parser("schema", help="write the record JSON Schemas")
    schema.add_argument("--directory", default="schema")
    serve = commands.add_parser("serve", help="serve a built database with Datasette")
    serve.add_argument("database", nargs="?", default="quotes.db")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8001)
    serve.add_argument("--watch", action="store_true",
                       help="rebuild the database when a file under --records changes, and restart")
    serve.add_argument("--records", default="quotes", help="the records --watch rebuilds from (default quotes/)")
    serve.add_argument("--inspect-file", type=Path,
                       help="the database's precomputed table counts, hash and size (default: beside it, "
                            "quotes.db.inspect.json), written first when missing or made for another build")
    serve.add_argument("--workers", type=_positive, metavar="N",
                       help="server processes (default: one per core this process may use)")
    serve.add_argument("--no-inspect", action="store_true",
                       help="no inspect file: Datasette counts every table on the first request")
    commands.add_parser("settings", help="print the site's settings as datasette options")
    draft = commands.add_parser("draft", help="draft a record file from an article's text")
    draft.add_argument("article", type=Path, help="the article as plain text")
    draft.add_argument("--date", required=True, type=datetime.date.fromisoformat, help="publication date, YYYY-MM-DD")
    draft.add_argument("--outlet", required=True)
    draft.add_argument("--title", help="default: the article's first line")
    draft.add_argument("--author")
    draft.add_argument("--url")
    draft.add_argument("--records", type=Path, default=Path("quotes"), help="where speakers.yml is (default quotes/)")
    args = parser.parse_args(argv)
    if args.command == "draft":
        return _draft(args)
    if args.command == "settings":
        print(shlex.join(site.setting_options()))
    elif args.command == "schema":
        write_schemas(args.directory)
    elif args.command == "serve" and args.watch:
        return site.watch(args.database, args.records, args.host, args.port, workers=args.workers)
    elif args.command == "serve":
        from . import serving

        try:
            serving.check_database(args.database)
        except ValueError as problem:
            print(f"python -m quotedb serve: cannot serve {args.database}: {problem}", file=sys.stderr)
            return 2
        inspect_file = None if args.no_inspect else site.current_inspect_file(args.database, args.inspect_file)
        return serving.serve(args.database, args.host, args.port, inspect_file, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
