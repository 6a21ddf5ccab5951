package tensor_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	T "github.com/gibbsml/gibbs/tensor"
)

// testdata/golden.json is written by scripts/tensor_golden.py from PyTorch;
// the script's doc comment describes the schema.

type goldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (g *goldenTensor) tensor() *T.Tensor {
	if len(g.Shape) == 0 {
		return T.Scalar(g.Data[0]) // New with no shape would make it 1-D
	}
	return T.New(append([]float32(nil), g.Data...), g.Shape...)
}

type goldenGeom struct {
	KH      int `json:"kh"`
	KW      int `json:"kw"`
	StrideH int `json:"stride_h"`
	StrideW int `json:"stride_w"`
	PadH    int `json:"pad_h"`
	PadW    int `json:"pad_w"`
	DilH    int `json:"dil_h"`
	DilW    int `json:"dil_w"`
}

// goldenArgs holds every argument any op takes; each closure reads its own.
type goldenArgs struct {
	Axis       int        `json:"axis"`
	Axes       []int      `json:"axes"`
	Keepdim    bool       `json:"keepdim"`
	Correction int        `json:"correction"`
	P          float32    `json:"p"`
	C          float32    `json:"c"`
	Lo         float32    `json:"lo"`
	Hi         float32    `json:"hi"`
	Slope      float32    `json:"slope"`
	Alpha      float32    `json:"alpha"`
	TransA     bool       `json:"trans_a"`
	TransB     bool       `json:"trans_b"`
	Shape      []int      `json:"shape"`
	Perm       []int      `json:"perm"`
	Start      int        `json:"start"`
	Length     int        `json:"length"`
	Before     int        `json:"before"`
	After      int        `json:"after"`
	N          int        `json:"n"`
	H          int        `json:"h"`
	W          int        `json:"w"`
	Index      indexArg   `json:"index"`
	Geom       goldenGeom `json:"geom"`
}

// indexArg is an index given either as a list of ints (IndexSelect) or as a
// tensor of whole numbers (Gather, ScatterAdd).
type indexArg struct {
	list   []int
	tensor *goldenTensor
}

func (a *indexArg) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &a.list)
	}
	a.tensor = new(goldenTensor)
	return json.Unmarshal(b, a.tensor)
}

func (g goldenGeom) conv() T.ConvGeom {
	return T.ConvGeom{KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW,
		PadH: g.PadH, PadW: g.PadW, DilationH: g.DilH, DilationW: g.DilW}
}

type goldenCase struct {
	Name   string          `json:"name"`
	Op     string          `json:"op"`
	Args   goldenArgs      `json:"args"`
	Inputs []goldenTensor  `json:"inputs"`
	W      *goldenTensor   `json:"w"`
	Output goldenTensor    `json:"output"`
	Grads  []*goldenTensor `json:"grads"`
	V      []*goldenTensor `json:"v"`
	Grad2  []*goldenTensor `json:"grad2"`
}

type goldenOp func(a goldenArgs, x []*T.Tensor) *T.Tensor

func unaryOp(f func(*T.Tensor) *T.Tensor) goldenOp {
	return func(_ goldenArgs, x []*T.Tensor) *T.Tensor { return f(x[0]) }
}

func binaryOp(f func(a, b *T.Tensor) *T.Tensor) goldenOp {
	return func(_ goldenArgs, x []*T.Tensor) *T.Tensor { return f(x[0], x[1]) }
}

// keepOr picks the keep-dims variant of a reduction when the case asks for it.
func keepOr(drop, keep func(*T.Tensor, ...int) *T.Tensor) goldenOp {
	return func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		if a.Keepdim {
			return keep(x[0], a.Axes...)
		}
		return drop(x[0], a.Axes...)
	}
}

