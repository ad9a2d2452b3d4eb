// SupportReplay loader: the only script a customer's app includes. Dormant (no request, no listener)
// unless this tab was handed a recording credential (#sr=...) or already holds one in sessionStorage.
// The credential leaves the URL before anything records, so it is never in a recorded URL or a Referer.
(function (w, d) {
  var key = "sr.cred";
  var me = d.currentScript;
  var cred;
  var m = /([#&])sr=([^&]*)/.exec(location.hash);
  if (m) {
    // First of all, even if storage or decoding fails below: the credential leaves the address bar.
    var rest = location.hash.replace(m[0], m[1] === "#" ? "#" : "").replace("#&", "#");
    history.replaceState(history.state, "", location.pathname + location.search + (rest === "#" ? "" : rest));
    try {
      cred = decodeURIComponent(m[2]);
      w.sessionStorage.setItem(key, cred);
    } catch (e) {}
  } else {
    try {
      cred = w.sessionStorage.getItem(key);
    } catch (e) {}
  }
  if (!me || w.__sr) return;
  // A frame of another site's page (no credential of its own) joins that page's recording only when this
  // tag names the parent's origin (data-sr-parents="https://app.example") and the parent's recorder asks
  // it to (static/recorder/src/framehost.js). Without the attribute a frame stays dormant.
  if (!cred && w !== w.top) {
    var parents = (me.getAttribute("data-sr-parents") || "").split(" ");
    var hello = function () {
      parents.forEach(function (o) {
        try {
          w.parent.postMessage({ sr: "frame", step: "hello" }, o);
        } catch (e) {}
      });
    };
    // Only the direct parent, from an origin the tag names; our replies go to that origin only.
    var on = function (ev) {
      var m = ev.data || {};
      if (ev.source != w.parent || parents.indexOf(ev.origin) < 0 || m.sr != "frame" || w.__sr) return;
      if (m.step == "ask") hello();
      if (m.step == "join") {
        w.removeEventListener("message", on);
        w.__sr = { child: { origin: ev.origin, options: m.options }, src: me.src };
        load();
      }
    };
    if (parents[0]) {
      w.addEventListener("message", on);
      hello();
    }
    return;
  }
  if (!cred) return;
  // A same-origin frame of a recorded page is already recorded by the page's rrweb: a second recorder
  // would share the tab's state. (A cross-origin parent throws here: then this frame is the app.)
  try {
    if (w !== w.top && w.parent.__sr) return;
  } catch (e) {}
  // Buffer console calls made before the recorder bundle runs; it replays them and restores these.
  var q = [];
  var con = {};
  var wr = {};
  ["log", "info", "warn", "error", "debug"].forEach(function (level) {
    var orig = (con[level] = console[level]);
    console[level] = wr[level] = function () {
      if (q.length < 200) q.push([level, Date.now(), [].slice.call(arguments)]);
      return orig.apply(console, arguments);
    };
  });
  w.__sr = { cred: cred, dev: device(w), src: me.src, q: q, con: con, wr: wr };
  load();
  function load() {
    var s = d.createElement("script");
    s.async = true;
    s.src = me.src.replace(/loader\.js(?=[?#]|$)/, "recorder.js");
    (d.head || d.documentElement).appendChild(s);
  }
  // This browser's device secret for this origin: the first browser to use a credential owns it, so a
  // forwarded #sr= link records nothing elsewhere (sessions/device_binding.py). localStorage is shared by
  // the tabs of one browser profile; sessionStorage, then memory, are fallbacks when it is blocked.
  function device(w) {
    var k = "sr.device";
    var fresh = "";
    var i, s, v;
    try {
      var b = new Uint8Array(16);
      w.crypto.getRandomValues(b);
      for (i = 0; i < 16; i++) fresh += (b[i] + 256).toString(16).slice(1);
    } catch (e) {
      for (i = 0; i < 32; i++) fresh += ((Math.random() * 16) | 0).toString(16);
    }
    for (i = 0; i < 2; i++) {
      try {
        s = i ? w.sessionStorage : w.localStorage;
        v = s.getItem(k);
        if (/^[\w-]{22,128}$/.test(v || "")) return v;
        s.setItem(k, fresh);
        if (s.getItem(k) === fresh) return fresh;
      } catch (e) {}
    }
    return fresh;
  }
})(window, document);
