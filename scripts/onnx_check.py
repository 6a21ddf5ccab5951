"""Check ONNX files with onnx.checker, shape inference included.

    python3 scripts/onnx_check.py MODEL.onnx...

Prints each file's inputs and outputs with their inferred shapes; exits
with status 1 at the first file the checker rejects.
"""
import sys

import onnx


def dims(value):
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    graph = model.graph
    print(path, "ir", model.ir_version, "opset", model.opset_import[0].version,
          "in", [(v.name, dims(v)) for v in graph.input],
          "out", [(v.name, dims(v)) for v in graph.output],
          "nodes", len(graph.node))
