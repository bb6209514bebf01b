"""CSV / GeoJSON / KML downloads: they parse, keep the events, and neutralise formulas."""
from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from geo.formats.export import KML_NS, neutralise_cell, to_csv, to_geojson, to_kml

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "plain"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame([
        dict(event_id=i, date="2024-05-01", event_type="strike", place=p, lat=50.0 + i, lon=36.0, verified=False,
             quantities={"drones": 3}, evidence=f"{p} <script>alert(1)</script> & ]]>", border_distance_km=12.5,
             claimed_by=None, title="T", url="https://x.example/a")
        for i, p in enumerate(HOSTILE)
    ] + [dict(event_id=99, date=None, event_type="diplomacy", place="nowhere", lat=None, lon=None, evidence="x\x01y")])


@pytest.mark.parametrize("value", HOSTILE[:-1])
def test_formula_cells_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value
    assert neutralise_cell("ok") == "ok" and neutralise_cell(5) == 5 and neutralise_cell(-5) == -5


def test_csv_parses_and_is_spreadsheet_safe():
    data = to_csv(_frame()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == len(HOSTILE) + 1
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t")), value
            assert not (value.startswith("-") and not value.lstrip("-").replace(".", "").isdigit()), value
    assert rows[0]["place"] == "'" + HOSTILE[0] and rows[0]["quantities"] == "drones: 3"  # readable (#17)


def test_geojson_parses_with_located_events_only():
    fc = json.loads(to_geojson(_frame()))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(HOSTILE)
    f = fc["features"][1]
    assert f["geometry"] == {"type": "Point", "coordinates": [36.0, 51.0]}
    assert f["properties"]["place"] == "+1+1" and f["properties"]["claimed_by"] is None
    assert f["properties"]["quantities"] == {"drones": 3} and f["properties"]["verified"] is False


def test_kml_parses_and_keeps_text_as_text():
    root = ET.fromstring(to_kml(_frame()))
    ns = {"k": KML_NS}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == len(HOSTILE)
    assert marks[0].find("k:Point/k:coordinates", ns).text == "36.000000,50.000000"
    # Google Earth un-escapes the XML and renders HTML: the parsed text must still be escaped markup.
    assert "&lt;script&gt;" in marks[0].find("k:description", ns).text
    assert "<script>" not in marks[0].find("k:description", ns).text
    assert b"<script>" not in to_kml(_frame())
    assert root.find(".//k:Folder/k:name", ns).text == "strike"


def test_empty_frames_export():
    empty = _frame().iloc[0:0]
    assert json.loads(to_geojson(empty))["features"] == []
    assert ET.fromstring(to_kml(empty)).find(".//{%s}Placemark" % KML_NS) is None
    assert to_csv(empty).decode("utf-8-sig").startswith('"event_id",')


def test_a_carriage_return_cannot_start_an_unneutralised_row():
    import csv as csvmod
    import io

    import pandas as pd

    df = pd.DataFrame({"event_id": [1], "place": ["Kharkiv"], "title": ["Report\r=cmd|' /C calc'!A0"]})
    rows = list(csvmod.reader(io.StringIO(to_csv(df).decode("utf-8-sig"), newline="")))
    assert len(rows) == 2 and rows[1][2] == "Report\r=cmd|' /C calc'!A0"


# --- #19 smaller items: spreadsheets also read a formula after spaces and in full-width forms
@pytest.mark.parametrize("value", [" =1+1", "  +cmd", "\u00a0@SUM(A1)", "\uff1dHYPERLINK(\"http://x\")", "\uff0b1",
                                   "\uff0d2+3", "\uff20SUM(A1)", " \uff1d1"])
def test_formulas_after_spaces_or_in_full_width_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value
    rows = list(csv.DictReader(io.StringIO(to_csv(pd.DataFrame({"place": [value]})).decode("utf-8-sig"))))
    assert rows[0]["place"] == "'" + value


def test_kml_name_and_extended_data_are_escaped_for_html_balloons():
    df = pd.DataFrame([dict(event_id=1, event_type="strike", place='<img src=x onerror="alert(1)">', lat=50.0,
                            lon=36.0, title="<b>t</b>", url="https://x.example/?a=<script>", evidence="e")])
    root = ET.fromstring(to_kml(df))
    ns = {"k": KML_NS}
    (mark,) = root.findall(".//k:Placemark", ns)
    texts = [mark.find("k:name", ns).text] + [v.text for v in mark.findall(".//k:ExtendedData/k:Data/k:value", ns)]
    assert all("<" not in t and ">" not in t for t in texts), texts  # what Google Earth un-escapes once
    assert "&lt;img" in mark.find("k:name", ns).text
    title = next(d for d in mark.findall(".//k:Data", ns) if d.get("name") == "title")
    assert title.find("k:value", ns).text == "&lt;b&gt;t&lt;/b&gt;"


def test_exports_carry_the_event_key_and_the_confidence():
    """#11: every export says how sure the extractor was; the key is what `correct` takes."""
    df = _frame().assign(event_key=[f"a#{i}" for i in range(len(HOSTILE) + 1)],
                         confidence=[0.8] * len(HOSTILE) + [None])
    rows = list(csv.DictReader(io.StringIO(to_csv(df).decode("utf-8-sig"))))
    assert (rows[0]["event_key"], rows[0]["confidence"], rows[-1]["confidence"]) == ("a#0", "0.8", "")
    feature = json.loads(to_geojson(df))["features"][0]
    assert feature["properties"]["confidence"] == 0.8 and feature["properties"]["event_key"] == "a#0"
