/* The web chat widget (conversations/webchat/widget.html).
 *
 * The visitor's identity is the token the server issues with their first message; it is kept
 * in localStorage (per channel) and sent in the X-Chat-Token header, never in a cookie, so
 * the widget works inside a cross-site iframe. Where the browser denies a cross-site frame
 * its storage (third-party storage blocked), the embedding script keeps the token on the
 * shop's own site and hands it back when the widget asks. The token is a secret: it is
 * posted only to a parent page whose origin is one of the channel's allowed sites (checked
 * against location.ancestorOrigins or document.referrer, and named as postMessage's target so
 * the browser delivers it nowhere else), and a token is adopted only from such a page. Files
 * are fetched with the token in a header and shown from memory, so it is never in a URL.
 * New messages arrive by polling. Every text from the server is put on the page with
 * textContent, never as HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("webchat");
  var configNode = document.getElementById("webchat-config");
  if (!root || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var strings = config.strings || {};

  var log = document.getElementById("chat-log");
  var empty = document.getElementById("chat-empty");
  var form = document.getElementById("chat-form");
  var textInput = document.getElementById("chat-text");
  var nameField = document.getElementById("chat-name-field");
  var nameInput = document.getElementById("chat-name");
  var sendButton = document.getElementById("chat-send");
  var errorLine = document.getElementById("chat-error");
  var closeButton = document.getElementById("chat-close");
  var joinPanel = document.getElementById("chat-join");
  var joinButton = document.getElementById("chat-join-button");
  var joinError = document.getElementById("chat-join-error");
  var fileInput = document.getElementById("chat-file");
  var attachButton = document.getElementById("chat-attach");
  var attachmentBox = document.getElementById("chat-attachment");
  var attachmentName = document.getElementById("chat-attachment-name");
  var attachmentRemove = document.getElementById("chat-attachment-remove");

  var framed = window.parent && window.parent !== window;

  // The embedding page's origin, when it is one the shop listed ("" otherwise: then nothing
  // is told to it and nothing it says is heard). Oficina's own pages count as listed.
  function parentOrigin() {
    if (!framed) return "";
    var origin = "";
    var ancestors = window.location.ancestorOrigins;
    if (ancestors && ancestors.length) {
      origin = ancestors[0];
    } else if (document.referrer) {
      try {
        origin = new URL(document.referrer).origin;
      } catch (e) {
        origin = "";
      }
    }
    var allowed = (config.allowedOrigins || []).concat([window.location.origin]);
    return origin && origin !== "null" && allowed.indexOf(origin) !== -1 ? origin : "";
  }
  var trustedParent = parentOrigin();
  var HIDDEN_POLL_MS = 15000;
  var MAX_BACKOFF_MS = 30000;

  // --- The token ------------------------------------------------------------------------
  var memoryToken = "";
  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // storage blocked: the token lives as long as the page
    }
  }
  function loadToken() {
    var store = storage();
    try {
      return (store && store.getItem(config.storageKey)) || memoryToken;
    } catch (e) {
      return memoryToken;
    }
  }
  function saveToken(token) {
    memoryToken = token;
    var store = storage();
    try {
      if (store) store.setItem(config.storageKey, token);
    } catch (e) {
      /* full or blocked: memoryToken still works for this page */
    }
  }
  var token = loadToken();
  var TOKEN_RE = /^[A-Za-z0-9_-]{20,64}$/;

  // A token the server just issued: kept here and, when framed by a listed site, by the
  // embedding page too.
  function issued(value) {
    token = value;
    saveToken(value);
    tellParent({ oficinaChat: "token", token: value });
  }

  // A token the embedding page kept for this visitor (when our own storage is denied).
  function adopt(value) {
    if (token || typeof value !== "string" || !TOKEN_RE.test(value)) return;
    token = value;
    saveToken(value);
    if (nameField && !config.joinUrl) nameField.hidden = true;
    pollSoon(0);
  }

  // --- Showing messages -------------------------------------------------------------------
  var shown = {};
  var lastId = 0;
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;

  function appendText(parent, text) {
    // Links become <a> elements built from text; nothing is ever parsed as HTML.
    var at = 0;
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)]+$/, "");
      if (match.index > at) parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      at = match.index + url.length;
      URL_RE.lastIndex = at;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function timeLabel(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // A file is fetched with the token in a header and shown through an object URL.
  function fetchFile(file) {
    return fetch(file.url, {
      headers: { "X-Chat-Token": token },
      cache: "no-store",
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob();
      })
      .then(function (blob) {
        return URL.createObjectURL(blob);
      });
  }

  function saveFile(file) {
    fetchFile(file)
      .then(function (url) {
        var link = document.createElement("a");
        link.href = url;
        link.download = String(file.name);
        link.rel = "noopener";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () {
          URL.revokeObjectURL(url);
        }, 60000);
      })
      .catch(function () {
        showError(errorLine, strings.fileFailed);
      });
  }

  function fileItem(file) {
    var link = document.createElement("a");
    link.className = "chat-file";
    if (file.image) {
      // Shown once fetched; clicking opens it full size in a new tab.
      var image = document.createElement("img");
      image.alt = String(file.name);
      link.appendChild(image);
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      fetchFile(file)
        .then(function (url) {
          image.src = url;
          link.href = url;
        })
        .catch(function () {
          link.textContent = String(file.name);
          link.href = "#";
          link.removeAttribute("target");
          link.addEventListener("click", function (event) {
            event.preventDefault();
            saveFile(file);
          });
        });
    } else {
      link.href = "#";
      link.textContent = String(file.name);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        saveFile(file);
      });
    }
    return link;
  }

  function build(message) {
    var item = document.createElement("li");
    item.className = "chat-msg " + (message.mine ? "chat-msg-mine" : "chat-msg-theirs");
    item.setAttribute("data-id", String(message.id));
    if (message.text) {
      var text = document.createElement("p");
      text.className = "chat-text";
      appendText(text, String(message.text));
      item.appendChild(text);
    }
    (message.files || []).forEach(function (file) {
      item.appendChild(fileItem(file));
    });
    var time = document.createElement("time");
    time.dateTime = String(message.time);
    time.textContent = timeLabel(message.time);
    item.appendChild(time);
    return item;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  // Adds messages not yet shown, in id order; returns how many came from the shop.
  function show(messages) {
    var stick = nearBottom();
    var fromShop = 0;
    messages.forEach(function (message) {
      if (typeof message.id !== "number" || shown[message.id]) return;
      shown[message.id] = true;
      var item = build(message);
      var next = null;
      for (var node = log.lastElementChild; node; node = node.previousElementSibling) {
        if (Number(node.getAttribute("data-id")) < message.id) break;
        next = node;
      }
      log.insertBefore(item, next);
      if (!message.mine) fromShop += 1;
    });
    empty.hidden = log.children.length > 0;
    if (stick || fromShop === 0) log.scrollTop = log.scrollHeight;
    return fromShop;
  }

  // --- Errors -----------------------------------------------------------------------------
  function showError(line, message) {
    line.textContent = message || "";
    line.hidden = !message;
  }

  function readError(response) {
    return response
      .json()
      .then(function (data) {
        return (data && data.error) || strings.failed;
      })
      .catch(function () {
        return strings.failed;
      });
  }

  // --- Talking to the embedding page ------------------------------------------------------
  var panelOpen = true;
  var unread = 0;
  function tellParent(message) {
    // Only to a listed site, named as the target: the browser drops the message if the
    // parent page is anywhere else by the time it is posted.
    if (trustedParent) window.parent.postMessage(message, trustedParent);
  }
  function countUnread(fromShop) {
    if (fromShop > 0 && (!panelOpen || document.hidden)) {
      unread += fromShop;
      tellParent({ oficinaChat: "unread", count: unread });
    }
  }
  window.addEventListener("message", function (event) {
    if (!trustedParent || event.source !== window.parent || event.origin !== trustedParent) return;
    if (!event.data || typeof event.data !== "object") return;
    if (event.data.oficinaChat === "open") {
      panelOpen = true;
      unread = 0;
      tellParent({ oficinaChat: "unread", count: 0 });
      // Never take the focus from a field the visitor is already typing in (the panel's
      // "open" can arrive late, when the frame finishes loading): their keys would land in
      // the message box instead of their name.
      var typing = document.activeElement && document.activeElement !== document.body;
      if (!form.hidden && !typing) textInput.focus();
      pollSoon(0);
    } else if (event.data.oficinaChat === "closed") {
      panelOpen = false;
    } else if (event.data.oficinaChat === "token") {
      adopt(event.data.token);
    }
  });
  if (trustedParent && closeButton) {
    closeButton.hidden = false;
    closeButton.addEventListener("click", function () {
      tellParent({ oficinaChat: "close" });
    });
  }

  // --- Polling ----------------------------------------------------------------------------
  var timer = null;
  var polling = false;
  var failures = 0;

  function pollSoon(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function nextDelay() {
    if (failures > 0) return Math.min(config.pollMs * Math.pow(2, failures), MAX_BACKOFF_MS);
    return document.hidden || !panelOpen ? HIDDEN_POLL_MS : config.pollMs;
  }

  function poll() {
    timer = null;
    if (!token || polling) return;
    polling = true;
    fetch(config.messagesUrl + "?after=" + lastId, {
      headers: { "X-Chat-Token": token, Accept: "application/json" },
      cache: "no-store",
      credentials: "omit",
    })
      .then(function (response) {
        if (response.status === 429) {
          failures = Math.max(failures, 3);
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        if (data) {
          failures = 0;
          showError(errorLine, "");
          var messages = data.messages || [];
          messages.forEach(function (message) {
            if (message.id > lastId) lastId = message.id;
          });
          countUnread(show(messages));
        }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 2) showError(errorLine, strings.offline);
      })
      .then(function () {
        polling = false;
        pollSoon(nextDelay());
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && token) {
      unread = 0;
      pollSoon(0);
    }
  });

  // --- A file to send -------------------------------------------------------------------
  // One file goes with the next message (the server checks what it really is).
  var pendingFile = null;

  function chooseFile(file) {
    pendingFile = null;
    attachmentBox.hidden = true;
    attachmentName.textContent = "";
    if (!file) return;
    if (file.size > config.fileMax) {
      fileInput.value = "";
      return showError(errorLine, strings.fileTooLarge);
    }
    showError(errorLine, "");
    pendingFile = file;
    attachmentName.textContent = String(file.name);
    attachmentBox.hidden = false;
  }

  function clearFile() {
    fileInput.value = "";
    chooseFile(null);
  }

  attachButton.addEventListener("click", function () {
    fileInput.click();
  });
  fileInput.addEventListener("change", function () {
    chooseFile(fileInput.files && fileInput.files[0]);
    textInput.focus();
  });
  attachmentRemove.addEventListener("click", function () {
    clearFile();
    textInput.focus();
  });

  // --- Sending ----------------------------------------------------------------------------
  var sending = false;

  // JSON for a text; a multipart form when a file goes with it.
  function request(text) {
    var name = !token && nameInput.value.trim() ? nameInput.value.trim() : "";
    if (pendingFile) {
      var data = new FormData();
      data.append("text", text);
      if (token) data.append("token", token);
      if (name) data.append("name", name);
      data.append("file", pendingFile, pendingFile.name);
      return { headers: { Accept: "application/json" }, body: data };
    }
    var body = { text: text };
    if (token) body.token = token;
    if (name) body.name = name;
    return {
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    };
  }

  function send() {
    var text = textInput.value.trim();
    if (!text && !pendingFile) return showError(errorLine, strings.emptyWithFile);
    if (text.length > config.textMax) return showError(errorLine, strings.tooLong);
    if (sending) return;
    sending = true;
    sendButton.disabled = true;
    attachButton.disabled = true;
    showError(errorLine, "");
    var outgoing = request(text);
    fetch(config.messagesUrl, {
      method: "POST",
      headers: outgoing.headers,
      body: outgoing.body,
      cache: "no-store",
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          return readError(response).then(function (message) {
            showError(errorLine, message);
          });
        }
        return response.json().then(function (data) {
          if (data.token && data.token !== token) issued(data.token);
          nameField.hidden = true;
          textInput.value = "";
          clearFile();
          // lastId moves only with polls, so a reply saved just before this message is
          // still fetched.
          show([data.message]);
          pollSoon(0);
        });
      })
      .catch(function () {
        showError(errorLine, strings.failed);
      })
      .then(function () {
        sending = false;
        sendButton.disabled = false;
        attachButton.disabled = false;
        textInput.focus();
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  textInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });

  // --- Joining through an invitation ------------------------------------------------------
  function join() {
    joinButton.disabled = true;
    showError(joinError, "");
    fetch(config.joinUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(token ? { token: token } : {}),
      cache: "no-store",
      credentials: "omit",
    })
      .then(function (response) {
        if (!response.ok) {
          return readError(response).then(function (message) {
            showError(joinError, message);
            joinButton.disabled = false;
          });
        }
        return response.json().then(function (data) {
          issued(data.token);
          // A reload now opens the chat itself, not the (used) invitation.
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", config.widgetUrl);
          }
          joinPanel.hidden = true;
          form.hidden = false;
          nameField.hidden = true;
          (data.messages || []).forEach(function (message) {
            if (message.id > lastId) lastId = message.id;
          });
          show(data.messages || []);
          textInput.focus();
          pollSoon(config.pollMs);
        });
      })
      .catch(function () {
        showError(joinError, strings.failed);
        joinButton.disabled = false;
      });
  }

  // --- Start ------------------------------------------------------------------------------
  if (joinPanel && config.joinUrl) {
    joinButton.addEventListener("click", join);
  } else {
    nameField.hidden = Boolean(token);
    if (token) pollSoon(0);
    else tellParent({ oficinaChat: "ready" }); // the embedding page may know this visitor
  }
})();
