// Runs an ONNX model in ONNX Runtime (the npm package onnxruntime-node,
// found through NODE_PATH) on one float32 input and prints its first
// output as JSON.
//
//   node scripts/onnx_run.js MODEL.onnx INPUT.json
//
// INPUT.json is {"name": ..., "shape": [...], "data": [...]}; the output
// is printed in the same form.
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, input] = process.argv.slice(2);
  const x = JSON.parse(fs.readFileSync(input, 'utf8'));
  const session = await ort.InferenceSession.create(model);
  const feeds = {[x.name]: new ort.Tensor('float32', Float32Array.from(x.data), x.shape)};
  const results = await session.run(feeds);
  const name = session.outputNames[0];
  const y = results[name];
  console.log(JSON.stringify({name, shape: y.dims.map(Number), data: Array.from(y.data)}));
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});
