// The "Copy link" button under each story: copies the story's address.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-url]");
    if (!button) return;
    var status = button.parentNode.querySelector(".copy-status");
    var url = button.getAttribute("data-copy-url");
    function done(message) { if (status) status.textContent = message; }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () { done("Link copied"); },
        function () { done("Copy failed: " + url); }
      );
    } else {
      window.prompt("Copy this link:", url);
    }
  });
})();
