"""The selected event's card: the evidence marked in its article, every text escaped."""
from __future__ import annotations

from geo.dashboard import cards
from geo.model import Article


def test_event_card_marks_the_evidence_and_escapes_article_text():
    text = "Intro <script>alert(1)</script>. A drone hit <b>Kharkiv</b>. More {{ 7*7 }}."
    start = text.index("A drone")
    ev = {"event_type": "strike", "place": "<img src=x onerror=alert(1)>", "evidence_start": start,
          "evidence_end": text.index("More") - 1, "evidence": "A drone hit <b>Kharkiv</b>."}
    card = cards.event_card_html(ev, Article(id="a", text=text, title="<i>t</i>"))
    assert "<script>" not in card and "<img" not in card and "<b>Kharkiv" not in card and "<i>t" not in card
    assert "<mark>A drone hit &lt;b&gt;Kharkiv&lt;/b&gt;.</mark>" in card
    assert cards.highlight_spans("abc", 5, 9) == ("abc", "", "")
