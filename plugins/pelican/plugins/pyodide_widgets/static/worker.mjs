// Module Web Worker: loads Pyodide on the first request and runs widget code.
//
// Runs off the main thread so the page never freezes while ~13 MB of runtime
// is fetched and compiled.  One worker serves every widget on the page; a
// second run reuses the loaded interpreter, modules and weights.
//
// Messages in:  {type: "run", id, config, widget: {name, code, weights}, input}
// Messages out: {type: "progress", id, stage, bytes}
//               {type: "result", id, result, summary, runMs, computeMs, transferBytes, bodyBytes}
//               {type: "error", id, message, fatal}

const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"];

// Python side: import a widget module from the virtual file system by path
// (the same way the build imports it in CPython) and call predict/describe.
const BOOTSTRAP = `
import importlib.util, json, sys

_pw_modules = {}
_pw_weights = {}

def pw_import(name, path):
    spec = importlib.util.spec_from_file_location("pw_widget_" + name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    _pw_modules[name] = module

def pw_set_weights(key, text):
    _pw_weights[key] = json.loads(text)

def pw_run(name, key, input_json):
    module = _pw_modules[name]
    result = module.predict(_pw_weights[key], json.loads(input_json))
    return json.dumps({"result": result, "summary": module.describe(result)})
`;

class WidgetError extends Error {
  constructor(message, fatal = false) {
    super(message);
    this.fatal = fatal; // fatal: the interpreter is unusable, the page must start a new worker
  }
}

let pyodidePromise = null;
const loadedCode = new Map(); // widget name -> code URL imported
const loadedWeights = new Set(); // weights URL
let streamedBytes = 0; // decoded body bytes received so far, for progress
let currentProgress = () => {};
let reportRuntimeProblem = () => {};

// What is wrong with a runtime file's response, in words; null when nothing is.
// A missing file or a .wasm sent with the wrong MIME type would make loadPyodide
// hang (it only logs a warning), so every runtime response is checked on arrival.
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
  if (name.endsWith(".wasm") && type !== "application/wasm") {
    return (
      `The server sent ${name} as "${type}", but browsers only run WebAssembly sent as ` +
      '"application/wasm". Please tell the site\'s author to fix the server\'s MIME types.'
    );
  }
  return null;
}

