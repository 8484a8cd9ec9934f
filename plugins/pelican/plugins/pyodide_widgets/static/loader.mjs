// Widget loader: wires the controls of each widget and, only when the reader asks
// (the button, or touching the widget's input), starts the runtime's worker.
// Nothing of a runtime is fetched before that. The build replaces __PW_CONFIG__.
//
// What the reader meets is the same for every runtime: one result area (the
// build-time result, labelled, until the live one replaces it), four stages in
// order, a button that says what is happening, and one byte figure.

const CONFIG = __PW_CONFIG__;
const siteRoot = new URL("../", import.meta.url);
const $ = (root, sel) => root.querySelector(sel);

// The stages every runtime reports, in order: [button text, progress text].
const STAGES = {
  download: ["Downloading…", (size) => `Downloading Python${size ? ` (${size}, compressed)` : ""}`],
  start: ["Starting Python…", () => "Starting Python"],
  model: ["Loading the model…", () => "Loading the model"],
  run: ["Running…", () => "Running the model"],
};
const ORDER = Object.keys(STAGES);

// One entry per runtime: start(options) returns {run(widget, input, onStage)} whose
// promise resolves to {result, summary, runMs, computeMs, transferBytes}. A runtime
// reports the stages above through onStage(name); everything runtime-specific
// (files, start-up, Python glue) stays in its worker.
// Pyodide (worker.mjs) and MicroPython (micropython_worker.mjs) both run in a module
// worker that speaks these messages; the widget's data-pw-runtime picks one, and a
// page keeps one worker per runtime.
const RUNTIMES = { pyodide: workerRuntime, micropython: workerRuntime };

// A runtime in a module worker that speaks {type: "run"} / "stage" / "result" / "error".
function workerRuntime({ worker: file, options }) {
  let worker = null;
  let nextId = 0;
  const pending = new Map(); // message id -> {onStage, resolve, reject}
  const fail = (message) => {
    for (const job of pending.values()) job.reject(new Error(message));
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  const start = () => {
    worker = new Worker(new URL(file, import.meta.url), { type: "module" });
    worker.onmessage = ({ data }) => {
      const job = pending.get(data.id);
      if (!job) return;
      if (data.type === "stage") return job.onStage(data.stage);
      pending.delete(data.id);
      if (data.type === "result") return job.resolve(data);
      job.reject(new Error(data.message));
      if (data.fatal) fail(data.message);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(`The widget's background worker could not start (${event.message || "file not loaded"}).`);
    };
    return worker;
  };
  const config = {
    ...options,
    indexURL: new URL(options.indexURL, siteRoot).href,
    stdLibURL: options.stdLibURL && new URL(options.stdLibURL, siteRoot).href,
    packages: (options.packages || []).map((p) => (/[/.]/.test(p) ? new URL(p, siteRoot).href : p)),
  };
  let counted = false; // the worker script is requested by the page: count it once
  return {
    run(widget, input, onStage) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { onStage, resolve, reject });
        (worker || start()).postMessage({ type: "run", id, config, widget, input });
      }).then((data) => {
        if (!counted) {
          counted = true;
          data.transferBytes += networkBytes(new URL(file, import.meta.url).href);
        }
        return data;
      });
    },
  };
}

// Compressed body bytes that crossed the network for one URL (0 from the cache).
function networkBytes(url) {
  return performance
    .getEntriesByName(url)
    .filter((e) => e.transferSize > 0 && e.responseStatus !== 304)
    .reduce((sum, e) => sum + e.encodedBodySize, 0);
}

const started = new Map(); // runtime name -> its started runtime
function runtimeFor(name) {
  if (!started.has(name)) started.set(name, RUNTIMES[name](CONFIG.runtimes[name]));
  return started.get(name);
}

