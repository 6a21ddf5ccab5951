// Command gibbs trains and uses energy-based models.
//
//	gibbs demo                      train a small energy model on 2-D data and draw it
//	gibbs train ebm --data ring8    train an energy model, resumable
//	gibbs train lista               LISTA against ISTA and FISTA on sparse coding
//	gibbs train ae --data mnist     train an autoencoder (plain, denoising, sparse, contractive)
//	gibbs train vae --data mnist    train a variational autoencoder
//	gibbs train transformer         a transformer learns to reverse, copy, sort or add
//	gibbs dashboard --run DIR       a live page of runs: curves, pictures, configs
//	gibbs sample --run DIR          draw samples from a trained model (PNG or CSV)
//	gibbs attend --run DIR --input  a trained transformer's answer and attention maps
//	gibbs export onnx --run DIR     write a trained network as an ONNX file
//	gibbs serve --run DIR           answer inference requests over HTTP (Open Inference Protocol v2)
//	gibbs score --run DIR --input   energies of samples as anomaly scores, with AUROC
//	gibbs ood --run DIR --input     out-of-distribution AUROC of a label energy's scores
//	gibbs hopfield                  retrieval capacity of a modern Hopfield network
//	gibbs version                   print the gibbs and Go versions
//	gibbs help COMMAND              describe a command
//
// Errors in flags, files or input print one line and exit with status 2;
// a run that fails or diverges exits with status 1; an interrupted run
// saves a checkpoint and exits with 130 (SIGINT) or 143 (SIGTERM).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"

	"github.com/gibbsml/gibbs/train"
)

// command is a subcommand of gibbs.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out io.Writer) error
}

// commands lists the subcommands; "train" dispatches further on the model kind.
var commands []command

func init() {
	commands = []command{
		{"demo", "train a small energy model on 2-D data and write energy.png and samples.png", runDemo},
		{"train", "train a model: gibbs train KIND [flags], KIND one of the kinds below", runTrain},
		{"dashboard", "a live page of runs' curves, pictures and configs: gibbs dashboard --run DIR [--run DIR ...]", runDashboard},
		{"sample", "draw samples from a trained run: gibbs sample --run DIR [-o FILE.png|FILE.csv]", runSample},
		{"export", "write a trained network for other runtimes: gibbs export onnx --run DIR --out FILE.onnx", runExport},
		{"attend", "a trained transformer answers an input and draws its attention maps: gibbs attend --run DIR --input ...", runAttend},
		{"serve", "answer inference requests for trained runs over HTTP (Open Inference Protocol v2): gibbs serve --run DIR [--addr 127.0.0.1:8080]", runServe},
		{"score", "energies of samples under a trained energy model, with AUROC for labelled input: gibbs score --run DIR --input FILE", runScore},
		{"ood", "out-of-distribution detection by a label energy: AUROC of the free energy and of the maximum softmax probability: gibbs ood --run DIR --input DATA", runOOD},
		{"hopfield", "capacity of a modern Hopfield network (attention as an energy): gibbs hopfield --patterns binary|mnist", runHopfield},
		{"bench", "run the reference workloads and print one JSON line per result",
			func(_ context.Context, args []string, out io.Writer) error { return runBench(args, out) }},
		{"help", "describe a command: gibbs help COMMAND", runHelp},
		{"version", "print the gibbs version and the Go version it was built with", runVersion},
	}
}

// trainKind is a model kind of 'gibbs train KIND'.
type trainKind struct {
	name, summary string
	run           func(ctx context.Context, args []string, out io.Writer) error
}

// trainKinds are the model kinds 'gibbs train' trains.
var trainKinds = []trainKind{
	{"ae", "an autoencoder: plain, denoising, sparse or contractive (reconstruction energy)", trainAECommand},
	{"ebm", "an energy model: of 2-D toy data (contrastive losses with samplers, or score matching), of images (--data mnist: Langevin from a replay buffer), or of a label (--target label)", trainEBMCommand},
	{"ebm-label", "an energy F(x, y) of a sample and its label (also: gibbs train ebm --target label): LeCun et al.'s losses, argmin inference", trainEBMLabelCommand},
	{"gan", "a generative adversarial network: minimax, non-saturating, hinge, ls, wgan-gp, r1 or ebgan, with packing and mode coverage", trainGANCommand},
	{"jem", "a classifier read as an energy model of images (JEM): cross-entropy plus Langevin contrastive training", trainJEMCommand},
	{"lista", "LISTA encoders against ISTA and FISTA on sparse coding", trainLISTACommand},
	{"rbm", "a restricted Boltzmann machine on binarised images (CD-k or persistent CD, AIS log-likelihood)", trainRBMCommand},
	{"transformer", "a transformer on a sequence task: reverse, copy, sort, addition, or a text's characters", trainTransformerCommand},
	{"vae", "a variational autoencoder (ELBO, IWAE bound, samples from the prior)", trainVAECommand},
}

