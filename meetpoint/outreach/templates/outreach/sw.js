{% load static %}/* Meetpoint outreach service worker: keeps the quick entry page and its assets for offline use.
   Served from {{ entry_url }}sw.js so its scope covers the outreach pages. Encounters themselves are queued
   in IndexedDB by entry.js, not here. */
"use strict";
const ASSETS = "meetpoint-outreach-assets-v1";
const PAGES = "meetpoint-outreach-pages";
const ENTRY = "{{ entry_url }}";
// A signed-out phone shows the sign-in page offline: sign-out deletes PAGES (static/js/layout.js).
const SIGNED_OUT = "meetpoint-outreach-signed-out";
const SIGN_IN = "{% url 'accounts:login' %}";
const PRECACHE = [
  "{% static 'css/meetpoint.css' %}",
  "{% static 'outreach/outreach.css' %}",
  "{% static 'outreach/entry.js' %}",
  "{% static 'outreach/icon.svg' %}",
  "{% url 'outreach:manifest' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE))
      // fetched without the session cookie: the page as anyone signed out sees it, naming no organization
      .then(() => caches.open(SIGNED_OUT)).then((cache) => cache.add(new Request(SIGN_IN, { credentials: "omit" })))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("meetpoint-outreach-assets-") && key !== ASSETS).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

function offlinePage(url) {
  return caches.open(PAGES)
    .then((cache) => cache.match(url.pathname, { ignoreSearch: true }).then((hit) => hit || cache.match(ENTRY)))
    .then((hit) => hit || caches.open(SIGNED_OUT).then((cache) => cache.match(SIGN_IN)))
    .then((hit) => hit || new Response("You are offline and this page was not saved for offline use.", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
    }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network first, so staff see fresh pages; the saved entry page when the network is gone.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected && url.pathname === ENTRY) {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(ENTRY, copy));
        }
        return response;
      }).catch(() => offlinePage(url))
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request)));
  }
});
