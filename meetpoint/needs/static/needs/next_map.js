// The "where to go next" map: a numbered circle at each area's interior point, darker for a higher score.
// It reads the ranked list's data attributes, so the list stays the source of truth without JavaScript.
(function () {
  "use strict";
  var element = document.getElementById("needs-map");
  if (!element || typeof L === "undefined") return;
  var items = document.querySelectorAll("ol.ranked li[data-lat]");
  if (!items.length) { element.hidden = true; return; }
  element.hidden = false;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: "&copy; OpenStreetMap contributors" }).addTo(map);
  var bounds = [];
  items.forEach(function (item) {
    var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
    var score = parseFloat(item.dataset.score);
    var marker = L.circleMarker(point, {
      radius: 10 + 14 * score, color: "#b3261e", weight: 2, fillOpacity: 0.15 + 0.6 * score
    });
    // The area's name is data someone imported: passed to Leaflet as a text node, never parsed as HTML.
    var label = document.createElement("span");
    label.textContent = item.dataset.rank + ". " + item.dataset.name;
    marker.bindTooltip(label, { permanent: item.dataset.rank <= 3 });
    marker.addTo(map);
    bounds.push(point);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
