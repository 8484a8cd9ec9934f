// Module Web Worker: loads MicroPython (WebAssembly, about 230 kB as brotli) on
// the first request and runs widget code, for widgets with `runtime: micropython`.
//
// It speaks the same messages as worker.mjs (the Pyodide worker), so the loader
// shows the same four stages, result area, byte figure, errors and retry for both
// runtimes. Bytes are counted from Resource Timing, as the Pyodide worker counts them.
// One worker serves every MicroPython widget on the page; a second run reuses
// the interpreter, modules and weights.
//
// Messages in:  {type: "run", id, config: {indexURL, timeout, heapBytes}, widget: {name, code, weights}, input}
// Messages out: {type: "stage", id, stage}   stage: "download" | "start" | "model" | "run"
//               {type: "result", id, result, summary, runMs, computeMs, transferBytes}
//               {type: "error", id, message, fatal}

const RUNTIME_FILES = ["micropython.mjs", "micropython.wasm"];
// MicroPython's side (static/micropython_bootstrap.py), inlined by the build; the
// build's check runs the same text in Node.
const BOOTSTRAP = __PW_BOOTSTRAP__;

class WidgetError extends Error {
  constructor(message, fatal = false) {
    super(message);
    this.fatal = fatal; // fatal: the interpreter is unusable, the page must start a new worker
  }
}

let micropythonPromise = null;
const loadedCode = new Map(); // widget name -> code URL imported
const loadedWeights = new Set(); // weights URL
let reportRuntimeProblem = () => {};

function fileName(url) {
  return decodeURIComponent(new URL(url, self.location.href).pathname.split("/").pop());
}

// What is wrong with a runtime file's response, in words; null when nothing is.
// With a .wasm sent under another type, the runtime would quietly download it a
// second time and compile it without streaming: say what the server must fix.
function runtimeProblem(url, response) {
  const name = fileName(url);
  if (!RUNTIME_FILES.includes(name)) return null;
  if (!response.ok) {
    return (
      `Could not download ${name} (HTTP ${response.status} ${response.statusText}). ` +
      "The site may be published incompletely; please tell its author."
    );
  }
  const type = (response.headers.get("Content-Type") || "none").split(";")[0].trim();
  const expected = name.endsWith(".wasm") ? "application/wasm" : "text/javascript";
  if (type !== expected && !(expected === "text/javascript" && /^application\/(x-)?javascript$/.test(type))) {
    return (
      `The server sent ${name} as "${type}", but browsers only run it when it is sent as ` +
      `"${expected}". Please tell the site's author to fix the server's MIME types.`
    );
  }
  return null;
}

// Check each runtime response as it arrives. The response itself is passed on
// untouched: wrapping its body would stop the browser caching the compiled wasm.
const nativeFetch = self.fetch.bind(self);
async function checkedFetch(resource, init) {
  const response = await nativeFetch(resource, init);
  const problem = runtimeProblem(resource instanceof Request ? resource.url : String(resource), response);
  if (problem) reportRuntimeProblem(problem);
  return response;
}
// The .wasm download starts with the import of micropython.mjs instead of after
// it (one round trip less); the runtime's own fetch of it then gets that response.
let earlyWasm = null; // {url, response: Promise<Response>}
self.fetch = (resource, init) => {
  const url = resource instanceof Request ? resource.url : String(resource);
  if (earlyWasm && url === earlyWasm.url) {
    const { response } = earlyWasm;
    earlyWasm = null;
    return response;
  }
  return checkedFetch(resource, init);
};

// After a failed import: ask the server why (only on this error path).
async function diagnose(name, indexURL, fallback) {
  try {
    const problem = runtimeProblem(name, await nativeFetch(new URL(name, indexURL).href, { method: "HEAD" }));
    if (problem) return problem;
  } catch {
    // the network itself failed: say so below
  }
  return fallback;
}

function withTimeout(promise, seconds, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new WidgetError(message, true)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
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

// Resolves once each URL has its Resource Timing entry, or after `ms`. An entry is
// added by a task of its own, which may come after the runtime has started: the
// cost line must not miss the .wasm because the model ran before that task did.
function entriesFor(urls, ms) {
  const missing = () => urls.filter((url) => performance.getEntriesByName(url).length === 0);
  if (missing().length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new PerformanceObserver(() => missing().length === 0 && done());
    const timer = setTimeout(done, ms);
    function done() {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    }
    observer.observe({ type: "resource" });
  });
}

// Call a bootstrap function with JSON-able arguments; Python's return value comes back.
function call(mp, ...args) {
  mp.globals.set("_pw_args", JSON.stringify(args));
  mp.runPython("_pw_out = pw_call(_pw_args)");
  return mp.globals.get("_pw_out");
}

