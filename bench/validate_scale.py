"""Time and peak memory of ``kg validate`` on the bundled graph at 1×, 10× and 100× its size.

    python bench/validate_scale.py [--scales 1,10,100] [--timeout 300] [--out bench/RESULTS.md]

Issue 3 asks whether SHACL validation stays within its 5-minute budget as the graph grows. There
is no bigger real data yet, so the N× dataset is synthetic but shaped like the real one: every
resource under ``<base>id/`` is cloned N-1 times, each copy with every quad it has in the real
graph, in the same named graph (so the provenance rules, "stated in a source graph", still hold),
with its IRI changed so that it stays a valid identifier for the shapes. Shared by all copies:
the concepts and schemes of the code lists, and the source documents with their line locations
(a named graph names exactly one source document, so a copy cites the same lines in the same
graph), and the named graphs' own descriptions. The ids:

* ISUN-keyed ids (procedures, projects, contracts: ``BG05M9OP001-2.018-0031-C01``) get a
  different 3-digit procedure number, chosen from the numbers unused under the same programme
  code and procedure group, so the canonical patterns hold and no copy collides with a real id;
* CCI-keyed programmes (``2014BG05M9OP001``) get different last three digits, in the same way;
* other ids (slugs) get ``-copyK`` after their first segment (``decision/x-copyK/424``);
  upper-case codes such as ``BGLD`` get ``XK``, which keeps ``^[0-9A-Z]+$``.

``dcterms:identifier`` and ``bgi:identifierAsWritten`` of a copy are changed the same way, the
verbatim form keeping its look-alike letters and odd dashes. The ontology and code-list graphs
are kept once. Each scale is validated by ``python -m kg validate FILE --timeout T`` in a child
process (the real command, with its own parsing and its forked pyshacl worker); the wall time
and the peak RSS come from ``os.wait4`` (the largest resident set of the command or of any
process it waited for, i.e. the pyshacl worker, whose count includes the pages it shares with
its parent). The section between this script's markers in bench/RESULTS.md is replaced; other
sections are kept. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg import iris  # noqa: E402

#: Why pyshacl is not run at 100× by default: the measurement that showed it (not re-run each time).
PYSHACL_AT_100 = ("pyshacl is not run above `--pyshacl-max-scale` (default 10): at 100× (773406 quads) it "
                  "did not finish within 300 s (measured 2026-11-22: killed after 388 s, 2031 MiB peak "
                  "RSS); run it with `--pyshacl-max-scale 100` to see again.")
START, END = "<!-- validate-scale:start -->", "<!-- validate-scale:end -->"
ID = str(iris.ID)
ISUN_TYPES = ("procedure", "project", "contract")
ISUN = re.compile(r"^(BG[0-9A-Z]+)-([0-9]+)\.([0-9]{3})(.*)$")
CCI = re.compile(r"^((?:19|20)[0-9]{2}[A-Z]{2}[0-9]{2}[A-Z0-9]{2}[A-Z]{2})([0-9]{3})$")
CODE = re.compile(r"^[0-9A-Z]+$")
#: Ids that every copy shares: the code lists' concepts and schemes, and the source documents with
#: their line locations, since a named graph names exactly one source document and a record must be
#: described in the graph of every source it cites (so a copy cites the same lines, in the same graph).
SHARED_KINDS = ("concept", "scheme", "source")
IDENTIFIER_PREDICATES = ("<http://purl.org/dc/terms/identifier>", f"<{iris.BGI.identifierAsWritten}>")
VOCABULARY_GRAPHS = (f"<{iris.ONTOLOGY_GRAPH}>", f"<{iris.VOCABULARIES_GRAPH}>")
# One N-Quads statement: subject, predicate, object (IRI, blank node or literal), graph.
TERM = r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?'
QUAD = re.compile(rf"^({TERM}) ({TERM}) ({TERM})(?: ({TERM}))? \.$")


# --------------------------------------------------------------------------- the bundled graph

def bundled_nquads(nq_file: Path | None = None) -> list[str]:
    """The bundled graph as N-Quads lines: the given build's kg.nq, or assembled from data/ now.

    Assembling (records, mapping, OWL-RL) is what ``kg build`` writes, without the store and the
    SHACL check, so the benchmark does not depend on an up-to-date ./build.
    """
    if nq_file is not None:
        text = Path(nq_file).read_text(encoding="utf-8")
    else:
        from kg import paths
        from kg.build import assemble
        from kg.release import nquads_text

        graphs, _records = assemble(paths.data_dir(), reason=True, progress=False)
        text = nquads_text(graphs)
    return [line for line in text.splitlines() if line.strip()]


def parse_quads(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """Each line split into its four terms (as written; the graph is "" for the default graph)."""
    quads = []
    for line in lines:
        match = QUAD.match(line.strip())
        if not match:
            raise ValueError(f"not an N-Quads statement this benchmark understands: {line[:200]}")
        subject, predicate, obj, graph = match.groups()
        quads.append((subject, predicate, obj, graph or ""))
    return quads


# --------------------------------------------------------------------------- cloning

@dataclass(frozen=True)
class _Parts:
    """An id IRI as kind / key / rest #fragment (``project`` / ``BG…-0031`` / ``/activity/1``)."""

    kind: str
    key: str
    rest: str
    fragment: str


