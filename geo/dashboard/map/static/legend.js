// Event Atlas map: legend control (colour, symbol, label and count per event type; our own HTML only).
window.eventAtlasLegend = function (map, html) {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "event-atlas-legend");
    div.style.cssText = "background:rgba(255,255,255,.9);padding:6px 8px;border-radius:4px;font:12px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    div.innerHTML = html;
    return div;
  };
  legend.addTo(map);
};
