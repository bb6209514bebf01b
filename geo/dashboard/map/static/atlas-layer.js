// Event Atlas: browser-side clustering of the atlas payload into the per-type feature groups
// (geo/dashboard/map/mapping.py, _AtlasLayer and atlas_payload, describe the data).
// Markers go into folium FeatureGroups that exist when streamlit_folium initialises, so its click
// handler (registered on those groups) sees marker clicks: the popup's text, which ends with
// "Event #<id>", comes back as last_object_clicked_popup.
window.eventAtlasLayer = function (map, D, G, HEAT) {
  var E = D.e, N = D.n, ID = new Array(N), acc = 0;
  for (var i = 0; i < N; i++) { acc += E.i[i]; ID[i] = acc; }
  var byType = D.T.map(function () { return new Map(); });
  var perLoc = new Array(D.la.length).fill(0);
  for (var i = 0; i < N; i++) {
    var m = byType[E.t[i]], a = m.get(E.l[i]);
    if (!a) { a = []; m.set(E.l[i], a); }
    a.push(i); perLoc[E.l[i]]++;
  }
  function card(i) {
    var t = E.t[i], h = '<div style="font:13px/1.4 sans-serif;min-width:180px">';
    h += '<div style="font-weight:600;color:' + D.C[t] + '">' + D.T[t] + (E.s[i] >= 0 ? ' &middot; ' + D.Sb[E.s[i]] : '') + '</div>';
    h += '<div>' + D.lh[E.l[i]] + '</div>';
    if (E.d[i] >= 0) h += '<div style="color:#666">' + D.Dy[E.d[i]] + '</div>';
    if (E.c[i] >= 0) h += '<div>' + D.Cl[E.c[i]] + '</div>';
    if (E.q[i] >= 0) h += '<div>' + D.Q[E.q[i]] + '</div>';
    if (D.X) h += D.X[i];
    if (D.f && D.f[i]) h += '<div style="color:#666"><i>Less certain (below the confidence threshold)</i></div>';
    var km = D.lk[E.l[i]];
    if (km !== null) h += '<div style="color:#666">' + km.toFixed(1) + ' km from the border</div>';
    return h + '<div style="color:#888;font-size:11px">Event #' + ID[i] + '</div></div>';
  }
  function eventMarker(i, ll, count) {
    var t = E.t[i], c = D.C[t];
    var faint = !!(D.f && D.f[i]);  // less certain (#11): lighter, dashed outline
    var mk = L.circleMarker(ll, {radius: 6, color: c, weight: 1, fill: true, fillColor: c,
      fillOpacity: faint ? 0.15 : (D.la_approx[E.l[i]] ? 0.35 : 0.85), opacity: faint ? 0.5 : 1,
      dashArray: faint ? "2 2" : null, count: count, eventId: ID[i]});
    var el = document.createElement("div");
    mk.on("popupopen", function () { if (!el.innerHTML) el.innerHTML = card(i); });
    mk.on("click", function () { if (!el.innerHTML) el.innerHTML = card(i); });
    mk.bindPopup(el, {maxWidth: 320});
    mk.bindTooltip('<b>' + D.T[t] + '</b> &middot; ' + D.lh[E.l[i]], {sticky: true});
    return mk;
  }
  var R = 56, cache = {}, spider = [];
  function visible() { return G.map(function (g) { return !!g && map.hasLayer(g); }); }
  // One cluster per grid cell over every visible type (below zmax), per location at zmax.
  function clusters(z, vis) {
    var key = z + "|" + vis.join(",");
    if (cache[key]) return cache[key];
    var cells = new Map();
    byType.forEach(function (m, t) {
      if (!vis[t]) return;
      m.forEach(function (evs, l) {
        var k = l;
        if (z < D.zmax) {
          var p = map.project([D.la[l], D.lo[l]], z);
          k = Math.floor(p.x / R) + ":" + Math.floor(p.y / R);
        }
        var c = cells.get(k);
        if (!c) { c = {locs: new Set(), n: 0, la: 0, lo: 0, byT: new Array(D.T.length).fill(0)}; cells.set(k, c); }
        c.locs.add(l); c.n += evs.length; c.byT[t] += evs.length;
        c.la += D.la[l] * evs.length; c.lo += D.lo[l] * evs.length;
      });
    });
    cache[key] = Array.from(cells.values());
    return cache[key];
  }
  function members(c, vis) {
    var evs = [];
    c.locs.forEach(function (l) {
      byType.forEach(function (m, t) { if (vis[t] && m.get(l)) evs = evs.concat(m.get(l)); });
    });
    return evs;
  }
  function unspider() {
    spider.forEach(function (s) { s.group.removeLayer(s.layer); });
    spider = [];
  }
  function fanOut(c, center, vis) {
    unspider();
    var evs = members(c, vis), k = Math.min(evs.length, D.spider), p0 = map.latLngToLayerPoint(center);
    var layers = {};
    for (var j = 0; j < k; j++) {
      var t = E.t[evs[j]], ang = j * 2.4, r = 18 + 11 * Math.sqrt(j);
      var ll = map.layerPointToLatLng(L.point(p0.x + r * Math.cos(ang), p0.y + r * Math.sin(ang)));
      if (!layers[t]) { layers[t] = L.featureGroup(); spider.push({group: G[t], layer: layers[t]}); }
      L.polyline([center, ll], {color: D.C[t], weight: 1, opacity: 0.6, interactive: false}).addTo(layers[t]);
      eventMarker(evs[j], ll, 0).addTo(layers[t]);
    }
    if (evs.length > k) {
      var t0 = E.t[evs[0]];
      L.tooltip({permanent: true, direction: "top"}).setLatLng(center)
        .setContent((evs.length - k) + " more here: zoom in or narrow the filters").addTo(layers[t0]);
    }
    spider.forEach(function (s) { s.group.addLayer(s.layer); });
  }
  // Count on the cluster itself: a non-interactive divIcon (pointer events reach the circle
  // under it, so its hover tooltip and click still work); digits only, no article text.
  function countLabel(n, ll) {
    return L.marker(ll, {icon: L.divIcon({className: "event-atlas-count", html: "<span>" + (n | 0) + "</span>",
      iconSize: [0, 0]}), interactive: false, keyboard: false});
  }
  function draw() {
    unspider();
    var vis = visible(), z = map.getZoom(), view = map.getBounds().pad(0.3), labels = [];
    G.forEach(function (g) { if (g) g.clearLayers(); });
    clusters(Math.min(z, D.zmax), vis).forEach(function (c) {
      var ll = L.latLng(c.la / c.n, c.lo / c.n);
      if (!view.contains(ll)) return;
      var t = 0, kinds = [];
      for (var x = 0; x < c.byT.length; x++) {
        if (c.byT[x] > c.byT[t]) t = x;
        if (c.byT[x]) kinds.push(c.byT[x] + " " + D.T[x]);
      }
      if (c.n === 1) { G[t].addLayer(eventMarker(byType[t].get(c.locs.values().next().value)[0], ll, 1)); return; }
      var col = D.C[t], mixed = kinds.length > 1;
      var mk = L.circleMarker(ll, {radius: Math.min(22, 6 + 2 * Math.log2(c.n)), color: mixed ? "#333333" : col,
        weight: mixed ? 2 : 1.5, fill: true, fillColor: col, fillOpacity: 0.5, count: c.n});
      var where = c.locs.size === 1 ? D.lh[c.locs.values().next().value] : c.locs.size + " places";
      mk.bindTooltip("<b>" + c.n + " events</b> &middot; " + where + "<br>" + kinds.join("<br>"));
      mk.on("click", function (ev) {
        L.DomEvent.stop(ev);
        if (c.locs.size > 1 && map.getZoom() < D.zmax) {
          var b = L.latLngBounds(Array.from(c.locs).map(function (l) { return [D.la[l], D.lo[l]]; }));
          map.fitBounds(b.pad(0.2), {maxZoom: D.zmax});
        } else { fanOut(c, ll, vis); }
      });
      G[t].addLayer(mk);
      labels.push({n: c.n, ll: ll, t: t});
    });
    if (labels.length > D.lbl) labels = labels.sort(function (a, b) { return b.n - a.n; }).slice(0, D.lbl);
    labels.forEach(function (x) { G[x.t].addLayer(countLabel(x.n, x.ll)); });
  }
  map.on("zoomend moveend overlayadd overlayremove", draw);
  map.on("click", unspider);
  if (HEAT && L.heatLayer) {
    var pts = [], mx = 1;
    for (var l = 0; l < perLoc.length; l++) if (perLoc[l]) { pts.push([D.la[l], D.lo[l], perLoc[l]]); mx = Math.max(mx, perLoc[l]); }
    HEAT.addLayer(L.heatLayer(pts, {radius: 18, blur: 20, minOpacity: 0.3, max: Math.max(1, mx / 4)}));
  }
  window.eventAtlas = {shown: N, draw: draw};
  draw();
};