// Count body bytes as they stream in (progress: "bytes so far") and check runtime files.
const nativeFetch = self.fetch.bind(self);
self.fetch = async (resource, init) => {
  const response = await nativeFetch(resource, init);
  const problem = runtimeProblem(resource instanceof Request ? resource.url : String(resource), response);
  if (problem) reportRuntimeProblem(problem);
  if (!response.body) return response;
  const counter = new TransformStream({
    transform(chunk, controller) {
      streamedBytes += chunk.byteLength;
      currentProgress();
      controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
};

function fileName(url) {
  return decodeURIComponent(new URL(url, self.location.href).pathname.split("/").pop());
}

// After a failed import: ask the server why (only on this error path, so no extra requests otherwise).
async function diagnose(name, indexURL, fallback) {
  try {
    const response = await nativeFetch(new URL(name, indexURL).href, { method: "HEAD" });
    const problem = runtimeProblem(name, response);
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

async function startPyodide(config, progress) {
  if (typeof WebAssembly !== "object") {
    throw new WidgetError("This browser cannot run WebAssembly, which Python in the page needs.", true);
  }
  const indexURL = config.indexURL;
  progress("Downloading the Python runtime");
  let module;
  try {
    module = await import(new URL("pyodide.mjs", indexURL).href);
  } catch (error) {
    const fallback = `Could not load pyodide.mjs (${error.message}). Check your connection and try again.`;
    throw new WidgetError(await diagnose("pyodide.mjs", indexURL, fallback), true);
  }
  const options = { indexURL, stdout: () => {}, stderr: (line) => console.warn(line) };
  if (config.lockFileContents) options.lockFileContents = config.lockFileContents;
  const problem = new Promise((_, reject) => {
    reportRuntimeProblem = (message) => reject(new WidgetError(message, true));
  });
  const loading = module.loadPyodide(options).catch(async (error) => {
    throw new WidgetError(await diagnose("pyodide.asm.mjs", indexURL, `Python could not start (${error.message}).`), true);
  });
  problem.catch(() => {}); // settled by the race below; never an unhandled rejection
  const pyodide = await Promise.race([loading, problem]);
  reportRuntimeProblem = () => {};
  if (config.packages.length) {
    progress("Loading packages");
    for (const spec of config.packages) {
      const loaded = await pyodide.loadPackage(spec, { messageCallback: () => {} });
      // loadPackage resolves [] instead of throwing when a package fails to load.
      if (!Array.isArray(loaded) || loaded.length === 0) {
        throw new WidgetError(`The package "${spec}" did not load. Check that it is published next to the site.`, true);
      }
    }
  }
  progress("Starting Python");
  pyodide.runPython(BOOTSTRAP);
  return pyodide;
}

// A widget's code or weights, with a deadline: a stalled download must end in an error too.
async function fetchText(url, what, seconds) {
  const deadline = AbortSignal.timeout(seconds * 1000);
  try {
    const response = await self.fetch(url, { signal: deadline });
    if (!response.ok) throw new WidgetError(`Could not download ${what} (HTTP ${response.status}).`);
    return await response.text();
  } catch (error) {
    if (error instanceof WidgetError) throw error;
    // An abort in the body surfaces as a plain network error: ask the signal, not the error.
    const why = deadline.aborted ? `no answer within ${seconds} seconds` : error.message;
    throw new WidgetError(`Could not download ${what} (${why}). Check your connection and try again.`);
  }
}

async function prepareWidget(pyodide, widget, timeout, progress) {
  if (loadedCode.get(widget.name) !== widget.code) {
    progress("Loading the widget code");
    const source = await fetchText(widget.code, `the widget code ${fileName(widget.code)}`, timeout);
    const path = `/home/pyodide/pyodide_widgets/${widget.name}.py`;
    pyodide.FS.mkdirTree("/home/pyodide/pyodide_widgets");
    pyodide.FS.writeFile(path, source);
    pyodide.globals.get("pw_import")(widget.name, path);
    loadedCode.set(widget.name, widget.code);
  }
  if (!loadedWeights.has(widget.weights)) {
    progress("Loading the model weights");
    const text = await fetchText(widget.weights, "the model weights", timeout);
    pyodide.globals.get("pw_set_weights")(widget.weights, text);
    loadedWeights.add(widget.weights);
  }
}

// Bytes this run cost, from the Resource Timing entries of this worker.
function resourceBytes(since) {
  let transferBytes = 0;
  let bodyBytes = 0;
  for (const entry of performance.getEntriesByType("resource")) {
    if (entry.startTime < since) continue;
    transferBytes += entry.transferSize || 0;
    bodyBytes += entry.decodedBodySize || 0;
  }
  return { transferBytes, bodyBytes };
}

async function run(message) {
  const { id, config, widget, input } = message;
  const started = performance.now();
  const streamedAtStart = streamedBytes;
  let stage = "Starting";
  const progress = (next) => {
    if (next) stage = next;
    self.postMessage({ type: "progress", id, stage, bytes: streamedBytes - streamedAtStart });
  };
  currentProgress = () => progress();
  try {
    if (!pyodidePromise) {
      // One deadline for every step of the start (importing pyodide.mjs, loadPyodide,
      // packages): a stalled download anywhere would otherwise spin forever.
      const starting = withTimeout(
        startPyodide(config, progress),
        config.timeout,
        `Python did not start within ${config.timeout} seconds. A slow connection can cause this; ` +
          "try again, or read the result computed when the page was built.",
      );
      pyodidePromise = starting.catch((error) => {
        pyodidePromise = null; // the next click starts over
        throw error;
      });
    }
    const pyodide = await pyodidePromise;
    await prepareWidget(pyodide, widget, config.timeout, progress);
    progress("Running the model");
    const computeStart = performance.now();
    const output = JSON.parse(pyodide.globals.get("pw_run")(widget.name, widget.weights, JSON.stringify(input)));
    const computeMs = performance.now() - computeStart;
    const bytes = resourceBytes(started);
    performance.clearResourceTimings(); // keep the buffer small; each run counts its own entries
    self.postMessage({
      type: "result",
      id,
      result: output.result,
      summary: output.summary,
      runMs: performance.now() - started,
      computeMs,
      ...bytes,
    });
  } catch (error) {
    // fatal: a hung loadPyodide may still run, so the page should end this worker.
    const fatal = error instanceof WidgetError && error.fatal;
    const text = error instanceof WidgetError ? error.message : `Python stopped with an error: ${error.message}`;
    self.postMessage({ type: "error", id, message: text, fatal });
  } finally {
    currentProgress = () => {};
  }
}

self.onmessage = (event) => {
  if (event.data && event.data.type === "run") run(event.data);
};
