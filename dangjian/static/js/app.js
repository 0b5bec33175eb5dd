// Small behaviours of the pages; no inline scripts anywhere (strict Content Security Policy).
document.addEventListener("DOMContentLoaded", function () {
  // Auto-submit filter forms when a select changes (the submit button stays for keyboards).
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
  // Ask before destructive or structural actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
});

// Organization tree: the first click loads the children (htmx), later clicks fold and unfold.
document.addEventListener("htmx:beforeRequest", function (event) {
  var button = event.detail.elt;
  if (!button.hasAttribute("data-tree-toggle")) { return; }
  var list = button.closest("li").querySelector(":scope > ul");
  if (list && list.children.length) {
    event.preventDefault();
    list.hidden = !list.hidden;
    button.classList.toggle("open", !list.hidden);
  }
});
document.addEventListener("htmx:afterSwap", function (event) {
  var button = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (button && button.hasAttribute("data-tree-toggle")) { button.classList.add("open"); }
});

// Print buttons (printable lists such as political birthdays).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { window.print(); }
});