def _parts(iri: str) -> _Parts | None:
    if not iri.startswith(ID):
        return None
    path, hash_sign, fragment = iri[len(ID):].partition("#")
    kind, _, tail = path.partition("/")
    key, slash, rest = tail.partition("/")
    if not key:
        return None
    return _Parts(kind, key, slash + rest, hash_sign + fragment)


class Cloner:
    """Rewrites the terms of the bundled graph for copy k, deterministically and collision-free.

    The numbers given to ISUN procedure codes and CCI codes are allocated once for all copies
    (``copies`` of them), from the numbers no real id uses, so that copies never meet each other
    or the real data whatever the scale.
    """

    def __init__(self, quads: list[tuple[str, str, str, str]], copies: int):
        self.keep, procedures, ccis = _collect(quads)
        self.procedure_numbers = _allocate(procedures, copies)
        self.cci_numbers = _allocate(ccis, copies)
        self._iri_cache: dict[tuple[str, int], str] = {}

    def is_cloned(self, term: str) -> bool:
        """Whether copies of ``term`` are made: a blank node or an id IRI outside the code lists.

        Statements about anything else (a named graph's own description: its one dcterms:source,
        its checksum) are kept once; a copy of them would give a graph a second source document.
        """
        if term.startswith("_:"):
            return True
        return term.startswith("<") and _parts(term[1:-1]) is not None and term[1:-1] not in self.keep

    def term(self, term: str, k: int) -> str:
        """The term in copy k: an id IRI rewritten, a blank node renamed, anything else as is."""
        if k == 0:
            return term
        if term.startswith("<"):
            return "<" + self.iri(term[1:-1], k) + ">"
        if term.startswith("_:"):
            return f"{term}c{k}"
        return term

    def iri(self, iri: str, k: int) -> str:
        cached = self._iri_cache.get((iri, k))
        if cached is not None:
            return cached
        parts = _parts(iri)
        new = iri
        if parts is not None and iri not in self.keep:
            new = f"{ID}{parts.kind}/{self.key(parts.kind, parts.key, k)}{parts.rest}{parts.fragment}"
        self._iri_cache[(iri, k)] = new
        return new

    def key(self, kind: str, key: str, k: int) -> str:
        """The key of an id in copy k (see the module docstring)."""
        match = ISUN.match(key) if kind in ISUN_TYPES else None
        if match:
            number = self.procedure_numbers[(match[1], match[2], match[3])][k - 1]
            return f"{match[1]}-{match[2]}.{number}{match[4]}"
        match = CCI.match(key) if kind == "programme" else None
        if match:
            return match[1] + self.cci_numbers[(match[1], match[2])][k - 1]
        return f"{key}X{k}" if CODE.match(key) else f"{key}-copy{k}"

    def identifier(self, subject: str, literal: str, k: int) -> str:
        """dcterms:identifier / bgi:identifierAsWritten of a cloned subject, changed like its IRI.

        The verbatim form is edited in place (only the number that changed), so its Cyrillic
        look-alikes, zero-for-O and dashes stay as written.
        """
        parts = _parts(subject[1:-1]) if subject.startswith("<") else None
        if k == 0 or parts is None or subject[1:-1] in self.keep or not literal.startswith('"'):
            return literal
        body_end = literal.rindex('"')
        body, suffix = literal[1:body_end], literal[body_end:]
        new_key = self.key(parts.kind, parts.key, k)
        match = ISUN.match(parts.key) if parts.kind in ISUN_TYPES else None
        if match:  # the procedure number: the first ".NNN" with those digits
            old, new = "." + match[3], "." + ISUN.match(new_key)[3]
            body = re.sub(r"\.(\s*)" + match[3], lambda m: "." + m[1] + new[1:], body, count=1) \
                if old not in body else body.replace(old, new, 1)
        elif parts.kind == "programme" and CCI.match(parts.key):
            body = body[:-3] + new_key[-3:] if body[-3:] == parts.key[-3:] else body
        elif body == parts.key:
            body = new_key
        else:
            body = f"{body}X{k}" if CODE.match(body) else f"{body}-copy{k}"
        return '"' + body + suffix

    def quad(self, quad: tuple[str, str, str, str], k: int) -> str:
        subject, predicate, obj, graph = quad
        new_obj = (self.identifier(subject, obj, k) if predicate in IDENTIFIER_PREDICATES
                   else self.term(obj, k))
        graph_term = f" {graph}" if graph else ""
        return f"{self.term(subject, k)} {predicate} {new_obj}{graph_term} .\n"


