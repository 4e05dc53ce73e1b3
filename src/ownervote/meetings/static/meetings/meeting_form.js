/* The meeting form: add and remove topic and item rows in the page, show the election fields for
   elections only, and move the meeting to the earliest date a refusal offers. Without this script
   the same buttons post the form and the server does each of these (nothing is saved then). */
(function () {
  "use strict";

  var form = document.getElementById("meeting-form");
  if (!form) return;
  document.documentElement.classList.add("mt-js");
  var topics = document.getElementById("topics");
  var topicTemplate = document.getElementById("topic-template");
  var itemTemplate = document.getElementById("item-template");

  function maxIndex(selector, attr) {
    var max = -1;
    form.querySelectorAll(selector).forEach(function (el) {
      var n = parseInt(el.getAttribute(attr), 10);
      if (!isNaN(n) && n > max) max = n;
    });
    return max;
  }

  function fromTemplate(template, t, i) {
    var html = template.innerHTML.replace(/__T__/g, String(t)).replace(/__I__/g, String(i));
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    return holder.firstElementChild;
  }

  function renumber() {
    var itemNo = 0;
    topics.querySelectorAll(".mt-topic").forEach(function (topic, t) {
      var label = topic.querySelector(".mt-topic-no");
      if (label) label.textContent = String(t + 1);
      topic.querySelectorAll(".mt-item").forEach(function (item) {
        itemNo += 1;
        var no = item.querySelector(".mt-item-no");
        if (no) no.textContent = String(itemNo);
      });
    });
  }

  function focusFirst(el) {
    var input = el.querySelector("input[type=text], textarea, select");
    if (input) input.focus();
  }

  function syncKind(item) {
    var select = item.querySelector("select.mt-item-kind");
    if (select) item.setAttribute("data-kind", select.value);
  }

  function rows(action) {
    var m;
    if (action === "add-topic") {
      var t = maxIndex(".mt-topic", "data-topic") + 1;
      var topic = fromTemplate(topicTemplate, t, 0);
      topics.appendChild(topic);
      topic.querySelectorAll(".mt-item").forEach(syncKind);
      renumber();
      focusFirst(topic);
    } else if ((m = /^add-item-(\d+)$/.exec(action))) {
      var owner = form.querySelector('.mt-topic[data-topic="' + m[1] + '"]');
      if (!owner) return;
      var next = -1;
      owner.querySelectorAll(".mt-item").forEach(function (el) {
        var n = parseInt(el.getAttribute("data-item").split("-")[1], 10);
        if (n > next) next = n;
      });
      var item = fromTemplate(itemTemplate, m[1], next + 1);
      owner.querySelector(".mt-items").appendChild(item);
      syncKind(item);
      renumber();
      focusFirst(item);
    } else if ((m = /^remove-topic-(\d+)$/.exec(action))) {
      var gone = form.querySelector('.mt-topic[data-topic="' + m[1] + '"]');
      if (gone) gone.remove();
      renumber();
    } else if ((m = /^remove-item-(\d+)-(\d+)$/.exec(action))) {
      var goneItem = form.querySelector('.mt-item[data-item="' + m[1] + "-" + m[2] + '"]');
      if (goneItem) goneItem.remove();
      renumber();
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function shiftValue(value, days) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!m) return value;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + days));
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + "T" + m[4] + ":" + m[5];
  }

  function useDate(day) {
    var start = form.querySelector('[name="starts_at"]');
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(start.value || "");
    var t = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m || !t) return false;
    var days = Math.round((Date.UTC(+t[1], +t[2] - 1, +t[3]) - Date.UTC(+m[1], +m[2] - 1, +m[3])) / 86400000);
    ["starts_at", "voting_opens_at", "voting_closes_at"].forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (input) input.value = shiftValue(input.value, days);
    });
    start.dispatchEvent(new Event("change", { bubbles: true }));
    start.focus();
    return true;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    if (button.name === "rows") {
      event.preventDefault();
      rows(button.value);
    } else if (button.name === "use_date") {
      if (useDate(button.value)) event.preventDefault();
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches("select.mt-item-kind")) {
      syncKind(event.target.closest(".mt-item"));
    }
  });

  form.querySelectorAll(".mt-item").forEach(syncKind);
})();