// As the build and the Footprint page write them: 6.1 kB, 3.31 MB.
const size = (bytes) =>
  bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : bytes >= 1e3 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} B`;
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms < 1 ? "under 1 ms" : `${Math.round(ms)} ms`);
const SHADES = "·░▒▓█";

function picture(image, label) {
  const pre = document.createElement("pre");
  pre.className = "pw-picture";
  pre.setAttribute("role", "img");
  pre.setAttribute("aria-label", label);
  const last = SHADES.length - 1;
  const top = image.max || 1;
  const rows = [];
  for (let i = 0; i < image.values.length; i += image.cols) {
    const row = image.values.slice(i, i + image.cols);
    rows.push(row.map((v) => SHADES[Math.min(last, Math.round((last * Math.max(0, v)) / top))].repeat(2)).join(""));
  }
  pre.textContent = rows.join("\n");
  return pre;
}

// The same HTML as render.render_result in the build.
function renderResult(box, data, label) {
  const head = Object.assign(document.createElement("p"), { className: "pw-result-label", textContent: label });
  const sentence = Object.assign(document.createElement("p"), { className: "pw-summary", textContent: data.summary });
  const parts = [head, sentence];
  const image = data.result.image;
  if (image) {
    const seen = Object.assign(document.createElement("div"), { className: "pw-seen" });
    seen.append(Object.assign(document.createElement("p"), { textContent: `What the model sees (${image.rows} by ${image.cols}):` }));
    seen.append(picture(image, "The image the model sees"));
    parts.push(seen);
  }
  const list = Object.assign(document.createElement("ul"), { className: "pw-probs" });
  for (const { label: name, p } of data.result.probabilities) {
    const item = document.createElement("li");
    const pct = `${Math.round(p * 100)}%`;
    item.innerHTML = '<span class="pw-label"></span>: <span class="pw-pct"></span><span class="pw-bar" aria-hidden="true"><span></span></span>';
    item.children[0].textContent = name;
    item.children[1].textContent = pct;
    item.children[2].firstChild.style.width = pct;
    list.append(item);
  }
  parts.push(list);
  box.dataset.pwResult = JSON.stringify(data.result);
  box.dataset.pwSource = "live";
  box.dataset.pwRuns = Number(box.dataset.pwRuns || 0) + 1; // lets tests and benchmarks see each run end
  box.replaceChildren(...parts);
}

// Two significant figures: the device power is known only to a factor of about 4.
const sig2 = (value) => (value === 0 ? "0" : String(Number(value.toPrecision(2))));

function renderCost(box, data) {
  const bytes = data.transferBytes;
  const secondsRun = data.runMs / 1000;
  const [laptopLow, laptopHigh] = CONFIG.device.laptopWatts;
  const low = secondsRun * laptopLow;
  const high = secondsRun * laptopHigh;
  const phone = secondsRun * CONFIG.device.phoneWatts;
  Object.assign(box.dataset, {
    pwBytes: bytes, pwMs: data.runMs.toFixed(1), pwJoulesLow: low.toFixed(3), pwJoulesHigh: high.toFixed(3),
  });
  const downloaded = bytes ? `${size(bytes)} downloaded (compressed, as sent)` : "nothing downloaded";
  let text =
    `What this run cost you (estimated): ${downloaded}, ` +
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
      output.textContent = `${Number(slider.value)} ${slider.dataset.unit}`;
      onChange();
    });
  }
}

function setupWidget(root) {
  const live = $(root, ".pw-live");
  const button = $(root, ".pw-run");
  const progress = $(root, ".pw-progress");
  const stageText = $(root, ".pw-stage");
  const result = $(root, ".pw-result");
  const error = $(root, ".pw-error");
  const cost = $(root, ".pw-cost");
  const download = root.dataset.pwDownload ? size(Number(root.dataset.pwDownload)) : "";
  const widget = {
    name: root.dataset.pwName,
    code: new URL(root.dataset.pwCode, siteRoot).href,
    weights: new URL(root.dataset.pwWeights, siteRoot).href,
  };
  const runtime = root.dataset.pwRuntime || "pyodide";
  let loaded = false;
  let running = false;
  let again = false;

  const idleText = () => (loaded ? "Run again" : "Run on my device");
  const onStage = (stage) => {
    const [buttonText, text] = STAGES[stage];
    button.textContent = buttonText;
    progress.querySelector("progress").value = ORDER.indexOf(stage) + 1;
    stageText.textContent = `Step ${ORDER.indexOf(stage) + 1} of ${ORDER.length}: ${text(download)}…`;
    root.dataset.pwStages = `${root.dataset.pwStages ? `${root.dataset.pwStages} ` : ""}${stage}`;
  };

  async function run() {
    if (running) return void (again = true);
    running = true;
    button.setAttribute("aria-disabled", "true"); // not `disabled`: keyboard focus stays on it
    root.setAttribute("aria-busy", "true");
    root.dataset.pwStages = "";
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
      const data = await runtimeFor(runtime).run(widget, readInput(root), onStage);
      loaded = true;
      settle();
      renderResult(result, data, "Your input, computed on your device just now:");
      renderCost(cost, data);
    } catch (err) {
      settle();
      const shown = result.dataset.pwSource === "live" ? "Your last result is" : "The result computed when this page was built is";
      error.textContent = `${err.message} ${shown} shown below.`;
    } finally {
      button.textContent = idleText();
      running = false;
      if (again) {
        again = false;
        run();
      }
    }
  }

  // Touching the input asks for the model: run it (the first time this starts loading, and says so).
  const onChange = () => {
    if (!canRun()) return;
    // Said once, before the run turns the widget busy: a live region that changes while
    // busy may go unannounced (and a grid cleared cell by cell would say it 64 times).
    const label = $(result, ".pw-result-label");
    const waiting = "Computed when this page was built, for the sample input. Yours runs once Python has loaded.";
    if (!loaded && !running && result.dataset.pwSource === "build" && label.textContent !== waiting) {
      label.textContent = waiting;
    }
    run();
  };
  const canRun = () => {
    if (typeof WebAssembly === "object" && typeof Worker === "function") return true;
    error.textContent = "This browser cannot run the model (it needs WebAssembly and Web Workers). The result computed when this page was built is shown below.";
    return false;
  };
  if (root.dataset.pwKind === "grid") setupGrid(root, onChange);
  else setupSliders(root, onChange);
  button.addEventListener("click", () => canRun() && run());
  $(root, ".pw-sample").hidden = true; // the controls show the sample input now
  live.hidden = false;
}

document.querySelectorAll(".pw-widget[data-pw-name]").forEach(setupWidget);