def _allocate(originals: dict[tuple, str], copies: int, width: int = 3) -> dict[tuple, list[str]]:
    """For every original number of a group, ``copies`` numbers unused in that group.

    ``originals`` maps (group…, number) -> number; the i-th original of a group gets the numbers
    i, i+n, i+2n, … (n originals) of the group's free numbers, so every copy differs.
    """
    groups: dict[tuple, list[str]] = {}
    for group_and_number in sorted(originals):
        groups.setdefault(group_and_number[:-1], []).append(group_and_number[-1])
    allocated: dict[tuple, list[str]] = {}
    for group, numbers in groups.items():
        used = {int(number) for number in numbers}
        free = [f"{value:0{width}d}" for value in range(1, 10 ** width) if value not in used]
        if len(free) < copies * len(numbers):
            raise ValueError(f"{group}: only {len(free)} free numbers for {copies} copies of "
                             f"{len(numbers)} ids")
        for index, number in enumerate(numbers):
            allocated[(*group, number)] = [free[index + copy * len(numbers)] for copy in range(copies)]
    return allocated


def _collect(quads: list[tuple[str, str, str, str]]) -> tuple[set[str], dict, dict]:
    """The kept vocabulary IRIs and the (group…, number) keys of ISUN procedures and CCI codes."""
    keep: set[str] = set()
    procedures: dict[tuple, str] = {}
    ccis: dict[tuple, str] = {}
    for subject, _predicate, obj, graph in quads:
        for term in (subject, obj):
            if not term.startswith("<"):
                continue
            parts = _parts(term[1:-1])
            if parts is None:
                continue
            if graph in VOCABULARY_GRAPHS or parts.kind in SHARED_KINDS:
                keep.add(term[1:-1])
                continue
            match = ISUN.match(parts.key) if parts.kind in ISUN_TYPES else None
            if match:
                procedures[(match[1], match[2], match[3])] = match[3]
            match = CCI.match(parts.key) if parts.kind == "programme" else None
            if match:
                ccis[(match[1], match[2])] = match[2]
    return keep, procedures, ccis


def scaled_lines(quads: list[tuple[str, str, str, str]], scale: int, cloner: Cloner | None = None):
    """The N-Quads lines of the ``scale``× dataset: the vocabularies once, the rest ``scale`` times."""
    cloner = cloner or Cloner(quads, max(scale - 1, 0))
    shared = [quad for quad in quads if quad[3] in VOCABULARY_GRAPHS]
    cloned = [quad for quad in quads if quad[3] not in VOCABULARY_GRAPHS]
    for quad in shared:
        yield cloner.quad(quad, 0)
    for k in range(scale):
        for quad in cloned:
            if k == 0 or cloner.is_cloned(quad[0]):
                yield cloner.quad(quad, k)


def write_scaled(quads: list[tuple[str, str, str, str]], scale: int, path: Path) -> int:
    """Write the ``scale``× dataset to ``path`` (N-Quads); the number of distinct quads."""
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8") as out:
        for line in scaled_lines(quads, scale):
            if line not in seen:
                seen.add(line)
                out.write(line)
    return len(seen)


# --------------------------------------------------------------------------- measuring

@dataclass
class Measurement:
    engine: str
    scale: int
    quads: int
    seconds: float
    peak_rss_mib: float
    exit_code: int
    conforms: bool | None
    counts: dict[str, int]
    timeout: float

    @property
    def timed_out(self) -> bool:
        return self.exit_code == 3


