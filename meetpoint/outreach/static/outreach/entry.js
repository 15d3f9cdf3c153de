/* Meetpoint quick entry: +/- counters from 0, one naloxone control, and offline-first recording.
   Each encounter is checked here against the rules the server sends with the page (outreach/rules.py, the same
   values the server applies), gets a UUID, waits in IndexedDB and is sent to the sync API; the server stores each
   UUID once, so resending after a lost answer is always safe. A record the server refuses stays on the phone and
   can be opened, corrected and sent again. */
(function () {
  "use strict";
  var form = document.getElementById("encounter-form");
  if (!form) return;

  var DB_NAME = "meetpoint-outreach";
  var QUEUE = "queue";
  var REJECTED = "rejected";
  var PAGE_CACHE = "meetpoint-outreach-pages";
  var LOCAL_SITE = "meetpoint.outreach.site";
  var BATCH = 100;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var syncing = false;
  var retryDelay = 5000;
  var retryTimer = null;
  var rules = {};
  try { rules = JSON.parse(form.dataset.rules || "{}"); } catch (e) { rules = {}; }
  rules.items = rules.items || {}; rules.counts = rules.counts || {}; rules.messages = rules.messages || {};
  var correcting = null; // the client_uuid of a record opened for correction

  /* ---------- counters ---------- */
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.step");
    if (!button) return;
    var input = document.getElementById(button.dataset.target);
    var value = (parseInt(input.value, 10) || 0) + parseInt(button.dataset.step, 10);
    input.value = Math.max(0, value);
    naloxoneFollowsCount();
  });

  /* ---------- one naloxone control: the kit count decides "no naloxone"; more than 0 starts as a first kit ---------- */
  var naloxone = document.getElementById("naloxone-control");
  function kitStatus() {
    var checked = form.querySelector("input[name=naloxone_kit_status]:checked");
    return checked ? checked.value : "";
  }
  function setRadio(name, value) {
    form.querySelectorAll("input[name=" + name + "]").forEach(function (radio) { radio.checked = radio.value === value; });
  }
  function naloxoneFollowsCount() {
    if (!naloxone) return;
    var kits = parseInt(document.getElementById(naloxone.dataset.item).value, 10) || 0;
    if (kits > 0 && !kitStatus()) setRadio("naloxone_kit_status", "first");
    if (kits === 0) { setRadio("naloxone_kit_status", ""); setRadio("refill_reason", ""); }
  }
  if (naloxone) {
    document.getElementById(naloxone.dataset.item).addEventListener("input", naloxoneFollowsCount);
    naloxone.addEventListener("change", function (event) {
      if (event.target.name === "naloxone_kit_status" && event.target.value !== rules.refill) setRadio("refill_reason", "");
    });
  }

  /* ---------- the site is remembered; every count starts at 0 ---------- */
  var siteSelect = form.querySelector("select[name=site]");
  var rememberedSite = null;
  try { rememberedSite = localStorage.getItem(LOCAL_SITE); } catch (e) { rememberedSite = null; }
  if (rememberedSite !== null && siteSelect.querySelector("option[value='" + rememberedSite + "']")) siteSelect.value = rememberedSite;
  function rememberSite(record) {
    try { localStorage.setItem(LOCAL_SITE, record.site || ""); } catch (e) { /* private mode */ }
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
  /* Records rest sealed (AES-GCM) with a key the server gives only to the signed-in worker, in this page alone:
     after sign-out the key is gone from the phone, so what waits there cannot be read; the same worker's next
     sign-in brings the key back and the records are sent. Another worker's records stay sealed and unseen. */
  var keyId = form.dataset.queueKeyId || "";
  var sealing = (function () {
    if (!(window.crypto && crypto.subtle && form.dataset.queueKey)) return Promise.resolve(null);
    var raw = Uint8Array.from(atob(form.dataset.queueKey), function (c) { return c.charCodeAt(0); });
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]).catch(function () { return null; });
  })();
  function seal(entry) {
    return sealing.then(function (key) {
      if (!key) return Object.assign({ owner: keyId }, entry); // no Web Crypto (plain http): kept as is
      var iv = crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(entry));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, plain).then(function (data) {
        return { client_uuid: entry.client_uuid, queued_at: entry.queued_at, owner: keyId, iv: iv, sealed: new Uint8Array(data) };
      });
    });
  }
  function unseal(stored) {
    if (stored.owner !== undefined && stored.owner !== keyId) return Promise.resolve(null); // another worker's
    if (!stored.sealed) return Promise.resolve(stored);
    return sealing.then(function (key) {
      if (!key) return null;
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: stored.iv }, key, stored.sealed)
        .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); })
        .catch(function () { return null; });
    });
  }
  function all(name) {
    return withStore(name, "readonly", function (store) { return store.getAll(); }).then(function (stored) {
      return Promise.all(stored.map(unseal));
    }).then(function (entries) { return entries.filter(Boolean); });
  }
  function put(name, entry) {
    return seal(entry).then(function (stored) {
      return withStore(name, "readwrite", function (store) { return store.put(stored); });
    });
  }
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
  function itemName(code) { return (rules.items[code] || {}).name || code; }
  function describe(record) {
    var site = siteSelect.querySelector("option[value='" + (record.site || "") + "']");
    var time = new Date(record.occurred_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    var items = record.supplies.map(function (line) { return line.quantity + " " + itemName(line.item); }).join(", ");
    return time + " · " + (site ? site.textContent.trim() : "") + (items ? " · " + items : "");
  }
  function resetForm() {
    ["participant_code", "occurred_at", "collected_measure", "stop_name"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = "";
    });
    form.querySelectorAll("input[name^='answer_']").forEach(function (input) { input.value = ""; });
    form.querySelectorAll("input[type=checkbox]").forEach(function (input) { input.checked = false; });
    form.querySelectorAll("select:not([name=site])").forEach(function (select) { select.selectedIndex = 0; });
    form.querySelectorAll("input[type=number]").forEach(function (input) { input.value = 0; });
    setRadio("naloxone_kit_status", ""); setRadio("refill_reason", "");
    correcting = null;
    form.elements.participant_code.focus();
  }

  /* ---------- the server's rules, checked before a record is queued ---------- */
  function say(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (all, key) { return values[key]; });
  }
  function labelOf(name) {
    var input = form.elements[name];
    var label = input && input.id ? form.querySelector("label[for='" + input.id + "']") : null;
    return label ? label.textContent.trim() : name;
  }
  function check(record) {
    var problems = [];
    function counted(field, label, value, max) {
      if (value < 0) problems.push({ field: field, text: say(rules.messages.negative, { field: label }) });
      else if (max !== undefined && value > max) problems.push({ field: field, text: say(rules.messages.ceiling, { field: label, value: value, max: max }) });
    }
    record.supplies.forEach(function (line) {
      var rule = rules.items[line.item] || {};
      counted("item_" + line.item, itemName(line.item), line.quantity, rule.max);
    });
    Object.keys(rules.counts).forEach(function (name) {
      if (record[name] !== undefined && form.elements[name]) counted(name, labelOf(name), record[name], rules.counts[name]);
    });
    var kits = record.supplies.filter(function (line) { return (rules.items[line.item] || {}).naloxone; })
      .reduce(function (sum, line) { return sum + line.quantity; }, 0);
    if (naloxone && kits > 0 && !record.naloxone_kit_status) problems.push({ field: "naloxone_kit_status", text: rules.messages.kits_without_status });
    if (naloxone && kits === 0 && record.naloxone_kit_status) problems.push({ field: "naloxone_kit_status", text: rules.messages.status_without_kits });
    if (record.naloxone_kit_status === rules.refill && !record.refill_reason) problems.push({ field: "refill_reason", text: rules.messages.refill_reason });
    if (record.refill_reason && record.naloxone_kit_status !== rules.refill) problems.push({ field: "refill_reason", text: rules.messages.refill_only });
    if ((record.collected_method === "volume" || record.collected_method === "weight") && !(record.collected_measure > 0)) {
      problems.push({ field: "collected_measure", text: rules.messages.measure });
    }
    ["hiv", "hcv", "sti"].forEach(function (test) {
      if (record[test + "_linked"] && record[test + "_test"] !== rules.positive) {
        problems.push({ field: test + "_linked", text: say(rules.messages.linked, { field: labelOf(test + "_test") }) });
      }
    });
    return problems;
  }
  function showProblems(problems) {
    var box = document.getElementById("check-problems");
    box.textContent = "";
    box.hidden = problems.length === 0;
    if (!problems.length) return;
    var intro = document.createElement("p");
    intro.textContent = rules.messages.fix;
    var list = document.createElement("ul");
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.textContent = problem.text;
      list.appendChild(item);
    });
    box.appendChild(intro); box.appendChild(list);
    var field = form.elements[problem0(problems)];
    if (field && field.focus) { if (field.closest("details")) field.closest("details").open = true; (field.length ? field[0] : field).focus(); }
  }
  function problem0(problems) { return problems[0].field; }

  /* ---------- opening a waiting or refused record to correct it ---------- */
  function fill(record) {
    resetForm();
    siteSelect.value = record.site || "";
    ["participant_code", "stop_name", "collected_method", "setting", "vaccination"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = record[name] || "";
    });
    ["syringes_collected", "referrals_made", "reversals_reported", "secondary_for_people"].forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = Math.max(0, record[name] || 0);
    });
    if (form.elements.collected_measure) form.elements.collected_measure.value = record.collected_measure || "";
    record.supplies.forEach(function (line) {
      var input = form.elements["item_" + line.item];
      if (input) input.value = line.quantity;
    });
    setRadio("naloxone_kit_status", record.naloxone_kit_status || "");
    setRadio("refill_reason", record.refill_reason || "");
    ["wound_care", "overdose_education"].forEach(function (name) { if (form.elements[name]) form.elements[name].checked = !!record[name]; });
    ["hiv", "hcv", "sti"].forEach(function (test) {
      if (form.elements[test + "_test"]) form.elements[test + "_test"].value = record[test + "_test"] || "";
      if (form.elements[test + "_linked"]) form.elements[test + "_linked"].checked = !!record[test + "_linked"];
    });
    correcting = { client_uuid: record.client_uuid };
    document.getElementById("form-message").textContent = form.dataset.correctingText;
    showProblems(check(record));
    form.scrollIntoView();
  }
  // The record stays where it is until the corrected one is saved: closing the page loses nothing. A waiting
  // record being corrected is held back from syncing by this page only (a reload releases it).
  var pageId = newUuid();
  function open(storeName, entry) {
    if (syncing) return;
    var held = storeName === QUEUE ? put(QUEUE, Object.assign({}, entry, { held_by: pageId })) : Promise.resolve();
    held.then(function () { fill(entry.record); correcting.store = storeName; return render(); });
  }
  function readable(reason) {
    // The server names fields as the API spells them; show the supply's name instead of its code.
    return String(reason || "").replace(/supplies\[\d+\]\.(quantity|item) \(([\w-]+)\)/g, function (all, part, code) { return itemName(code); });
  }

  /* ---------- showing the queue ---------- */
  var section = document.getElementById("sync-status");
  var message = document.getElementById("sync-message");
  function listInto(element, entries, withReason) {
    element.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.textContent = entry.label + (withReason ? " — " + readable(entry.reason) + " " : " ");
      var opener = document.createElement("button");
      opener.type = "button";
      opener.className = withReason ? "button open-record" : "link open-record";
      opener.textContent = form.dataset.openText;
      opener.addEventListener("click", function () { open(withReason ? REJECTED : QUEUE, entry); });
      item.appendChild(opener);
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
      waiting = waiting.filter(function (entry) { return entry.held_by !== pageId; });
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
    if (correcting) record.client_uuid = correcting.client_uuid; // the same record, corrected: stored once
    var problems = check(record);
    showProblems(problems);
    if (problems.length) return; // not queued until fixed
    var entry = { client_uuid: record.client_uuid, record: record, queued_at: Date.now(), label: describe(record) };
    var replaced = correcting && correcting.store === REJECTED ? remove(REJECTED, record.client_uuid) : Promise.resolve();
    replaced.then(function () { return put(QUEUE, entry); }).then(function () {
      rememberSite(record);
      resetForm();
      document.getElementById("form-message").textContent = form.dataset.savedText;
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
