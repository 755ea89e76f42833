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

  // Dialogs: buttons open and close them; a dialog rendered with data-open (a form that came
  // back with errors) opens itself.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (dialog && !dialog.open) dialog.showModal();
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
      if (!dialog.open && dialog.isConnected) dialog.showModal();
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

  // Tab strip: mark the tab that was just opened.
  document.addEventListener("htmx:afterRequest", function (event) {
    var link = event.detail.elt;
    if (!link || !link.matches || !link.matches(".tabs a")) return;
    link.parentElement.querySelectorAll("a").forEach(function (a) {
      a.setAttribute("aria-selected", a === link ? "true" : "false");
    });
  });
})();
