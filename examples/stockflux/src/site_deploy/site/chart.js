// A small OHLC chart on a <canvas>: candlesticks when there are few trading days, a close-price
// line with a shaded area otherwise; volume bars underneath; price and date axis labels.
// A highlighted day (hover) gets a crosshair. No library, no build step.
// Exposes window.StockChart = { draw, indexAt, niceTicks, normalise }.
(function () {
  "use strict";

  var CANDLE_LIMIT = 120;          // up to this many points, draw candlesticks
  var PAD = { left: 64, right: 16, top: 12, bottom: 28 };
  var VOLUME_SHARE = 0.2;          // fraction of the plot height used by volume bars
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // Rows of the API → [{t (epoch ms), open, high, low, close, volume}] sorted by date;
  // rows with a bad date or close are dropped. Normalised points pass through unchanged.
  function normalise(rows) {
    var out = [];
    (rows || []).forEach(function (row) {
      var t = typeof row.t === "number" ? row.t
        : (typeof row.date === "number" ? row.date : Date.parse(row.date));
      var close = Number(row.close);
      if (!isFinite(t) || !isFinite(close)) { return; }
      var open = isFinite(Number(row.open)) ? Number(row.open) : close;
      var high = isFinite(Number(row.high)) ? Number(row.high) : Math.max(open, close);
      var low = isFinite(Number(row.low)) ? Number(row.low) : Math.min(open, close);
      out.push({ t: t, open: open, high: Math.max(high, open, close), low: Math.min(low, open, close),
                 close: close, volume: Math.max(0, Number(row.volume) || 0) });
    });
    out.sort(function (a, b) { return a.t - b.t; });
    return out;
  }

  // About `count` round tick values covering [lo, hi].
  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) { hi = lo + 1; }
    var raw = (hi - lo) / Math.max(1, count);
    var magnitude = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var step = [1, 2, 2.5, 5, 10].map(function (m) { return m * magnitude; })
      .filter(function (s) { return s >= raw; })[0] || 10 * magnitude;
    var ticks = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      ticks.push(Number(v.toFixed(10)));
    }
    return { ticks: ticks, step: step };
  }

  function formatPrice(value, step) {
    var decimals = step >= 1 ? 0 : Math.min(4, Math.ceil(-Math.log(step) / Math.LN10));
    return value.toFixed(decimals);
  }

  // Indexes where a new month (or, for long ranges, a new quarter) starts.
  function dateTicks(points, maxLabels) {
    var starts = [];
    for (var i = 0; i < points.length; i++) {
      var d = new Date(points[i].t);
      var prev = i > 0 ? new Date(points[i - 1].t) : null;
      if (!prev || d.getUTCMonth() !== prev.getUTCMonth()) { starts.push(i); }
    }
    var every = Math.max(1, Math.ceil(starts.length / Math.max(1, maxLabels)));
    if (every > 1 && every < 3) { every = 3; } else if (every > 3 && every < 6) { every = 6; }
    return starts.filter(function (index) {
      return new Date(points[index].t).getUTCMonth() % every === 0 || every === 1;
    });
  }

  function dateLabel(t) {
    var d = new Date(t);
    return d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : MONTHS[d.getUTCMonth()];
  }

  // Index of the trading day under the x offset (CSS pixels) of a chart of n points, or -1.
  function indexAt(canvas, count, offsetX) {
    var plotW = Math.max(200, canvas.clientWidth || 600) - PAD.left - PAD.right;
    var index = Math.floor((offsetX - PAD.left) / (plotW / Math.max(1, count)));
    return count && index >= 0 && index < count ? index : -1;
  }

  function draw(canvas, rows, highlight) {
    var points = normalise(rows);
    var ratio = window.devicePixelRatio || 1;
    var width = Math.max(200, canvas.clientWidth || 600);
    var height = Math.max(150, canvas.clientHeight || 340);
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    canvas.dataset.points = String(points.length);
    canvas.dataset.kind = points.length <= CANDLE_LIMIT ? "candles" : "line";
    if (!points.length) { return points; }

    var plotW = width - PAD.left - PAD.right;
    var plotH = height - PAD.top - PAD.bottom;
    var priceH = plotH * (1 - VOLUME_SHARE);
    var lo = Infinity, hi = -Infinity, maxVolume = 0;
    points.forEach(function (p) {
      lo = Math.min(lo, p.low); hi = Math.max(hi, p.high); maxVolume = Math.max(maxVolume, p.volume);
    });
    var margin = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    lo -= margin; hi += margin;
    var slot = plotW / points.length;
    var x = function (i) { return PAD.left + slot * (i + 0.5); };
    var y = function (price) { return PAD.top + priceH * (hi - price) / (hi - lo); };

    // Grid and price labels.
    var scale = niceTicks(lo, hi, 6);
    g.font = "11px system-ui, sans-serif";
    g.textBaseline = "middle";
    g.textAlign = "right";
    g.lineWidth = 1;
    scale.ticks.forEach(function (value) {
      var py = Math.round(y(value)) + 0.5;
      g.strokeStyle = "#e6e9ee";
      g.beginPath(); g.moveTo(PAD.left, py); g.lineTo(PAD.left + plotW, py); g.stroke();
      g.fillStyle = "#5f6b7a";
      g.fillText(formatPrice(value, scale.step), PAD.left - 8, py);
    });

    // Date labels.
    g.textAlign = "center";
    g.textBaseline = "top";
    dateTicks(points, Math.floor(plotW / 48)).forEach(function (index) {
      var px = Math.round(x(index)) + 0.5;
      g.strokeStyle = "#eef0f3";
      g.beginPath(); g.moveTo(px, PAD.top); g.lineTo(px, PAD.top + plotH); g.stroke();
      g.fillStyle = "#5f6b7a";
      g.fillText(dateLabel(points[index].t), px, PAD.top + plotH + 8);
    });

    // Volume bars.
    if (maxVolume > 0) {
      var volumeTop = PAD.top + priceH + 4;
      var volumeH = plotH - priceH - 4;
      g.fillStyle = "rgba(95, 107, 122, 0.35)";
      points.forEach(function (p, i) {
        var h = volumeH * p.volume / maxVolume;
        g.fillRect(x(i) - Math.max(0.5, slot * 0.35), volumeTop + volumeH - h,
                   Math.max(1, slot * 0.7), h);
      });
    }

    if (points.length <= CANDLE_LIMIT) {
      points.forEach(function (p, i) {
        var colour = p.close >= p.open ? "#1a7f37" : "#cf222e";
        var cx = Math.round(x(i)) + 0.5;
        g.strokeStyle = colour; g.fillStyle = colour;
        g.beginPath(); g.moveTo(cx, y(p.high)); g.lineTo(cx, y(p.low)); g.stroke();
        var top = y(Math.max(p.open, p.close));
        var body = Math.max(1, Math.abs(y(p.open) - y(p.close)));
        var half = Math.max(1, slot * 0.35);
        g.fillRect(cx - half, top, half * 2, body);
      });
    } else {
      g.beginPath();
      points.forEach(function (p, i) { if (i) { g.lineTo(x(i), y(p.close)); } else { g.moveTo(x(i), y(p.close)); } });
      g.strokeStyle = "#1f6feb";
      g.lineWidth = 1.5;
      g.stroke();
      g.lineTo(x(points.length - 1), PAD.top + priceH);
      g.lineTo(x(0), PAD.top + priceH);
      g.closePath();
      g.fillStyle = "rgba(31, 111, 235, 0.10)";
      g.fill();
    }

    // Crosshair on the highlighted day.
    if (typeof highlight === "number" && highlight >= 0 && highlight < points.length) {
      var hx = Math.round(x(highlight)) + 0.5;
      g.strokeStyle = "rgba(29, 36, 48, 0.5)";
      g.lineWidth = 1;
      g.beginPath(); g.moveTo(hx, PAD.top); g.lineTo(hx, PAD.top + plotH); g.stroke();
      g.fillStyle = "#1d2430";
      g.beginPath(); g.arc(hx, y(points[highlight].close), 3, 0, 2 * Math.PI); g.fill();
    }

    // Frame.
    g.strokeStyle = "#c5ccd6";
    g.lineWidth = 1;
    g.strokeRect(PAD.left + 0.5, PAD.top + 0.5, plotW - 1, plotH - 1);
    return points;
  }

  window.StockChart = { draw: draw, indexAt: indexAt, niceTicks: niceTicks, normalise: normalise };
})();