def run_validate(path: Path, timeout: float, scale: int, quads: int, engine: str = "sparql") -> Measurement:
    """``python -m kg validate PATH --engine E --format json --timeout T`` in a child; wall time
    and peak RSS.

    ``os.wait4`` gives the child's resource use including the processes it waited for (its
    forked validator worker), so the peak RSS is that of the largest of the two.
    """
    command = [sys.executable, "-m", "kg", "validate", str(path), "--engine", engine,
               "--format", "json", "--timeout", f"{timeout:g}"]
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=REPO)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        output, errors = stdout.read().decode("utf-8"), stderr.read().decode("utf-8", "replace")
    conforms, counts = None, {}
    if child.returncode in (0, 1):
        document = json.loads(output)
        conforms, counts = document["conforms"], document["counts"]
    elif child.returncode != 3:
        raise RuntimeError(f"kg validate failed (exit {child.returncode}): {errors[-2000:]}")
    return Measurement(engine, scale, quads, seconds, usage.ru_maxrss / 1024, child.returncode, conforms,
                       counts, timeout)


def machine() -> str:
    """CPU model, cores and RAM from /proc, and the versions that matter for validation."""
    cpu, memory = "unknown CPU", "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (f"{cpu}, {os.cpu_count()} cores, {memory} RAM; {platform.system()}; "
            f"Python {platform.python_version()}, rdflib {version('rdflib')}, pyshacl {version('pyshacl')}")


# --------------------------------------------------------------------------- the report

def _result_cell(measurement: Measurement) -> str:
    if measurement.timed_out:
        return "not finished"
    counts = measurement.counts
    verdict = "conforms" if measurement.conforms else "does not conform"
    return (f"{verdict}; {counts.get('Violation', 0)} violations, {counts.get('Warning', 0)} warnings, "
            f"{counts.get('Info', 0)} infos")


def _seconds_cell(measurement: Measurement) -> str:
    if measurement.timed_out:
        return f"> {measurement.timeout:g} s (timeout; exit after {measurement.seconds:.0f} s)"
    return f"{measurement.seconds:.1f} s"


def verdict(measurements: list[Measurement]) -> str:
    """One sentence per engine on the 5-minute target, from the figures (not written by hand)."""
    sentences = []
    for engine in dict.fromkeys(m.engine for m in measurements):
        sentences.append(f"**{engine}**: " + _engine_verdict([m for m in measurements if m.engine == engine]))
    agreeing = _agreement(measurements)
    if agreeing:
        sentences.append(agreeing)
    return "\n\n".join(sentences)


def _agreement(measurements: list[Measurement]) -> str:
    """Whether both engines gave the same counts at every scale both finished."""
    pairs = []
    for scale in dict.fromkeys(m.scale for m in measurements):
        finished = [m for m in measurements if m.scale == scale and not m.timed_out]
        if len({m.engine for m in finished}) > 1:
            pairs.append((scale, len({(m.conforms, tuple(sorted(m.counts.items()))) for m in finished}) == 1))
    if not pairs:
        return ""
    same = [f"{scale}×" for scale, agree in pairs if agree]
    differ = [f"{scale}×" for scale, agree in pairs if not agree]
    text = f"Both engines report the same counts at {', '.join(same)}" if same else ""
    if differ:
        text += ("; " if text else "") + f"the counts DIFFER at {', '.join(differ)}"
    return text + " (tests/test_validate_engines.py compares every result on the fixtures)."


def _engine_verdict(measurements: list[Measurement]) -> str:
    within = [m for m in measurements if not m.timed_out and m.seconds <= 300]
    over = [m for m in measurements if m.timed_out or m.seconds > 300]
    largest = max(within, key=lambda m: m.quads) if within else None
    text = ""
    if largest:
        text = (f"`kg validate` stays within the issue's 5-minute target up to {largest.scale}× "
                f"({largest.quads} quads, {largest.seconds:.0f} s)")
    if over:
        smallest = min(over, key=lambda m: m.quads)
        text += ("; " if text else "") + (
            f"at {smallest.scale}× ({smallest.quads} quads) it does not finish within "
            f"{smallest.timeout:g} s, so somewhere between {largest.scale if largest else 0}× and "
            f"{smallest.scale}× the budget is exceeded and a graph of that size needs a faster "
            "validator (or validation per source graph) before the target can be met"
            if smallest.timed_out else
            f"at {smallest.scale}× ({smallest.quads} quads) it takes {smallest.seconds:.0f} s, "
            "over the target")
    return text + "."


