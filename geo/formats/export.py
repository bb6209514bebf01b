"""Downloads of the filtered events: CSV (spreadsheet-safe), GeoJSON and KML (Google Earth).

Article text is untrusted: in CSV a cell starting with ``=``, ``+``, ``-``, ``@`` (or tab/CR,
which some spreadsheets strip first; also after leading spaces, and their full-width forms
``＝＋－＠`` that spreadsheets normalise) is prefixed with ``'`` so it is never run as a formula;
in KML every text goes through an XML serializer (no string concatenation of markup), and every
text Google Earth may show in a balloon (name, description, ExtendedData) is HTML-escaped too.
"""
from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

#: Columns exported, in order (those missing from the frame are skipped).
EXPORT_COLUMNS = (
    "event_id", "event_key", "date", "date_precision", "event_type", "sub_type", "place", "precision", "lat",
    "lon", "country_code", "admin1", "claimed_by", "verified", "confidence", "quantities", "border_distance_km",
    "border_side", "pair_km", "line_km", "evidence", "article_id", "title", "url", "source", "published",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝＋－＠
KML_NS = "http://www.opengis.net/kml/2.2"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def neutralise_cell(value: Any) -> Any:
    """`value`, with text that a spreadsheet would read as a formula prefixed by ``'``."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip(" \u00a0\u3000\n").startswith(_FORMULA_START)):
        return "'" + value
    return value


def _columns(df: pd.DataFrame) -> list[str]:
    return [c for c in EXPORT_COLUMNS if c in df.columns]


def _plain(value: Any) -> Any:
    """JSON-friendly scalar: NaN/NA -> None, numpy scalars -> Python, dicts/lists kept."""
    if isinstance(value, (dict, list)):
        return value
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _cell_text(value: Any) -> Any:
    """A CSV cell: {"drones": 12, "killed": 2} as "drones: 12; killed: 2" (readable in a spreadsheet), a list as
    JSON, anything else as it is."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return json.dumps(value) if isinstance(value, list) else value


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets detect the encoding); formulas neutralised."""
    cols = _columns(df)
    out = df[cols].copy()
    for col in cols:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise_cell(_cell_text(v)))
    buf = io.StringIO()
    # QUOTE_ALL: a bare "\r" inside a cell would otherwise start a new, unneutralised row.
    out.to_csv(buf, index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_geojson(df: pd.DataFrame) -> bytes:
    """A FeatureCollection with one Point per located event (unlocated events are left out)."""
    cols = [c for c in _columns(df) if c not in ("lat", "lon")]
    features = []
    for row in df[cols + ["lat", "lon"]].itertuples(index=False, name=None):
        lat, lon = _plain(row[-2]), _plain(row[-1])
        if lat is None or lon is None:
            continue
        props = {c: _plain(v) for c, v in zip(cols, row[:-2])}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def to_kml(df: pd.DataFrame, name: str = "Event Atlas events") -> bytes:
    """KML 2.2 document: one Placemark per located event, grouped in a Folder per event type."""
    ET.register_namespace("", KML_NS)
    k = f"{{{KML_NS}}}"
    root = ET.Element(k + "kml")
    doc = ET.SubElement(root, k + "Document")
    ET.SubElement(doc, k + "name").text = name
    folders: dict[str, ET.Element] = {}
    cols = _columns(df)
    for rec in df[cols].to_dict("records"):
        lat, lon = _plain(rec.get("lat")), _plain(rec.get("lon"))
        if lat is None or lon is None:
            continue
        etype = str(_plain(rec.get("event_type")) or "event")
        if etype not in folders:
            folders[etype] = ET.SubElement(doc, k + "Folder")
            ET.SubElement(folders[etype], k + "name").text = html.escape(etype)
        pm = ET.SubElement(folders[etype], k + "Placemark")
        place = _plain(rec.get("place"))
        # Google Earth un-escapes the XML and then renders balloons as HTML: every text it may
        # show there (name, description, ExtendedData values) is escaped once more for that.
        ET.SubElement(pm, k + "name").text = html.escape(f"{etype}: {place}" if place else etype)
        if (day := _plain(rec.get("date"))) is not None:
            ts = ET.SubElement(pm, k + "TimeStamp")
            ET.SubElement(ts, k + "when").text = str(day)
        ET.SubElement(pm, k + "description").text = html.escape(str(_plain(rec.get("evidence")) or ""))
        ext = ET.SubElement(pm, k + "ExtendedData")
        for col in cols:
            value = _plain(rec.get(col))
            if value is None or col in ("lat", "lon", "evidence"):
                continue
            data = ET.SubElement(ext, k + "Data", name=col)
            ET.SubElement(data, k + "value").text = html.escape(
                json.dumps(value) if isinstance(value, (dict, list)) else str(value))
        point = ET.SubElement(pm, k + "Point")
        ET.SubElement(point, k + "coordinates").text = f"{float(lon):.6f},{float(lat):.6f}"
    for elem in root.iter():
        if elem.text:
            elem.text = _XML_INVALID.sub("\ufffd", elem.text)  # not allowed in XML 1.0 at all
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class Exporter:
    """One download/export format: the dashboard's buttons and `geo export --format` iterate these."""

    write: Callable[[pd.DataFrame], bytes]
    mime: str
    suffix: str
    label: str  # the dashboard's button


#: Export formats by name (the CLI's --format choices, in the dashboard's button order).
EXPORTERS: dict[str, Exporter] = {
    "csv": Exporter(to_csv, "text/csv", ".csv", "CSV"),
    "geojson": Exporter(to_geojson, "application/geo+json", ".geojson", "GeoJSON"),
    "kml": Exporter(to_kml, "application/vnd.google-earth.kml+xml", ".kml", "KML (Google Earth)"),
}
