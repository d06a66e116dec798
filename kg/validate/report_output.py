"""A validation report as text (grouped by shape and focus node), JSON or Turtle.

The text says in plain words what is wrong and where: for each shape (most severe first) the
focus nodes it fails, with the path and the offending value, and the shape's message in the
language asked for (Bulgarian or English).
"""

from __future__ import annotations

import json
import re
from itertools import groupby

from rdflib import BNode, Graph, Literal, URIRef

from kg.common import formats
from kg.records import iris
from kg.validate.report import ShaclResult, ValidationReport

WORDS = {
    "en": {"Violation": ("violation", "violations"), "Warning": ("warning", "warnings"),
           "Info": ("info", "infos"), "conforms": "conforms", "fails": "does not conform",
           "focus": ("focus node", "focus nodes"), "path": "path", "value": "value", "shapes": "shapes",
           "note": "note"},
    "bg": {"Violation": ("нарушение", "нарушения"), "Warning": ("предупреждение", "предупреждения"),
           "Info": ("бележка", "бележки"), "conforms": "съответства на формите",
           "fails": "не съответства на формите", "focus": ("възел", "възела"), "path": "свойство",
           "value": "стойност", "shapes": "форми", "note": "забележка"},
}
#: The syntax of the SHACL report graph that ``kg validate --format turtle`` prints.
REPORT_GRAPH_FORMAT = formats.by_key("turtle")
#: What ``kg validate --format`` may ask for: the text, the report graph, or JSON.
OUTPUTS = ("text", REPORT_GRAPH_FORMAT.key, "json")
SEVERITY_NAMES = {"bg": {"Violation": "Нарушение", "Warning": "Предупреждение", "Info": "Бележка"},
                  "en": {"Violation": "Violation", "Warning": "Warning", "Info": "Info"}}


#: The notes the engines write (in English, kg/validate/data_graph.py and data_store.py) in the
#: other languages: (pattern of the English note, its replacement).
NOTE_TRANSLATIONS = {
    "bg": [
        (re.compile(r"the input has no ontology: the bundled ontology and code lists were added"),
         "входните данни нямат онтология: добавени са онтологията и кодовите списъци от пакета"),
        (re.compile(r"the input has no named graphs: whether every resource is stated in a source graph "
                    r"\((.*)\) was not checked"),
         r"входните данни нямат именувани графи: не е проверено дали всеки ресурс е описан в граф на "
         r"източник (\1)"),
    ],
}
#: The input errors of kg.common.rdf_input in the other languages, as the notes above.
ERROR_TRANSLATIONS = {
    "bg": [
        (re.compile(r"(.*): no triples; an empty input is not a graph to validate or load"),
         r"\1: няма нито една тройка; празен вход не е граф, който да се проверява или зарежда"),
        (re.compile(r"(.*): the language tag (.*) is not well-formed \(BCP 47\): (.*)"),
         r"\1: езиковият етикет \2 не е правилно образуван (BCP 47): \3"),
        (re.compile(r"(.*): cannot tell the RDF format from the extension (.*); name it with --format-in"),
         r"\1: форматът на RDF не личи от разширението \2; посочете го с --format-in"),
        (re.compile(r"(.*): no build found; run `kg build` first or name the RDF files to validate"),
         r"\1: няма компилация; изпълнете първо `kg build` или посочете RDF файловете за проверка"),
        (re.compile(r"(.*): No such file or directory"), r"\1: няма такъв файл или папка"),
    ],
}
ERROR_WORD = {"en": "error", "bg": "грешка"}


def translated(text: str, language: str, table: dict[str, list[tuple[re.Pattern, str]]]) -> str:
    """``text`` (a note or an error, written in English) in ``language`` where ``table`` knows it;
    else as it is (a parser's own words, say, stay English)."""
    for pattern, replacement in table.get(language, ()):
        if pattern.fullmatch(text):
            return pattern.sub(replacement, text)
    return text


def translated_note(note: str, language: str) -> str:
    return translated(note, language, NOTE_TRANSLATIONS)


def translated_error(message: str, language: str) -> str:
    return translated(message, language, ERROR_TRANSLATIONS)


