// Event Atlas: browser-side clustering of the atlas payload into the per-type feature groups
// (geo/dashboard/map/mapping.py, _AtlasLayer and atlas_payload, describe the data).
// Markers go into folium FeatureGroups that exist when streamlit_folium initialises, so its click
// handler (registered on those groups) sees marker clicks: the popup's text, which ends with
// "Event #<id>", comes back as last_object_clicked_popup.
//
// The map is built once per set of filters (the date range aside); what changes without
// reloading it arrives through window.eventAtlas.apply({from, to, trail, sel}) (mapping._ViewCommand,
// sent as st_folium's feature group): the date window (day numbers since 1970-01-01), the
// faded trail of the previous playback steps (days before `from`), and the selected event,
// which is highlighted and centred. Sections: data and cards; the date window; clusters and
// drawing; trail and selection; events in view (the keyboard list); viewport in the URL.
window.eventAtlasLayer = function (map, D, G, HEAT) {
  var E = D.e, N = D.n, ID = new Array(N), acc = 0;
  for (var i = 0; i < N; i++) { acc += E.i[i]; ID[i] = acc; }
  var DN = new Array(N);  // day number of each event (null: no date)
  for (var i = 0; i < N; i++) DN[i] = E.d[i] >= 0 && D.dd ? D.dd[E.d[i]] : null;
  var S = {from: null, to: null, trail: 0, sel: null};  // the view command (see above)
  var byType = [], perLoc = [];
  var fmt = function (n) { return Number(n).toLocaleString("en-US"); };  // 12,345

  // ------------------------------------------------------------------ data and cards
  function card(i) {
    var t = E.t[i], h = '<div style="font:13px/1.4 sans-serif;min-width:180px">';
    h += '<div style="font-weight:600;color:#1F1F1F"><span style="color:' + D.C[t] + '" aria-hidden="true">&#9679;</span> ' +
      D.T[t] + (E.s[i] >= 0 ? ' &middot; ' + D.Sb[E.s[i]] : '') + '</div>';
    h += '<div>' + D.lh[E.l[i]] + '</div>';
    if (E.d[i] >= 0) h += '<div style="color:#595959">' + D.Dy[E.d[i]] + '</div>';
    if (E.c[i] >= 0) h += '<div>' + D.Cl[E.c[i]] + '</div>';
    if (E.q[i] >= 0) h += '<div>' + D.Q[E.q[i]] + '</div>';
    if (D.X) h += D.X[i];
    if (D.f && D.f[i]) h += '<div style="color:#666"><i>Less certain (below the confidence threshold)</i></div>';
    var km = D.lk[E.l[i]];
    if (km !== null) h += '<div style="color:#595959">' + km.toFixed(1) + ' km from the border</div>';
    return h + '<div style="color:#595959;font-size:11px">Event #' + ID[i] + '</div></div>';
  }
  function eventMarker(i, ll, count) {
    var t = E.t[i], c = D.C[t];
    var faint = !!(D.f && D.f[i]);  // less certain (#11): lighter, dashed outline
    var mk = L.circleMarker(ll, {radius: 6, color: c, weight: 1, fill: true, fillColor: c,
      fillOpacity: faint ? 0.15 : (D.la_approx[E.l[i]] ? 0.35 : 0.85), opacity: faint ? 0.5 : 1,
      dashArray: faint ? "2 2" : null, count: count, eventId: ID[i]});
    var el = document.createElement("div");
    mk.on("popupopen", function () { if (!el.innerHTML) el.innerHTML = card(i); });
    mk.on("click", function () {  // selected on the map: highlighted here at once, not moved
      if (!el.innerHTML) el.innerHTML = card(i);
      clicked = S.sel = ID[i]; drawSelection(false);
    });
    mk.bindPopup(el, {maxWidth: 320});
    mk.bindTooltip('<b>' + D.T[t] + '</b> &middot; ' + D.lh[E.l[i]], {sticky: true});
    return mk;
  }
  function indexOf(id) {  // ID is ascending: binary search
    var lo = 0, hi = N - 1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (ID[mid] === id) return mid; if (ID[mid] < id) lo = mid + 1; else hi = mid - 1; }
    return -1;
  }

  // ------------------------------------------------------------------ the date window
  function inWindow(i) {
    if (S.from === null) return true;
    var d = DN[i];
    return d !== null && d >= S.from && d <= S.to;
  }
  function index() {  // events of the window, by type and location
    byType = D.T.map(function () { return new Map(); });
    perLoc = new Array(D.la.length).fill(0);
    var counts = new Array(D.T.length).fill(0);
    for (var i = 0; i < N; i++) {
      if (!inWindow(i)) continue;
      var m = byType[E.t[i]], a = m.get(E.l[i]);
      if (!a) { a = []; m.set(E.l[i], a); }
      a.push(i); perLoc[E.l[i]]++; counts[E.t[i]]++;
    }
    cache = {};
    if (window.eventAtlasLegendCounts) window.eventAtlasLegendCounts(counts);
  }

  // ------------------------------------------------------------------ clusters and drawing
  var R = 56, cache = {}, spider = [], clicked = null;
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
        .setContent(fmt(evs.length - k) + " more here: zoom in or narrow the filters").addTo(layers[t0]);
    }
    spider.forEach(function (s) { s.group.addLayer(s.layer); });
  }
  // The cluster's type mix as a ring (conic gradient, one arc per type) around its count, on a
  // non-interactive divIcon: pointer events reach the circle under it, so its hover tooltip and
  // click still work; digits only (with thousands separators), no article text.
  function countLabel(c, ll) {
    var stops = [], at = 0, size = 2 * Math.min(22, 6 + 2 * Math.log2(c.n)) + 6;
    for (var x = 0; x < c.byT.length; x++) {
      if (!c.byT[x]) continue;
      var to = at + 360 * c.byT[x] / c.n;
      stops.push(D.C[x] + " " + at.toFixed(1) + "deg " + to.toFixed(1) + "deg");
      at = to;
    }
    var ring = '<i class="event-atlas-ring" style="width:' + size + 'px;height:' + size + 'px;background:conic-gradient(' +
      stops.join(",") + ')"></i>';
    return L.marker(ll, {icon: L.divIcon({className: "event-atlas-count", html: ring + "<span>" + fmt(c.n | 0) + "</span>",
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
        if (c.byT[x]) kinds.push(fmt(c.byT[x]) + " " + D.T[x]);
      }
      if (c.n === 1) { G[t].addLayer(eventMarker(byType[t].get(c.locs.values().next().value)[0], ll, 1)); return; }
      var col = D.C[t], mixed = kinds.length > 1;
      var mk = L.circleMarker(ll, {radius: Math.min(22, 6 + 2 * Math.log2(c.n)), color: mixed ? "#333333" : col,
        weight: mixed ? 2 : 1.5, fill: true, fillColor: col, fillOpacity: 0.5, count: c.n});
      var where = c.locs.size === 1 ? D.lh[c.locs.values().next().value] : fmt(c.locs.size) + " places";
      mk.bindTooltip("<b>" + fmt(c.n) + " events</b> &middot; " + where + "<br>" + kinds.join("<br>"));
      mk.on("click", function (ev) {
        L.DomEvent.stop(ev);
        if (c.locs.size > 1 && map.getZoom() < D.zmax) {
          var b = L.latLngBounds(Array.from(c.locs).map(function (l) { return [D.la[l], D.lo[l]]; }));
          map.fitBounds(b.pad(0.2), {maxZoom: D.zmax});
        } else { fanOut(c, ll, vis); }
      });
      G[t].addLayer(mk);
      labels.push({n: c.n, ll: ll, t: t, c: c});
    });
    if (labels.length > D.lbl) labels = labels.sort(function (a, b) { return b.n - a.n; }).slice(0, D.lbl);
    labels.forEach(function (x) { G[x.t].addLayer(countLabel(x.c, x.ll)); });
    list.update();
  }
  var heat = null;
  function drawHeat() {
    if (!HEAT || !L.heatLayer) return;
    var pts = [], mx = 1;
    for (var l = 0; l < perLoc.length; l++) if (perLoc[l]) { pts.push([D.la[l], D.lo[l], perLoc[l]]); mx = Math.max(mx, perLoc[l]); }
    if (heat) HEAT.removeLayer(heat);
    heat = L.heatLayer(pts, {radius: 18, blur: 20, minOpacity: 0.3, max: Math.max(1, mx / 4)});
    HEAT.addLayer(heat);
  }

  // ------------------------------------------------------------------ trail and selection
  // Trail: one faded dot per location with events in the `trail` days before the window, the
  // older the fainter; not interactive and not counted (count 0). Selection: a dark ring.
  var trail = L.layerGroup().addTo(map), mark = L.layerGroup().addTo(map);
  function drawTrail() {
    trail.clearLayers();
    if (S.from === null || !S.trail) return;
    var newest = new Map();
    for (var i = 0; i < N; i++) {
      var d = DN[i];
      if (d === null || d >= S.from || d < S.from - S.trail) continue;
      var l = E.l[i];
      if (!newest.has(l) || newest.get(l).d < d) newest.set(l, {d: d, t: E.t[i]});
    }
    newest.forEach(function (v, l) {
      var age = (S.from - v.d) / S.trail;  // (0, 1]
      L.circleMarker([D.la[l], D.lo[l]], {radius: 5, color: D.C[v.t], weight: 1, opacity: 0.5 * (1 - age) + 0.1,
        fillColor: D.C[v.t], fillOpacity: 0.35 * (1 - age) + 0.05, interactive: false, count: 0,
        className: "event-atlas-trail"}).addTo(trail);
    });
  }
  function drawSelection(recentre) {
    mark.clearLayers();
    var i = S.sel === null ? -1 : indexOf(S.sel);
    if (i < 0) return;
    var ll = L.latLng(D.la[E.l[i]], D.lo[E.l[i]]);
    L.circleMarker(ll, {radius: 13, color: "#111111", weight: 3, fill: false, interactive: false, count: 0,
      className: "event-atlas-selected"}).addTo(mark);
    if (recentre) map.setView(ll, Math.max(map.getZoom(), Math.min(7, D.zmax)));
  }
  function apply(cmd) {
    cmd = cmd || {};
    var from = cmd.from === undefined ? null : cmd.from, to = cmd.to === undefined ? null : cmd.to;
    var sel = cmd.sel === undefined ? null : cmd.sel, windowChanged = from !== S.from || to !== S.to;
    var selChanged = sel !== S.sel;
    S.from = from; S.to = to; S.trail = cmd.trail || 0; S.sel = sel;
    if (windowChanged) { index(); drawHeat(); draw(); }
    drawTrail();
    // A selection made outside the map (table row, card) centres it; one clicked on the map stays put.
    drawSelection(selChanged && sel !== null && sel !== clicked);
  }

  // ------------------------------------------------------------------ events in view (keyboard list)
  // A list of the events in view beside the map's edge: each is a button; it selects the event
  // (as a click on its marker does) and opens its card. Keyboard and screen-reader users reach
  // every event through it; it follows pans, zooms, the type layers and the date window.
  var list = eventAtlasList(map, {
    collect: function (limit) {
      var b = map.getBounds(), vis = visible(), out = [], total = 0;
      byType.forEach(function (m, t) {
        if (!vis[t]) return;
        m.forEach(function (evs, l) {
          if (!b.contains([D.la[l], D.lo[l]])) return;
          total += evs.length;
          evs.forEach(function (i) { out.push(i); });
        });
      });
      out.sort(function (a, c) { return (DN[c] || 0) - (DN[a] || 0) || ID[c] - ID[a]; });
      return {total: total, items: out.slice(0, limit).map(function (i) {
        var tmp = document.createElement("div");
        tmp.innerHTML = D.T[E.t[i]] + ", " + D.lh[E.l[i]] + (E.d[i] >= 0 ? ", " + D.Dy[E.d[i]] : "");
        return {id: ID[i], colour: D.C[E.t[i]], text: tmp.textContent};
      })};
    },
    choose: function (id) {
      var i = indexOf(id);
      if (i < 0) return;
      var ll = L.latLng(D.la[E.l[i]], D.lo[E.l[i]]), mk = eventMarker(i, ll, 0);
      mk.off("click", mk._openPopup, mk);  // its card is the page's; the marker goes on the next draw
      spider.push({group: G[E.t[i]], layer: mk});
      G[E.t[i]].addLayer(mk);
      mk.fire("click", {latlng: ll}, true);  // streamlit_folium reads the popup: the event is selected
      map.panTo(ll);
    },
    fmt: fmt,
  });

  // ------------------------------------------------------------------ viewport in the URL
  // The page's URL (and the share box) keep the map's centre and zoom as "map=lat,lon,zoom"
  // (geo.dashboard.state FIELDS "viewport"), written here so that panning never reruns the script.
  function keepViewport() {
    try {
      var w = window.parent, c = map.getCenter();
      if (!w || w === window) return;
      var value = c.lat.toFixed(4) + "," + L.Util.wrapNum(c.lng, [-180, 180], true).toFixed(4) + "," + map.getZoom();
      var u = new URL(w.location.href);
      if (u.searchParams.get("map") === value) return;
      u.searchParams.set("map", value);
      w.history.replaceState(w.history.state, "", u.toString());
      w.document.querySelectorAll('[data-testid="stCode"] code').forEach(function (code) {
        var text = code.textContent.trim();
        if (text.indexOf(u.origin) !== 0) return;
        var link = new URL(text);
        link.searchParams.set("map", value);
        code.textContent = link.toString();
      });
    } catch (e) { /* another origin: nothing to keep */ }
  }
  map.on("moveend", keepViewport);

  map.on("zoomend moveend overlayadd overlayremove", draw);
  map.on("click", unspider);
  index();
  drawHeat();
  window.eventAtlas = {shown: N, draw: draw, apply: apply, state: S,
    inWindow: function () { var n = 0; for (var i = 0; i < N; i++) if (inWindow(i)) n++; return n; }};
  draw();
  if (window.eventAtlasPending) { apply(window.eventAtlasPending); window.eventAtlasPending = null; }
};

