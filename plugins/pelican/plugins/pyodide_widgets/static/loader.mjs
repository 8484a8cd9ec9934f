// Widget loader: wires the controls of each widget and, only when the reader
// clicks "Run on my device", starts the module worker of the widget's runtime
// (data-pw-runtime: Pyodide or MicroPython). Nothing of a runtime is fetched
// before the click on one of its widgets; both runtimes share the UI below.
// The build replaces the two placeholders below (config and worker file names).

const CONFIG = __PW_CONFIG__;
const WORKERS = __PW_WORKERS__; // runtime -> worker file, beside this loader
const siteRoot = new URL("../", import.meta.url);
const $ = (root, sel) => root.querySelector(sel);

const workers = new Map(); // runtime -> Worker
let nextId = 0;
const pending = new Map(); // message id -> {runtime, onProgress, resolve, reject}

function fail(runtime, message) {
  for (const [id, job] of pending) {
    if (job.runtime !== runtime) continue;
    job.reject(new Error(message));
    pending.delete(id);
  }
  workers.get(runtime)?.terminate();
  workers.delete(runtime);
}

function getWorker(runtime) {
  if (workers.has(runtime)) return workers.get(runtime);
  const worker = new Worker(new URL(WORKERS[runtime], import.meta.url), { type: "module" });
  workers.set(runtime, worker);
  worker.onmessage = ({ data }) => {
    const job = pending.get(data.id);
    if (!job) return;
    if (data.type === "progress") return job.onProgress(data);
    pending.delete(data.id);
    if (data.type === "result") return job.resolve(data);
    job.reject(new Error(data.message));
    if (data.fatal) fail(runtime, data.message);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    fail(runtime, `The widget's background worker could not start (${event.message || "file not loaded"}).`);
  };
  return worker;
}

function workerConfig(runtime) {
  if (runtime === "micropython") {
    const { indexURL, heapBytes } = CONFIG.micropython;
    return { indexURL: new URL(indexURL, siteRoot).href, timeout: CONFIG.timeout, heapBytes };
  }
  return {
    indexURL: new URL(CONFIG.indexURL, siteRoot).href,
    timeout: CONFIG.timeout,
    packages: CONFIG.packages.map((p) => (/[/.]/.test(p) ? new URL(p, siteRoot).href : p)),
    lockFileContents: CONFIG.lockFileContents,
  };
}

function runInWorker(widget, input, onProgress) {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { runtime: widget.runtime, onProgress, resolve, reject });
    const config = workerConfig(widget.runtime);
    getWorker(widget.runtime).postMessage({ type: "run", id, config, widget, input });
  });
}

const kB = (bytes) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms < 1 ? "under 1 ms" : `${Math.round(ms)} ms`);

function renderResult(box, data) {
  const list = document.createElement("ul");
  list.className = "pw-probs";
  for (const { label, p } of data.result.probabilities) {
    const item = document.createElement("li");
    const pct = `${Math.round(p * 100)}%`;
    item.innerHTML = '<span class="pw-label"></span><span class="pw-bar" aria-hidden="true"><span></span></span><span class="pw-pct"></span>';
    item.children[0].textContent = label;
    item.children[1].firstChild.style.width = pct;
    item.children[2].textContent = pct;
    list.append(item);
  }
  const sentence = document.createElement("p");
  sentence.className = "pw-summary";
  sentence.textContent = data.summary;
  box.dataset.pwResult = JSON.stringify(data.result);
  box.dataset.pwRuns = Number(box.dataset.pwRuns || 0) + 1; // lets tests and benchmarks see each run end
  box.replaceChildren(sentence, list);
}

// A worker script is requested by the page, not the worker: count each once.
const workersCounted = new Set();
function workerScriptBytes(runtime) {
  if (workersCounted.has(runtime)) return 0;
  workersCounted.add(runtime);
  const entries = performance.getEntriesByName(new URL(WORKERS[runtime], import.meta.url).href);
  return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
}

// Two significant figures: the device power is known only to a factor of about 4.
const sig2 = (value) => (value === 0 ? "0" : String(Number(value.toPrecision(2))));

function renderCost(box, data, runtime) {
  const bytes = data.transferBytes + workerScriptBytes(runtime);
  const secondsRun = data.runMs / 1000;
  const [laptopLow, laptopHigh] = CONFIG.device.laptopWatts;
  const low = secondsRun * laptopLow;
  const high = secondsRun * laptopHigh;
  const phone = secondsRun * CONFIG.device.phoneWatts;
  Object.assign(box.dataset, {
    pwBytes: bytes, pwMs: data.runMs.toFixed(1), pwJoulesLow: low.toFixed(3), pwJoulesHigh: high.toFixed(3),
  });
  let text =
    `What this run cost you (estimated): ${kB(bytes)} downloaded (compressed, as sent), ` +
    `${seconds(data.runMs)} on your device (the model itself: ${seconds(data.computeMs)}). ` +
    `Device energy: an estimated ${sig2(low)} to ${sig2(high)} J on a laptop, at most ${sig2(phone)} J ` +
    `on a phone (that time x ${laptopLow}-${laptopHigh} W, ${CONFIG.device.laptopSource}; ` +
    `x ${CONFIG.device.phoneWatts} W, ${CONFIG.device.phoneSource}).`;
  if (CONFIG.gramsPerByte !== null) {
    const mg = bytes * CONFIG.gramsPerByte * 1000;
    box.dataset.pwNetworkMg = mg.toFixed(4);
    text += ` Network and data centre: an estimated ${sig2(mg)} mg CO\u2082e for those bytes ` +
      "(the Sustainable Web Design model's share, as on the Footprint page).";
  }
  box.textContent = text;
  box.hidden = false;
}

