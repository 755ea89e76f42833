/* Oficina web chat: adds a chat button to this page that opens the chat in an iframe.
 * Put on a site with <script src="…/embed.js" async></script>.
 *
 * Only on a site the shop listed under "Websites allowed to show the chat": the chat refuses
 * any other site's frame, so there the visitor sees nothing at all (no button, no empty
 * frame) and the console tells the site's owner what to add. A site missing from this
 * script's list asks the server first, since the script may have been cached before the shop
 * added it; the server also shows the site on the channel's settings page. */
(function () {
  "use strict";
  var config = {{ config|safe }};
  var flag = "__oficinaChat_" + config.key;
  if (window[flag]) return;
  window[flag] = true;
  var OPEN_KEY = "oficina-chat-open:" + config.key;
  // The visitor's chat token, kept here for a browser that denies the chat's own frame its
  // storage (third-party storage blocked); handed only to the chat's own origin.
  var TOKEN_KEY = "oficina-chat-token:" + config.key;

  var CSS =
    ":host{all:initial}" +
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:56px;height:56px;" +
    "border:0;border-radius:50%;background:#1f6feb;color:#fff;cursor:pointer;display:flex;" +
    "align-items:center;justify-content:center;box-shadow:0 4px 14px rgba(16,24,40,.25)}" +
    ".launcher:hover{background:#1856b8}.launcher:focus-visible{outline:3px solid #b3cdfb}" +
    ".launcher svg{width:26px;height:26px;fill:currentColor}" +
    ".badge{position:absolute;top:2px;right:2px;min-width:18px;height:18px;padding:0 5px;" +
    "border-radius:9px;background:#c4320a;color:#fff;font:600 11px/18px system-ui,sans-serif;" +
    "text-align:center}" +
    ".panel{position:fixed;right:20px;bottom:88px;z-index:2147483647;width:370px;height:560px;" +
    "max-height:calc(100vh - 110px);border:0;border-radius:12px;background:#fff;" +
    "box-shadow:0 12px 40px rgba(16,24,40,.3);overflow:hidden}" +
    ".panel[hidden],.badge[hidden]{display:none}" +
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100%;max-height:none;" +
    "border-radius:0}}";
  var ICON =
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 ' +
    '2H8l-4 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"/></svg>';

  function remembered() {
    try {
      return window.sessionStorage.getItem(OPEN_KEY) === "1";
    } catch (e) {
      return false;
    }
  }
  function remember(open) {
    try {
      window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0");
    } catch (e) {
      /* storage blocked: the panel simply starts closed on the next page */
    }
  }

  function storedToken() {
    try {
      return window.localStorage.getItem(TOKEN_KEY) || "";
    } catch (e) {
      return "";
    }
  }
  function storeToken(token) {
    try {
      window.localStorage.setItem(TOKEN_KEY, token);
    } catch (e) {
      /* storage blocked here too: the chat lasts as long as the page */
    }
  }

  function start() {
    var host = document.createElement("div");
    host.setAttribute("data-oficina-chat", config.key);
    // A shadow root keeps the shop's styles off the button and ours off the shop's page.
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "launcher";
    button.setAttribute("aria-label", config.open);
    button.setAttribute("aria-expanded", "false");
    button.title = config.title;
    button.innerHTML = ICON; // a constant above, never data
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.setAttribute("aria-label", config.unread);
    button.appendChild(badge);
    root.appendChild(button);

    var frame = null;
    var loaded = false;
    var open = false;

    function tell(message) {
      if (loaded) frame.contentWindow.postMessage(message, config.origin);
    }

    function setOpen(value) {
      open = value;
      if (open && !frame) {
        // Created on first use: a visitor who never opens the chat costs the shop nothing.
        frame = document.createElement("iframe");
        frame.className = "panel";
        frame.src = config.widgetUrl;
        frame.title = config.title;
        frame.setAttribute("allow", "clipboard-write");
        frame.addEventListener("load", function () {
          loaded = true;
          tell({ oficinaChat: open ? "open" : "closed" });
        });
        root.appendChild(frame);
      }
      if (frame) frame.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", open ? config.close : config.open);
      if (open) badge.hidden = true;
      tell({ oficinaChat: open ? "open" : "closed" });
      remember(open);
    }

    button.addEventListener("click", function () {
      setOpen(!open);
    });

    window.addEventListener("message", function (event) {
      if (!frame || event.source !== frame.contentWindow || event.origin !== config.origin) return;
      var data = event.data;
      if (!data || typeof data !== "object") return;
      if (data.oficinaChat === "ready") {
        var token = storedToken();
        if (token) event.source.postMessage({ oficinaChat: "token", token: token }, config.origin);
      } else if (data.oficinaChat === "token") {
        if (typeof data.token === "string" && /^[A-Za-z0-9_-]{20,64}$/.test(data.token)) {
          storeToken(data.token);
        }
      } else if (data.oficinaChat === "close") {
        setOpen(false);
        button.focus();
      } else if (data.oficinaChat === "unread") {
        var count = Number(data.count) || 0;
        badge.textContent = count > 9 ? "9+" : String(count);
        badge.hidden = open || count <= 0;
      }
    });

    document.body.appendChild(host);
    if (remembered()) setOpen(true);
  }

  function notListed() {
    if (window.console && console.warn) {
      console.warn(String(config.notListed).split("{origin}").join(window.location.origin));
    }
  }

  // Whether this page's site may show the chat: listed in this script, or (the list here
  // may be minutes old) listed now, as the server says.
  function whenAllowed(then) {
    var here = window.location.origin;
    if (here === config.origin || (config.allowedOrigins || []).indexOf(here) !== -1) {
      then();
      return;
    }
    if (!window.fetch || !here || here === "null") {
      notListed();
      return;
    }
    fetch(config.checkUrl, { method: "POST", mode: "cors", credentials: "omit", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : { allowed: false };
      })
      .then(function (answer) {
        if (answer && answer.allowed === true) then();
        else notListed();
      })
      .catch(notListed);
  }

  function begin() {
    whenAllowed(start);
  }

  if (document.body) begin();
  else document.addEventListener("DOMContentLoaded", begin);
})();
