/* "Download this topic" on a topic page, and the lessons kept on this phone on the offline
   page. The service worker (sw.js) keeps every page and picture fetched here. */
(() => {
  "use strict";
  const PAGES = "hs-pages";  /* sw.js keeps pages here, by address without the query */
  const worker = navigator.serviceWorker;
  const LESSON = /^\/modules\/[^/]+\/[^/]+$/;

  function keptPage(url) {
    const u = new URL(url, location.href);
    return caches.match(u.origin + u.pathname, { cacheName: PAGES, ignoreVary: true });
  }

  async function download(box, lessons) {
    const button = box.querySelector("button");
    const status = box.querySelector("[role=status]");
    const seen = new Set();
    button.disabled = true;
    try {
      for (const [index, url] of lessons.entries()) {
        status.textContent = box.dataset.progress.replace("{done}", index + 1)
          .replace("{total}", lessons.length);
        const page = await fetch(url, { headers: { Purpose: "prefetch" } });
        if (!page.ok) { throw new Error(url); }
        const html = new DOMParser().parseFromString(await page.text(), "text/html");
        const files = [...html.querySelectorAll("img[src], link[rel=stylesheet], script[src]")]
          .map((el) => new URL(el.getAttribute("src") || el.getAttribute("href"), url).href)
          .filter((src) => src.startsWith(location.origin) && !seen.has(src) && seen.add(src));
        await Promise.all(files.map(async (src) => {
          if (!(await fetch(src)).ok) { throw new Error(src); }
        }));
      }
      status.textContent = `✓ ${box.dataset.ready}`;
    } catch (e) {
      status.textContent = box.dataset.failed;
    }
    button.disabled = false;
  }

  async function listKept(box) {
    const cache = await caches.open(PAGES);
    const list = box.querySelector("ul");
    for (const request of await cache.keys()) {
      if (!LESSON.test(new URL(request.url).pathname)) { continue; }
      const html = new DOMParser().parseFromString(await (await cache.match(request)).text(),
                                                   "text/html");
      const title = html.querySelector("article h1") || html.querySelector("h1");
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = request.url;
      link.className = "lesson-link";
      link.textContent = title ? title.textContent : request.url;
      link.lang = title ? title.closest("[lang]").lang : "";
      link.dir = "auto";
      item.append(link);
      list.append(item);
    }
    box.hidden = !list.children.length;
  }

  const box = document.querySelector("[data-offline-download]");
  if (box && worker && self.caches) {
    const lessons = [...document.querySelectorAll(".lesson-list a[href]")].map((a) => a.href);
    const offer = async () => {
      box.hidden = false;
      if ((await Promise.all(lessons.map(keptPage))).every(Boolean)) {
        box.querySelector("[role=status]").textContent = `✓ ${box.dataset.ready}`;
      }
    };
    /* Only a page the service worker controls can keep what it fetches. */
    if (worker.controller) { offer(); } else { worker.addEventListener("controllerchange", offer); }
    box.querySelector("button").addEventListener("click", () => download(box, lessons));
  }
  const kept = document.querySelector("[data-offline-list]");
  if (kept && self.caches) { listKept(kept).catch(() => null); }
})();