#: Longest namespace first, so id: wins over a shorter base.
_PREFIXES = sorted([*iris.PREFIXES.items(), ("bgis", str(iris.SHAPES))], key=lambda item: -len(item[1]))
_LITERALS = Graph(bind_namespaces="none")
for _prefix, _namespace in _PREFIXES:
    _LITERALS.bind(_prefix, _namespace)


def short(term) -> str:
    """A term as the project writes it: ``prefix:local`` where a project prefix fits (for reading,
    so a local name may contain ``/``), else ``<iri>``; literals in Turtle syntax."""
    if term is None:
        return "-"
    if isinstance(term, URIRef):
        for prefix, namespace in _PREFIXES:
            if str(term).startswith(namespace) and len(str(term)) > len(namespace):
                local = str(term)[len(namespace):]
                if all(character.isalnum() or character in "-_./#=,:~" for character in local):
                    return f"{prefix}:{local}"
        return f"<{term}>"
    if isinstance(term, Literal):
        text = term.n3(_LITERALS.namespace_manager)
        return text if len(text) <= 160 else text[:157] + "…"
    if isinstance(term, BNode):
        return term.n3()
    return str(term)


def summary_line(report: ValidationReport, language: str) -> str:
    words = WORDS[language]
    counts = report.counts()
    parts = []
    for severity, count in counts.items():
        singular, plural = words[severity]
        parts.append(f"{count} {singular if count == 1 else plural}")
    verdict = words["conforms"] if report.conforms else words["fails"]
    return f"{verdict}: {', '.join(parts)} ({report.shape_count} {words['shapes']})"


def as_text(report: ValidationReport, language: str = "en", source: str = "") -> str:
    """Results grouped by severity and shape, then by focus node, in plain words."""
    words = WORDS[language]
    lines = [f"{source}: {summary_line(report, language)}" if source else summary_line(report, language)]
    lines.extend(f"{words['note']}: {translated_note(note, language)}" for note in report.notes)

    def by_shape(result: ShaclResult):
        return result.severity, str(result.shape)

    for (severity, _shape), group in groupby(report.results, key=by_shape):
        results = list(group)
        focus_count = len({result.focus for result in results})
        lines.append("")
        focus_word = words["focus"][0 if focus_count == 1 else 1]
        severity_name = SEVERITY_NAMES[language][severity]
        lines.append(f"{severity_name}  {short(results[0].shape)}  ({focus_count} {focus_word})")
        for focus, focus_group in groupby(results, key=lambda result: result.focus):
            lines.append(f"  {short(focus)}")
            seen = set()
            for result in focus_group:
                where = []
                if result.path is not None:
                    where.append(f"{words['path']} {short(result.path)}")
                if result.value is not None and result.value != result.focus:
                    where.append(f"{words['value']} {short(result.value)}")
                said = (tuple(where), result.message(language))
                if said in seen:
                    continue
                seen.add(said)
                if where:
                    lines.append(f"    {', '.join(where)}")
                lines.append(f"    {result.message(language)}")
    return "\n".join(lines) + "\n"


def as_json(report: ValidationReport, language: str = "en") -> str:
    """The report as a JSON document (results with messages in every language given)."""
    def term(value) -> str | None:
        return None if value is None else (str(value) if not isinstance(value, Literal) else value.n3())

    document = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "shapes": report.shape_count,
        "notes": [translated_note(note, language) for note in report.notes],
        "results": [{
            "severity": result.severity,
            "shape": term(result.shape),
            "focus": term(result.focus),
            "path": term(result.path),
            "value": term(result.value),
            "message": result.message(language),
            "messages": {language_tag or "none": text for language_tag, text in result.messages},
            "constraint": term(result.constraint),
        } for result in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def as_turtle(report: ValidationReport) -> str:
    """pyshacl's SHACL report graph as Turtle."""
    return report.report_graph.serialize(format=REPORT_GRAPH_FORMAT.rdflib_name)


def render(report: ValidationReport, output: str = "text", language: str = "en", source: str = "") -> str:
    if output == "json":
        return as_json(report, language)
    if output == REPORT_GRAPH_FORMAT.key:
        return as_turtle(report)
    return as_text(report, language, source)
