package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gibbsml/gibbs/onnx"
	"github.com/gibbsml/gibbs/train"
)

// runExport is 'gibbs export FORMAT': a network of a trained run written
// in a format other runtimes read. The one format is onnx.
func runExport(_ context.Context, args []string, out io.Writer) error {
	const synopsis = "gibbs export onnx --run DIR --out FILE.onnx [--net NAME]"
	if len(args) == 0 || isHelpFlag(args[0]) {
		fmt.Fprintf(out, "Usage: %s\n\nFormats:\n  onnx     an ONNX model (IR 8, opset 17) for ONNX Runtime and the servers built on it\n\nRun 'gibbs export onnx --help' for the flags.\n", synopsis)
		return nil
	}
	if args[0] != "onnx" {
		return usagef("unknown format %q (have onnx)", args[0])
	}
	fs := flag.NewFlagSet("export onnx", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained model (required)")
	outFile := fs.String("out", "", "ONNX file to write (required)")
	netName := fs.String("net", "", "the network to export, for kinds that have several (ae, vae: encoder, decoder); default the kind's first")
	if err := parseFlags(fs, args[1:], out, synopsis); err != nil {
		return err
	}
	if *runPath == "" || *outFile == "" {
		return usagef("--run and --out are required")
	}
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	var nets []train.Network
	if nm, ok := m.(train.Networks); ok {
		nets = nm.Networks()
	}
	if len(nets) == 0 {
		return usagef("%s holds a run of kind %s, which cannot be exported yet", *runPath, m.Kind())
	}
	net, names := nets[0], make([]string, len(nets))
	for i, n := range nets {
		names[i] = n.Name
		if n.Name == *netName {
			net = n
		}
	}
	if *netName != "" && net.Name != *netName {
		return usagef("--net: a run of kind %s has no network %q (have %s)", m.Kind(), *netName, strings.Join(names, ", "))
	}
	doc := fmt.Sprintf("the %s of the %s model of %s", net.Name, m.Kind(), *runPath)
	if err := onnx.Write(*outFile, net, doc); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the %s of %s to %s: input %q [N %s], output %q\n", net.Name, *runPath, *outFile, net.In, dims(net.Input), net.Out)
	return nil
}

// dims writes a sample's shape after the batch dimension: " 1 28 28".
func dims(shape []int) string {
	var b strings.Builder
	for _, d := range shape {
		fmt.Fprintf(&b, " %d", d)
	}
	return strings.TrimPrefix(b.String(), " ")
}
