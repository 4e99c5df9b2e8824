/* Offline quiz answers (every page; sw.js imports the queue too). Answers given offline wait
   in IndexedDB and are sent when the connection returns, each once: the server keeps one
   attempt per attempt id, and an answer leaves the queue only once the server has it. */
self.boligskolenQueue = (() => {
  "use strict";
  const SYNC = "hs-send-answers";
  const store = (mode, work) => new Promise((resolve, reject) => {
    const open = indexedDB.open("boligskolen-offline", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("answers", { keyPath: "attempt_id" });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction("answers", mode);
      const asked = work(tx.objectStore("answers"));
      tx.oncomplete = () => { open.result.close(); resolve(asked && asked.result); };
      tx.onerror = tx.onabort = () => { open.result.close(); reject(tx.error); };
    };
  });
  const all = () => store("readonly", (s) => s.getAll());
  const put = (item) => store("readwrite", (s) => { s.put(item); });
  const remove = (id) => store("readwrite", (s) => { s.delete(id); });

  /* Not the CSRF token: a fresh one is fetched to send them. */
  const keep = (form, action, user) => put({
    attempt_id: String(form.get("attempt_id")), action, user, saved_at: Date.now(),
    fields: [...form].filter(([name]) => name !== "csrf_token").map(([n, v]) => [n, String(v)]),
  });

  async function post(item, token) {
    const body = new URLSearchParams(item.fields);
    body.append("csrf_token", token);
    const r = await fetch(item.action, { method: "POST", body, redirect: "manual" });
    return r.type === "opaqueredirect" || (r.status >= 200 && r.status < 400) ||
      r.status === 404 || r.status === 422;  /* the lesson is gone, the form is refused */
  }

  /* The answers of whoever is signed in now; a network error keeps the rest for later. */
  async function sendAll() {
    const items = await all();
    if (!items.length) { return { sent: [] }; }
    const response = await fetch("/offline/token", { cache: "no-store" });
    if (!response.ok) { return { sent: [], signedOut: response.status === 403 }; }
    const session = await response.json();
    const sent = [];
    for (const item of items.filter((i) => i.user === session.user)) {
      if (await post(item, session.csrf_token)) {
        await remove(item.attempt_id);
        sent.push(item);
      }
    }
    return { sent };
  }
  /* One sender at a time: the page and the service worker may both try. */
  const send = () => (navigator.locks ? navigator.locks.request(SYNC, sendAll) : sendAll());
  return { SYNC, all, put, remove, keep, send };
})();

