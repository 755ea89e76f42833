// Conversations in real time. One WebSocket (/ws/conversations/) tells this page that something
// happened in a conversation — ids only, never text; what changed is then fetched through the
// ordinary, permission-checked pages: a new message is appended (?after=<last id>), a status or
// assignment refreshes the header, the lists reload (a row moves up, its unread badge changes),
// a changed delivery status re-renders those messages (?message=<id>&message=<id>).
// The socket reconnects with back-off and, once back, fetches what it missed. Every element
// marked data-conversations-live carries data-realtime-state: connecting, connected or
// reconnecting. Without JavaScript the pages still work; they just do not update by themselves.
//
// A message still "Sending" is also looked at again by the page itself, soon at first, then
// less and less often, until its status changes: the worker that hands it to the channel is
// another process (manage.py db_worker), and with the in-process channel layer (no REDIS_URL)
// its events never reach this server's sockets; with any layer, an event sent while the socket
// was away is lost. The push makes it fast where it can; the look makes it right everywhere.
(function () {
  "use strict";

  if (window.OficinaConversations) {
    // Loaded again by an htmx swap (the client's Communications tab): one socket is enough.
    window.OficinaConversations.scan();
    return;
  }

  var MAX_DELAY = 15000;
  var PING_EVERY = 25000;
  var LIST_DELAY = 120;
  var CATCH_UP = 200; // what the server sends at most for one ?after= request
  var STATUS_FIRST = 1500; // ms before a message still sending is first looked at again
  var STATUS_MAX = 30000; // … and at most between two looks (a worker that is down, retries)
  var STATUS_BATCH = 100; // message ids in one ?message= request

  var socket = null;
  var state = "connecting";
  var attempts = 0;
  var reconnectTimer = null;
  var pingTimer = null;
  var everConnected = false;

  function roots() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-conversations-live]"));
  }

  function setState(value) {
    state = value;
    roots().forEach(function (root) { root.setAttribute("data-realtime-state", value); });
  }

  function socketUrl() {
    var root = roots()[0];
    var path = (root && root.getAttribute("data-ws-path")) || "/ws/conversations/";
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  }

  // --- Fetching pieces of the page ------------------------------------------------------------

  function get(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (!response.ok || response.redirected) {
        // A redirect is the sign-in page (the session ended): never shown inside a list.
        var error = new Error("HTTP " + response.status);
        error.status = response.status;
        throw error;
      }
      return response.text();
    });
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function activate(element) {
    if (window.htmx && element) window.htmx.process(element);
  }

  function typingIn(element) {
    var active = document.activeElement;
    return Boolean(active && active !== document.body && element.contains(active) &&
      active.matches("input, textarea, select"));
  }

  // Replace each element of the answer that has an id with the page's element of that id,
  // except one the employee is typing in (the next refresh brings it up to date).
  function swapById(html) {
    var fragment = parse(html);
    Array.prototype.slice.call(fragment.children).forEach(function (fresh) {
      if (!fresh.id) return;
      var current = document.getElementById(fresh.id);
      if (!current || typingIn(current)) return;
      fresh.removeAttribute("hx-swap-oob");
      current.replaceWith(fresh);
      activate(fresh);
    });
  }

  // --- Lists ----------------------------------------------------------------------------------

  function listContainer(root) {
    return root.querySelector(".conv-list-pane");
  }

  function openId() {
    var view = document.querySelector(".conv-view[data-conversation]");
    return view ? view.getAttribute("data-conversation") : "";
  }

  function markOpen() {
    var id = openId();
    document.querySelectorAll("[data-conversation-row]").forEach(function (row) {
      row.classList.toggle("conv-row-open", row.getAttribute("data-conversation-row") === id);
    });
  }

  function refreshList(root) {
    var container = listContainer(root);
    var list = container && container.querySelector("[data-list-url]");
    if (!list) return;
    var url = list.getAttribute("data-list-url");
    get(url).then(function (html) {
      var now = container.querySelector("[data-list-url]");
      // The employee moved to another filter or page meanwhile: that answer wins.
      if (!now || now.getAttribute("data-list-url") !== url) return;
      container.innerHTML = html;
      activate(container);
      markOpen();
    }).catch(function () {});
  }

  function scheduleList(root) {
    clearTimeout(root._conversationsTimer);
    root._conversationsTimer = setTimeout(function () { refreshList(root); }, LIST_DELAY);
  }

  // --- The open conversation ------------------------------------------------------------------

  function historyList(view) {
    return view.querySelector(".conv-messages");
  }

  function lastId(view) {
    var last = 0;
    view.querySelectorAll("[data-message]").forEach(function (item) {
      var id = parseInt(item.getAttribute("data-message"), 10);
      if (id > last) last = id;
    });
    return last;
  }

  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom(list) {
    list.scrollTop = list.scrollHeight;
  }

  function addMessages(view, html) {
    var list = historyList(view);
    if (!list) return 0;
    var stick = nearBottom(list);
    var added = 0;
    var ownMessage = false;
    var items = parse(html).querySelectorAll("li[data-message]");
    Array.prototype.forEach.call(items, function (item) {
      var current = document.getElementById(item.id);
      if (current) {
        current.replaceWith(item);
      } else {
        list.appendChild(item);
        added += 1;
        if (item.getAttribute("data-direction") === "out") ownMessage = true;
      }
      activate(item);
    });
    if (added) {
      var empty = list.querySelector("[data-no-messages]");
      if (empty) empty.remove();
      if (stick || ownMessage) scrollToBottom(list);
    }
    watchSending(view, ownMessage);
    return items.length;
  }

  // One request at a time per conversation: a second event while one runs asks again after it.
  function fetchNew(view) {
    if (view._fetching) {
      view._again = true;
      return;
    }
    view._fetching = true;
    var url = view.getAttribute("data-messages-url") + "?after=" + lastId(view);
    var retry = 0;
    get(url).then(function (html) {
      view._failures = 0;
      if (addMessages(view, html) >= CATCH_UP) view._again = true;
    }).catch(function (error) {
      if (error.status === 404) {
        gone(view);
        return;
      }
      // A server restarting, a network blip: ask again a little later, a few times.
      view._failures = (view._failures || 0) + 1;
      if (view._failures <= 3) retry = 400 * view._failures;
    }).then(function () {
      view._fetching = false;
      if (!view.isConnected) return;
      if (view._again) {
        view._again = false;
        fetchNew(view);
      } else if (retry) {
        setTimeout(function () { fetchNew(view); }, retry);
      }
    });
  }

  // --- Delivery status ------------------------------------------------------------------------

  // The ids of the page's outgoing messages whose status is one of ``states``.
  function unsettled(view, states) {
    var ids = [];
    view.querySelectorAll('li[data-message][data-direction="out"]').forEach(function (item) {
      if (states.indexOf(item.getAttribute("data-delivery")) !== -1) {
        ids.push(item.getAttribute("data-message"));
      }
    });
    return ids;
  }

  // Fetch these messages again (those on the page); a promise that always settles.
  function refreshMessages(view, ids) {
    ids = ids.filter(function (id) { return document.getElementById("message-" + id); });
    if (!ids.length) return Promise.resolve();
    var base = view.getAttribute("data-messages-url") + "?";
    var requests = [];
    for (var start = 0; start < ids.length; start += STATUS_BATCH) {
      var query = ids.slice(start, start + STATUS_BATCH).map(function (id) {
        return "message=" + encodeURIComponent(id);
      }).join("&");
      requests.push(get(base + query).then(function (html) {
        if (view.isConnected) addMessages(view, html);
      }).catch(function (error) {
        if (error.status === 404 && view.isConnected) gone(view);
      }));
    }
    return Promise.all(requests);
  }

  // While a message of this page is sending, look at it again after STATUS_FIRST, then at
  // doubling intervals up to STATUS_MAX; ``restart``: a new message was just sent.
  function watchSending(view, restart) {
    if (restart) {
      clearTimeout(view._statusTimer);
      view._statusTimer = null;
      view._statusDelay = 0;
    }
    if (view._statusTimer || !view.isConnected) return;
    if (!unsettled(view, ["pending"]).length) {
      view._statusDelay = 0;
      return;
    }
    var delay = view._statusDelay ? Math.min(STATUS_MAX, view._statusDelay * 2) : STATUS_FIRST;
    view._statusDelay = delay;
    var timer = setTimeout(function () {
      refreshMessages(view, unsettled(view, ["pending"])).then(function () {
        if (view._statusTimer !== timer) return; // restarted meanwhile by a new message
        view._statusTimer = null;
        watchSending(view);
      });
    }, delay);
    view._statusTimer = timer;
  }

  function refreshMessage(view, messageId, messageIds) {
    var ids = [];
    if (messageIds && messageIds.length) ids = messageIds.map(String);
    else if (messageId) ids = [String(messageId)];
    var missing = ids.some(function (id) { return !document.getElementById("message-" + id); });
    if (missing || !ids.length) fetchNew(view);
    if (!ids.length) {
      // An event that names no message: every one whose status may have changed.
      ids = unsettled(view, ["pending", "sent"]);
    }
    refreshMessages(view, ids);
  }

  function refreshHeader(view) {
    get(view.getAttribute("data-header-url"))
      .then(function (html) { swapById(html); })
      .catch(function (error) { if (error.status === 404) gone(view); });
  }

  // The conversation is no longer visible to this employee (access changed): say so.
  function gone(view) {
    var notice = document.createElement("div");
    notice.className = "conv-placeholder panel";
    notice.setAttribute("data-gone", "");
    var text = document.createElement("p");
    text.className = "empty";
    text.textContent = view.getAttribute("data-gone-text") || "";
    notice.appendChild(text);
    view.replaceWith(notice);
  }

  // --- Events ---------------------------------------------------------------------------------

  function handle(event) {
    var id = String(event.conversation);
    roots().forEach(function (root) {
      var client = root.getAttribute("data-client");
      var shown = root.querySelector('[data-conversation-row="' + id + '"]');
      if (!client || String(event.client) === client || shown) scheduleList(root);
    });
    var view = document.querySelector('.conv-view[data-conversation="' + id + '"]');
    if (!view) return;
    var header = view.querySelector("#conversation-header");
    if (event.event === "message") {
      fetchNew(view);
      // A message reopens a closed conversation; the first reply assigns its sender.
      if (header && (header.getAttribute("data-status") !== "open" || !header.getAttribute("data-assignee"))) {
        refreshHeader(view);
      }
    } else if (event.event === "edited" || event.event === "delivery") {
      refreshMessage(view, event.message, event.messages);
    } else if (event.event !== "read") {
      refreshHeader(view);
    }
  }

  // After connecting: what happened since the page was drawn (new messages, list order);
  // after a reconnect also the headers, which may have changed while the socket was away.
  function catchUp(reconnected) {
    roots().forEach(function (root) { refreshList(root); });
    document.querySelectorAll(".conv-view[data-conversation]").forEach(function (view) {
      fetchNew(view);
      if (reconnected) {
        refreshHeader(view);
        refreshMessages(view, unsettled(view, ["pending", "sent"]));
      }
    });
  }

  // --- The socket -----------------------------------------------------------------------------

  function stopPing() {
    clearInterval(pingTimer);
    pingTimer = null;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (socket || !roots().length) return;
    var ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      attempts = 0;
      setState("connected");
      catchUp(everConnected);
      everConnected = true;
      stopPing();
      pingTimer = setInterval(function () {
        if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
      }, PING_EVERY);
    };
    ws.onmessage = function (message) {
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (data && data.type === "conversation") handle(data);
    };
    ws.onclose = function () {
      if (socket === ws) socket = null;
      stopPing();
      setState("reconnecting");
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (reconnectTimer || !roots().length) return;
    var delay = Math.min(MAX_DELAY, 500 * Math.pow(2, attempts));
    attempts += 1;
    delay = delay * (0.75 + Math.random() * 0.5); // many browsers do not all return at once
    reconnectTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    attempts = 0;
    if (!socket) connect();
  }

  // --- Page behaviour -------------------------------------------------------------------------

  function settleViews(root) {
    (root || document).querySelectorAll(".conv-view").forEach(function (view) {
      if (view._settled) return;
      view._settled = true;
      var list = historyList(view);
      if (list) scrollToBottom(list);
      watchSending(view);
    });
  }

  function scan() {
    roots().forEach(function (root) { root.setAttribute("data-realtime-state", state); });
    settleViews(document);
    markOpen();
    if (!socket) reconnectNow();
  }

  document.addEventListener("htmx:afterSettle", function () { scan(); });

  // "Load earlier": keep the messages on screen where they were.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-earlier]")) return;
    var list = target.closest(".conv-messages");
    if (list) list._fromBottom = list.scrollHeight - list.scrollTop;
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll(".conv-messages").forEach(function (list) {
      if (list._fromBottom === undefined) return;
      list.scrollTop = list.scrollHeight - list._fromBottom;
      list._fromBottom = undefined;
    });
  });

  // Sent from this page: show it at once, whatever the socket is doing, and keep typing.
  var focusComposer = false;
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusComposer) return;
    focusComposer = false;
    var box = document.getElementById("conversation-text");
    if (box) box.focus();
  });
  document.addEventListener("conversation-sent", function (event) {
    focusComposer = true;
    var id = event.detail && event.detail.conversation;
    var view = document.querySelector('.conv-view[data-conversation="' + id + '"]');
    if (!view) return;
    fetchNew(view);
    var header = view.querySelector("#conversation-header");
    if (header && (header.getAttribute("data-status") !== "open" || !header.getAttribute("data-assignee"))) {
      refreshHeader(view);
    }
  });
  document.addEventListener("conversations-changed", function () {
    roots().forEach(function (root) { refreshList(root); });
  });

  // Ctrl+Enter (⌘+Enter) sends.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    var form = event.target.closest && event.target.closest("form.conv-composer");
    if (form) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });

  // "Copy" next to an invitation link.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).catch(function () {});
    } else {
      try { document.execCommand("copy"); } catch (error) { /* selected for the user to copy */ }
    }
  });

  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") reconnectNow();
  });

  window.OficinaConversations = { scan: scan, state: function () { return state; } };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
