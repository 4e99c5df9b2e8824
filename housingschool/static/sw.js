/* Boligskolen's service worker: lessons keep reading without internet.
   Served at /sw.js by housingschool/offline.py, which puts VERSION, SHELL (the files kept at
   install) and QUEUE_SCRIPT (offline.js, whose queue of quiz answers is shared) above this.

   - Pages (home, topics, lessons): from the network, kept for later; the kept copy offline.
   - Static files with ?v=<hash>: the kept copy first (a changed file gets a new address).
   - Course pictures and other static files: the kept copy at once, refreshed behind it.
   - A quiz sent while the network fails: the answers wait on the phone (see offline.js).
   - Signing in or out forgets the kept pages: a phone may be shared. */
/* global VERSION, SHELL, QUEUE_SCRIPT */
"use strict";
importScripts(QUEUE_SCRIPT);

const queue = self.boligskolenQueue;
const STATIC = `hs-static-${VERSION}`;
const PAGES = "hs-pages";
const MEDIA = "hs-media";
const OFFLINE = ["/offline", "/offline/texts.json"];
const PAGE = /^\/(modules\/[^/]+(\/[^/]+(\/side-by-side)?)?\/?)?$/;
const QUIZ = /^\/modules\/[^/]+\/[^/]+\/quiz$/;
const ACCOUNT = /^\/(login|logout|join)(\/|$)/;
const SLOW_NETWORK_MS = 8000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith("hs-static-") && name !== STATIC)
    .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && request.mode === "navigate") {
    if (QUIZ.test(url.pathname)) { event.respondWith(sendQuiz(request, url)); }
    if (ACCOUNT.test(url.pathname)) { event.waitUntil(caches.delete(PAGES)); }
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(url.searchParams.has("v") ? keptFirst(event, request, STATIC)
      : keptThenRefreshed(event, request, STATIC));
  } else if (url.pathname.startsWith("/course-media/")) {
    event.respondWith(keptThenRefreshed(event, request, MEDIA));
  } else if (PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(event, request, PAGES, url.origin + url.pathname));
  } else if (OFFLINE.includes(url.pathname)) {
    event.respondWith(networkFirst(event, request, STATIC, url.origin + url.pathname));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});

const keepable = (response) => response.ok && response.type === "basic" && !response.redirected;

function keep(cacheName, key, response) {
  const copy = response.clone();
  return caches.open(cacheName).then((cache) => cache.put(key, copy));
}

function offlinePage() {
  return caches.match(OFFLINE[0], { cacheName: STATIC, ignoreVary: true })
    .then((page) => page || Response.error());
}

async function keptFirst(event, request, cacheName) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (kept) { return kept; }
  const response = await fetch(request);
  if (keepable(response)) { event.waitUntil(keep(cacheName, request, response)); }
  return response;
}

/* The kept copy at once (pictures on a slow line); the network refreshes it for next time. */
async function keptThenRefreshed(event, request, cacheName) {
  const kept = await caches.match(request, { ignoreVary: true });
  const fresh = fetch(request).then((response) => {
    if (keepable(response)) { event.waitUntil(keep(cacheName, request, response)); }
    return response;
  });
  if (!kept) { return fresh; }
  event.waitUntil(fresh.catch(() => null));
  return kept;
}

/* Pages: the network first, so progress is current. Offline, or when the network has not
   answered for a while and a kept copy exists, the kept copy. */
function networkFirst(event, request, cacheName, key) {
  const kept = caches.match(key, { cacheName, ignoreVary: true });
  const network = fetch(request).then((response) => {
    if (keepable(response)) { event.waitUntil(keep(cacheName, key, response)); }
    return response;
  });
  event.waitUntil(network.catch(() => null));  /* keep the page even when it came late */
  const slow = new Promise((resolve) => { setTimeout(resolve, SLOW_NETWORK_MS); })
    .then(() => kept).then((copy) => copy || network);
  return Promise.race([network, slow]).catch(() => kept.then((copy) => copy ||
    (request.mode === "navigate" ? offlinePage() : Response.error())));
}

/* A quiz form sent while the network fails: keep the answers, show the lesson again. */
async function sendQuiz(request, url) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    await queue.keep(await copy.formData(), url.pathname, null);
    if (self.registration.sync) {
      await self.registration.sync.register(queue.SYNC).catch(() => null);
    }
    return Response.redirect(url.pathname.replace(/\/quiz$/, "#quiz-saved"), 303);
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === queue.SYNC) { event.waitUntil(queue.send().then(tellPages)); }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "language") {
    /* The reader changed language: keep the offline page and texts in the new one. */
    event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(OFFLINE)));
  }
});

async function tellPages(result) {
  if (!result.sent.length) { return; }
  for (const page of await self.clients.matchAll({ type: "window" })) {
    page.postMessage({ type: "sent", sent: result.sent });
  }
}
