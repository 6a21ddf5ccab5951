// The gibbs dashboard: follows the server's event stream (/events) and
// draws one chart per metric key, the runs overlaid, their pictures and
// their configs.
"use strict";

const palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

// runs[i]: {path, color, header, lastStep, problem, pictures: Map name -> version}
let runs = [];
// curves: metric key -> per run {x: [], y: []}, in the order keys appear.
let curves = new Map();
// charts: metric key -> {card, plot}
let charts = new Map();
let dirty = new Set();
let frame = 0;
// maxStep is the largest step of all runs: every chart's step axis ends
// there, so that the charts line up.
let maxStep = 0;

const el = (id) => document.getElementById(id);

function make(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// shortNames names runs in the charts' legends by their paths less the
// folders all of them share (one run: its folder's name).
function shortNames(paths) {
  const parts = paths.map((p) => p.split("/"));
  let common = 0;
  while (parts.every((q) => common < q.length - 1 && q[common] === parts[0][common])) common++;
  return parts.map((q) => q.slice(common).join("/"));
}

// reset forgets everything: a new stream starts from the beginning.
function reset(infos) {
  for (const c of charts.values()) c.plot.destroy();
  charts = new Map();
  curves = new Map();
  dirty = new Set();
  maxStep = 0;
  el("charts").replaceChildren();
  el("pictures").replaceChildren();
  const labels = shortNames(infos.map((info) => info.path));
  runs = infos.map((info, i) => ({
    path: info.path, label: labels[i], color: palette[i % palette.length], header: null,
    lastStep: null, problem: "", pictures: new Map(),
  }));
  for (let i = 0; i < runs.length; i++) {
    el("pictures").append(make("div", {id: "pictures-" + i},
      make("h3", {}, runs[i].path), make("div", {class: "pictures"})));
  }
  drawRuns();
  drawConfig();
}

function drawRuns() {
  el("runs").replaceChildren(...runs.map((r) => {
    const info = [];
    if (r.header) info.push(r.header.kind);
    if (r.lastStep !== null) info.push("step " + r.lastStep);
    if (!r.header && r.lastStep === null) info.push("waiting for the run to start");
    return make("li", {},
      make("span", {class: "swatch", style: "background:" + r.color}),
      make("span", {class: "run-path"}, r.path),
      make("span", {class: "run-info"}, info.join(", ")),
      make("span", {class: "problem"}, r.problem));
  }));
}

// flatten turns a nested config into [dotted key, value] pairs.
function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj || {})) {
    const key = prefix ? prefix + "." + k : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, JSON.stringify(v));
  }
  return out;
}

// drawConfig shows the configs side by side, marking the rows that differ.
function drawConfig() {
  const flat = runs.map((r) => {
    const m = new Map();
    if (!r.header) return m;
    if (r.header.error) { m.set("error", r.header.error); return m; }
    m.set("kind", r.header.kind);
    m.set("gibbs version", r.header.version);
    return flatten(r.header.config, "", m);
  });
  const keys = [];
  for (const m of flat) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  const head = make("tr", {}, make("th", {}, "setting"),
    ...runs.map((r) => make("th", {}, make("span", {class: "swatch", style: "background:" + r.color}), r.path)));
  const rows = keys.map((k) => {
    const vals = flat.map((m) => m.has(k) ? m.get(k) : "");
    const differs = runs.length > 1 && vals.some((v) => v !== vals[0]);
    return make("tr", differs ? {class: "differs"} : {}, make("td", {}, k), ...vals.map((v) => make("td", {}, v)));
  });
  el("config").replaceChildren(make("thead", {}, head), make("tbody", {}, ...rows));
}

function onMetrics(ev) {
  const run = runs[ev.run];
  if (ev.reset) {
    for (const c of curves.values()) c[ev.run] = {x: [], y: []};
    for (const k of curves.keys()) dirty.add(k);
    run.lastStep = null;
    maxStep = Math.max(0, ...runs.map((r) => r.lastStep || 0));
  }
  for (const line of ev.lines) {
    const step = line.step;
    for (const [k, v] of Object.entries(line)) {
      if (k === "step" || typeof v !== "number" || !isFinite(v)) continue;
      if (!curves.has(k)) curves.set(k, runs.map(() => ({x: [], y: []})));
      const c = curves.get(k)[ev.run];
      c.x.push(step);
      c.y.push(v);
      dirty.add(k);
    }
    run.lastStep = step;
    if (step > maxStep) {
      maxStep = step;
      for (const k of curves.keys()) dirty.add(k);
    }
  }
  drawRuns();
  schedule();
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; drawCharts(); });
}

// smooth returns the exponential moving average of ys with weight w on
// the past, debiased at the start as TensorBoard does.
function smooth(ys, w) {
  if (w <= 0) return ys;
  let last = 0, n = 0;
  return ys.map((y) => { last = last * w + (1 - w) * y; n++; return last / (1 - Math.pow(w, n)); });
}