// goldenOps maps the op keys of golden.json to the tensor API.
var goldenOps = map[string]goldenOp{
	"add":        binaryOp((*T.Tensor).Add),
	"sub":        binaryOp((*T.Tensor).Sub),
	"mul":        binaryOp((*T.Tensor).Mul),
	"div":        binaryOp((*T.Tensor).Div),
	"maximum":    binaryOp((*T.Tensor).Maximum),
	"minimum":    binaryOp((*T.Tensor).Minimum),
	"neg":        unaryOp((*T.Tensor).Neg),
	"exp":        unaryOp((*T.Tensor).Exp),
	"log":        unaryOp((*T.Tensor).Log),
	"log1p":      unaryOp((*T.Tensor).Log1p),
	"sqrt":       unaryOp((*T.Tensor).Sqrt),
	"abs":        unaryOp((*T.Tensor).Abs),
	"tanh":       unaryOp((*T.Tensor).Tanh),
	"sigmoid":    unaryOp((*T.Tensor).Sigmoid),
	"relu":       unaryOp((*T.Tensor).ReLU),
	"gelu":       unaryOp((*T.Tensor).GELU),
	"silu":       unaryOp((*T.Tensor).SiLU),
	"softplus":   unaryOp((*T.Tensor).Softplus),
	"erf":        unaryOp((*T.Tensor).Erf),
	"square":     unaryOp((*T.Tensor).Square),
	"one_minus":  unaryOp((*T.Tensor).OneMinus),
	"T":          unaryOp((*T.Tensor).T),
	"sin":        unaryOp((*T.Tensor).Sin),
	"cos":        unaryOp((*T.Tensor).Cos),
	"sign":       unaryOp((*T.Tensor).Sign),
	"gt":         binaryOp((*T.Tensor).Gt),
	"ge":         binaryOp((*T.Tensor).Ge),
	"lt":         binaryOp((*T.Tensor).Lt),
	"le":         binaryOp((*T.Tensor).Le),
	"eq":         binaryOp((*T.Tensor).Eq),
	"pow":        func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Pow(a.P) },
	"leaky_relu": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].LeakyReLU(a.Slope) },
	"elu":        func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].ELU(a.Alpha) },
	"clamp":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Clamp(a.Lo, a.Hi) },
	"add_scalar": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].AddScalar(a.C) },
	"mul_scalar": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].MulScalar(a.C) },
	"where":      func(_ goldenArgs, x []*T.Tensor) *T.Tensor { return T.Where(x[0], x[1], x[2]) },

	"sum":       keepOr((*T.Tensor).Sum, (*T.Tensor).SumKeep),
	"mean":      keepOr((*T.Tensor).Mean, (*T.Tensor).MeanKeep),
	"max":       keepOr((*T.Tensor).Max, (*T.Tensor).MaxKeep),
	"min":       keepOr((*T.Tensor).Min, (*T.Tensor).MinKeep),
	"logsumexp": keepOr((*T.Tensor).LogSumExp, (*T.Tensor).LogSumExpKeep),
	"var": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].Variance(a.Correction, a.Keepdim, a.Axes...)
	},
	"norm":        func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Norm(a.Axes...) },
	"argmax":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Argmax(a.Axis) },
	"argmin":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Argmin(a.Axis) },
	"softmax":     func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Softmax(a.Axis) },
	"log_softmax": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].LogSoftmax(a.Axis) },

	"matmul": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		if !a.TransA && !a.TransB {
			return x[0].Matmul(x[1])
		}
		return T.MatmulT(x[0], x[1], a.TransA, a.TransB)
	},
	"transpose_matmul": binaryOp(func(a, b *T.Tensor) *T.Tensor { return a.T().Matmul(b) }),

	"reshape":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Reshape(a.Shape...) },
	"unsqueeze":    func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Unsqueeze(a.Axis) },
	"squeeze":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Squeeze(a.Axes...) },
	"permute":      func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Permute(a.Perm...) },
	"transpose":    func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Transpose(a.Axes[0], a.Axes[1]) },
	"broadcast_to": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].BroadcastTo(a.Shape...) },
	"sum_to":       func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].SumTo(a.Shape...) },
	"narrow": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].Narrow(a.Axis, a.Start, a.Length)
	},
	"pad":   func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Pad(a.Axis, a.Before, a.After) },
	"cat":   func(a goldenArgs, x []*T.Tensor) *T.Tensor { return T.Concat(a.Axis, x...) },
	"stack": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return T.Stack(a.Axis, x...) },
	"index_select": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].IndexSelect(a.Axis, a.Index.list)
	},
	"index_add": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].IndexAdd(a.Axis, a.Index.list, a.N)
	},
	"gather": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].Gather(a.Axis, a.Index.tensor.tensor())
	},
	"scatter_add": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].ScatterAdd(a.Axis, a.Index.tensor.tensor(), a.N)
	},
	"unfold": func(a goldenArgs, x []*T.Tensor) *T.Tensor { return x[0].Unfold(a.Geom.conv()) },
	"fold": func(a goldenArgs, x []*T.Tensor) *T.Tensor {
		return x[0].Fold(a.Geom.conv(), a.H, a.W)
	},
}

