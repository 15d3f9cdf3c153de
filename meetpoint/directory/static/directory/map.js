// The map view: one marker per result, read from the list's data attributes (the list stays the source
// of truth, and it is usable without JavaScript). Confidential sites are drawn as an approximate circle.
// The markers are drawn on a plain plan with no network; street-map pictures come from the configured tile
// server (MEETPOINT_MAP_TILES) only after the visitor asks, since that server learns which area they look at.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var map = L.map(element, { scrollWheelZoom: false });
  var loadTiles = document.getElementById("load-tiles");
  if (loadTiles && element.dataset.tiles) {
    loadTiles.hidden = false;
    loadTiles.addEventListener("click", function () {
      var status = document.getElementById("tiles-status");
      var layer = L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution });
      layer.on("tileerror", function () { status.textContent = status.dataset.failed; });
      layer.addTo(map);
      element.classList.remove("schematic");
      loadTiles.hidden = true;
    });
  }
  var bounds = [];
  document.querySelectorAll(".hits li[data-lat]").forEach(function (item) {
    var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
    var link = document.createElement("a");
    link.href = item.dataset.url;
    link.textContent = item.dataset.name;
    var layer;
    if (item.dataset.exact === "1") {
      layer = L.marker(point, { title: item.dataset.name, alt: item.dataset.name });
    } else {
      layer = L.circle(point, { radius: 700, color: "#8a5300" });
      var note = document.createElement("div");
      note.textContent = element.dataset.approximate;
      link = (function (a, n) { var box = document.createElement("div"); box.appendChild(a); box.appendChild(n); return box; })(link, note);
    }
    layer.bindPopup(link).addTo(map);
    bounds.push(point);
  });
  if (element.dataset.hereLat) {
    var here = [parseFloat(element.dataset.hereLat), parseFloat(element.dataset.hereLon)];
    L.circleMarker(here, { radius: 8, color: "#b3261e" }).bindTooltip(element.dataset.hereLabel).addTo(map);
    bounds.push(here);
  }
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  } else {
    map.setView([parseFloat(element.dataset.centerLat), parseFloat(element.dataset.centerLon)], 11);
  }
})();
