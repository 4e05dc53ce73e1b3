/* The meeting form: show the election fields for elections only. Adding and removing rows and
   moving the meeting to the earliest date a refusal offers are htmx requests (the server sends back
   the rows or the dates); without any script the same buttons post the form and the page comes
   back, nothing saved. */
(function () {
  "use strict";

  var form = document.getElementById("meeting-form");
  if (!form) return;
  document.documentElement.classList.add("mt-js");

  function syncKind(item) {
    var select = item.querySelector("select.mt-item-kind");
    if (select) item.setAttribute("data-kind", select.value);
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select.mt-item-kind")) {
      syncKind(event.target.closest(".mt-item"));
    }
  });

  form.querySelectorAll(".mt-item").forEach(syncKind);
})();
