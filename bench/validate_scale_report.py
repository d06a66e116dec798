"""The "SHACL validation at scale" section of bench/RESULTS.md, written from the measurements.

The verdict on the issue's 5-minute target is derived from the figures rather than written by
hand, so a re-run on other code or another machine cannot leave a stale conclusion beside new
numbers. Only the section between this benchmark's markers is replaced; the other benchmarks'
sections in the same file are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import os

from results_file import machine
from validate_measurement import Measurement

#: Why pyshacl is not run at 100× by default: the measurement that showed it (not re-run each time).
PYSHACL_AT_100 = ("pyshacl is not run above `--pyshacl-max-scale` (default 10): at 100× (773406 quads) it "
                  "did not finish within 300 s (measured 2026-11-22: killed after 388 s, 2031 MiB peak "
                  "RSS); run it with `--pyshacl-max-scale 100` to see again.")
START, END = "<!-- validate-scale:start -->", "<!-- validate-scale:end -->"


def result_cell(measurement: Measurement) -> str:
    """The verdict and the counts by severity, or "not finished" when the run timed out."""
    if measurement.timed_out:
        return "not finished"
    counts = measurement.counts
    verdict = "conforms" if measurement.conforms else "does not conform"
    return (f"{verdict}; {counts.get('Violation', 0)} violations, {counts.get('Warning', 0)} warnings, "
            f"{counts.get('Info', 0)} infos")


def seconds_cell(measurement: Measurement) -> str:
    """The wall time, or the timeout it exceeded (a timed-out time is not the validation's time)."""
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
    """The largest scale one engine validates within 300 s and the smallest it does not."""
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


def results_section(measurements: list[Measurement], base_quads: int) -> str:
    """The whole section between the markers: how it was measured, the table, the verdict, a re-run line.

    The date, the machine and the load average are written beside the table because the machine
    is shared and the figures mean little without them.
    """
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    scales = ",".join(dict.fromkeys(str(m.scale) for m in measurements))
    timeout = measurements[0].timeout if measurements else 300
    lines = [
        START,
        "## SHACL validation at scale (`bench/validate_scale.py`)",
        "",
        f"Date: {today}. Machine: {machine('rdflib', 'pyshacl')}. "
        "Load average (1/5/15 min) when the run ended: "
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
        lines.append(f"| {m.engine} | {m.scale}× | {m.quads} | {seconds_cell(m)} | "
                     f"{m.peak_rss_mib:.0f} MiB | {result_cell(m)} |")
    if max((m.scale for m in measurements if m.engine == "pyshacl"), default=0) < max(
            (m.scale for m in measurements), default=0):
        lines += ["", PYSHACL_AT_100]
    lines += ["", verdict(measurements), "",
              f"Re-run: `python bench/validate_scale.py --scales {scales} --timeout {timeout:g}`.", END]
    return "\n".join(lines) + "\n"