// The view command (mapping._ViewCommand): applied now, or once the layer exists.
window.eventAtlasApply = function (cmd) {
  if (window.eventAtlas && window.eventAtlas.apply) window.eventAtlas.apply(cmd);
  else window.eventAtlasPending = cmd;
};

// The keyboard list of the events in view (see eventAtlasLayer): a control at the map's right
// edge, collapsed to one button until opened, so it never covers markers unasked.
window.eventAtlasList = function (map, src) {
  var LIMIT = 50, ctl = L.control({position: "topright"}), box, summary, ol, open = false;
  ctl.onAdd = function () {
    box = L.DomUtil.create("nav", "event-atlas-list leaflet-bar");
    box.setAttribute("aria-label", "Events in view");
    summary = L.DomUtil.create("button", "event-atlas-list-toggle", box);
    summary.type = "button";
    summary.setAttribute("aria-expanded", "false");
    ol = L.DomUtil.create("ol", "", box);
    ol.hidden = true;
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(summary, "click", function () {
      open = !open; ol.hidden = !open; summary.setAttribute("aria-expanded", String(open)); update();
    });
    return box;
  };
  function update() {
    if (!box) return;
    var got = src.collect(open ? LIMIT : 0);
    summary.textContent = (open ? "▾ " : "▸ ") + "Events in view (" + src.fmt(got.total) + ")";
    if (!open) return;
    ol.innerHTML = "";
    got.items.forEach(function (it) {
      var li = L.DomUtil.create("li", "", ol), b = L.DomUtil.create("button", "", li);
      b.type = "button";
      b.innerHTML = '<span aria-hidden="true" style="color:' + it.colour + '">&#9679;</span> ';
      b.appendChild(document.createTextNode(it.text));
      b.setAttribute("data-event-id", String(it.id));
      L.DomEvent.on(b, "click", function () { src.choose(it.id); });
    });
    if (got.total > got.items.length) {
      var li = L.DomUtil.create("li", "event-atlas-list-more", ol);
      li.textContent = "Newest " + got.items.length + " of " + src.fmt(got.total) + ": zoom in for the rest";
    }
  }
  ctl.addTo(map);
  return {update: update};
};
