/* "Your thoughts": a live character count for the comment box, and focus on the
   error summary. An enhancement only: the form works the same without it. */
(function () {
  "use strict";

  var numberFormat = new Intl.NumberFormat("en-GB");

  function describe(remaining) {
    if (remaining >= 0) {
      return "You have " + numberFormat.format(remaining) + " character" + (remaining === 1 ? "" : "s") + " remaining";
    }
    var over = -remaining;
    return "You have " + numberFormat.format(over) + " character" + (over === 1 ? "" : "s") + " too many";
  }

  function enhance(textarea) {
    var max = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var output = document.getElementById(textarea.id + "_count");
    if (!max || !output) {
      return;
    }
    var timer = null;
    function update() {
      // Count characters as the server does (code points, so an emoji is one).
      var remaining = max - Array.from(textarea.value.replace(/\r\n/g, "\n")).length;
      output.textContent = describe(remaining);
      output.classList.toggle("yt-charcount-over", remaining < 0);
      textarea.classList.toggle("yt-over-limit", remaining < 0);
    }
    textarea.addEventListener("input", function () {
      // Screen readers hear the count once typing pauses, not on every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    });
    update();
  }

  function init() {
    var boxes = document.querySelectorAll("textarea[data-maxlength]");
    for (var i = 0; i < boxes.length; i++) {
      enhance(boxes[i]);
    }
    var summary = document.querySelector(".yt-error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
