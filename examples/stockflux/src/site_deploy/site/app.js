// The StockFlux page: reads config.json (written by the site deployment) for the API's base
// URL, then searches securities (debounced, as the StockFlux launcher did), draws two years of
// OHLC for the picked security, lists its news and lists the FDC3 App Directory.
// Every failure is shown on the page (and in the section it broke), never swallowed.
(function () {
  "use strict";

  var SEARCH_DEBOUNCE_MS = 250;
  var CHART_YEARS = 2;
  var state = { api: "", searchSeq: 0, pickSeq: 0, timer: 0, points: null };

  function $(id) { return document.getElementById(id); }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") { node.textContent = props[key]; }
      else if (key === "className") { node.className = props[key]; }
      else { node.setAttribute(key, props[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function setStatus(id, text, isError) {
    var node = $(id);
    node.textContent = text;
    node.classList.toggle("error", !!isError);
  }

  function showError(where, error) {
    var message = where + ": " + (error && error.message ? error.message : String(error));
    if (window.console) { console.error(message, error); }
    var dismiss = el("button", { type: "button", "aria-label": "dismiss", text: "×" });
    var item = el("li", {}, [el("span", { text: message }), dismiss]);
    dismiss.addEventListener("click", function () { item.remove(); });
    $("errors").appendChild(item);
    return message;
  }

  // GET a JSON document; HTTP errors and StockFlux's {success:false} become exceptions
  // carrying the server's message.
  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (ignored) { body = null; }
        if (!response.ok) {
          throw new Error("HTTP " + response.status + " from " + url + describe(body, text));
        }
        if (body === null) { throw new Error("not JSON from " + url); }
        if (body && body.success === false) {
          throw new Error("the API reported a failure for " + url + describe(body, text));
        }
        return body;
      });
    }, function (error) {
      throw new Error("could not reach " + url + " (" + error.message + ")");
    });
  }

  function describe(body, text) {
    if (body && body.error && body.error.messages) { return ": " + body.error.messages.join("; "); }
    if (body && body.messages) { return ": " + [].concat(body.messages).join("; "); }
    if (body && body.message) { return ": " + body.message; }
    return text ? ": " + text.slice(0, 200) : "";
  }

  function api(path) { return state.api + path; }

  function isoDate(date) { return date.toISOString().slice(0, 10); }

  function yearsAgo(years) {
    var d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - years);
    return d;
  }

  // Search
  function onSearchInput() {
    clearTimeout(state.timer);
    var query = $("search").value.trim();
    if (!query) {
      state.searchSeq++;
      $("results").replaceChildren();
      setStatus("search-status", "Type a symbol or a company name.");
      return;
    }
    state.timer = setTimeout(function () { search(query); }, SEARCH_DEBOUNCE_MS);
  }

  function search(query) {
    var seq = ++state.searchSeq;
    setStatus("search-status", "Searching for “" + query + "”…");
    getJson(api("/securities/search/" + encodeURIComponent(query))).then(function (body) {
      if (seq !== state.searchSeq) { return; }  // a newer query has been typed
      var rows = Array.isArray(body.data) ? body.data : [];
      $("results").replaceChildren.apply($("results"), rows.map(resultItem));
      setStatus("search-status", rows.length ? rows.length + " result" + (rows.length > 1 ? "s" : "")
                : "No security matches “" + query + "”.");
    }).catch(function (error) {
      if (seq !== state.searchSeq) { return; }
      $("results").replaceChildren();
      setStatus("search-status", showError("Search", error), true);
    });
  }

  function resultItem(security) {
    var button = el("button", { type: "button", "aria-pressed": "false",
                                "data-symbol": security.symbol }, [
      el("span", { className: "symbol", text: security.symbol }),
      el("span", { className: "name", text: security.name || "" })
    ]);
    button.addEventListener("click", function () {
      Array.prototype.forEach.call($("results").querySelectorAll("button"), function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      pick(security);
    });
    return el("li", {}, [button]);
  }

  // Chart and news of one security
  function pick(security) {
    var seq = ++state.pickSeq;
    var symbol = security.symbol;
    $("chart-title").textContent = symbol + (security.name ? " — " + security.name : "");
    setStatus("chart-status", "Loading prices…");
    setStatus("news-status", "Loading news…");
    state.points = null;
    $("chart-readout").textContent = "";
    window.StockChart.draw($("chart"), []);
    $("news").replaceChildren();

    var from = isoDate(yearsAgo(CHART_YEARS));
    getJson(api("/ohlc/" + encodeURIComponent(symbol) + "/" + from)).then(function (body) {
      if (seq !== state.pickSeq) { return; }
      var points = window.StockChart.normalise(Array.isArray(body.data) ? body.data : []);
      state.points = points;
      window.StockChart.draw($("chart"), points);
      if (!points.length) { setStatus("chart-status", "No prices for " + symbol + " since " + from + "."); return; }
      var last = points[points.length - 1];
      setStatus("chart-status", points.length + " trading days since " + from + "; last close " +
                last.close.toFixed(2) + " on " + isoDate(new Date(last.t)) + ".");
    }).catch(function (error) {
      if (seq !== state.pickSeq) { return; }
      setStatus("chart-status", showError("Chart of " + symbol, error), true);
    });

    getJson(api("/news/" + encodeURIComponent(symbol))).then(function (body) {
      if (seq !== state.pickSeq) { return; }
      var stories = Array.isArray(body) ? body : (Array.isArray(body.data) ? body.data : []);
      $("news").replaceChildren.apply($("news"), stories.map(newsItem));
      setStatus("news-status", stories.length ? "Latest stories about " + symbol + "."
                : "No news about " + symbol + ".");
    }).catch(function (error) {
      if (seq !== state.pickSeq) { return; }
      setStatus("news-status", showError("News of " + symbol, error), true);
    });
  }

  function readout(p) {
    var volume = p.volume >= 1e6 ? (p.volume / 1e6).toFixed(2) + "M" : String(p.volume);
    return isoDate(new Date(p.t)) + "  O " + p.open.toFixed(2) + "  H " + p.high.toFixed(2) +
      "  L " + p.low.toFixed(2) + "  C " + p.close.toFixed(2) + "  Vol " + volume;
  }

  function safeLink(url) { return /^https?:\/\//i.test(url || "") ? url : null; }

  function newsItem(story) {
    var href = safeLink(story.url);
    var title = href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer",
                                 text: story.title || href })
                     : el("span", { text: story.title || "(untitled)" });
    var when = typeof story.time === "number" ? new Date(story.time).toLocaleString() : (story.time || "");
    return el("li", {}, [
      el("div", {}, [title]),
      el("div", { className: "meta", text: [story.source, when].filter(Boolean).join(" · ") }),
      story.summary ? el("p", { className: "summary", text: story.summary }) : null
    ]);
  }

  // App Directory
  function loadApps() {
    getJson(api("/appd/v2/apps")).then(function (body) {
      var apps = Array.isArray(body) ? body : (body.applications || []);
      $("apps").replaceChildren.apply($("apps"), apps.map(function (app) {
        return el("li", { "data-app-id": app.appId }, [
          el("div", { className: "app-title", text: app.title || app.name || app.appId }),
          el("div", { className: "app-id", text: app.appId + (app.version ? " · v" + app.version : "") }),
          app.description ? el("p", { className: "summary", text: app.description }) : null
        ]);
      }));
      setStatus("apps-status", apps.length + " application" + (apps.length === 1 ? "" : "s") +
                " in the directory.");
    }).catch(function (error) {
      setStatus("apps-status", showError("App Directory", error), true);
    });
  }

  function start() {
    fetch("config.json", { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status + " for config.json"); }
      return response.json();
    }).then(function (config) {
      if (!config || !config.apiBaseUrl) { throw new Error("config.json has no apiBaseUrl"); }
      state.api = String(config.apiBaseUrl).replace(/\/+$/, "");
      $("api-link").href = state.api + "/appd/v2/apps";
      $("api-link").textContent = state.api;
      $("search").disabled = false;
      $("search").addEventListener("input", onSearchInput);
      setStatus("search-status", "Type a symbol or a company name.");
      loadApps();
      $("search").focus();
    }).catch(function (error) {
      setStatus("search-status", showError("Configuration", error), true);
      setStatus("apps-status", "Not loaded: the page has no API address.", true);
    });
    $("chart").addEventListener("mousemove", function (event) {
      if (!state.points) { return; }
      var index = window.StockChart.indexAt($("chart"), state.points.length, event.offsetX);
      window.StockChart.draw($("chart"), state.points, index);
      $("chart-readout").textContent = index < 0 ? "" : readout(state.points[index]);
    });
    $("chart").addEventListener("mouseleave", function () {
      if (state.points) { window.StockChart.draw($("chart"), state.points); }
      $("chart-readout").textContent = "";
    });
    var resizeTimer = 0;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        if (state.points) { window.StockChart.draw($("chart"), state.points); }
      }, 100);
    });
  }

  start();
})();
