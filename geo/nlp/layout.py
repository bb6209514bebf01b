"""How a report is laid out: sentences cut at line breaks, headlines and datelines."""
from __future__ import annotations

import re

from .toponym import Toponym

_MONTH_ABBR = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)


def _sentences(doc) -> list:
    """spaCy's sentences, cut again at line breaks: a headline, a photo caption, a byline or a
    dateline stands alone instead of lending its places to the next sentence."""
    out = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n" in tok.text and tok.i + 1 < sent.end:
                if any(not t.is_space for t in doc[start: tok.i + 1]):
                    out.append(doc[start: tok.i + 1])
                start = tok.i + 1
        if any(not t.is_space for t in doc[start: sent.end]):
            out.append(doc[start: sent.end])
    return out


def _dateline(doc, top: Toponym) -> bool:
    """'TBILISI, June 3 (Reuters) -', 'MINSK (AP) -', 'LIPETSK, May 3. /TASS/.': the place a
    report was filed from, at the start of a line."""
    i = top.token_start
    if i > 0 and not (doc[i - 1].is_space and "\n" in doc[i - 1].text) and not doc[i - 1].text.endswith("\n"):
        return False
    name = doc[i: top.token_end].text
    nxt = [t for t in doc[top.token_end: top.token_end + 6] if not t.is_space]
    if not nxt:
        return False
    if name.isupper() and len(name) > 2 and nxt[0].text in (",", "(", "-", "–", "—", ":", "/"):
        return True
    if nxt[0].text == "(" and len(nxt) >= 3 and nxt[1].text[:1].isupper() and nxt[2].text == ")":
        return True  # "Tbilisi (Reuters) -"
    # "Tbilisi, June 3 (Reuters) -": a comma, a date and an agency in brackets or a dash.
    return (nxt[0].text == "," and len(nxt) >= 4 and _MONTH_ABBR.match(nxt[1].text) is not None
            and nxt[2].like_num and any(t.text in ("(", "-", "–", "—", "/") for t in nxt[3:]))


def _is_heading(sent, text: str) -> bool:
    """In a headline or crosshead: a short line without a full stop ("Strike on Uman"), or the
    article's first short line whatever its punctuation. `text`: the doc's text."""
    start = text.rfind("\n", 0, sent.start_char) + 1
    end = text.find("\n", sent.start_char)
    line = text[start: end if end >= 0 else len(text)].strip()
    if not line or len(line.split()) > 20:
        return False
    return not text[:start].strip() or not line.endswith((".", "!", "?", ".”", '."', "”", '"', ":"))