def section(measurements: list[Measurement], base_quads: int) -> str:
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    scales = ",".join(dict.fromkeys(str(m.scale) for m in measurements))
    timeout = measurements[0].timeout if measurements else 300
    lines = [
        START,
        "## SHACL validation at scale (`bench/validate_scale.py`)",
        "",
        f"Date: {today}. Machine: {machine()}. Load average (1/5/15 min) when the run ended: "
        + " / ".join(f"{load:.2f}" for load in os.getloadavg()) + " (other work on the machine "
        "slows both engines alike).",
        "",
        f"The bundled graph ({base_quads} quads) and synthetic N× copies of it: every resource under",
        "`id/` cloned N-1 times with all its quads, in the same named graphs, with ids that still",
        "match the canonical patterns (another ISUN procedure number, other CCI digits, `-copyK` on",
        "slugs) and identifiers changed to match; the ontology, the code lists, the source documents",
        "and their line locations once (shared by the copies). Each is validated by `python -m kg",
        f"validate FILE --engine E --format json --timeout {timeout:g}` in a child process, once;",
        "seconds are wall-clock for the whole command (reading the N-Quads, building the data graph,",
        "the validator in its forked worker, whose own limit is the timeout); peak RSS is the largest",
        "resident set of the command or its worker (`os.wait4`).",
        "",
        "`sparql` is the default engine (the shapes compiled to SPARQL, run on an in-memory",
        "pyoxigraph store); `pyshacl` is the reference, run only up to `--pyshacl-max-scale`.",
        "",
        "| engine | scale | quads | seconds | peak RSS | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for m in measurements:
        lines.append(f"| {m.engine} | {m.scale}× | {m.quads} | {_seconds_cell(m)} | "
                     f"{m.peak_rss_mib:.0f} MiB | {_result_cell(m)} |")
    if max((m.scale for m in measurements if m.engine == "pyshacl"), default=0) < max(
            (m.scale for m in measurements), default=0):
        lines += ["", PYSHACL_AT_100]
    lines += ["", verdict(measurements), "",
              f"Re-run: `python bench/validate_scale.py --scales {scales} --timeout {timeout:g}`.", END]
    return "\n".join(lines) + "\n"


def write(out: Path, text: str) -> None:
    """Replace this benchmark's section of RESULTS.md (or append it); other sections stay."""
    existing = out.read_text(encoding="utf-8") if out.is_file() else "# Benchmarks\n\n"
    if START in existing and END in existing:
        before, rest = existing.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        updated = before + text + ("\n" + after if after else "")
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated multiples (default 1,10,100)")
    parser.add_argument("--timeout", type=float, default=300.0, help="kg validate --timeout (default 300)")
    parser.add_argument("--nq", default=None, help="a build's kg.nq (default: assemble data/ now)")
    parser.add_argument("--out", default=str(REPO / "bench" / "RESULTS.md"))
    parser.add_argument("--keep", default=None, help="write the N× files into this directory and keep them")
    parser.add_argument("--engines", default="sparql,pyshacl",
                        help="kg validate engines (default sparql,pyshacl)")
    parser.add_argument("--pyshacl-max-scale", type=int, default=10,
                        help="largest scale pyshacl is run at (default 10; 100× takes over 5 minutes)")
    args = parser.parse_args(argv)
    scales = [int(value) for value in args.scales.split(",") if value.strip()]
    quads = parse_quads(bundled_nquads(Path(args.nq) if args.nq else None))
    measurements = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(args.keep or scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for scale in scales:
            path = directory / f"kg-{scale}x.nq"
            count = write_scaled(quads, scale, path)
            for engine in [name.strip() for name in args.engines.split(",") if name.strip()]:
                if engine == "pyshacl" and scale > args.pyshacl_max_scale:
                    continue
                print(f"{scale}×: {count} quads in {path}; validating with {engine} …", file=sys.stderr)
                measurement = run_validate(path, args.timeout, scale, count, engine)
                print(f"{scale}× {engine}: {_seconds_cell(measurement)}, "
                      f"{measurement.peak_rss_mib:.0f} MiB, {_result_cell(measurement)}", file=sys.stderr)
                measurements.append(measurement)
            if not args.keep:
                path.unlink()
    write(Path(args.out), section(measurements, len(quads)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
