/* SEND Tracker: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Tracker: narrow the table as a reader types a council's name, before they submit the form.
  function liveNameFilter() {
    var input = document.getElementById("id_q");
    var table = document.getElementById("tracker-table");
    var count = document.getElementById("result-count");
    if (!input || !table || !count) {
      return;
    }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var total = count.getAttribute("data-total");
    var original = count.innerHTML;
    var timer = null;

    function apply() {
      var needle = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !needle || (row.getAttribute("data-name") || "").indexOf(needle) !== -1;
        row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      if (needle) {
        count.textContent = shown + " of " + total + " councils shown (matching “" + input.value.trim() + "”).";
      } else {
        count.innerHTML = original;
      }
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 150);
    });
  }

  // Move focus to the error summary so a screen reader hears what went wrong.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // Tracker: after "Apply filters" (the form's action ends in #results), start on the results,
  // so a screen reader hears the count and the filters applied.
  function focusResults() {
    var results = document.getElementById("results");
    if (results && window.location.hash === "#results" && !document.querySelector(".error-summary")) {
      results.focus();
    }
  }

  // Tracker: on a wide screen the filters sit beside the results, open; on a phone they wait behind
  // "Filter and sort" so the results come first.
  function openFiltersWhenWide() {
    var toggle = document.getElementById("filter-toggle");
    if (toggle && window.matchMedia && window.matchMedia("(min-width: 64rem)").matches) {
      toggle.open = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveNameFilter();
    openFiltersWhenWide();
    focusErrors();
    focusResults();
  });
})();
