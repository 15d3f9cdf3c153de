/* Meetpoint quick entry: +/- counters, per-site defaults, and offline-first recording.
   Each encounter gets a UUID here, waits in IndexedDB and is sent to the sync API; the server stores each UUID
   once, so resending after a lost answer is always safe. */
(function () {
  "use strict";
  var form = document.getElementById("encounter-form");
  if (!form) return;

  var DB_NAME = "meetpoint-outreach";
  var QUEUE = "queue";
  var REJECTED = "rejected";
  var PAGE_CACHE = "meetpoint-outreach-pages";
  var LOCAL_DEFAULTS = "meetpoint.outreach.defaults";
  var BATCH = 100;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var syncing = false;
  var retryDelay = 5000;
  var retryTimer = null;

  /* ---------- counters ---------- */
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.step");
    if (!button) return;
    var input = document.getElementById(button.dataset.target);
    var value = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
    input.value = Math.max(0, value);
  });

  /* ---------- defaults remembered per site ---------- */
  function defaults() {
    var fromServer = {};
    try { fromServer = JSON.parse(form.dataset.defaults || "{}"); } catch (e) { fromServer = {}; }
    var local = {};
    try { local = JSON.parse(localStorage.getItem(LOCAL_DEFAULTS) || "{}"); } catch (e) { local = {}; }
    var sites = Object.assign({}, fromServer, local.items || {});
    return { site: local.site, items: sites };
  }
  function rememberDefaults(record) {
    var current = defaults();
    var items = current.items;
    var quantities = {};
    record.supplies.forEach(function (line) { quantities[line.item] = line.quantity; });
    items[record.site || ""] = quantities;
    try { localStorage.setItem(LOCAL_DEFAULTS, JSON.stringify({ site: record.site, items: items })); } catch (e) { /* private mode */ }
  }
  function applyDefaults(siteId) {
    var quantities = defaults().items[siteId || ""] || {};
    form.querySelectorAll("input[name^='item_']").forEach(function (input) {
      input.value = quantities[input.name.slice(5)] || 0;
    });
  }
  var siteSelect = form.querySelector("select[name=site]");
  siteSelect.addEventListener("change", function () { applyDefaults(siteSelect.value); });
  var remembered = defaults().site;
  if (remembered !== undefined && remembered !== null && siteSelect.querySelector("option[value='" + remembered + "']")) {
    if (siteSelect.value !== remembered) { siteSelect.value = remembered; applyDefaults(remembered); }
  }

  /* ---------- IndexedDB queue ---------- */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(QUEUE, { keyPath: "client_uuid" });
        request.result.createObjectStore(REJECTED, { keyPath: "client_uuid" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var request = work(transaction.objectStore(name));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }
  function all(name) { return withStore(name, "readonly", function (store) { return store.getAll(); }); }
  function put(name, entry) { return withStore(name, "readwrite", function (store) { return store.put(entry); }); }
  function remove(name, key) { return withStore(name, "readwrite", function (store) { return store.delete(key); }); }

  /* ---------- building a record ---------- */
  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function count(value) {
    var number = parseInt(value || "0", 10);
    return isNaN(number) ? -1 : number;
  }
  function recordFromForm() {
    var data = new FormData(form);
    var when = data.get("occurred_at");
    var record = {
      client_uuid: newUuid(),
      occurred_at: when ? new Date(when).toISOString() : new Date().toISOString(),
      site: data.get("site") || null,
      setting: data.get("setting") || null,
      stop_name: data.get("stop_name") || "",
      participant_code: data.get("participant_code") || "",
      code_answers: null,
      supplies: [],
      syringes_collected: count(data.get("syringes_collected")),
      collected_method: data.get("collected_method") || "",
      collected_measure: data.get("collected_measure") ? parseFloat(data.get("collected_measure")) : null,
      secondary_for_people: count(data.get("secondary_for_people")),
      naloxone_kit_status: data.get("naloxone_kit_status") || "",
      refill_reason: data.get("refill_reason") || "",
      wound_care: data.has("wound_care"),
      overdose_education: data.has("overdose_education"),
      vaccination: data.get("vaccination") || "",
      referrals_made: count(data.get("referrals_made")),
      reversals_reported: count(data.get("reversals_reported"))
    };
    ["hiv", "hcv", "sti"].forEach(function (test) {
      record[test + "_test"] = data.get(test + "_test") || "";
      record[test + "_linked"] = data.has(test + "_linked");
    });
    var answers = {};
    data.forEach(function (value, key) {
      if (key.indexOf("answer_") === 0 && String(value).trim()) answers[key.slice(7)] = String(value).trim();
      if (key.indexOf("item_") === 0 && value !== "" && value !== "0") {
        record.supplies.push({ item: key.slice(5), quantity: count(value) });
      }
    });
    if (Object.keys(answers).length) record.code_answers = answers;
    return record;
  }
  function describe(record) {
    var site = siteSelect.querySelector("option[value='" + (record.site || "") + "']");
    var time = new Date(record.occurred_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    var items = record.supplies.map(function (line) { return line.quantity + " " + line.item; }).join(", ");
    return time + " · " + (site ? site.textContent.trim() : "") + (items ? " · " + items : "");
  }
  function resetForm(record) {
    ["participant_code", "occurred_at", "collected_measure", "stop_name"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = "";
    });
    form.querySelectorAll("input[name^='answer_']").forEach(function (input) { input.value = ""; });
    form.querySelectorAll("input[type=checkbox]").forEach(function (input) { input.checked = false; });
    form.querySelectorAll("select:not([name=site])").forEach(function (select) { select.selectedIndex = 0; });
    ["syringes_collected", "referrals_made", "reversals_reported", "secondary_for_people"].forEach(function (name) {
      form.elements[name].value = 0;
    });
    applyDefaults(record.site);
    form.elements.participant_code.focus();
  }

  /* ---------- showing the queue ---------- */
  var section = document.getElementById("sync-status");
  var message = document.getElementById("sync-message");
  function listInto(element, entries, withReason) {
    element.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.textContent = entry.label + (withReason ? " — " + entry.reason : "");
      if (withReason) {
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "link";
        discard.textContent = " ✕";
        discard.setAttribute("aria-label", "Discard");
        discard.addEventListener("click", function () { remove(REJECTED, entry.client_uuid).then(render); });
        item.appendChild(discard);
      }
      element.appendChild(item);
    });
  }
  function render() {
    return Promise.all([all(QUEUE), all(REJECTED)]).then(function (stores) {
      var waiting = stores[0].sort(function (a, b) { return a.queued_at - b.queued_at; });
      var rejected = stores[1];
      document.getElementById("waiting-count").textContent = String(waiting.length);
      listInto(document.getElementById("waiting-list"), waiting, false);
      listInto(document.getElementById("rejected-list"), rejected, true);
      document.getElementById("rejected").hidden = rejected.length === 0;
      section.hidden = waiting.length === 0 && rejected.length === 0;
      section.dataset.waiting = String(waiting.length);
    });
  }
  function showConnection() {
    var badge = document.getElementById("connection");
    badge.hidden = false;
    badge.textContent = navigator.onLine ? form.dataset.onlineText : form.dataset.offlineText;
    badge.className = "badge " + (navigator.onLine ? "online" : "offline");
  }

  /* ---------- syncing ---------- */
  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(sync, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 120000);
  }
  function sync() {
    if (syncing) return Promise.resolve();
    return all(QUEUE).then(function (waiting) {
      if (!waiting.length) return render();
      syncing = true;
      var batch = waiting.sort(function (a, b) { return a.queued_at - b.queued_at; }).slice(0, BATCH);
      return fetch(form.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify({ encounters: batch.map(function (entry) { return entry.record; }) })
      }).then(function (response) {
        if (response.status === 401 || response.status === 403) {
          throw new Error("Sign in again to send the waiting encounters.");
        }
        if (!response.ok) throw new Error("The server answered " + response.status + ".");
        return response.json();
      }).then(function (answer) {
        var steps = answer.results.map(function (result) {
          var entry = batch[result.index];
          if (!entry) return Promise.resolve();
          if (result.status === "stored" || result.status === "already_stored") return remove(QUEUE, entry.client_uuid);
          entry.reason = result.reason;
          return put(REJECTED, entry).then(function () { return remove(QUEUE, entry.client_uuid); });
        });
        return Promise.all(steps).then(function () {
          retryDelay = 5000;
          message.textContent = "";
          syncing = false;
          if (waiting.length > BATCH) return sync();
        });
      }).catch(function (error) {
        message.textContent = navigator.onLine ? String(error.message || error) : "";
        scheduleRetry();
      }).then(function () {
        syncing = false;
        return render();
      });
    });
  }

  form.addEventListener("submit", function (event) {
    if (!window.indexedDB || !window.Promise) return; // old browser: the plain form post still works
    event.preventDefault();
    var record = recordFromForm();
    var entry = { client_uuid: record.client_uuid, record: record, queued_at: Date.now(), label: describe(record) };
    put(QUEUE, entry).then(function () {
      rememberDefaults(record);
      document.getElementById("form-message").textContent = form.dataset.savedText;
      resetForm(record);
      return render();
    }).then(function () {
      if (navigator.onLine) return sync();
    }).catch(function () {
      form.submit(); // IndexedDB unavailable (private mode): fall back to the plain post
    });
  });
  document.getElementById("sync-now").addEventListener("click", function () { retryDelay = 5000; sync(); });
  window.addEventListener("online", function () { showConnection(); retryDelay = 5000; sync(); });
  window.addEventListener("offline", showConnection);

  /* ---------- offline page ---------- */
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(form.dataset.swUrl, { scope: form.dataset.swScope })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return caches.open(PAGE_CACHE); })
      .then(function (cache) { return cache.add(form.dataset.swScope); })
      .then(function () {
        document.body.dataset.offlineReady = "yes";
        var note = document.getElementById("form-message");
        if (!note.textContent) note.textContent = form.dataset.readyText;
      })
      .catch(function () { /* no offline page: recording still queues while this page stays open */ });
  }
  showConnection();
  render().then(function () { if (navigator.onLine) sync(); });
  setInterval(function () { if (navigator.onLine) sync(); }, 60000);
})();
