/* The query page with YASGUI (@zazuko/yasgui, installed by `kg assets`; nothing from a CDN).
 *
 * - one YASGUI on #yasgui, querying this server's /sparql (POST, SPARQL JSON results), no tab
 *   persistence across pages, no LOV/prefix.cc look-ups (the page works offline);
 * - the default query is the project's prefixes (window.KG_PREFIXES) and an example;
 * - a click on a catalogue link (a.example) puts the saved query (<template id="query-NAME">) in
 *   the editor and runs it;
 * - IRIs of this graph (https://w3id.org/bg-inclusion/id/…, …/ontology#…) in the result table
 *   link to their Linked Data pages on this server (/id/…, /ontology…);
 * - download buttons fetch the current query's answer again from /sparql in CSV, TSV, JSON, XML
 *   (tables) or Turtle, N-Triples, JSON-LD, RDF/XML (graphs), besides YASR's own download icon.
 * - an answer over the server's row cap: the table asks for it cut (truncate=1) and says so above
 *   the results; a download does not ask, so a file is never a silently cut answer: the
 *   server's 422 message (how to page with ORDER BY, LIMIT, OFFSET) shows instead
 *   (docs/decisions/0019-cut-answers-are-refused-unless-asked.md).
 */
(function () {
  "use strict";

  var BASE = window.KG_BASE || null; // the graph's IRI base, from the page
  var ENDPOINT = new URL("/sparql", window.location.href).href;
  var PREFIXES = window.KG_PREFIXES || "";
  var EXAMPLE = window.KG_EXAMPLE || "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var container = document.getElementById("yasgui");
  if (!container || typeof window.Yasgui !== "function") {
    return;
  }
  var Yasgui = window.Yasgui;

  /** The path on this server of an IRI of ours, or null. */
  function localHref(iri) {
    if (!BASE) {
      return null;
    }
    if (iri.indexOf(BASE + "id/") === 0) {
      return "/id/" + iri.substring((BASE + "id/").length);
    }
    if (iri.indexOf(BASE + "ontology") === 0) {
      return "/ontology" + iri.substring((BASE + "ontology").length);
    }
    return null;
  }

  // The table plugin writes <a class='iri' href='IRI'>; point ours at the local pages, in the
  // same tab (the page is on this server). Done on the plugin's prototype so that every table
  // (every tab, every page of results) gets it.
  var Table = Yasgui.Yasr.plugins.table;
  if (Table) {
    Table.defaults.openIriInNewWindow = false;
    var link = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var html = link.call(this, binding, prefixes);
      var href = binding && binding.type === "uri" ? localHref(binding.value) : null;
      if (!href) {
        return html;
      }
      var holder = document.createElement("template");
      holder.innerHTML = html;
      holder.content.querySelectorAll("a.iri").forEach(function (anchor) {
        anchor.setAttribute("href", href);
        anchor.setAttribute("title", binding.value);
        anchor.classList.add("local");
      });
      return holder.innerHTML;
    };
  }

  /** {prefix: namespace} of the PREFIX lines in a text. */
  function prefixMap(text) {
    var map = {};
    text.replace(/PREFIX\s+([\w-]*):\s*<([^>]*)>/gi, function (line, name, namespace) {
      map[name] = namespace;
    });
    return map;
  }

  // Yasgui merges its config into the defaults with lodash's merge, which merges arrays index by
  // index: a shorter list of completers would keep the defaults' tail, so set the list itself.
  // Only the bundled ones: "class" and "property" ask lov.linkeddata.es, "prefixes" could ask
  // prefix.cc (prefixCcApi, null here) - an offline page can reach neither.
  var COMPLETERS = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.autocompleters = COMPLETERS.slice();
  Yasgui.defaults.yasqe.autocompleters = COMPLETERS.slice();

  var yasgui = new Yasgui(container, {
    persistenceId: null,
    populateFromUrl: true,
    copyEndpointOnNewTab: false,
    autofocus: false,
    requestConfig: {
      endpoint: ENDPOINT,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      args: [{ name: "truncate", value: "1" }],
    },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: ENDPOINT }];
      },
      keys: [],
    },
    yasqe: {
      value: PREFIXES + "\n" + EXAMPLE,
      prefixCcApi: null,
      editorHeight: "320px",
    },
    yasr: {
      // the table abbreviates IRIs with these and the query's own prefixes (xsd:integer, id:…)
      prefixes: prefixMap(PREFIXES),
    },
  });
  window.kgYasgui = yasgui;

  function currentTab() {
    return yasgui.getTab();
  }

  /** Put a saved query in the current tab, name the tab after it and run it. */
  function runExample(name) {
    var template = document.getElementById("query-" + name);
    if (!template) {
      return;
    }
    var text = template.content ? template.content.textContent : template.textContent;
    var tab = currentTab();
    tab.setQuery(text.replace(/^\s+/, ""));
    tab.setName(name);
    container.scrollIntoView({ block: "start" });
    tab.query().catch(function () {});
  }

  document.querySelectorAll("a.example").forEach(function (anchor) {
    anchor.addEventListener("click", function (event) {
      event.preventDefault();
      runExample(anchor.dataset.name);
    });
  });

  // Download buttons: the same query again, in the format asked for (format= override).
  // [format=, label, extension] per button, from the server's table of formats (server/http/formats.py).
  var RESULT_FORMATS = window.KG_DOWNLOADS.results;
  var GRAPH_FORMATS = window.KG_DOWNLOADS.graph;
  var downloads = document.getElementById("downloads");
  var status = document.getElementById("download-status");

  function fileStem() {
    var name = currentTab().getName() || "query";
    return name.toLowerCase().replace(/[^a-z0-9а-я]+/gi, "-").replace(/^-|-$/g, "") || "query";
  }

  function download(format, extension) {
    var tab = currentTab();
    var body = new URLSearchParams();
    body.set("query", tab.getQuery());
    body.set("format", format);
    status.textContent = "…";
    fetch(ENDPOINT, { method: "POST", body: body })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            throw new Error(response.status + " " + text.slice(0, 300));
          });
        }
        return response.blob();
      })
      .then(function (blob) {
        var anchor = document.createElement("a");
        anchor.href = URL.createObjectURL(blob);
        anchor.download = fileStem() + "." + extension;
        document.body.appendChild(anchor);
        anchor.click();
        setTimeout(function () { URL.revokeObjectURL(anchor.href); anchor.remove(); }, 1000);
        status.textContent = "";
      })
      .catch(function (error) {
        status.textContent = String(error.message || error);
      });
  }

  function drawDownloads() {
    if (!downloads) {
      return;
    }
    var type = "SELECT";
    try {
      type = currentTab().getYasqe().getQueryType() || "SELECT";
    } catch (error) { /* an unparsable query: offer the table formats */ }
    var formats = type === "CONSTRUCT" || type === "DESCRIBE" ? GRAPH_FORMATS : RESULT_FORMATS;
    downloads.querySelectorAll("button").forEach(function (button) { button.remove(); });
    formats.forEach(function (format) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "download";
      button.dataset.format = format[0];
      button.textContent = format[1];
      button.addEventListener("click", function () { download(format[0], format[2]); });
      downloads.insertBefore(button, status);
    });
  }

  // Say when the table holds a cut answer (KG-Result-Truncated, sent because the page asks with
  // truncate=1). The listener's arguments differ between YASGUI versions: find the response.
  function watchCuts() {
    var yasqe = currentTab() && currentTab().getYasqe();
    if (!status || !yasqe || yasqe.kgWatchesCuts) {
      return;
    }
    yasqe.kgWatchesCuts = true;
    yasqe.on("queryResponse", function () {
      var cut = null;
      Array.prototype.forEach.call(arguments, function (argument) {
        if (argument && argument.headers && typeof argument.headers.get === "function") {
          cut = argument.headers.get("KG-Result-Truncated");
        }
      });
      status.textContent = cut
        ? "Отговорът е съкратен (" + cut + "): подредете с ORDER BY и четете на страници с LIMIT/OFFSET. " +
          "The answer was cut (" + cut + "): ORDER BY, then page with LIMIT and OFFSET."
        : "";
    });
  }

  drawDownloads();
  watchCuts();
  yasgui.on("query", function () { watchCuts(); drawDownloads(); });
  yasgui.on("tabSelect", function () { setTimeout(function () { watchCuts(); drawDownloads(); }, 0); });
})();