function chartData(key) {
  const w = Number(el("smoothing").value);
  const per = curves.get(key);
  const tables = [], at = [];
  per.forEach((c, i) => { if (c.x.length) { tables.push([c.x, smooth(c.y, w)]); at.push(i); } });
  if (!tables.length) return [[], ...per.map(() => [])];
  const joined = uPlot.join(tables);
  const data = [joined[0], ...per.map(() => new Array(joined[0].length).fill(null))];
  at.forEach((run, j) => { data[1 + run] = joined[1 + j]; });
  return data;
}

function positive(key) {
  return curves.get(key).every((c) => c.y.every((y) => y > 0));
}

// tickLabels writes each tick value with as many digits as it has (up to
// six significant ones), so that close ticks stay apart.
function tickLabels(u, splits) {
  return splits.map((v) => v === null ? "" : String(Number(v.toPrecision(6))));
}

function chartWidth(card) { return Math.max(300, card.clientWidth - 10); }

function makeChart(key) {
  const card = make("div", {class: "card"});
  el("charts").append(card);
  const log = el("log").checked && positive(key);
  const opts = {
    title: key + (log ? " (log scale)" : ""),
    width: chartWidth(card),
    height: 260,
    scales: {x: {time: false, range: () => [0, Math.max(maxStep, 1)]}, y: log ? {distr: 3} : {}},
    axes: [{label: "step"}, {label: key, size: 60, values: tickLabels}],
    series: [{label: "step"}, ...runs.map((r) => ({
      label: r.label, stroke: r.color, width: 1.5, spanGaps: true, points: {size: 4},
    }))],
  };
  return {card, plot: new uPlot(opts, chartData(key), card), log};
}

function drawCharts() {
  for (const key of curves.keys()) {
    if (!dirty.has(key)) continue;
    let c = charts.get(key);
    if (c && c.log && !positive(key)) { c.plot.destroy(); c.card.remove(); c = null; }
    if (!c) { charts.set(key, makeChart(key)); continue; }
    c.plot.setData(chartData(key));
  }
  dirty.clear();
  el("no-curves").hidden = curves.size > 0;
}

// redrawAll rebuilds every chart in the order the keys appeared.
function redrawAll() {
  for (const c of charts.values()) { c.plot.destroy(); c.card.remove(); }
  charts = new Map();
  for (const k of curves.keys()) dirty.add(k);
  drawCharts();
}

function onPictures(ev) {
  const run = runs[ev.run];
  const box = el("pictures-" + ev.run).querySelector(".pictures");
  const names = new Set(ev.pictures.map((p) => p.name));
  for (const fig of [...box.children]) {
    if (!names.has(fig.dataset.name)) { fig.remove(); run.pictures.delete(fig.dataset.name); }
  }
  for (const p of ev.pictures) {
    const src = "runs/" + ev.run + "/" + encodeURIComponent(p.name) + "?v=" + encodeURIComponent(p.version);
    let fig = [...box.children].find((f) => f.dataset.name === p.name);
    if (!fig) {
      fig = make("figure", {}, make("a", {href: src, target: "_blank"}, make("img", {src, alt: p.name})), make("figcaption", {}, p.name));
      fig.dataset.name = p.name;
      const after = [...box.children].find((f) => f.dataset.name > p.name);
      box.insertBefore(fig, after || null);
    } else if (run.pictures.get(p.name) !== p.version) {
      // Show the new picture once loaded, keeping the old one until then.
      const next = new Image();
      next.onload = () => {
        fig.querySelector("img").src = src;
        fig.querySelector("a").href = src;
      };
      next.src = src;
    }
    run.pictures.set(p.name, p.version);
  }
}

function connect() {
  const status = el("status");
  const es = new EventSource("events");
  const on = (name, f) => es.addEventListener(name, (e) => f(JSON.parse(e.data)));
  es.onopen = () => { status.textContent = "live"; status.className = "status live"; };
  es.onerror = () => {
    status.textContent = "disconnected (the server stopped?); retrying";
    status.className = "status down";
  };
  on("runs", reset);
  on("config", (ev) => { runs[ev.run].header = ev; drawRuns(); drawConfig(); });
  on("metrics", onMetrics);
  on("pictures", onPictures);
  on("problem", (ev) => { runs[ev.run].problem = ev.error || ""; drawRuns(); });
}

el("smoothing").addEventListener("input", () => {
  el("smoothing-value").textContent = Number(el("smoothing").value).toFixed(2);
  for (const k of curves.keys()) dirty.add(k);
  schedule();
});
el("log").addEventListener("change", redrawAll);
window.addEventListener("resize", () => {
  for (const c of charts.values()) c.plot.setSize({width: chartWidth(c.card), height: 260});
});
connect();
