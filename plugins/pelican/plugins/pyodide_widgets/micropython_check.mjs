// Runs one widget under MicroPython in Node, as micropython_worker.mjs does in
// the browser (same runtime files, same bootstrap, same heap), for the build's
// check against CPython.
//
//   node micropython_check.mjs   < {"runtime", "bootstrap", "heapBytes", "name", "code", "weights", "input"}
//   stdout: {"ok": true, "result", "summary"}
//        or {"ok": false, "stage": "start" | "import" | "run", "message"}   (message: MicroPython's traceback)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(0, "utf8"));
const answer = (value) => process.stdout.write(JSON.stringify(value));
let stage = "start";
try {
  const { loadMicroPython } = await import(pathToFileURL(job.runtime).href);
  const stderr = [];
  const mp = await loadMicroPython({ heapsize: job.heapBytes, stdout: () => {}, stderr: (line) => stderr.push(line) });
  mp.runPython(job.bootstrap);
  const call = (...args) => {
    mp.globals.set("_pw_args", JSON.stringify(args));
    mp.runPython("_pw_out = pw_call(_pw_args)");
    return mp.globals.get("_pw_out");
  };
  mp.FS.mkdir("/widgets");
  mp.FS.writeFile("/widgets/__init__.py", "");
  mp.FS.writeFile(`/widgets/${job.name}.py`, job.code);
  stage = "import";
  call("pw_import", job.name);
  stage = "run";
  call("pw_set_weights", "weights", job.weights);
  const output = JSON.parse(call("pw_run", job.name, "weights", JSON.stringify(job.input)));
  answer({ ok: true, ...output });
} catch (error) {
  answer({ ok: false, stage, message: String(error.message || error) });
}
