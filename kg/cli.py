"""The ``kg`` command line: each subcommand translates arguments into one library call.

Errors in the user's data (:class:`kg.common.errors.KgError`) are printed as ``file:line: field:
message`` with exit code 2; no traceback is shown for them.

Each subcommand imports what it needs when it runs (the ``# deferred:`` imports below):
``python -m kg assets`` must run with the standard library alone, before pip has installed
anything (.ci/run), and no command pays for the imports of the others.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kg import __version__
from kg.common import formats, limits, paths
from kg.common.errors import KgError
from kg.export.selection import ALL_FORMATS as EXPORT_FORMATS
from kg.query.formats import DEFAULT_FORMAT, OUTPUT_FORMATS


def _cmd_check(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.records.citations import check_citations
    from kg.records.corpus import load_corpus
    from kg.records.drafts import is_draft, review_checklist

    print(paths.describe_data_dir(Path(args.data)), file=sys.stderr)
    corpus = load_corpus(Path(args.data))
    print(f"{len(corpus.records)} records in {len(corpus.sources)} sources: structure and "
          "references OK")
    notes = review_notes([record for record in corpus.records if not is_draft(record)])
    for note in notes:
        print(note, file=sys.stderr)
    if notes:
        print(f"{len(notes)} values flagged for review (notes, not errors)", file=sys.stderr)
    drafts = [record for record in corpus.records if is_draft(record)]
    if drafts:
        checklist = review_checklist(drafts)
        print(f"{len(drafts)} draft records (curation: draft; left out of kg build unless "
              f"--include-drafts), {len(checklist)} review items:")
        for item in checklist:
            print(f"  {item}")
        for source in corpus.sources.values():
            if source.review:
                print(f"  data/sources.yaml: [ ] source {source.id}: {source.review}")
    if args.no_citations:
        print("citations not checked (--no-citations)", file=sys.stderr)
        return 0
    seeds = Path(args.seeds)
    if not seeds.is_dir():  # a typo in --seeds must not pass as "checked"
        raise KgError(f"{seeds}: no such directory of seed texts; name it with --seeds (or $KG_SEEDS), "
                      "or skip the citation check with --no-citations")
    problems = check_citations(corpus, seeds)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} verbatim values not found at their cited lines", file=sys.stderr)
        return 1
    print("every verbatim value occurs at its cited line")
    return 0


def review_notes(records) -> list[str]:
    """``file:line: field: note: review: reason`` for every value a curator flagged with
    ``review:`` (kept as written; published as ``bgi:reviewFlag``)."""
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.records.field_values import review_flags

    return [f"{record.file}:{line}: {name}: note: review: {reason} ({record.id})"
            for record in records for name, line, reason in review_flags(record)]


def _cmd_build(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.release.build import build

    print(paths.describe_data_dir(Path(args.data)), file=sys.stderr)
    report = build(Path(args.data), Path(args.out), reason=not args.no_reason,
                   progress=not args.quiet, workers=args.workers,
                   validate=not args.no_validate, include_drafts=args.include_drafts)
    print(report.summary())
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.ingest.run import Context, diff_lines, draft_document, read_input, write_drafts
    from kg.ingest.text import IngestInputError

    if args.score:
        # deferred: the scorer, only for --score
        from kg.ingest.score import render, score_gold

        gold = Path(args.score)
        if not gold.is_file():
            raise KgError(f"{gold}: no such gold file")
        print(render(score_gold(gold)), end="")
        if not args.files:
            return 0
    if not args.files:
        raise KgError("name the announcements to draft (FILE…, or - for standard input)")
    if args.out is None:
        raise KgError("say where to write the drafts with --out DIR")
    data_dir = Path(args.data)
    context = Context.of_data(data_dir)
    results, failed = [], 0
    for name in args.files:
        try:
            result = draft_document(read_input(name), context)
        except IngestInputError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        for note in result.notes:
            print(f"{name}: note: {note}", file=sys.stderr)
        results.append(result)
    if failed:
        print(f"{failed} of {len(args.files)} inputs could not be read; nothing was written",
              file=sys.stderr)
        return 2
    out = Path(args.out)
    for path in write_drafts(results, out, force=args.force, data_dir=data_dir):
        print(f"wrote {path}")
    for result in results:
        flagged = sum(1 for record in result.records
                      if record.get("to_review") or any(isinstance(value, dict) and "review" in value
                                                         for value in record.values()))
        print(f"{result.source_id}: {len(result.records)} draft records, {flagged} with review "
              "reasons (kg check lists them)")
        if args.diff:
            print("\n".join(diff_lines(result, data_dir)))
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.synth import synthesize

    print(synthesize(args.contracts, args.seed, Path(args.out)).summary())
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.release.lock import exclusive_build
    from kg.release.store_load import load_oxigraph

    build_dir = Path(args.build)
    if not (build_dir / "kg.nq").is_file():
        raise KgError(f"{build_dir / 'kg.nq'}: no build found; run `kg build` first")
    with exclusive_build(build_dir):  # it swaps build/store as a build does
        load_oxigraph(build_dir / "kg.nq", build_dir / "store")
    print(f"loaded {build_dir / 'kg.nq'} into {build_dir / 'store'}")
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.query.run import run_query_cli

    return run_query_cli(args)


def _cmd_validate(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.common.input_limits import remote_contexts_allowed
    from kg.validate.engines import validate_files
    from kg.validate.errors import ValidationTimeoutError
    from kg.validate.report_output import render

    files = [Path(name) for name in args.files] or [Path(args.build) / "kg.nq"]
    if not args.files and not files[0].is_file():
        raise KgError(f"{files[0]}: no build found; run `kg build` first or name the RDF files to validate")
    try:
        with remote_contexts_allowed(args.allow_remote_contexts):
            report = validate_files(files, format_in=args.format_in, shapes=Path(args.shapes),
                                    inference=args.inference, timeout=args.timeout, engine=args.engine)
    except ValidationTimeoutError as error:
        return _input_error(args, str(error), code=3)
    print(render(report, args.format, args.lang, source=", ".join(str(name) for name in files)), end="")
    return 0 if report.conforms else 1


def _cmd_serve(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from server.process.launcher import ServeLimits, serve

    serve_limits = ServeLimits(timeout=args.timeout, max_timeout=max(args.max_timeout, args.timeout),
                               max_rows=args.max_rows, workers=args.workers, rate_limit=args.rate_limit,
                               client_concurrency=args.client_concurrency,
                               client_workers=args.client_workers,
                               cheap_lane_workers=args.cheap_lane_workers,
                               worker_memory=args.worker_memory * limits.MIB,
                               cache_memory=args.cache_memory * limits.MIB)
    return serve(files=[Path(name) for name in args.files], store_kind=args.store,
                 build_dir=Path(args.build), host=args.host, port=args.port, threads=args.threads,
                 limits=serve_limits, trusted_proxy=args.trusted_proxy, processes=args.processes,
                 public_url=args.public_url, allow_ingest=args.allow_ingest)


def _cmd_publish(args: argparse.Namespace) -> int:
    if args.to:
        # deferred: the subcommand's own imports, when it runs (module docstring)
        from kg.publish.remote import publish_to

        print(publish_to(Path(args.build), args.to, args.update, progress=True).summary(args.to))
        return 0
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.publish.generations import publish
    from kg.validate.errors import ValidationTimeoutError

    try:
        manifest, violations = publish(Path(args.build), timeout=args.timeout)
    except ValidationTimeoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    if violations:
        print(f"error: {args.build}/kg.nq has {violations} SHACL violations; not published "
              f"(`kg validate` lists them)", file=sys.stderr)
        return 1
    print(f"published {manifest.generation} ({manifest.quads} quads); a running kg serve "
          "switches to it within a second")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.ontology_docs.page import write_docs

    for path in write_docs(Path(args.out)):
        print(f"wrote {path}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    # deferred: the subcommand's own imports, when it runs (module docstring)
    from kg.export.pipeline import ExportOptions, export_release, graphs_from_build
    from kg.export.settings import parse_release_date, publication

    build_dir = Path(args.build)
    options = ExportOptions(
        publication=publication(parse_release_date(args.release_date), inferred=args.inferred,
                                download_base=args.download_base, sparql_endpoint=args.endpoint),
        formats=tuple(name.strip() for name in args.formats.split(",") if name.strip()),
        inferred=args.inferred)
    if not (build_dir / "kg.nq").is_file():
        # deferred: only when there is no build to export yet
        from kg.release.build import build

        print(f"no build in {build_dir}: building it first", file=sys.stderr)
        build(paths.data_dir(), build_dir, progress=False)
    report = export_release(graphs_from_build(build_dir), Path(args.out), options)
    print(report.summary())
    return 0


def _cmd_assets(args: argparse.Namespace) -> int:
    # deferred: stdlib only: kg assets runs before pip has installed anything
    from server.assets import install_assets

    install_assets(npm=args.npm)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="check the curated records (and their citations)")
    check.add_argument("--data", default=str(paths.data_dir()), help="the data/ directory")
    check.add_argument("--seeds", default=str(paths.default_seeds_dir()),
                       help="directory of the source texts (default ../shared/seeds); a missing "
                       "directory is an error")
    check.add_argument("--no-citations", action="store_true",
                       help="check structure and references only, not the citations against the texts")
    check.set_defaults(handler=_cmd_check)

    build = commands.add_parser("build", help="records -> RDF dataset in build/ (kg.trig, kg.nq)")
    build.add_argument("--data", default=str(paths.data_dir()))
    build.add_argument("--out", default="build", help="output directory (default ./build)")
    build.add_argument("--no-reason", action="store_true", help="skip the inferred graph (entailments)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--workers", type=int, default=None,
                       help="processes that read and map the record files (default: up to 2)")
    build.add_argument("--no-validate", action="store_true",
                       help="skip the SHACL step (then run `kg validate` before publishing)")
    build.add_argument("--include-drafts", action="store_true",
                       help="also build the draft records (curation: draft) that kg ingest wrote, "
                       "into source graphs typed bgi:UnreviewedGraph")
    build.set_defaults(handler=_cmd_build)

    ingest = commands.add_parser(
        "ingest", help="draft cited records from grant announcements (plain text or HTML)",
        description="Extract the facts of each announcement with their lines and write draft "
        "records (curation: draft) for a curator to review: one records file per document, its "
        "text and its draft source entry. Exit codes: 0 written; 2 an input that cannot be read "
        "(binary, too large, not UTF-8 or cp1251, empty, unreadable) or a file that exists "
        "without --force; nothing is written then.")
    ingest.add_argument("files", nargs="*", metavar="FILE", help="announcements (- for standard input)")
    ingest.add_argument("--out", default=None, help="directory for the drafts (data/records to add "
                        "them to the data at once)")
    ingest.add_argument("--data", default=str(paths.data_dir()),
                        help="the data/ directory whose organisations, programmes, procedures and "
                        "places are matched")
    ingest.add_argument("--force", action="store_true", help="replace files that exist")
    ingest.add_argument("--diff", action="store_true",
                        help="print the triples each draft would add to the graph, by subject")
    ingest.add_argument("--score", default=None, metavar="GOLD",
                        help="print the extractor's recall against a gold.json (kg.ingest.score)")
    ingest.set_defaults(handler=_cmd_ingest)

    synth = commands.add_parser("synth", help="write a synthetic data directory (for scale tests)")
    synth.add_argument("--contracts", type=int, required=True, help="number of grant contracts")
    synth.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    synth.add_argument("--out", required=True, help="the data directory to write")
    synth.set_defaults(handler=_cmd_synth)

    load = commands.add_parser("load", help="(re)load build/kg.nq into the pyoxigraph store")
    load.add_argument("--build", default="build", help="the build directory (default ./build)")
    load.set_defaults(handler=_cmd_load)

    query = commands.add_parser(
        "query", help="run a SPARQL query or a saved query on the build",
        description="Answer a saved query (queries/NAME.rq), a .rq file or SPARQL text on the "
        "build's pyoxigraph store, opened read-only (it works while kg serve runs), with the "
        "answers and serialisations of /sparql. Exit codes: 0 answered; 2 no build, an unknown "
        "saved query, a wrong parameter, a syntax error (with line and column) or a format that "
        "cannot carry the answer.")
    query.add_argument("query", help="a saved query name (queries/NAME.rq), a .rq file or text")
    query.add_argument("--build", default="build", help="the build directory (default ./build)")
    query.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a parameter of a saved query (the others take their defaults)")
    query.add_argument("--format", default=DEFAULT_FORMAT, choices=list(OUTPUT_FORMATS),
                       help="table (default: aligned plain values; Turtle for a graph); json and "
                       "xml (SPARQL results, or JSON-LD and RDF/XML for a graph), csv, tsv; "
                       "turtle, ntriples, jsonld, rdfxml, trig, nquads for a graph")
    query.add_argument("--store", default="oxigraph", choices=["oxigraph", "memory"],
                       help="oxigraph (default: build/store, read-only) or memory (rdflib on "
                       "build/kg.nq: the slow reference engine)")
    query.set_defaults(handler=_cmd_query)
    validate = commands.add_parser("validate", help="check the build (or RDF files) against the SHACL shapes")
    validate.add_argument("files", nargs="*", help="RDF files to validate (any syntax --format-in "
                          "names; default: the build's kg.nq)")
    validate.add_argument("--build", default="build", help="the build directory (default ./build)")
    validate.add_argument("--format-in", default=None,
                          help="the files' RDF format: " + ", ".join(formats.input_names())
                          + " or an extension such as ttl (default: from the extension)")
    validate.add_argument("--shapes", default=str(paths.shapes_dir()), help="a shapes file or directory "
                          "(default: the bundled shapes/)")
    validate.add_argument("--inference", default="none", choices=["none", "rdfs", "owlrl"],
                          help="inference before validating (default none: the build has its OWL-RL graph)")
    validate.add_argument("--engine", default="auto", choices=["auto", "sparql", "pyshacl"],
                          help="sparql: the shapes run as SPARQL on pyoxigraph (fast, same results); "
                          "pyshacl: the reference validator; auto (default): sparql unless the shapes "
                          "or --inference need pyshacl")
    # kg.validate.report_output.OUTPUTS (not imported here: rdflib may not be installed yet)
    validate.add_argument("--format", default="text", choices=["text", "turtle", "json"])
    validate.add_argument("--lang", default="en", choices=["bg", "en"], help="language of the messages")
    validate.add_argument("--timeout", type=float, default=limits.VALIDATION_TIMEOUT_SECONDS,
                          help="seconds before giving up (exit 3; default "
                          f"{limits.VALIDATION_TIMEOUT_SECONDS:g})")
    validate.add_argument("--allow-remote-contexts", action="store_true",
                          help="let JSON-LD input fetch the @context it names (default: refused)")
    validate.set_defaults(handler=_cmd_validate)

    serve = commands.add_parser("serve", help="serve the SPARQL endpoint, query page and Linked Data")
    serve.add_argument("files", nargs="*", help="RDF files to serve instead of the build ("
                       + ", ".join(fmt.title for fmt in formats.FORMATS
                                   if fmt.is_graph and fmt.oxigraph_name) + ")")
    serve.add_argument("--store", default="oxigraph",
                       help="oxigraph (default, on disk), memory (rdflib), or the URL of a remote "
                       "SPARQL 1.1 endpoint (docs/scaling.md)")
    serve.add_argument("--build", default="build", help="the build directory (default ./build)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=limits.SERVER_THREADS,
                       help=f"worker threads (default {limits.SERVER_THREADS})")
    serve.add_argument("--processes", type=int, default=limits.SERVER_PROCESSES,
                       help="copies of the server on one socket, each with its own --threads, "
                            f"--workers and limits (default {limits.SERVER_PROCESSES}; one per core "
                            "for throughput)")
    serve.add_argument("--timeout", type=float, default=limits.QUERY_TIMEOUT_SECONDS,
                       help=f"seconds a query may run (default {limits.QUERY_TIMEOUT_SECONDS:g})")
    serve.add_argument("--max-timeout", type=float, default=limits.MAX_QUERY_TIMEOUT_SECONDS,
                       help="the most a client's timeout= may ask for, never below --timeout "
                            f"(default {limits.MAX_QUERY_TIMEOUT_SECONDS:g}, the default time limit: "
                            "a longer one holds a query worker longer, so only you grant it)")
    serve.add_argument("--max-rows", type=int, default=limits.MAX_ROWS,
                       help=f"rows per answer (default {limits.MAX_ROWS})")
    serve.add_argument("--workers", type=int, default=limits.QUERY_WORKERS,
                       help=f"query worker processes (default {limits.QUERY_WORKERS})")
    serve.add_argument("--rate-limit", type=float, default=limits.RATE_LIMIT_PER_SECOND,
                       help="requests per second per client, 0 for none "
                            f"(default {limits.RATE_LIMIT_PER_SECOND:g})")
    serve.add_argument("--client-concurrency", type=int, default=limits.CLIENT_CONCURRENCY,
                       help="requests in flight per client, 0 for no limit; never more than "
                            f"--threads less {limits.RESERVED_THREADS} "
                            f"(default {limits.CLIENT_CONCURRENCY})")
    serve.add_argument("--client-workers", type=int, default=limits.CLIENT_QUERY_WORKERS,
                       help="query workers one client may hold at once, 0 for all "
                            f"(default {limits.CLIENT_QUERY_WORKERS})")
    serve.add_argument("--cheap-lane-workers", type=int, default=limits.LIGHT_LANE_WORKERS,
                       help="query workers /sparql never takes, kept for Linked Data pages and "
                            f"saved queries, 0 for none (default {limits.LIGHT_LANE_WORKERS})")
    serve.add_argument("--worker-memory", type=int, default=limits.WORKER_MEMORY_BYTES // limits.MIB,
                       metavar="MIB", help="memory cap of each query worker in MiB, 0 for none "
                            f"(default {limits.WORKER_MEMORY_BYTES // limits.MIB})")
    serve.add_argument("--cache-memory", type=int, default=limits.RESULT_CACHE_BYTES // limits.MIB,
                       metavar="MIB", help="memory for repeated queries' whole answers, per copy "
                            "of the server, kept until the next publish; 0 for no cache "
                            f"(default {limits.RESULT_CACHE_BYTES // limits.MIB})")
    serve.add_argument("--trusted-proxy", default=None, metavar="ADDRESS",
                       help="the reverse proxy's address: its X-Forwarded-For names the client")
    serve.add_argument("--public-url", default=os.environ.get("KG_PUBLIC_URL") or None, metavar="URL",
                       help="the URL clients reach this server at (behind a proxy: its public "
                            "address), the base of the service description's and VoID's links "
                            "(default $KG_PUBLIC_URL, else http://HOST:PORT/ of --host/--port)")
    serve.add_argument("--allow-ingest", action="store_true",
                       default=os.environ.get("KG_ALLOW_INGEST", "").lower() in ("1", "true", "yes"),
                       help="turn on POST /api/ingest, which drafts records from an announcement's "
                            "text and stores nothing (default off, or $KG_ALLOW_INGEST=1)")
    serve.set_defaults(handler=_cmd_serve)

    publish = commands.add_parser("publish", help="validate build/kg.nq and make it the generation "
                                  "a running kg serve switches to (build/stores/CURRENT)")
    publish.add_argument("--build", default="build", help="the build directory (default ./build)")
    publish.add_argument("--timeout", type=float, default=limits.VALIDATION_TIMEOUT_SECONDS,
                         help="validation time limit (exit 3; default "
                         f"{limits.VALIDATION_TIMEOUT_SECONDS:g})")
    publish.add_argument("--to", default=None, metavar="GSP_URL",
                         help="instead: load the build's graphs into an external engine's SPARQL 1.1 "
                         "Graph Store Protocol endpoint, atomically (docs/scaling.md)")
    publish.add_argument("--update", default=None, metavar="URL",
                         help="that engine's SPARQL Update endpoint (default: derived from --to)")
    publish.set_defaults(handler=_cmd_publish)

    docs = commands.add_parser("docs", help="write the ontology reference (HTML, with a class "
                               "diagram in SVG) that /ontology serves")
    docs.add_argument("--out", default="docs/ontology", help="output directory (default docs/ontology)")
    docs.set_defaults(handler=_cmd_docs)

    export = commands.add_parser("export", help="the release as Turtle, TriG, N-Triples, N-Quads, "
                                 "RDF/XML, JSON-LD and CSV, with DCAT-AP, VoID and SHA256SUMS")
    export.add_argument("--out", default="dist",
                        help="output directory, replaced atomically (default ./dist)")
    export.add_argument("--build", default="build", help="the build to export (default ./build; "
                        "built first if it has no kg.nq)")
    export.add_argument("--inferred", action="store_true", help="include the OWL-RL inferred graph")
    export.add_argument("--release-date", default=None, metavar="YYYY-MM-DD",
                        help="dct:issued/modified of the release (no date is written without it)")
    export.add_argument("--formats", default=",".join(EXPORT_FORMATS),
                        help=f"comma-separated subset of {','.join(EXPORT_FORMATS)} (default: all)")
    export.add_argument("--download-base", default=None, metavar="URL",
                        help="where the files are published (default $KG_DOWNLOAD_BASE or <base>dumps/)")
    export.add_argument("--endpoint", default=None, metavar="URL",
                        help="the SPARQL endpoint (default $KG_SPARQL_ENDPOINT or <base>sparql)")
    export.set_defaults(handler=_cmd_export)

    assets = commands.add_parser("assets", help="install the pages' YASGUI and Chart.js from the npm "
                                 "registry into server/static/yasgui and server/static/chartjs")
    assets.add_argument("--npm", default="npm", help="the npm executable (default: npm on PATH)")
    assets.set_defaults(handler=_cmd_assets)
    return parser


def _input_error(args: argparse.Namespace, message: str, code: int = 2) -> int:
    """Report an error in the user's input: ``error: file:line: message`` on stderr and, where
    the command was asked for JSON, a JSON error object on stdout too, so a program reading the
    report gets a document on every exit code, not an empty output."""
    language = getattr(args, "lang", "en")
    word = "error"
    if language != "en":
        # deferred: rdflib (which report_output imports) may not be installed for every command
        from kg.validate.report_output import ERROR_WORD, translated_error

        word, message = ERROR_WORD[language], translated_error(message, language)
    print(f"{word}: {message}", file=sys.stderr)
    if getattr(args, "format", None) == "json" and args.handler is _cmd_validate:
        print(json.dumps({"conforms": None, "error": message, "exit": code}, ensure_ascii=False, indent=2))
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except KgError as error:
        return _input_error(args, str(error))
    except OSError as error:  # an unwritable --out, a missing file named on the command line
        return _input_error(args, f"{error.filename or ''}: {error.strerror or error}")
    except KeyboardInterrupt:
        return 130
