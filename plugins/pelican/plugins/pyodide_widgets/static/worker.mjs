// Module Web Worker for the Pyodide runtime: loads Python on the first request
// and runs widget code. Everything Pyodide-specific lives here; the loader only
// starts this worker and relays its stages (see RUNTIMES in loader.mjs).
//
// Runs off the main thread so the page never freezes while the runtime is
// fetched and compiled. One worker serves every widget on the page; a second
// run reuses the loaded interpreter, modules and weights.
//
// Requests go through the browser's own fetch, never a wrapper: a wrapped
// Response would stop V8 from caching the compiled WebAssembly, and a second
// visit would compile it again. Bytes are counted from Resource Timing.
//
// Messages in:  {type: "run", id, config, widget: {name, code, weights}, input}
// Messages out: {type: "stage", id, stage}   stage: "download" | "start" | "model" | "run"
//               {type: "result", id, result, summary, runMs, computeMs, transferBytes}
//               {type: "error", id, message, fatal}

// The files loadPyodide fetches; the stdlib URL may be a trimmed, hashed copy.
const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib"];

// Python side (static/bootstrap.py, put here by the build): imports a widget module
// by path, the way the build imports it in CPython, and calls predict/describe.
const BOOTSTRAP = __PW_BOOTSTRAP__;

class WidgetError extends Error {
  constructor(message, fatal = false) {
    super(message);
    this.fatal = fatal; // fatal: the interpreter is unusable, the page must start a new worker
  }
}

let pyodidePromise = null;
const loadedCode = new Map(); // widget name -> code URL imported
const loadedWeights = new Set(); // weights URL
const seenFiles = new Set(); // runtime files whose download has ended
let onRuntimeFile = () => {};
let onRuntimeProblem = () => {};

const fileName = (url) => decodeURIComponent(new URL(url, self.location.href).pathname.split("/").pop());
const runtimeFile = (url) => RUNTIME_FILES.find((name) => fileName(url).startsWith(name));

// A runtime file's download has ended (Resource Timing adds an entry then): once all have,
// the download stage is over and Python is starting, even while loadPyodide still runs.
// The entry also tells a missing file or a .wasm sent with the wrong type, which would
// otherwise make loadPyodide hang or fall back to a slow, uncached compile.
// Only the first entry of each file per start counts (a HEAD from diagnose() adds more).
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const name = runtimeFile(entry.name);
    if (!name || seenFiles.has(name)) continue;
    seenFiles.add(name);
    checkEntry(fileName(entry.name), entry);
    onRuntimeFile();
  }
}).observe({ type: "resource", buffered: true });

function checkEntry(name, entry) {
  if (entry.responseStatus >= 400) {
    onRuntimeProblem(
      `Could not download ${name} (HTTP ${entry.responseStatus}). ` +
        "The site may be published incompletely; please tell its author.",
    );
  } else if (name.endsWith(".wasm") && entry.contentType !== "application/wasm") {
    // Resource Timing hides most types (""): ask the server, and speak only of a real problem.
    diagnose([entry.name], null).then((problem) => problem && onRuntimeProblem(problem));
  }
}

const wrongType = (name, type) =>
  `The server sent ${name} as "${type}", but browsers only run WebAssembly sent as ` +
  '"application/wasm". Please tell the site\'s author to fix the server\'s MIME types.';

// What is wrong with a runtime file's response, in words; null when nothing is.
// A missing file or a .wasm sent with the wrong MIME type makes loadPyodide hang
// (it only logs a warning), so after a failure or a time-out we ask the server.
function runtimeProblem(name, response) {
  if (!response.ok) {
    return (
      `Could not download ${name} (HTTP ${response.status} ${response.statusText}). ` +
      "The site may be published incompletely; please tell its author."
    );
  }
  const type = (response.headers.get("Content-Type") || "none").split(";")[0].trim();
  return name.endsWith(".wasm") && type !== "application/wasm" ? wrongType(name, type) : null;
}

// Ask the server about each runtime file (HEAD: no body), only on an error path.
async function diagnose(urls, fallback) {
  for (const url of urls) {
    try {
      const head = { method: "HEAD", cache: "no-store", signal: AbortSignal.timeout(5000) };
      const problem = runtimeProblem(fileName(url), await fetch(url, head));
      if (problem) return problem;
    } catch {
      // the network itself failed: say so below
    }
  }
  return fallback;
}

function runtimeURLs(config) {
  const urls = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"].map((n) => new URL(n, config.indexURL).href);
  return [...urls, config.stdLibURL || new URL("python_stdlib.zip", config.indexURL).href];
}

