// Opt-in check of the dashboard in a real browser (not run by go test or
// CI): it builds gibbs, starts a short training run with --dashboard,
// opens the page in headless Chromium, and takes two screenshots some
// seconds apart. It checks that the page is live, that its curves grew
// between the two (the step shown went up), that it has a chart per
// metric, and that the run's pictures loaded.
//
// Needs Go, Chromium (apt-get install chromium) and Node 20 or newer:
//
//	node --experimental-websocket scripts/dashboard_browser.mjs [OUTDIR]
//
// The screenshots go to OUTDIR (default: a temporary folder) as
// dashboard-1.png and dashboard-2.png, and dashboard-3.png after turning
// on smoothing and the log scale. Everything listens on 127.0.0.1
// and is stopped at the end.
import {spawn, execFileSync} from "node:child_process";
import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const work = mkdtempSync(join(tmpdir(), "gibbs-dashboard-"));
const outDir = process.argv[2] || work;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];

function start(cmd, args, onLine) {
  const p = spawn(cmd, args, {stdio: ["ignore", "pipe", "pipe"]});
  children.push(p);
  let buf = "";
  const read = (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
  };
  p.stdout.on("data", read);
  p.stderr.on("data", read);
  return p;
}

// waitFor resolves with the first capture of re in a line of a child's
// output.
function waitFor(cmd, args, re, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no " + what + " within 60 s")), 60000);
    const p = start(cmd, args, (line) => {
      const m = line.match(re);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    p.on("exit", (code) => reject(new Error(cmd + " exited with " + code + " before " + what)));
  });
}

// cdp is a minimal client of the Chrome DevTools Protocol.
function cdp(url) {
  const ws = new WebSocket(url);
  let id = 0;
  const pending = new Map();
  const exceptions = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.method === "Runtime.exceptionThrown") exceptions.push(msg.params.exceptionDetails.exception?.description || msg.params.exceptionDetails.text);
    if (msg.id && pending.has(msg.id)) {
      const {resolve, reject} = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    }
  };
  const opened = new Promise((r, e) => { ws.onopen = r; ws.onerror = e; });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    pending.set(++id, {resolve, reject});
    ws.send(JSON.stringify({id, method, params, sessionId}));
  });
  return {opened, send, exceptions, close: () => ws.close()};
}

async function main() {
  const gibbs = join(work, "gibbs");
  execFileSync("go", ["build", "-o", gibbs, "./cmd/gibbs"], {stdio: "inherit"});
  const url = await waitFor(gibbs, ["train", "ebm", "--steps", "3000", "--eval-every", "100", "--quiet", "--out", join(work, "run"),
    "--dashboard", "127.0.0.1:0"], /dashboard at (http:\S+)/, "dashboard address");
  console.log("training with its dashboard at " + url);
  const devtools = await waitFor("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
    "--remote-debugging-port=0", "--user-data-dir=" + join(work, "chromium"), "about:blank"],
  /DevTools listening on (ws:\S+)/, "DevTools address");
  const c = cdp(devtools);
  await c.opened;
  const {targetId} = await c.send("Target.createTarget", {url: "about:blank"});
  const {sessionId} = await c.send("Target.attachToTarget", {targetId, flatten: true});
  const send = (m, p) => c.send(m, p, sessionId);
  await send("Emulation.setDeviceMetricsOverride", {width: 1400, height: 1100, deviceScaleFactor: 1, mobile: false});
  await send("Page.enable");
  await send("Runtime.enable");
  await send("Page.navigate", {url});

  const state = async () => JSON.parse((await send("Runtime.evaluate", {returnByValue: true, expression: `JSON.stringify({
    status: document.getElementById("status").textContent,
    step: Number((document.getElementById("runs").textContent.match(/step (\\d+)/) || [0, 0])[1]),
    charts: document.querySelectorAll(".card").length,
    pictures: [...document.images].map((i) => i.alt + " " + i.naturalWidth + "x" + i.naturalHeight),
  })`})).result.value);
  const shots = [];
  for (const [i, wait] of [[1, 4000], [2, 6000]]) {
    await sleep(wait);
    const s = await state();
    const {data} = await send("Page.captureScreenshot", {format: "png"});
    const file = join(outDir, "dashboard-" + i + ".png");
    writeFileSync(file, Buffer.from(data, "base64"));
    console.log(file + ": " + JSON.stringify(s));
    shots.push(s);
  }
  // The controls redraw the charts without errors.
  await send("Runtime.evaluate", {expression: `
    document.getElementById("smoothing").value = "0.9";
    document.getElementById("smoothing").dispatchEvent(new Event("input"));
    document.getElementById("log").click();`});
  await sleep(1000);
  const after = await state();
  const smoothed = join(outDir, "dashboard-3.png");
  writeFileSync(smoothed, Buffer.from((await send("Page.captureScreenshot", {format: "png"})).data, "base64"));
  console.log(smoothed + " (smoothing 0.9, log scale): " + JSON.stringify(after));
  c.close();
  const [a, b] = shots;
  const problems = [];
  if (c.exceptions.length) problems.push("the page threw: " + c.exceptions.join("; "));
  if (after.charts < b.charts) problems.push("the controls lost charts: " + after.charts + " of " + b.charts);
  if (b.status !== "live") problems.push("status " + JSON.stringify(b.status) + ", want live");
  if (!(a.step > 0 && b.step > a.step)) problems.push("the step shown went from " + a.step + " to " + b.step + ", want growth");
  if (b.charts < 3) problems.push(b.charts + " charts, want one per metric (at least e_pos, e_neg, loss)");
  if (!b.pictures.length || b.pictures.some((p) => p.endsWith(" 0x0"))) problems.push("pictures not all loaded: " + b.pictures.join(", "));
  if (problems.length) throw new Error(problems.join("; "));
  console.log("ok: the curves grew from step " + a.step + " to " + b.step + " with " + b.charts + " charts and " + b.pictures.length + " pictures");
}

main().then(() => 0, (e) => { console.error("FAIL: " + e.message); return 1; }).then((code) => {
  for (const p of children) p.kill("SIGTERM");
  process.exitCode = code;
});
