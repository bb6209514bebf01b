"""Article formats and bad input: every problem names its file (and line); the rest still load."""
from __future__ import annotations

import json
from datetime import date

import pytest

from geo.errors import ArticleError, EventAtlasError
from geo.formats.articles import load_articles


def test_bundled_articles_load():
    res = load_articles(["data/articles"])
    assert res.problems == []
    ids = {a.id for a in res.articles}
    assert "seed-kharkiv-2024-05-14" in ids and len(ids) == 17
    seed = next(a for a in res.articles if a.id == "seed-kharkiv-2024-05-14")
    assert seed.published == date(2024, 5, 14) and seed.source == "dpa"


def test_txt_without_sidecar_takes_date_from_name_and_title_from_first_line(tmp_path):
    f = tmp_path / "report-2024-06-01.txt"
    f.write_text("Headline here\n\nDrones hit Kharkiv on Friday.", encoding="utf-8")
    (a,) = load_articles([f]).articles
    assert (a.id, a.published, a.title) == ("report-2024-06-01", date(2024, 6, 1), "Headline here")


def test_jsonl_bad_lines_reported_with_line_numbers_and_others_kept(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "ok1", "published": "2024-05-01", "text": "Text one.", "extra": 1}),
        "{not json",
        json.dumps({"id": "nodate", "published": "yesterday", "text": "x"}),
        json.dumps({"id": "notext", "published": "2024-05-01"}),
        json.dumps({"id": "ok2", "text": "Text two."}),
    ]), encoding="utf-8")
    res = load_articles([f])
    assert [a.id for a in res.articles] == ["ok1", "ok2"]
    assert len(res.problems) == 3
    assert f"{f}:2: malformed JSON" in res.problems[0]
    assert "'yesterday'" in res.problems[1] and f"{f}:3" in res.problems[1]
    assert "missing or empty 'text'" in res.problems[2]


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ("list.json", b"[1, 2", "malformed JSON"),
    ("table.csv", b"a,b\n1,2\n", "unsupported file type"),
])
def test_unreadable_file_is_reported_by_name_and_others_still_load(tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good-2024-05-14.txt"
    good.write_text("Explosions were heard in Belgorod.", encoding="utf-8")
    res = load_articles([bad, good])
    assert [a.id for a in res.articles] == ["good-2024-05-14"]
    assert len(res.problems) == 1 and str(bad) in res.problems[0] and reason in res.problems[0]


def test_invalid_utf8_is_decoded_with_replacement(tmp_path):
    f = tmp_path / "latin1-2024-05-14.txt"
    f.write_bytes("Kharkiv caf\xe9 struck.".encode("latin-1"))
    (a,) = load_articles([f]).articles
    assert "\ufffd" in a.text


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    res = load_articles([tmp_path / "nope.jsonl"])
    assert res.articles == [] and "no such file" in res.problems[0]


def test_article_error_is_a_value_error():
    assert issubclass(ArticleError, ValueError) and issubclass(ArticleError, EventAtlasError)


@pytest.mark.parametrize("sep", ["\u0085", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"])
def test_jsonl_article_whose_text_holds_a_unicode_line_separator_loads_whole(tmp_path, sep):
    # JSON allows these unescaped inside strings (ensure_ascii=False writes them raw); splitting the
    # file with str.splitlines would cut the article in two and drop both halves as malformed.
    text = f"Drones hit Kharkiv.{sep}Two people were injured."
    f = tmp_path / "a.jsonl"
    f.write_text("\r\n".join([
        json.dumps({"id": "a1", "published": "2024-05-01", "text": text}, ensure_ascii=False),
        json.dumps({"id": "a2", "published": "2024-05-02", "text": "Second."}, ensure_ascii=False),
    ]), encoding="utf-8")
    res = load_articles([f])
    assert res.problems == []
    assert [(a.id, a.text) for a in res.articles] == [("a1", text), ("a2", "Second.")]
