// Event Atlas map: the offline base map, in panes *below* the tiles (tilePane is 200): visible
// where tiles are missing, or alone under the "Outlines only (offline)" base layer.
// Country polygons (land on the water-coloured background, country borders) and place labels by
// zoom, [lat, lon, name, min_zoom] (capitals and big cities first, towns closer in; pre-escaped).
// `land` is the polygons, or the URL of {"land", "places"} (served once, cached by the browser).
window.eventAtlasBaseLand = function (map, land, labels) {
  var pane = map.createPane("eventAtlasLand");
  pane.style.zIndex = 150;
  pane.style.pointerEvents = "none";
  var names = map.createPane("eventAtlasPlaces");
  names.style.zIndex = 160;
  names.style.pointerEvents = "none";
  var shown = L.layerGroup().addTo(map), MAX = 160;
  function draw() {
    shown.clearLayers();
    var z = map.getZoom(), b = map.getBounds(), n = 0, placed = [];
    for (var k = 0; k < labels.length && n < MAX; k++) {  // most important first
      var p = labels[k];
      if (p[3] > z || !b.contains([p[0], p[1]])) continue;
      var at = map.latLngToContainerPoint([p[0], p[1]]), w = 3.5 * p[2].length + 8;
      if (placed.some(function (q) { return Math.abs(q.x - at.x) < q.w + w && Math.abs(q.y - at.y) < 16; })) continue;
      placed.push({x: at.x, y: at.y, w: w});  // no label over a more important one
      n++;
      L.marker([p[0], p[1]], {pane: "eventAtlasPlaces", interactive: false, keyboard: false,
        icon: L.divIcon({className: "event-atlas-place" + (p[3] <= 3 ? " capital" : ""),
          html: "<span>" + p[2] + "</span>", iconSize: [0, 0]})}).addTo(shown);
    }
  }
  function show(geojson) {
    L.geoJSON(geojson, {pane: "eventAtlasLand", interactive: false,
      renderer: L.canvas({pane: "eventAtlasLand"}),
      style: function () { return {color: "#8A857A", weight: 0.8, fillColor: "#F7F5F0", fillOpacity: 1}; }
    }).addTo(map);
    map.on("zoomend moveend", draw);
    draw();
    window.eventAtlasBase = {features: geojson.features.length, places: labels.length};
  }
  labels = labels || [];
  if (typeof land === "string") {
    fetch(land).then(function (r) { return r.json(); }).then(function (data) {
      labels = data.places.map(function (p) {  // escape: names are text
        var d = document.createElement("div"); d.textContent = p[2]; return [p[0], p[1], d.innerHTML, p[3]];
      });
      show(data.land);
    }).catch(function () { /* the base map is a fallback */ });
  } else { show(land); }
};
