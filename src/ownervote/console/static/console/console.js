// A table wider than a phone scrolls sideways in its own box (console.css). A keyboard user must be
// able to reach that box with Tab and scroll it with the arrow keys (WCAG 2.1.1): every such box is
// given tabindex="0" while it overflows, and loses it when it no longer does (a wider window, a
// table replaced by htmx). Without this script the page still works; only that box is not focusable.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1 &&
        getComputedStyle(table).overflowX === "auto";
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-ov-scroller", "");
      } else if (!scrolls && table.hasAttribute("data-ov-scroller")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-ov-scroller");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  window.addEventListener("resize", mark);
})();
