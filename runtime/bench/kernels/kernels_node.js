// Runs the kernels in node (V8) for kernels_benchmark: node kernels_node.js
// RUNS FILE.wasm:EXPORT:ARG ... Prints "name best_seconds result" per kernel.
'use strict';
const fs = require('fs');
const runs = parseInt(process.argv[2], 10);
for (const spec of process.argv.slice(3)) {
  const [file, name, arg] = spec.split(':');
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const instance = new WebAssembly.Instance(module, {});
  const f = instance.exports[name];
  let best = Infinity;
  let result;
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    result = f(parseInt(arg, 10));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (seconds < best) best = seconds;
  }
  console.log(`${name} ${best} ${result}`);
}