// trainKindNames returns the names of trainKinds, comma-separated.
func trainKindNames() string {
	names := make([]string, len(trainKinds))
	for i, k := range trainKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// printKinds lists trainKinds with their summaries.
func printKinds(out io.Writer) {
	for _, k := range trainKinds {
		fmt.Fprintf(out, "  %-11s %s\n", k.name, k.summary)
	}
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// usageError is a mistake in the command line; main prints it and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func main() {
	ctx, stop := signalContext()
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig syscall.Signal }

func (e signalError) Error() string { return "received " + e.sig.String() }

// signalContext returns a context cancelled, with a signalError as its
// cause, at the first SIGINT or SIGTERM; a run then saves a checkpoint and
// stops. A second signal kills the process as usual.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(signalError{s.(syscall.Signal)})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// run executes a command line and returns the exit status: 0 on success,
// 1 when a run failed or diverged, 2 for bad input, 128 + the signal's
// number when a signal interrupted a run.
func run(ctx context.Context, args []string, out, errOut io.Writer) (status int) {
	defer func() {
		if r := recover(); r != nil {
			// Shape and value errors inside the math panic; the user gets
			// the message, not a stack dump.
			fmt.Fprintf(errOut, "gibbs: error: %v\n", r)
			status = 2
		}
	}()
	if len(args) == 0 || isHelpFlag(args[0]) {
		printUsage(out)
		return 0
	}
	cmd, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(errOut, "gibbs: unknown command %q (run 'gibbs --help' for the list)\n", args[0])
		return 2
	}
	err := cmd.run(ctx, args[1:], out)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var setting *train.SettingError
	if errors.As(err, &setting) {
		err = usagef("--%v", setting)
	}
	fmt.Fprintf(errOut, "gibbs %s: %v\n", cmd.name, err)
	return exitStatus(err)
}

// exitStatus is the status of a command that failed with err.
func exitStatus(err error) int {
	var sig signalError
	switch {
	case errors.As(err, &sig):
		return 128 + int(sig.sig)
	case errors.Is(err, train.ErrDiverged):
		return 1
	}
	return 2
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func printUsage(out io.Writer) {
	fmt.Fprint(out, `gibbs: energy-based deep learning in Go.

Usage: gibbs COMMAND [flags]

Commands:
`)
	names := make([]string, 0, len(commands))
	for _, c := range commands {
		names = append(names, c.name)
	}
	sort.Strings(names)
	for _, n := range names {
		c, _ := findCommand(n)
		fmt.Fprintf(out, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(out, "\nModel kinds (gibbs train KIND):\n")
	printKinds(out)
	fmt.Fprint(out, "\nRun 'gibbs COMMAND --help' or 'gibbs train KIND --help' for the flags.\n")
}

// runHelp is 'gibbs help [COMMAND]'; 'gibbs help help' and 'gibbs help'
// print the list of commands.
func runHelp(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || isHelpFlag(args[0]) {
		printUsage(out)
		return nil
	}
	if args[0] == "train" && len(args) > 1 {
		return runTrain(ctx, []string{args[1], "--help"}, out)
	}
	c, ok := findCommand(args[0])
	if !ok {
		return usagef("unknown command %q", args[0])
	}
	return c.run(ctx, []string{"--help"}, out)
}

// parseFlags parses args with fs. --help prints the usage to out and
// returns flag.ErrHelp; any other problem becomes a one-line usage error.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer, synopsis string) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(out, "Usage: %s\n\nFlags:\n", synopsis)
		fs.SetOutput(out)
		fs.PrintDefaults()
		return flag.ErrHelp
	}
	if err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", strings.Join(fs.Args(), " "))
	}
	return nil
}

// runVersion is 'gibbs version'.
func runVersion(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseFlags(fs, args, out, "gibbs version"); err != nil {
		return err
	}
	fmt.Fprintf(out, "gibbs %s (%s, %s/%s)\n", train.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func runTrain(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && isHelpFlag(args[0]) {
			fmt.Fprint(out, "Usage: gibbs train KIND [flags]\n\nKinds:\n")
			printKinds(out)
			fmt.Fprint(out, "\nRun 'gibbs train KIND --help' for its flags.\n")
			return flag.ErrHelp
		}
		return usagef("which model? gibbs train KIND [flags], with KIND one of: %s", trainKindNames())
	}
	i := slices.IndexFunc(trainKinds, func(k trainKind) bool { return k.name == args[0] })
	if i < 0 {
		return usagef("unknown model kind %q (have: %s)", args[0], trainKindNames())
	}
	err := trainKinds[i].run(ctx, args[1:], out)
	if ie := (*train.InterruptedError)(nil); errors.As(err, &ie) {
		err = fmt.Errorf("%w; continue with: gibbs train %s --resume --out %s", err, args[0], ie.Dir)
	}
	return err
}