func loadGolden(t *testing.T) []goldenCase {
	t.Helper()
	path := filepath.Join("testdata", "golden.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s (written by scripts/tensor_golden.py): %v", path, err)
	}
	var doc struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	if len(doc.Cases) == 0 {
		t.Fatalf("%s holds no cases", path)
	}
	return doc.Cases
}

// Tolerances: a value a passes against PyTorch's b when
// |a - b| <= tol + tol*|b|.
const goldenTol = 1e-5

// closeTo returns a description of the first value of got that is not
// within tol of want, or "" when all are.
func closeTo(got *T.Tensor, want *goldenTensor, tol float64) string {
	if fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape) {
		return fmt.Sprintf("shape %v, want %v", got.Shape(), want.Shape)
	}
	for i, g := range got.Data() {
		w := float64(want.Data[i])
		if float64(g) == w { // also matches infinities
			continue
		}
		if d := math.Abs(float64(g) - w); !(d <= tol+tol*math.Abs(w)) {
			return fmt.Sprintf("value %d is %v, want %v (diff %.3g)", i, g, w, d)
		}
	}
	return ""
}

func TestGolden(t *testing.T) {
	cases := loadGolden(t)
	used := map[string]bool{}
	for _, c := range cases {
		used[c.Op] = true
		t.Run(c.Name, func(t *testing.T) { runGolden(t, c) })
	}
	var unused []string
	for op := range goldenOps {
		if !used[op] {
			unused = append(unused, op)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("ops with no case in golden.json: %v", unused)
	}
}

func runGolden(t *testing.T, c goldenCase) {
	op := goldenOps[c.Op]
	if op == nil {
		t.Fatalf("op %q has no Go closure in goldenOps", c.Op)
	}
	xs := make([]*T.Tensor, len(c.Inputs))
	var wrt []*T.Tensor
	var wantGrads, vs, wantGrad2 []*goldenTensor
	for i := range c.Inputs {
		xs[i] = c.Inputs[i].tensor()
		if i < len(c.Grads) && c.Grads[i] != nil {
			wrt = append(wrt, xs[i].SetRequiresGrad(true))
			wantGrads = append(wantGrads, c.Grads[i])
			if c.V != nil {
				vs, wantGrad2 = append(vs, c.V[i]), append(wantGrad2, c.Grad2[i])
			}
		}
	}
	out := op(c.Args, xs)
	if msg := closeTo(out, &c.Output, goldenTol); msg != "" {
		t.Fatalf("output: %s", msg)
	}
	if c.W == nil {
		if len(wrt) > 0 {
			t.Fatalf("case has gradients but no weights")
		}
		return
	}
	s := out.Mul(c.W.tensor()).Sum()
	grad := T.Grad
	if vs != nil {
		grad = T.GradGraph
	}
	gs := grad(s, wrt...)
	for i, g := range gs {
		if msg := closeTo(g, wantGrads[i], goldenTol); msg != "" {
			t.Errorf("gradient %d: %s", i, msg)
		}
	}
	if vs == nil {
		return
	}
	var dot *T.Tensor
	for i, g := range gs {
		term := g.Mul(vs[i].tensor()).Sum()
		if dot == nil {
			dot = term
		} else {
			dot = dot.Add(term)
		}
	}
	for i, g := range T.Grad(dot, wrt...) {
		if msg := closeTo(g, wantGrad2[i], goldenTol); msg != "" {
			t.Errorf("second-order gradient %d: %s", i, msg)
		}
	}
}
