"""Typed literals as pyshacl sees them, for an engine whose store sees them otherwise.

Two differences between pyoxigraph and rdflib (and so pyshacl) would change the SPARQL engine's
report, and both are settled here:

* pyoxigraph stores numbers and booleans by value (``"824915.0"^^xsd:decimal`` comes back as
  ``"824915"``), where rdflib keeps the form as written, which the report shows. The canonical
  form a lexical form is expected to have, and the value two forms share, say which forms the
  loaded data must remember (:class:`kg.validate.data_store.LoadedData`).
* pyshacl's sh:datatype rejects a literal whose lexical form rdflib finds ill-typed, or whose
  value is not of the Python type it expects for the datatype;
  :func:`kg.validate.data_store.ill_typed_literals` finds those literals in a store so the
  compiled checks can name them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

#: pyshacl's test of a literal's value per datatype (DatatypeConstraintComponent).
VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date, XSD.time: dt.time, XSD.dateTime: dt.datetime}
_DECIMAL = str(XSD.decimal)
_INTEGERS = [str(XSD[name]) for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                          "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                          "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")]
#: The canonical form a lexical form is expected to have in the store (a guess: a wrong guess
#: only notes a form that did not need noting).
CANONICAL_FORMS = {_DECIMAL: lambda text: _plain_decimal(Decimal(text)),
                   str(XSD.boolean): lambda text: {"1": "true", "0": "false"}.get(text, text),
                   str(XSD.double): lambda text: "", str(XSD.float): lambda text: "",
                   **{integer: lambda text: str(int(text)) for integer in _INTEGERS}}
PARSE_VALUE: dict[str, Callable[[str], object]] = {
    _DECIMAL: Decimal, str(XSD.double): float, str(XSD.float): float,
    str(XSD.boolean): lambda text: text in ("1", "true"), **{integer: int for integer in _INTEGERS}}


def value_key(datatype: str, lexical: str):
    """(datatype, value) of a lexical form, the same for every form of one value; None if the
    form has no value (then the store keeps it as written)."""
    try:
        return datatype, PARSE_VALUE.get(datatype, str)(lexical.strip())
    except (ValueError, ArithmeticError):
        return None


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


def rejected_by_datatype(literal: Literal, datatype: URIRef) -> bool:
    """pyshacl's sh:datatype test fails: rdflib finds the lexical form ill-typed, or its value
    is not of the Python type pyshacl expects for the datatype."""
    wanted = VALUE_TYPES.get(datatype)
    return bool(getattr(literal, "ill_typed", False) or (wanted and not isinstance(literal.value, wanted)))