if (self.document) {
  (() => {
    "use strict";
    const queue = self.boligskolenQueue;
    const data = (document.currentScript || { dataset: {} }).dataset;
    const user = data.participant ? Number(data.participant) : null;
    const worker = navigator.serviceWorker;
    const form = document.querySelector("#quiz form");
    const FALLBACK = { waiting: "Waiting to be sent: {count}", saved: "Saved on this phone." };
    let texts = null;
    async function say(key) {
      texts = texts || fetch("/offline/texts.json").then((r) => r.json()).catch(() => ({}));
      return (await texts)[key] || FALLBACK[key] || "";
    }
    function stored(key, value) {
      try {
        if (value === undefined) { return localStorage.getItem(key); }
        localStorage.setItem(key, value);
      } catch (e) { /* storage switched off */ }
      return null;
    }
    const newId = () => (crypto.randomUUID ? crypto.randomUUID()
      : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

    function line(name, place) {
      let p = document.querySelector(`[data-offline="${name}"]`);
      if (!p && place) {
        p = document.createElement("p");
        p.dataset.offline = name;
        p.setAttribute("role", "status");
        p.tabIndex = -1;
        place(p);
      }
      return p;
    }
    function show(p, kind, text) {
      p.className = `flash offline-${p.dataset.offline} ${kind}`;
      p.textContent = text;
      p.hidden = !text;
      return p;
    }
    function atTop(p) {
      const main = document.querySelector("main");
      const flashes = main.querySelectorAll(":scope > .flash");
      if (flashes.length) { flashes[flashes.length - 1].after(p); } else { main.prepend(p); }
    }
    const quizLine = () => line("quiz", (p) => form.after(p));

    async function showWaiting() {
      if (user === null) { return; }
      const count = (await queue.all()).filter((i) => i.user === user).length;
      const p = line("waiting", count ? atTop : null);
      if (p) { show(p, "notice", count ? (await say("waiting")).replace("{count}", count) : ""); }
    }

    async function showSent(items) {
      const action = form && new URL(form.action).pathname;
      const mine = items.filter((i) => i.action === action).pop();
      const p = show(form ? quizLine() : line("sent", atTop), "flash-success offline-sent",
                     await say("sent"));
      const result = await say("result");
      if (mine && result) {
        const link = document.createElement("a");
        link.href = mine.action.replace(/quiz$/, `attempts/${mine.attempt_id}`);
        link.textContent = result;
        p.append(" ", link);
      }
    }

    let sending = null;
    function sendWaiting() {
      if (user === null || sending) { return sending; }
      sending = queue.send().then(async (result) => {
        if (result.sent.length) { await showSent(result.sent); }
        if (result.signedOut) {
          show(line("waiting", atTop), "notice", await say("signIn"));
        } else {
          await showWaiting();
        }
      }).catch(showWaiting).finally(() => { sending = null; });
      return sending;
    }

    /* Answers sw.js kept when the network failed are this reader's. */
    async function adoptKept() {
      for (const item of (await queue.all()).filter((i) => i.user === null)) {
        await (user === null ? queue.remove(item.attempt_id) : queue.put({ ...item, user }));
      }
    }

    const USED = "hs-used-attempts";
    function usedIds() {
      try { return JSON.parse(stored(USED)) || []; } catch (e) { return []; }
    }

    async function keepQuiz() {
      if (user === null) {
        show(quizLine(), "notice", await say("notSaved")).focus();
        return;
      }
      form.querySelectorAll(".offline-missing").forEach((p) => p.remove());
      const missing = [...form.querySelectorAll("fieldset.question")]
        .filter((set) => !set.querySelector("input:checked"));
      if (missing.length) {
        const text = await say("answerAll");
        for (const set of missing) {
          const p = document.createElement("p");
          p.className = "error offline-missing";
          p.textContent = text;
          set.querySelector("legend").after(p);
        }
        missing[0].querySelector("input").focus();
        return;
      }
      await queue.keep(new FormData(form), new URL(form.action).pathname, user);
      form.elements.attempt_id.value = newId();  /* answering again is a new attempt */
      if (worker) {
        worker.ready.then((reg) => reg.sync && reg.sync.register(queue.SYNC)).catch(() => null);
      }
      show(quizLine(), "notice offline-saved", await say("saved")).focus();
      await showWaiting();
    }

    if (form && form.elements.attempt_id) {
      const id = form.elements.attempt_id;
      /* A kept copy of this page carries an attempt id that may be sent already. */
      if (usedIds().includes(id.value)) { id.value = newId(); }
      form.addEventListener("submit", (event) => {
        stored(USED, JSON.stringify([...usedIds(), id.value].slice(-50)));
        if (navigator.onLine) { return; }  /* sw.js keeps it if the network fails */
        event.preventDefault();
        keepQuiz();
      });
      if (location.hash === "#quiz-saved") {  /* from sw.js */
        history.replaceState(null, "", location.pathname + location.search);
        say(user === null ? "notSaved" : "saved")
          .then((text) => show(quizLine(), "notice offline-saved", text));
      }
    }

    if (worker) {
      worker.register("/sw.js").catch(() => null);
      worker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "sent") {
          showSent(event.data.sent).then(showWaiting);
        }
      });
      const lang = document.documentElement.lang;
      if (worker.controller && stored("hs-offline-lang") !== lang) {
        worker.controller.postMessage({ type: "language" });  /* re-keep the offline page */
        stored("hs-offline-lang", lang);
      }
    }
    if (self.indexedDB) {
      adoptKept().then(showWaiting).catch(() => null)
        .then(() => navigator.onLine && sendWaiting());
      addEventListener("online", sendWaiting);
    }
  })();
}
