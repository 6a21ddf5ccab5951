package checkpoint

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// interopScript reads gibbs's files and writes PyTorch's; see its usage.
const interopScript = "../scripts/safetensors_interop.py"

// torchExpected is the JSON the interop script writes beside a file: for
// each tensor its stored dtype, its shape, and the bits of its values as
// float32.
type torchExpected struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  map[string]struct {
		Dtype   string   `json:"dtype"`
		Shape   []int    `json:"shape"`
		F32Bits []uint32 `json:"f32_bits"`
	} `json:"tensors"`
}

// checkTorchFile loads a file the interop script wrote from PyTorch and
// compares it bit for bit with the values PyTorch gave for it.
func checkTorchFile(t *testing.T, path, expectedPath string) {
	t.Helper()
	raw, err := os.ReadFile(expectedPath)
	if err != nil {
		t.Fatal(err)
	}
	var want torchExpected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	tensors, metadata, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tensors) != len(want.Tensors) {
		t.Errorf("got %d tensors, want %d", len(tensors), len(want.Tensors))
	}
	for name, w := range want.Tensors {
		data := make([]float32, len(w.F32Bits))
		for i, b := range w.F32Bits {
			data[i] = math.Float32frombits(b)
		}
		checkTensor(t, name+" ("+w.Dtype+")", tensors[name], w.Shape, data)
	}
	if len(metadata) != len(want.Metadata) {
		t.Errorf("metadata %v, want %v", metadata, want.Metadata)
	}
	for k, v := range want.Metadata {
		if metadata[k] != v {
			t.Errorf("metadata %q = %q, want %q", k, metadata[k], v)
		}
	}
}

// TestLoadTorchFile loads the committed file that PyTorch wrote: an
// nn.Linear state dict and tensors stored as F16, BF16, F64, I64 and BOOL,
// data not in name order and not aligned.
func TestLoadTorchFile(t *testing.T) {
	checkTorchFile(t, "testdata/torch.safetensors", "testdata/torch.json")
}

// gibbsFixture is what TestPyTorchInterop writes for the interop script's
// check mode, which expects exactly these tensors and metadata.
func gibbsFixture() (map[string]*tensor.Tensor, map[string]string) {
	w := make([]float32, 12)
	for i := range w {
		w[i] = (float32(i) - 5) / 8
	}
	inf := float32(math.Inf(1))
	return map[string]*tensor.Tensor{
			"linear.weight": tensor.New(w, 3, 4),
			"linear.bias":   tensor.New([]float32{0.1, -0.2, 0.3}),
			"scalar":        tensor.Scalar(math.Pi),
			"empty":         tensor.Zeros(0, 3),
			"special":       tensor.New([]float32{inf, -inf, float32(math.Copysign(0, -1)), 0x1p-149, float32(math.NaN())}),
		}, map[string]string{
			"step": "42",
			"note": `héllo <&> "q"`,
		}
}

// TestPyTorchInterop runs the round trip through PyTorch: the interop
// script checks a file gibbs writes, then writes one that gibbs checks. It
// needs a Python with torch, named by GIBBS_PYTHON.
func TestPyTorchInterop(t *testing.T) {
	python := os.Getenv("GIBBS_PYTHON")
	if python == "" {
		t.Skip("set GIBBS_PYTHON to a Python interpreter with torch (such as /usr/bin/python3) to run the PyTorch round trip")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command(python, append([]string{interopScript}, args...)...).CombinedOutput()
		t.Logf("%s %v:\n%s", filepath.Base(interopScript), args, out)
		if err != nil {
			t.Fatal(err)
		}
	}

	gibbsFile := filepath.Join(dir, "gibbs.safetensors")
	tensors, metadata := gibbsFixture()
	if err := Save(gibbsFile, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	run("check", gibbsFile)

	torchFile, expected := filepath.Join(dir, "torch.safetensors"), filepath.Join(dir, "torch.json")
	run("write", torchFile, expected)
	checkTorchFile(t, torchFile, expected)
}
