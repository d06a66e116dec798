"""The publisher's settings for an export: URLs and the publisher, from options or the environment.

Everything defaults to the deployment's base ($KG_BASE, :mod:`kg.records.iris`), so a publisher who
deploys under their own domain sets one variable; the rest can be overridden one by one:

* ``KG_DOWNLOAD_BASE`` — where the export's files are downloaded (default ``<base>dumps/``);
* ``KG_SPARQL_ENDPOINT`` — the endpoint (default ``<base>sparql``);
* ``KG_PUBLISHER`` — the publisher's IRI (default ``<base>#publisher``),
  ``KG_PUBLISHER_NAME`` / ``KG_PUBLISHER_NAME_BG`` — its name in English / Bulgarian;
* ``KG_CONTACT`` — an e-mail address or URL for the DCAT contact point (none by default).
"""

from __future__ import annotations

import os
import re
from datetime import date

from kg.common.errors import KgError
from kg.export.dcat import Publication
from kg.records import iris

DEFAULT_PUBLISHER_NAMES = {"en": "Editors of the BG Inclusion knowledge graph",
                           "bg": "Редакторите на графа на знанието за социалното включване"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_release_date(text: str | None) -> date | None:
    """``YYYY-MM-DD`` -> a date; anything else is an error that says what is expected."""
    if text is None:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise KgError(f"--release-date: {text!r} is not a date; write it as YYYY-MM-DD "
                      "(e.g. 2025-01-31)") from None


def _url(name: str, value: str) -> str:
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        raise KgError(f"{name}: {value!r} is not an http(s) URL")
    return value


def publication(release_date: date | None = None, inferred: bool = False,
                download_base: str | None = None, sparql_endpoint: str | None = None) -> Publication:
    """The publication settings: explicit arguments first, then the environment, then defaults."""
    base = iris.BASE
    download = download_base or os.environ.get("KG_DOWNLOAD_BASE") or base + "dumps/"
    if not download.endswith("/"):
        download += "/"
    names = dict(DEFAULT_PUBLISHER_NAMES)
    if os.environ.get("KG_PUBLISHER_NAME"):
        names = {"en": os.environ["KG_PUBLISHER_NAME"]}
        if os.environ.get("KG_PUBLISHER_NAME_BG"):
            names["bg"] = os.environ["KG_PUBLISHER_NAME_BG"]
    return Publication(
        download_base=_url("download base", download),
        sparql_endpoint=_url("SPARQL endpoint",
                             sparql_endpoint or os.environ.get("KG_SPARQL_ENDPOINT") or base + "sparql"),
        landing_page=_url("base", base),
        publisher=_url("KG_PUBLISHER", os.environ.get("KG_PUBLISHER") or base + "#publisher"),
        publisher_names=names,
        contact=os.environ.get("KG_CONTACT") or None,
        release_date=release_date,
        inferred=inferred,
    )
