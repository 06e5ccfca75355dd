// Keep "7 hours ago" current on pages served from a cache. The rules match
// newsdesk/stories/ages.py: keep the two in step.
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  function plural(count, unit) {
    return count + " " + unit + (count === 1 ? "" : "s") + " ago";
  }

  function ageInWords(when, now) {
    var seconds = (now - when) / 1000;
    if (seconds < 60) return "just now";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return plural(minutes, "minute");
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return plural(hours, "hour");
    if (hours < 24 * 7) return plural(Math.floor(hours / 24), "day");
    return null; // a date: the server already wrote it, in the site's time zone
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("time[data-age]").forEach(function (el) {
      var when = Date.parse(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      var words = ageInWords(when, now);
      if (words === null) {
        if (/ago$|just now/.test(el.textContent)) {
          var date = new Date(when);
          words = date.getDate() + " " + MONTHS[date.getMonth()] + " " + date.getFullYear();
        } else {
          return;
        }
      }
      if (el.textContent !== words) el.textContent = words;
    });
  }

  window.newsdeskAgeInWords = ageInWords;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
  setInterval(refresh, 30000);
})();
