(function () {
  "use strict";
  var list = document.getElementById("segments");
  if (!list) {
    return;
  }
  var items = Array.prototype.slice.call(list.querySelectorAll("li.seg"));
  var normalise = function (text) {
    return text.toLowerCase().replace(/\s+/g, " ").trim();
  };
  var texts = items.map(function (item) {
    var text = item.querySelector(".text");
    var speaker = item.querySelector(".speaker");
    return normalise((speaker ? speaker.textContent + " " : "") + (text ? text.textContent : ""));
  });
  var points = {};
  Array.prototype.forEach.call(document.querySelectorAll("#timeline a.point"), function (point) {
    points[point.getAttribute("data-seg")] = point;
  });

  // Search: show the segments that contain the words typed, dim the other points of the chart.
  var searchBox = document.getElementById("search-box");
  var search = document.getElementById("search");
  var searchStatus = document.getElementById("search-status");
  if (searchBox && search) {
    searchBox.hidden = false;
    var filter = function () {
      var query = normalise(search.value);
      var shown = 0;
      items.forEach(function (item, n) {
        var match = !query || texts[n].indexOf(query) !== -1;
        item.hidden = !match;
        if (match) {
          shown += 1;
        }
        var point = points[item.id];
        if (point) {
          point.classList.toggle("dim", !match);
        }
      });
      searchStatus.textContent = query ? shown + " of " + items.length + " segments match" : "";
    };
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        search.value = "";
        filter();
      }
    });
  }

  // Select a time to copy it (the link still goes to its segment).
  var copyStatus = document.getElementById("copy-status");
  var legacyCopy = function (text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  };
  var copy = function (text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text);
      });
    }
    return legacyCopy(text);
  };
  // Play the redacted recording from a segment's start (without scripts the link opens the file there).
  var player = document.getElementById("player");
  var playerStatus = document.getElementById("player-status");
  list.addEventListener("click", function (event) {
    var play = event.target.closest ? event.target.closest("a.play") : null;
    if (!play || !player) {
      return;
    }
    event.preventDefault();
    player.currentTime = parseFloat(play.getAttribute("data-start")) || 0;
    var started = player.play();
    if (started && started.catch) {
      started.catch(function () {
        if (playerStatus) {
          playerStatus.textContent = "Press play to listen from " + play.previousSibling.textContent.trim();
        }
      });
    }
  });
  list.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.time") : null;
    if (!link || !copyStatus) {
      return;
    }
    var time = link.textContent.trim();
    copy(time).then(
      function () {
        copyStatus.textContent = "Copied " + time;
      },
      function () {
        copyStatus.textContent = "Could not copy " + time + " (the browser refused)";
      }
    );
  });
})();
