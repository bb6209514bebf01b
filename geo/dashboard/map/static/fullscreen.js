// Event Atlas map: a fullscreen button (Fullscreen API on the map's container; no plugin needed).
window.eventAtlasFullscreen = function (map) {
  var ctl = L.control({position: "topleft"});
  ctl.onAdd = function () {
    var bar = L.DomUtil.create("div", "leaflet-bar leaflet-control");
    var a = L.DomUtil.create("a", "event-atlas-fullscreen", bar);
    a.href = "#"; a.title = "Fullscreen"; a.setAttribute("role", "button");
    a.innerHTML = '<svg width="14" height="14" viewBox="0 0 14 14" style="margin-top:8px" fill="none" stroke="#333" stroke-width="2">' +
      '<path d="M1 5V1h4M9 1h4v4M13 9v4H9M5 13H1V9"/></svg>';
    L.DomEvent.on(a, "click", function (e) {
      L.DomEvent.stop(e);
      var c = map.getContainer();
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (c.requestFullscreen) { c.requestFullscreen(); }
    });
    return bar;
  };
  ctl.addTo(map);
  document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
};