function readInput(root) {
  if (root.dataset.pwKind === "grid") {
    return [...root.querySelectorAll(".pw-cell")].map((cell) => (cell.getAttribute("aria-pressed") === "true" ? 1 : 0));
  }
  return [...root.querySelectorAll("input[type=range]")].map((slider) => Number(slider.value));
}

function setupGrid(root, onChange) {
  const grid = $(root, ".pw-grid");
  const cells = [...grid.querySelectorAll(".pw-cell")];
  const cols = Number(grid.dataset.cols);
  let drawValue = null;
  const setCell = (cell, on) => {
    if (cell.getAttribute("aria-pressed") !== String(on)) {
      cell.setAttribute("aria-pressed", String(on));
      onChange();
    }
  };
  const focusCell = (index) => {
    for (const cell of cells) cell.tabIndex = -1;
    cells[index].tabIndex = 0;
    cells[index].focus();
  };
  grid.addEventListener("click", (event) => {
    const cell = event.target.closest(".pw-cell");
    // Pointer drawing already toggled this cell; a click with detail 0 comes from the keyboard.
    if (cell && event.detail === 0) setCell(cell, cell.getAttribute("aria-pressed") !== "true");
  });
  grid.addEventListener("keydown", (event) => {
    const index = cells.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -cols, ArrowDown: cols, Home: -(index % cols), End: cols - 1 - (index % cols) };
    const move = moves[event.key];
    if (move === undefined) return;
    const target = index + move;
    const sameRow = event.key === "ArrowUp" || event.key === "ArrowDown" || Math.floor(target / cols) === Math.floor(index / cols);
    if (target >= 0 && target < cells.length && sameRow) focusCell(target);
    event.preventDefault();
  });
  grid.addEventListener("pointerdown", (event) => {
    const cell = event.target.closest(".pw-cell");
    if (!cell) return;
    drawValue = cell.getAttribute("aria-pressed") !== "true";
    setCell(cell, drawValue);
    grid.setPointerCapture?.(event.pointerId);
    event.preventDefault();
  });
  grid.addEventListener("pointermove", (event) => {
    if (drawValue === null) return;
    const cell = document.elementFromPoint(event.clientX, event.clientY)?.closest(".pw-cell");
    if (cell && grid.contains(cell)) setCell(cell, drawValue);
  });
  for (const type of ["pointerup", "pointercancel"]) grid.addEventListener(type, () => (drawValue = null));
  $(root, ".pw-clear")?.addEventListener("click", () => cells.forEach((cell) => setCell(cell, false)));
}

function setupSliders(root, onChange) {
  for (const slider of root.querySelectorAll("input[type=range]")) {
    const output = root.querySelector(`output[for="${slider.id}"]`);
    slider.addEventListener("input", () => {
      output.textContent = `${Number(slider.value).toFixed(1)} ${slider.dataset.unit}`;
      onChange();
    });
  }
}

function setupWidget(root) {
  const live = $(root, ".pw-live");
  const button = $(root, ".pw-run");
  const progress = $(root, ".pw-progress");
  const output = $(root, ".pw-output");
  const error = $(root, ".pw-error");
  const cost = $(root, ".pw-cost");
  const widget = {
    name: root.dataset.pwName,
    code: new URL(root.dataset.pwCode, siteRoot).href,
    weights: new URL(root.dataset.pwWeights, siteRoot).href,
    runtime: root.dataset.pwRuntime || "pyodide",
  };
  let loaded = false;
  let running = false;
  let again = false;

  async function run() {
    if (running) return void (again = true);
    running = true;
    button.setAttribute("aria-disabled", "true"); // not `disabled`: keyboard focus stays on it
    root.setAttribute("aria-busy", "true");
    error.textContent = "";
    progress.hidden = loaded;
    // Leave the busy state before the result or error goes in: screen readers may
    // ignore live-region changes inside an aria-busy element, and not repeat them later.
    const settle = () => {
      progress.hidden = true;
      button.removeAttribute("aria-disabled");
      root.removeAttribute("aria-busy");
    };
    try {
      const data = await runInWorker(widget, readInput(root), ({ stage, bytes }) => {
        $(progress, ".pw-stage").textContent = `${stage}… ${kB(bytes)} received so far.`;
      });
      settle();
      loaded = true;
      renderResult(output, data);
      renderCost(cost, data, widget.runtime);
      button.textContent = "Run again";
    } catch (err) {
      settle();
      error.textContent = `${err.message} The result computed when this page was built is shown above.`;
    } finally {
      running = false;
      if (again) {
        again = false;
        if (loaded) run();
      }
    }
  }

  const onChange = () => loaded && run();
  if (root.dataset.pwKind === "grid") setupGrid(root, onChange);
  else setupSliders(root, onChange);
  button.addEventListener("click", () => {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      error.textContent = "This browser cannot run the model (it needs WebAssembly and Web Workers). The result computed when this page was built is shown above.";
      return;
    }
    run();
  });
  live.hidden = false;
}

document.querySelectorAll(".pw-widget[data-pw-name]").forEach(setupWidget);