function withTimeout(promise, seconds, onTimeout) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(async () => reject(new WidgetError(await onTimeout(), true)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function startPyodide(config, stage) {
  if (typeof WebAssembly !== "object") {
    throw new WidgetError("This browser cannot run WebAssembly, which Python in the page needs.", true);
  }
  const urls = runtimeURLs(config);
  seenFiles.clear();
  stage("download");
  onRuntimeFile = () => seenFiles.size === RUNTIME_FILES.length && stage("start");
  let module;
  try {
    module = await import(urls[0]);
  } catch (error) {
    const fallback = `Could not load pyodide.mjs (${error.message}). Check your connection and try again.`;
    throw new WidgetError(await diagnose(urls.slice(0, 1), fallback), true);
  }
  const options = { indexURL: config.indexURL, stdout: () => {}, stderr: (line) => console.warn(line) };
  if (config.lockFileContents) options.lockFileContents = config.lockFileContents;
  if (config.stdLibURL) options.stdLibURL = config.stdLibURL;
  const problem = new Promise((_, reject) => {
    onRuntimeProblem = (message) => reject(new WidgetError(message, true));
  });
  problem.catch(() => {}); // settled by the race below; never an unhandled rejection
  const loading = module.loadPyodide(options).catch(async (error) => {
    throw new WidgetError(await diagnose(urls, `Python could not start (${error.message}).`), true);
  });
  let pyodide;
  try {
    pyodide = await Promise.race([loading, problem]);
  } finally {
    onRuntimeFile = () => {};
    onRuntimeProblem = () => {};
  }
  stage("start"); // all files arrived (a cached file may have no entry yet)
  if (config.packages.length) {
    for (const spec of config.packages) {
      const loaded = await pyodide.loadPackage(spec, { messageCallback: () => {} });
      // loadPackage resolves [] instead of throwing when a package fails to load.
      if (!Array.isArray(loaded) || loaded.length === 0) {
        throw new WidgetError(`The package "${spec}" did not load. Check that it is published next to the site.`, true);
      }
    }
  }
  pyodide.runPython(BOOTSTRAP);
  return pyodide;
}

// A widget's code or weights, with a deadline: a stalled download must end in an error too.
async function fetchText(url, what, seconds) {
  const deadline = AbortSignal.timeout(seconds * 1000);
  try {
    const response = await fetch(url, { signal: deadline });
    if (!response.ok) throw new WidgetError(`Could not download ${what} (HTTP ${response.status}).`);
    return await response.text();
  } catch (error) {
    if (error instanceof WidgetError) throw error;
    // An abort in the body surfaces as a plain network error: ask the signal, not the error.
    const why = deadline.aborted ? `no answer within ${seconds} seconds` : error.message;
    throw new WidgetError(`Could not download ${what} (${why}). Check your connection and try again.`);
  }
}

// Python's own message for an exception raised in widget code, without the traceback.
function pythonMessage(error) {
  const lines = String(error.message).trim().split("\n");
  return lines[lines.length - 1].replace(/^bootstrap\.PwMissingModuleError: |^PwMissingModuleError: /, "");
}

async function prepareWidget(pyodide, widget, timeout, stage) {
  const needsCode = loadedCode.get(widget.name) !== widget.code;
  if (needsCode || !loadedWeights.has(widget.weights)) stage("model");
  const [source, weights] = await Promise.all([
    needsCode ? fetchText(widget.code, `the widget code ${fileName(widget.code)}`, timeout) : null,
    loadedWeights.has(widget.weights) ? null : fetchText(widget.weights, "the model weights", timeout),
  ]);
  try {
    if (source !== null) {
      const path = `/home/pyodide/pyodide_widgets/${widget.name}.py`;
      pyodide.FS.mkdirTree("/home/pyodide/pyodide_widgets");
      pyodide.FS.writeFile(path, source);
      pyodide.globals.get("pw_import")(widget.name, path);
      loadedCode.set(widget.name, widget.code);
    }
    if (weights !== null) {
      pyodide.globals.get("pw_set_weights")(widget.weights, weights);
      loadedWeights.add(widget.weights);
    }
  } catch (error) {
    throw new WidgetError(`The widget's Python code stopped: ${pythonMessage(error)}`);
  }
}

// Bytes that crossed the network for this run: the compressed bodies of the responses
// that did not come from the browser's cache (the figure the build and the Footprint
// page count; headers excluded). A 304 or a cache hit costs no body.
function networkBytes(since) {
  let bytes = 0;
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.startTime < since || entry.transferSize === 0 || entry.responseStatus === 304) continue;
    bytes += entry.encodedBodySize;
  }
  return bytes;
}

async function run(message) {
  const { id, config, widget, input } = message;
  const started = performance.now();
  let current = null;
  const stage = (next) => {
    if (next === current) return;
    current = next;
    self.postMessage({ type: "stage", id, stage: next });
  };
  try {
    if (!pyodidePromise) {
      // One deadline for every step of the start (importing pyodide.mjs, loadPyodide,
      // packages): a stalled download anywhere would otherwise spin forever.
      const starting = withTimeout(startPyodide(config, stage), config.timeout, () =>
        diagnose(
          runtimeURLs(config).filter((url) => !seenFiles.has(runtimeFile(url))),
          `Python did not start within ${config.timeout} seconds. A slow connection can cause this; ` +
            "try again, or read the result computed when the page was built.",
        ),
      );
      pyodidePromise = starting.catch((error) => {
        pyodidePromise = null; // the next click starts over
        throw error;
      });
    }
    const pyodide = await pyodidePromise;
    await prepareWidget(pyodide, widget, config.timeout, stage);
    stage("run");
    const computeStart = performance.now();
    let output;
    try {
      output = JSON.parse(pyodide.globals.get("pw_run")(widget.name, widget.weights, JSON.stringify(input)));
    } catch (error) {
      throw new WidgetError(`The widget's Python code stopped: ${pythonMessage(error)}`);
    }
    const computeMs = performance.now() - computeStart;
    const transferBytes = networkBytes(started);
    performance.clearResourceTimings(); // keep the buffer small; each run counts its own entries
    self.postMessage({
      type: "result",
      id,
      result: output.result,
      summary: output.summary,
      runMs: performance.now() - started,
      computeMs,
      transferBytes,
    });
  } catch (error) {
    // fatal: a hung loadPyodide may still run, so the page should end this worker.
    const fatal = error instanceof WidgetError && error.fatal;
    const text = error instanceof WidgetError ? error.message : `Python stopped with an error: ${error.message}`;
    self.postMessage({ type: "error", id, message: text, fatal });
  }
}

self.onmessage = (event) => {
  if (event.data && event.data.type === "run") run(event.data);
};
