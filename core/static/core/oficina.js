// Small behaviours the server-rendered pages share. Everything works without it, except
// adding rows to a formset.
(function () {
  "use strict";

  // "Add phone": clone the empty form kept in a <template>, renumbering __prefix__.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    event.preventDefault();
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    if (window.htmx) window.htmx.process(rows.lastElementChild);  // its hx-* (catalog picker)
    total.value = String(index + 1);
    var input = rows.lastElementChild && rows.lastElementChild.querySelector("input");
    if (input) input.focus();
  });

  // "Remove line": the row is marked for deletion (the formset's DELETE box) and hidden;
  // a change event tells whatever follows the form (the new sale's total) to look again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-remove]");
    if (!button) return;
    event.preventDefault();
    var row = button.closest("[data-formset-row]");
    var box = row && row.querySelector("input[type=checkbox][name$='-DELETE']");
    if (!box) return;
    box.checked = true;
    row.hidden = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // Person / organization: show only the name fields that apply.
  function syncKind(root) {
    var form = (root || document).querySelector("[data-client-form]");
    if (!form) return;
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "person";
    form.querySelectorAll("[data-kind]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind") !== kind;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") syncKind();
  });
  document.addEventListener("DOMContentLoaded", function () { syncKind(); });
  document.addEventListener("htmx:afterSettle", function () { syncKind(); });

  // A field that only matters for one choice of a radio group ("paid now" needs a cashbox):
  // data-show-if="<radio name>:<value>" hides it otherwise. Without JS it is always shown.
  function syncShowIf(root) {
    (root || document).querySelectorAll("[data-show-if]").forEach(function (el) {
      var rule = el.getAttribute("data-show-if").split(":");
      var form = el.closest("form") || document;
      var checked = form.querySelector("input[name='" + rule[0] + "']:checked");
      el.hidden = !checked || checked.value !== rule[1];
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.type === "radio") syncShowIf(event.target.closest("form"));
  });
  document.addEventListener("DOMContentLoaded", function () { syncShowIf(); });
  document.addEventListener("htmx:afterSettle", function (event) { syncShowIf(event.target); });

  // A select narrowed by others (the asset form's model by its brand, its modification by its
  // model): <select data-narrow-by="brand model"> whose options carry data-brand/data-model.
  // An option of another brand is hidden; a choice it no longer allows is cleared. Choosing a
  // model while no brand is chosen fills the brand in. Without JS every option is offered and
  // the server refuses a model of another brand.
  function narrowFrom(form) {
    form.querySelectorAll("select[data-narrow-by]").forEach(function (select) {
      var parents = select.getAttribute("data-narrow-by").split(" ");
      var cleared = false;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var fits = parents.every(function (name) {
          var parent = form.elements[name];
          return !parent || !parent.value || option.getAttribute("data-" + name) === parent.value;
        });
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) cleared = true;
      });
      if (cleared) select.value = "";
    });
  }
  document.addEventListener("change", function (event) {
    var select = event.target;
    var form = select.form;
    if (!form || !form.querySelector("select[data-narrow-by]")) return;
    if (select.hasAttribute && select.hasAttribute("data-narrow-by") && select.value) {
      var chosen = select.options[select.selectedIndex];
      select.getAttribute("data-narrow-by").split(" ").forEach(function (name) {
        var parent = form.elements[name];
        var wanted = chosen.getAttribute("data-" + name);
        if (parent && !parent.value && wanted) parent.value = wanted;
      });
    }
    narrowFrom(form);
  });
  function narrowAll(root) {
    (root || document).querySelectorAll("select[data-narrow-by]").forEach(function (select) {
      if (select.form) narrowFrom(select.form);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { narrowAll(); });
  document.addEventListener("htmx:afterSettle", function (event) { narrowAll(event.target); });

  // The catalog picker of a document line (documents/widgets/catalog_picker.html): typing asks
  // the server (htmx) for what matches; choosing one puts its value in the hidden input, its
  // name in the box, and tells the form (the new sale's total) with a change event. Typing
  // again forgets the choice until another is made. Arrow keys move through the matches.
  function pickerOf(el) { return el.closest("[data-catalog-picker]"); }
  function choose(button) {
    var picker = pickerOf(button);
    var value = picker.querySelector("[data-catalog-value]");
    var box = picker.querySelector("[data-catalog-query]");
    value.value = button.getAttribute("data-catalog-choice");
    box.value = button.getAttribute("data-label");
    box.setAttribute("data-chosen-label", box.value);
    picker.querySelector("[data-catalog-results]").innerHTML = "";
    box.focus();
    value.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-catalog-choice]");
    if (button && pickerOf(button)) choose(button);
  });
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-catalog-query]")) return;
    var value = pickerOf(box).querySelector("[data-catalog-value]");
    if (value.value && box.value !== box.getAttribute("data-chosen-label")) {
      value.value = "";
      box.setAttribute("data-chosen-label", "");
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  document.addEventListener("keydown", function (event) {
    var picker = event.target.closest && event.target.closest("[data-catalog-picker]");
    if (!picker) return;
    var options = Array.prototype.slice.call(picker.querySelectorAll("[data-catalog-choice]"));
    var box = picker.querySelector("[data-catalog-query]");
    var at = options.indexOf(event.target);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(at + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? box : options[at - 1]).focus();
    } else if (event.key === "Enter" && event.target === box) {
      event.preventDefault();  // Enter in the search box picks nothing and sends no form
      if (options.length === 2) choose(options[0]);  // one match (and "Free text")
    } else if (event.key === "Escape" && options.length) {
      event.preventDefault();
      event.stopPropagation();  // closes the matches, not the dialog
      picker.querySelector("[data-catalog-results]").innerHTML = "";
      box.focus();
    }
  }, true);

  // Dialogs: buttons open and close them; a dialog rendered with data-open (a form that came
  // back with errors) opens itself.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && !dialog.open) {
        rememberOpener(opener);
        dialogStatus(dialog);
        dialog.showModal();
      }
      var first = dialog && dialog.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) parent.close();
    }
  });
  // Only the dialogs in what was just swapped in: a dialog the user closed stays closed when
  // something else on the page refreshes (a list reloading itself, a header swapped out of band).
  function openMarkedDialogs(root) {
    if (!root || !root.querySelectorAll) return;
    var dialogs = Array.prototype.slice.call(root.querySelectorAll("dialog[data-open]"));
    if (root.matches && root.matches("dialog[data-open]")) dialogs.push(root);
    dialogs.forEach(function (dialog) {
      if (dialog.open || !dialog.isConnected) return;
      if (!focusReturn && lastTrigger) focusReturn = lastTrigger;
      dialogStatus(dialog);
      dialog.showModal();
      // Came back with errors: start at the first field that has one.
      var invalid = dialog.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { openMarkedDialogs(document); });
  document.addEventListener("htmx:afterSettle", function (event) { openMarkedDialogs(event.target); });

  // A document dialog has its own URL while it is open; closing it puts back the URL of the
  // page under it. ("close" does not bubble: listen while it goes down.)
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    var back = dialog && dialog.getAttribute && dialog.getAttribute("data-close-url");
    if (back && window.location.pathname !== back) {
      window.history.replaceState(window.history.state, "", back);
    }
  }, true);

  // Focus goes back to what opened a dialog (WCAG 2.4.3) when the dialog closes (Escape, ×,
  // Cancel) and when an htmx answer replaces it (saved: the tab is swapped, the dialog with
  // it). The opener itself is often swapped too, so it is found again by what it does: its
  // id, the dialog it opens, or the URL it fetches.
  var focusReturn = null; // {el, selector} of the control that opened the open dialog
  var lastTrigger = null; // the same for the last htmx request sent from outside a dialog

  function describe(el) {
    if (!el || el === document.body || !el.getAttribute || el.closest("dialog")) return null;
    var selector = null;
    var attr = function (name) { return el.getAttribute(name); };
    if (el.id) selector = "#" + CSS.escape(el.id);
    else if (attr("data-dialog-open")) selector = '[data-dialog-open="' + CSS.escape(attr("data-dialog-open")) + '"]';
    else if (attr("hx-get")) selector = '[hx-get="' + CSS.escape(attr("hx-get")) + '"]';
    else if (attr("href")) selector = 'a[href="' + CSS.escape(attr("href")) + '"]';
    return { el: el, selector: selector };
  }
  function rememberOpener(el) {
    var described = describe(el);
    if (described) focusReturn = described;
  }
  function usable(el) {
    return el && el.isConnected && !el.closest("dialog") && !el.disabled && el.getClientRects().length > 0;
  }
  function returnFocus() {
    if (!focusReturn || document.querySelector("dialog[open]")) return;
    var target = usable(focusReturn.el) ? focusReturn.el : null;
    if (!target && focusReturn.selector) {
      var found = Array.prototype.filter.call(document.querySelectorAll(focusReturn.selector), usable);
      target = found[0] || null;
    }
    if (target) {
      focusReturn = null;
      target.focus();
    }
  }
  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.closest || elt.closest("dialog")) return;
    var active = document.activeElement;
    var from = active && active !== document.body && !active.closest("dialog") && elt.contains(active) ? active : elt;
    lastTrigger = describe(from) || lastTrigger;
  });
  // "close" does not bubble: listen while it goes down.
  document.addEventListener("close", function (event) {
    if (event.target && event.target.tagName === "DIALOG") returnFocus();
  }, true);
  document.addEventListener("htmx:afterSettle", function () {
    // The open dialog was swapped away (saved) and focus fell to <body>: back to the opener.
    if (focusLost()) returnFocus();
  });
  // Once the person moves on by themselves, nothing pulls focus back any more.
  document.addEventListener("focusin", function (event) {
    if (!focusReturn || document.querySelector("dialog[open]")) return;
    if (event.target !== focusReturn.el && !event.target.closest("dialog")) focusReturn = null;
  });

  // Messages of an htmx answer (core/htmx.py) go where a page load puts them: the page's one
  // role=status region, which reads them out. While a modal dialog stays open (a document's)
  // the page under it is inert and unheard: the dialog's own status region, made when it
  // opens, takes them instead.
  function dialogStatus(dialog) {
    var region = dialog.querySelector(":scope > .dialog-messages");
    if (!region) {
      region = document.createElement("div");
      region.className = "messages dialog-messages";
      region.setAttribute("role", "status");
      region.setAttribute("data-since", String(Date.now()));
      dialog.insertBefore(region, dialog.firstChild);
    }
    return region;
  }
  document.addEventListener("oficina:messages", function (event) {
    var list = event.detail && event.detail.messages;
    var dialog = document.querySelector("dialog[open]");
    var region = dialog ? dialogStatus(dialog) : document.getElementById("messages");
    if (!region || !list) return;
    var write = function () {
      region.textContent = "";
      list.forEach(function (message) {
        var div = document.createElement("div");
        div.className = "message message-" + String(message.level || "info").split(" ").join(" message-");
        div.textContent = message.text;
        region.appendChild(div);
      });
    };
    // A region only just put in the page is not listened to yet: fill it a moment later.
    var age = Date.now() - parseInt(region.getAttribute("data-since") || "0", 10);
    if (age < 300) window.setTimeout(write, 300 - age);
    else write();
  });

  // Tab strip (links, not an ARIA tablist): mark the tab that was just opened as the page.
  document.addEventListener("htmx:afterRequest", function (event) {
    var link = event.detail.elt;
    if (!link || !link.matches || !link.matches(".tabs a") || !event.detail.successful) return;
    link.parentElement.querySelectorAll("a").forEach(function (a) {
      if (a === link) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  });
})();