async function startMicroPython(config, stage) {
  if (typeof WebAssembly !== "object") {
    throw new WidgetError("This browser cannot run WebAssembly, which Python in the page needs.", true);
  }
  const indexURL = config.indexURL;
  stage("download");
  const problem = new Promise((_, reject) => {
    reportRuntimeProblem = (message) => reject(new WidgetError(message, true));
  });
  problem.catch(() => {}); // settled by the races below; never an unhandled rejection
  const wasmURL = new URL("micropython.wasm", indexURL).href;
  earlyWasm = { url: wasmURL, response: checkedFetch(wasmURL, { credentials: "same-origin" }) };
  earlyWasm.response.catch(() => {}); // a network error surfaces where the runtime uses it
  let module;
  try {
    module = await Promise.race([import(new URL("micropython.mjs", indexURL).href), problem]);
  } catch (error) {
    if (error instanceof WidgetError) throw error;
    const fallback = `Could not load micropython.mjs (${error.message}). Check your connection and try again.`;
    throw new WidgetError(await diagnose("micropython.mjs", indexURL, fallback), true);
  }
  const loading = module
    .loadMicroPython({
      url: wasmURL,
      heapsize: config.heapBytes,
      stdout: () => {},
      stderr: (line) => console.warn(line),
    })
    .catch(async (error) => {
      throw new WidgetError(await diagnose("micropython.wasm", indexURL, `Python could not start (${error.message}).`), true);
    });
  const mp = await Promise.race([loading, problem]);
  reportRuntimeProblem = () => {};
  stage("start");
  mp.runPython(BOOTSTRAP);
  mp.FS.mkdir("/widgets");
  mp.FS.writeFile("/widgets/__init__.py", "");
  return mp;
}

// A widget's code or weights, with a deadline: a stalled download must end in an error too.
async function fetchText(url, what, seconds) {
  const deadline = AbortSignal.timeout(seconds * 1000);
  try {
    const response = await nativeFetch(url, { signal: deadline });
    if (!response.ok) throw new WidgetError(`Could not download ${what} (HTTP ${response.status}).`);
    return await response.text();
  } catch (error) {
    if (error instanceof WidgetError) throw error;
    const why = deadline.aborted ? `no answer within ${seconds} seconds` : error.message;
    throw new WidgetError(`Could not download ${what} (${why}). Check your connection and try again.`);
  }
}

// Start downloading what the widget still needs, alongside the runtime's start.
function downloadWidget(widget, timeout) {
  const pending = (promise) => (promise.catch(() => {}), promise); // awaited later; never unhandled
  return {
    code: loadedCode.get(widget.name) === widget.code
      ? null
      : pending(fetchText(widget.code, `the widget code ${fileName(widget.code)}`, timeout)),
    weights: loadedWeights.has(widget.weights) ? null : pending(fetchText(widget.weights, "the model weights", timeout)),
  };
}

async function prepareWidget(mp, widget, downloads, stage) {
  if (downloads.code || downloads.weights) stage("model");
  if (downloads.code) {
    mp.FS.writeFile(`/widgets/${widget.name}.py`, await downloads.code);
    call(mp, "pw_import", widget.name);
    loadedCode.set(widget.name, widget.code);
  }
  if (downloads.weights) {
    call(mp, "pw_set_weights", widget.weights, await downloads.weights);
    loadedWeights.add(widget.weights);
  }
}

// MicroPython's traceback, in one plain sentence: the error and where it happened.
function pythonProblem(traceback) {
  const lines = traceback.trim().split("\n");
  const places = [...traceback.matchAll(/File "\/?(widgets\/[^"]+)", line (\d+)/g)];
  const where = places.length ? ` (${places.at(-1)[1]}, line ${places.at(-1)[2]})` : "";
  return `The model's Python code stopped with an error: ${lines.at(-1)}${where}.`;
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
    const downloads = downloadWidget(widget, config.timeout);
    // Every file this run downloads, so that its cost line counts each of them.
    const fetched = [downloads.code && widget.code, downloads.weights && widget.weights].filter(Boolean);
    if (!micropythonPromise) {
      fetched.push(...RUNTIME_FILES.map((name) => new URL(name, config.indexURL).href));
      const starting = withTimeout(
        startMicroPython(config, stage),
        config.timeout,
        `Python did not start within ${config.timeout} seconds. A slow connection can cause this; ` +
          "try again, or read the result computed when the page was built.",
      );
      micropythonPromise = starting.catch((error) => {
        micropythonPromise = null; // the next click starts over
        throw error;
      });
    }
    const mp = await micropythonPromise;
    await prepareWidget(mp, widget, downloads, stage);
    stage("run");
    const computeStart = performance.now();
    const output = JSON.parse(call(mp, "pw_run", widget.name, widget.weights, JSON.stringify(input)));
    const computeMs = performance.now() - computeStart;
    await entriesFor(fetched, 1000);
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
    const fatal = error instanceof WidgetError && error.fatal;
    let text = error instanceof WidgetError ? error.message : `Python stopped with an error: ${error.message}`;
    if (error && error.name === "PythonError") text = pythonProblem(error.message);
    self.postMessage({ type: "error", id, message: text, fatal });
  }
}

self.onmessage = (event) => {
  if (event.data && event.data.type === "run") run(event.data);
};
