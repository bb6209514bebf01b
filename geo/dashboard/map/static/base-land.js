// Event Atlas map: country polygons in a pane *below* the tiles, visible only where tiles are missing.
window.eventAtlasBaseLand = function (map, geojson) {
  var pane = map.createPane("eventAtlasLand");
  pane.style.zIndex = 150;
  pane.style.pointerEvents = "none";
  L.geoJSON(geojson, {pane: "eventAtlasLand", interactive: false,
    renderer: L.canvas({pane: "eventAtlasLand"}),
    style: function () { return {color: "#9A968C", weight: 0.8, fillColor: "#F7F5F0", fillOpacity: 1}; }
  }).addTo(map);
};
