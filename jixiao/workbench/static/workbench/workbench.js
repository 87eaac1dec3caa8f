// What the pages once wrote in inline attributes (onclick=, onchange=, onsubmit=): the
// Content-Security-Policy runs scripts from jixiao's own files only. One listener per event on the
// document, so content htmx swaps in later (tabs, tables) behaves the same.
(function () {
  "use strict";
  // <a data-confirm="…"> and <form data-confirm="…">: go on only if the user agrees.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // <select data-autosubmit>: choosing a value submits its form (the dashboard's year).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  // The project page's tabs (loaded by htmx): mark the clicked one.
  document.addEventListener("click", function (event) {
    var tab = event.target.closest(".tabs a");
    if (!tab) return;
    document.querySelectorAll(".tabs a.active").forEach(function (a) { a.classList.remove("active"); });
    tab.classList.add("active");
  });
})();
