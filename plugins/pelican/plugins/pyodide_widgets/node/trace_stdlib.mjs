// Build-time helper (run by stdlib.py with Node): start the pinned Pyodide, run the
// worker's bootstrap and every widget on its sample input, and write a standard
// library zip that holds only the modules this needed, as .pyc compiled by
// Pyodide's own Python (optimize=2, no line tables), stored uncompressed: brotli
// on the whole file does better than deflate per entry.
// Then start Pyodide again from that zip and run the widgets once more to prove it.
//
// stdin: {"indexURL", "bootstrap", "output", "widgets": [{name, source, weights, input}]}
// stdout: {"files": [...], "results": {name: json}} or exit 1 with the error on stderr.
import { readFileSync, writeFileSync } from "node:fs";

const job = JSON.parse(readFileSync(0, "utf8"));
const { loadPyodide } = await import(new URL("pyodide.mjs", `file://${job.indexURL}`).href);

const TRACE = `
import sys
_pw_zip = next(p for p in sys.path if p.endswith(".zip"))
pw_used = sorted({
    m.__file__[len(_pw_zip) + 1:]
    for m in list(sys.modules.values())
    if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(_pw_zip + "/")
})
`;

const PACK = `
import importlib.util, marshal, zipfile
_pw_zip = next(p for p in sys.path if p.endswith(".zip"))

def _lean(code):
    # No line table: stdlib tracebacks lose line numbers, the reader saves ~35 % of the bytes.
    consts = tuple(_lean(c) if isinstance(c, type(code)) else c for c in code.co_consts)
    return code.replace(co_consts=consts, co_linetable=b"")

def _pyc(name, source):
    code = _lean(compile(source, name, "exec", dont_inherit=True, optimize=2))
    flags = (1).to_bytes(4, "little")  # hash-based, unchecked: never compared to a source
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)

with zipfile.ZipFile(_pw_zip) as source, zipfile.ZipFile("/tmp/pw_stdlib.zip", "w", zipfile.ZIP_STORED) as out:
    for name in pw_used:
        data = source.read(name)
        if name.endswith(".py"):
            out.writestr(zipfile.ZipInfo(name[:-3] + ".pyc", (1980, 1, 1, 0, 0, 0)), _pyc(name, data))
        else:
            out.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
`;

async function runWidgets(pyodide) {
  pyodide.runPython(job.bootstrap);
  pyodide.FS.mkdirTree("/home/pyodide/pyodide_widgets");
  const results = {};
  for (const widget of job.widgets) {
    const path = `/home/pyodide/pyodide_widgets/${widget.name}.py`;
    pyodide.FS.writeFile(path, widget.source);
    pyodide.globals.get("pw_import")(widget.name, path);
    pyodide.globals.get("pw_set_weights")(widget.name, widget.weights);
    results[widget.name] = pyodide.globals.get("pw_run")(widget.name, widget.name, JSON.stringify(widget.input));
  }
  return results;
}

const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") };
const full = await loadPyodide({ indexURL: job.indexURL, ...quiet });
const expected = await runWidgets(full);
full.runPython(TRACE);
const files = full.globals.get("pw_used").toJs();
full.runPython(PACK);
const zip = full.FS.readFile("/tmp/pw_stdlib.zip");
writeFileSync(job.output, zip);

const trimmed = await loadPyodide({ indexURL: job.indexURL, stdLibURL: job.output, ...quiet });
const results = await runWidgets(trimmed);
for (const name of Object.keys(expected)) {
  if (results[name] !== expected[name]) {
    process.stderr.write(`${name}: the trimmed library gives ${results[name]}, the full one ${expected[name]}\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify({ files, results }));
