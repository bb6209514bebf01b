// Event Atlas map: legend control (colour, symbol, label and count per event type; our own HTML only).
// It folds to one button (so it never has to cover markers), and its counts follow the date
// window the atlas layer applies (eventAtlasLegendCounts, called from atlas-layer.js).
window.eventAtlasLegend = function (map, html) {
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "event-atlas-legend");
    var button = L.DomUtil.create("button", "event-atlas-legend-toggle", div);
    button.type = "button";
    button.textContent = "Legend";
    button.setAttribute("aria-expanded", "true");
    var rows = L.DomUtil.create("div", "event-atlas-legend-rows", div);
    rows.innerHTML = html;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.on(button, "click", function () {
      rows.hidden = !rows.hidden;
      button.setAttribute("aria-expanded", String(!rows.hidden));
    });
    return div;
  };
  legend.addTo(map);
};

window.eventAtlasLegendCounts = function (counts) {
  document.querySelectorAll(".event-atlas-legend [data-t]").forEach(function (row) {
    var n = counts[Number(row.getAttribute("data-t"))] || 0, span = row.querySelector(".n");
    if (span) span.textContent = "(" + n.toLocaleString("en-US") + ")";
    row.classList.toggle("event-atlas-legend-none", !n);
  });
};
