// The story editor's section panel: asks the site's model which sections fit
// the story as it is written, and lists the three best.
(function () {
  "use strict";

  // Long enough that a burst of typing makes one request, short enough that
  // the suggestion follows the writer.
  var PAUSE_MS = 600;

  function fieldValue(form, id) {
    var field = form.querySelector("#" + id);
    return field ? field.value : "";
  }

  function story(form) {
    var parts = [fieldValue(form, "id_standfirst")];
    // The body is rich text in Draftail editors; their visible text is the story.
    form.querySelectorAll('[contenteditable="true"]').forEach(function (editor) {
      parts.push(editor.innerText || "");
    });
    return { title: fieldValue(form, "id_title"), text: parts.join("\n") };
  }

  function show(panel, answer) {
    var list = panel.querySelector(".section-suggestions__list");
    var advice = panel.querySelector(".section-suggestions__advice");
    list.textContent = "";
    answer.suggestions.forEach(function (suggestion) {
      var item = document.createElement("li");
      item.dataset.section = suggestion.id;
      item.textContent = suggestion.title + " — " + Math.round(suggestion.confidence * 100) + "%";
      list.appendChild(item);
    });
    var best = answer.suggestions[0];
    var current = panel.dataset.current;
    if (best && current && String(best.id) !== current) {
      advice.textContent = "This story reads like " + best.title + ". ";
      if (panel.dataset.moveUrl) {
        var link = document.createElement("a");
        link.href = panel.dataset.moveUrl;
        link.textContent = "Move it";
        advice.appendChild(link);
      }
      advice.hidden = false;
    } else {
      advice.hidden = true;
    }
  }

  function watch(panel) {
    var form = panel.closest("form");
    if (!form) return;
    var timer = null;
    var asked = "";
    function ask() {
      var written = story(form);
      var key = written.title + "\n" + written.text;
      if (!key.trim() || key === asked) return;
      asked = key;
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(panel.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify(written),
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) show(panel, answer); })
        .catch(function () { asked = ""; });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, PAUSE_MS);
    });
    ask();
  }

  function start() {
    document.querySelectorAll("[data-section-suggestions]").forEach(watch);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
