// labdesk's own behaviour on top of htmx. Every page works without it; this only adds comfort.
// Loaded from a file because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  // Copy buttons: <button type="button" data-copy="#element-id">Copy</button> copies the text of
  // the element it names, <button type="button" data-copy-text="...">Copy</button> its own
  // value, and the button says "Copied" for a moment.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-copy-text]");
    if (!button || !navigator.clipboard) return;
    var text = button.getAttribute("data-copy-text");
    if (text === null) {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      text = source.textContent.trim();
    }
    var label = button.textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

  // After htmx swaps part of a page, put the keyboard where the new content starts: the first
  // element of the swapped part marked data-focus (a heading with tabindex="-1", a message),
  // so keyboard and screen-reader users are not left on an element that no longer exists.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var focus = target.matches("[data-focus]") ? target : target.querySelector("[data-focus]");
    if (focus) focus.focus();
  });
})();

// Select-all checkboxes: <input type="checkbox" data-check-all="NAME" hidden> ticks or unticks
// every checkbox named NAME in its form. It needs this script, so it stays hidden without it.
(function () {
  "use strict";
  function reveal() {
    document.querySelectorAll("[data-check-all]").forEach(function (box) { box.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSettle", reveal);
  document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-check-all]");
    if (!all || !all.form) return;
    var name = all.getAttribute("data-check-all");
    all.form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
      if (box.name === name) box.checked = all.checked;
    });
  });
})();
