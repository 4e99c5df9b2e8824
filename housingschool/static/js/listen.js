/* Read-aloud, as progressive enhancement: the buttons are rendered hidden and shown only when
   this phone can play them. Listen plays the course's recorded reading (<audio>) if there is
   one, else the phone's own voice for the lesson's language; with neither it stays hidden. The
   glossary buttons say each word in a Norwegian voice. Speech goes one paragraph at a time, so
   "Pause" can stop and "Continue" restart at the paragraph (Android's pause() is unreliable). */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var SAME = { nb: ["nb", "no"], "fa-af": ["fa", "prs"] };  // voices that read these languages
  var TAGS = { nb: "nb-NO" };
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  function norm(tag) { return String(tag || "").toLowerCase().replace(/_/g, "-"); }

  function voiceFor(code) {
    if (!synth || !window.SpeechSynthesisUtterance) { return null; }
    var wanted = norm(code), bases = SAME[wanted] || [wanted.split("-")[0]];
    var voices = synth.getVoices() || [];
    var exact = voices.filter(function (v) { return norm(v.lang) === wanted; });
    var near = voices.filter(function (v) { return bases.indexOf(norm(v.lang).split("-")[0]) >= 0; });
    return exact[0] || near[0] || null;
  }

  function utterance(text, code, voice) {
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = TAGS[code] || code;
    u.voice = voice;
    return u;
  }

  /* What Listen reads: the title, summary, key points and body, one element at a time; not
     the page's own controls (buttons, links styled as buttons) nor what says data-listen-skip. */
  function parts(article) {
    var found = [];
    each(article.children, function (el) {
      var control = el.querySelector(".button, button, form");
      if (control || el.matches("[data-listen], [data-listen-skip]")) { return; }
      each(el.matches(".key-points, ul, ol") ? el.querySelectorAll("li") : [el], function (item) {
        var text = item.textContent.replace(/\s+/g, " ").trim();
        if (text) { found.push({ el: item, text: text }); }
      });
    });
    return found;
  }

  function setUp(root) {
    var play = root.querySelector("[data-listen-play]");
    var stop = root.querySelector("[data-listen-stop]");
    var label = root.querySelector("[data-listen-label]");
    var audio = root.querySelector("[data-listen-audio]");
    var code = root.getAttribute("data-lang");
    var words = document.querySelectorAll("[data-say]");
    var texts = { idle: label.textContent, playing: play.getAttribute("data-label-pause"),
                  paused: play.getAttribute("data-label-resume") };
    var state = "idle", list = [], index = 0, current = null, voice = null, nbVoice = null;

    function show(next) {
      state = next;
      root.setAttribute("data-state", state);
      label.textContent = texts[state];
      stop.hidden = state === "idle";
      if (list[index] && state !== "playing") { list[index].el.classList.remove("listen-now"); }
    }

    function speakFrom(i) {
      if (list[index]) { list[index].el.classList.remove("listen-now"); }
      index = i;
      if (i >= list.length) { current = null; index = 0; show("idle"); return; }
      var u = current = utterance(list[i].text, code, voice);
      u.onend = u.onerror = function () { if (current === u) { speakFrom(i + 1); } };
      list[i].el.classList.add("listen-now");
      synth.speak(u);
    }

    function silence() { current = null; if (synth) { synth.cancel(); } }

    function start() {
      if (audio) {
        audio.play().catch(function () {  // e.g. offline and not saved: use the phone's voice
          audio = null;
          voicesReady();
          if (voice) { start(); }
        });
        return;
      }
      silence();
      if (state === "idle") { list = parts(root.closest("article")); index = 0; }
      show("playing");
      speakFrom(index);
    }

    function pause() {
      if (audio) { audio.pause(); return; }
      silence();
      show("paused");
    }

    function end() {
      if (audio) { audio.pause(); audio.currentTime = 0; } else { silence(); }
      if (list[index]) { list[index].el.classList.remove("listen-now"); }
      index = 0;
      show("idle");
    }

    if (audio) {
      audio.addEventListener("play", function () { show("playing"); });
      audio.addEventListener("pause", function () {
        if (!audio.ended && audio.currentTime > 0) { show("paused"); }
      });
      audio.addEventListener("ended", function () { show("idle"); });
    }

    play.addEventListener("click", function () { if (state === "playing") { pause(); } else { start(); } });
    stop.addEventListener("click", end);
    each(words, function (button) {
      button.addEventListener("click", function () {
        if (state === "playing") { pause(); }
        silence();
        synth.speak(utterance(button.getAttribute("data-say"), "nb", nbVoice));
      });
    });

    function voicesReady() {
      voice = voiceFor(code);
      nbVoice = voiceFor("nb");
      root.hidden = !(audio || voice);
      each(words, function (button) { button.hidden = !nbVoice; });
    }
    voicesReady();
    if (synth && synth.addEventListener) { synth.addEventListener("voiceschanged", voicesReady); }
    window.addEventListener("pagehide", function () { if (state !== "idle") { end(); } });
  }

  each(document.querySelectorAll("[data-listen]"), setUp);
})();
