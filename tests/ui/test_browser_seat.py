"""Real browser (#17 item 4 and #11): the heatmap toggle draws a heat layer; less certain events,
shown on request, are drawn lighter. Same server and chromium as tests/ui/test_browser.py."""
from __future__ import annotations

import pytest

from tests.ui.test_browser import _open, _until, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

HEAT_LAYERS = """() => {
  let n = 0;
  for (const v of new Set(Object.values(window))) {
    if (v instanceof L.Map) v.eachLayer(l => { if (L.HeatLayer && l instanceof L.HeatLayer) n++; });
  }
  return {plugin: typeof L.heatLayer === "function", layers: n};
}"""

FAINT_MARKERS = """() => {
  let faint = 0, solid = 0;
  for (const v of new Set(Object.values(window))) {
    if (v instanceof L.Map) v.eachLayer(l => {
      if (l instanceof L.CircleMarker && l.options.count === 1) {
        if (l.options.dashArray === "2 2") faint++; else solid++;
      }
    });
  }
  return {faint, solid};
}"""


def test_the_heatmap_toggle_draws_a_heat_layer(server, browser):  # noqa: F811
    page, _, frame = _open(browser, server + "/?heat=1", timeout=240)
    seen = _until(lambda: (lambda s: s if s["layers"] else None)(frame.evaluate(HEAT_LAYERS)), 30, "a heat layer")
    assert seen["plugin"] and seen["layers"] >= 1
    page.close()


def test_less_certain_events_are_drawn_lighter_only_on_request(server, browser):  # noqa: F811
    page, _, frame = _open(browser, server + "/?conf=0.80", timeout=240)
    assert frame.evaluate(FAINT_MARKERS)["faint"] == 0  # hidden, not drawn
    page.close()
    page, _, frame = _open(browser, server + "/?conf=0.80&lc=1")
    seen = _until(lambda: (lambda s: s if s["faint"] else None)(frame.evaluate(FAINT_MARKERS)), 30, "faint markers")
    assert seen["faint"] >= 1
    page.close()
