// Suggestions under the search box of every page: /api/search as the user types. The box is a
// plain form (GET /search) without this script; with it, the best hits appear as links to
// their Linked Data pages (arrow keys choose one, Enter opens it; Enter alone submits the form).
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-suggestions");
  var timer = null, active = -1, asked = 0;

  function clear() { list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); }

  function show(hits) {
    clear();
    hits.forEach(function (hit) {
      if (!hit.href) { return; }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.href;
      link.textContent = hit.label + " ";
      var kind = document.createElement("small");
      kind.textContent = hit.kind;
      link.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
  }

  function ask() {
    var text = input.value;
    if (text.trim().length < 2 || text.length > 200) { clear(); return; }
    var mine = ++asked;
    fetch("/api/search?" + new URLSearchParams({ q: text, limit: "8" }), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { hits: [] }; })
      .then(function (answer) { if (mine === asked) { show(answer.hits || []); } })
      .catch(function () { clear(); });
  }

  function mark(index) {
    var links = list.querySelectorAll("a");
    links.forEach(function (link, i) { link.classList.toggle("active", i === index); });
    active = index;
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 120); });
  input.addEventListener("keydown", function (event) {
    var links = list.querySelectorAll("a");
    if (event.key === "ArrowDown" && links.length) { event.preventDefault(); mark((active + 1) % links.length); }
    else if (event.key === "ArrowUp" && links.length) { event.preventDefault(); mark((active - 1 + links.length) % links.length); }
    else if (event.key === "Escape") { clear(); }
    else if (event.key === "Enter" && active >= 0 && links[active]) { event.preventDefault(); window.location = links[active].href; }
  });
  document.addEventListener("click", function (event) { if (!form.contains(event.target)) { clear(); } });
}());
