// The page layout's small progressive steps; every page works without them.
// 1. On a wide screen the menu is simply open (on a phone it is a button: a <details> that needs no script).
// 2. A shared phone keeps nothing of the last worker's: at sign-out (and on any page seen signed out) the saved
//    outreach page (organization, recent lines) and remembered site are removed; waiting records stay sealed
//    (outreach/entry.js) for the same worker's next sign-in.
// 3. Labels each table cell with its column heading, so that on a phone a wide table can be shown as stacked cards
// (meetpoint.css, table.cards). Without this script the table stays a table that scrolls within itself.
(function () {
  "use strict";
  function forgetTheWorker() {
    try { localStorage.removeItem("meetpoint.outreach.site"); } catch (e) { /* private mode */ }
    return window.caches ? caches.delete("meetpoint-outreach-pages").catch(function () {}) : Promise.resolve();
  }
  if (document.body.dataset.signedIn === "no") forgetTheWorker();
  document.querySelectorAll("form[data-sign-out]").forEach(function (signOut) {
    signOut.addEventListener("submit", function (event) {
      event.preventDefault();
      forgetTheWorker().then(function () { signOut.submit(); });
    });
  });
  var menu = document.getElementById("menu");
  if (menu && window.matchMedia("(min-width: 60rem)").matches) menu.open = true;
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.classList.contains("keep-table")) return;
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!headings.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        var label = headings[column];
        if (label && cell.tagName === "TD" && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("cards");
  });
})();
