package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/attention"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// points returns n rows of 2-D points, some far from the data.
func points(n int, seed uint64) *tensor.Tensor {
	return tensor.Uniform(tensor.NewRNG(seed), -5, 5, n, 2)
}

func TestEnergiesEqualTheGoAPI(t *testing.T) {
	base, _ := start(t, Config{}, "ebm", "ae", "vae")
	for _, name := range []string{"ebm", "ae", "vae"} {
		x := points(37, 7)
		want := openRun(t, name).(energy.Model).Energy(nil, x).DetachRelease().Data()
		a := infer(t, base, name, rowsRequest(x, EnergyName))
		if a.ModelName != name || len(a.Outputs) != 1 || a.Outputs[0].Name != EnergyName || !slices.Equal(a.Outputs[0].Shape, []int{37}) {
			t.Fatalf("%s: answer %+v", name, a)
		}
		sameBits(t, name+" energies", a.Outputs[0].Data, want)

		// Nested data, [[x, y], ...], reads the same.
		rows := make([][]float32, 37)
		for i := range rows {
			rows[i] = x.Data()[2*i : 2*i+2]
		}
		body, _ := json.Marshal(map[string]any{"inputs": []any{map[string]any{"name": "input", "datatype": "FP32", "shape": []int{37, 2}, "data": rows}}})
		sameBits(t, name+" energies of nested data", infer(t, base, name, body).Outputs[0].Data, want)
	}
}

func TestOutputsOfEachKind(t *testing.T) {
	base, _ := start(t, Config{}, "ebm", "ae", "vae")
	x := points(5, 3)
	for _, tc := range []struct {
		model string
		want  []string // outputs of a request with an input
	}{
		{"ebm", []string{EnergyName}},
		{"ae", []string{EnergyName, ReconstructionName, CodeName}},
		{"vae", []string{EnergyName, ReconstructionName, CodeName}},
	} {
		a := infer(t, base, tc.model, rowsRequest(x))
		var names []string
		for _, o := range a.Outputs {
			names = append(names, o.Name)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("%s: outputs %v, want %v", tc.model, names, tc.want)
		}
	}
	// Reconstructions and codes equal the Go API's.
	m := openRun(t, "ae").(interface {
		Reconstructor
		Encoder
	})
	a := infer(t, base, "ae", rowsRequest(x, CodeName, ReconstructionName))
	sameBits(t, "codes", a.Outputs[0].Data, m.Encode(x).DetachRelease().Data())
	sameBits(t, "reconstructions", a.Outputs[1].Data, m.Reconstruct(x).DetachRelease().Data())
	if !slices.Equal(a.Outputs[0].Shape, []int{5, 2}) || !slices.Equal(a.Outputs[1].Shape, []int{5, 2}) {
		t.Errorf("shapes %v and %v, want [5 2] and [5 2]", a.Outputs[0].Shape, a.Outputs[1].Shape)
	}
}

func TestSamplesEqualTheGoAPI(t *testing.T) {
	base, _ := start(t, Config{}, "ebm", "vae")
	for _, tc := range []struct {
		model string
		steps int
	}{{"vae", 0}, {"ebm", 5}} {
		body := fmt.Sprintf(`{"parameters": {"n": 6, "seed": 9, "steps": %d}}`, tc.steps)
		a := infer(t, base, tc.model, []byte(body))
		want := openRun(t, tc.model).(train.Sampler).Sample(6, tc.steps, tensor.NewRNG(9)).Data()
		if len(a.Outputs) != 1 || a.Outputs[0].Name != SamplesName || !slices.Equal(a.Outputs[0].Shape, []int{6, 2}) {
			t.Fatalf("%s: answer %+v", tc.model, a)
		}
		sameBits(t, tc.model+" samples", a.Outputs[0].Data, want)
	}
}

func TestMetadata(t *testing.T) {
	base, _ := start(t, Config{}, "ae", "vae")
	for _, tc := range []struct{ path, want string }{
		{"/v2", `"name":"gibbs"`},
		{"/v2/models/ae", `"inputs":[{"name":"input","datatype":"FP32","shape":[-1,2]}],"outputs":[{"name":"energy","datatype":"FP32","shape":[-1]},{"name":"reconstruction","datatype":"FP32","shape":[-1,2]},{"name":"code","datatype":"FP32","shape":[-1,-1]}]`},
		{"/v2/models/vae", `{"name":"samples","datatype":"FP32","shape":[-1,2]}`},
		{"/v2/models/vae/versions/1", `"platform":"gibbs_vae"`},
	} {
		status, body := get(t, base+tc.path)
		if status != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d %s, want 200 with %s", tc.path, status, body, tc.want)
		}
	}
	for _, path := range []string{"/v2/health/live", "/v2/health/ready", "/v2/models/ae/ready"} {
		if status, body := get(t, base+path); status != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
	if status, _ := get(t, base+"/v2/models/nope/ready"); status != http.StatusNotFound {
		t.Errorf("GET the readiness of an unknown model: %d, want 404", status)
	}
}

// endlessReader gives n bytes of '1' without holding them.
type endlessReader struct{ n int }

func (r *endlessReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = '1'
	}
	r.n -= k
	return k, nil
}

func TestBadRequestsGetTheir4xxAndTheServerGoesOn(t *testing.T) {
	base, _ := start(t, Config{MaxBody: 1 << 20, MaxBatch: 100}, "ae", "vae")
	good := rowsRequest(points(3, 1))
	input := func(datatype, shape, data string) string {
		return fmt.Sprintf(`{"inputs":[{"name":"input","datatype":%q,"shape":%s,"data":%s}]}`, datatype, shape, data)
	}
	for _, tc := range []struct {
		name, model, body string
		status            int
		says              string
	}{
		{"not JSON", "ae", "energy please", 400, "not an inference request in JSON"},
		{"truncated JSON", "ae", `{"inputs":[`, 400, "JSON"},
		{"wrong datatype", "ae", input("FP64", "[1,2]", "[1,2]"), 400, `datatype "FP64", want "FP32"`},
		{"wrong feature count", "ae", input("FP32", "[1,3]", "[1,2,3]"), 400, "2 features a row"},
		{"no batch axis", "ae", input("FP32", "[2]", "[1,2]"), 400, "shape [2]"},
		{"shape and data disagree", "ae", input("FP32", "[2,2]", "[1,2,3]"), 400, "3 values for shape [2 2]"},
		{"NaN", "ae", input("FP32", "[1,2]", "[NaN,1]"), 400, "JSON"},
		{"NaN as a string", "ae", input("FP32", "[1,2]", `["NaN",1]`), 400, "not a number"},
		{"beyond float32", "ae", input("FP32", "[1,2]", "[1e39,1]"), 400, "not a finite float32"},
		{"null data", "ae", input("FP32", "[1,2]", "null"), 400, "not an array"},
		{"wrong input name", "ae", `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,2],"data":[1,2]}]}`, 400, `the model's input is "input"`},
		{"two inputs", "ae", `{"inputs":[` + strings.Repeat(`{"name":"input","datatype":"FP32","shape":[1,2],"data":[1,2]},`, 1) + `{"name":"input","datatype":"FP32","shape":[1,2],"data":[1,2]}]}`, 400, "2 inputs"},
		{"unknown output", "ae", `{"inputs":[{"name":"input","datatype":"FP32","shape":[1,2],"data":[1,2]}],"outputs":[{"name":"samples"}]}`, 400, `output "samples"`},
		{"no input to a model that needs one", "ae", `{}`, 400, `needs an input "input"`},
		{"batch over the limit", "ae", input("FP32", "[101,2]", "[]"), 413, "over the limit of 100"},
		{"no samples", "vae", `{"parameters":{"n":0}}`, 400, "at least one sample"},
		{"too many samples", "vae", `{"parameters":{"n":101}}`, 413, "want 1 to 100"},
		{"a seed that is not a number", "vae", `{"parameters":{"seed":"x"}}`, 400, "not a whole number"},
		{"unknown model", "nope", string(good), 404, `unknown model "nope" (have: ae, vae)`},
	} {
		status, body := post(t, base+"/v2/models/"+tc.model+"/infer", []byte(tc.body))
		var e errorBody
		if status != tc.status || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, tc.says) {
			t.Errorf("%s: %d %s, want %d and an error saying %s", tc.name, status, body, tc.status, tc.says)
		}
		infer(t, base, "ae", good)
	}

	// A 100 MB body is cut at the limit.
	resp, err := http.Post(base+"/v2/models/ae/infer", "application/json", &endlessReader{100 << 20})
	if err != nil {
		t.Fatalf("100 MB body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("100 MB body: status %d, want 413", resp.StatusCode)
	}
	// Other paths and methods.
	if status, _ := get(t, base+"/v3"); status != http.StatusNotFound {
		t.Errorf("GET /v3: %d, want 404", status)
	}
	if status, _ := get(t, base+"/v2/models/ae/infer"); status != http.StatusMethodNotAllowed {
		t.Errorf("GET of infer: %d, want 405", status)
	}
	infer(t, base, "ae", good)
}

func TestSlowClients(t *testing.T) {
	base, _ := start(t, Config{ReadHeaderTimeout: 150 * time.Millisecond, ReadTimeout: 300 * time.Millisecond}, "ae")
	addr := strings.TrimPrefix(base, "http://")

	// A body that stops halfway gets 408 once the read timeout passes.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v2/models/ae/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"inputs\":")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("a slow body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("a slow body: status %d, want 408", resp.StatusCode)
	}

	// Headers that never end: the server hangs up.
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	fmt.Fprintf(c2, "POST /v2/models/ae/infer HTTP/1.1\r\nHost: x\r\n")
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(c2); err != nil {
		t.Errorf("headers that never end: the connection stayed open: %v", err)
	}
	infer(t, base, "ae", rowsRequest(points(2, 1)))
}

func TestParallelRequestsShareAModel(t *testing.T) {
	base, _ := start(t, Config{Workers: 4}, "ae", "ebm")
	m := openRun(t, "ae").(energy.Model)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				x := points(1+g+i, uint64(100*g+i))
				want := m.Energy(nil, x).DetachRelease().Data()
				status, b := post(t, base+"/v2/models/ae/infer", rowsRequest(x, EnergyName))
				var a answer
				if status != http.StatusOK || json.Unmarshal(b, &a) != nil {
					errs <- fmt.Errorf("status %d: %s", status, b)
					return
				}
				for j := range want {
					if a.Outputs[0].Data[j] != want[j] {
						errs <- fmt.Errorf("request %d of client %d: energy %d is %v, want %v", i, g, j, a.Outputs[0].Data[j], want[j])
						return
					}
				}
				if g%4 == 0 {
					infer(t, base, "ebm", []byte(`{"parameters":{"n":8,"steps":3}}`))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestBusyServerAnswers503(t *testing.T) {
	base, s := start(t, Config{Workers: 1, Queue: 1}, "ae")
	s.slots <- struct{}{} // the one worker is busy
	s.waiting.Store(1)    // and the queue is full
	status, body := post(t, base+"/v2/models/ae/infer", rowsRequest(points(2, 1)))
	if status != http.StatusServiceUnavailable || !strings.Contains(string(body), "server busy") {
		t.Errorf("a full server: %d %s, want 503", status, body)
	}
	s.waiting.Store(0)
	<-s.slots
	infer(t, base, "ae", rowsRequest(points(2, 1)))
}

func TestGracefulShutdown(t *testing.T) {
	m, err := NewModel("ebm", openRun(t, "ebm"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DrainDelay: 300 * time.Millisecond}, m)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()

	// A long request (Langevin chains) is in flight when the stop comes.
	slow := make(chan int, 1)
	go func() {
		status, _ := post(t, base+"/v2/models/ebm/infer", []byte(`{"parameters":{"n":512,"steps":400}}`))
		slow <- status
	}()
	for s.metrics.inFlight.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	for s.ready.Load() {
		time.Sleep(time.Millisecond)
	}
	// The handler, as the listener still open for DrainDelay serves it.
	for _, tc := range []struct {
		path   string
		status int
	}{{"/v2/health/ready", http.StatusServiceUnavailable}, {"/v2/models/ebm/ready", http.StatusServiceUnavailable}, {"/v2/health/live", http.StatusOK}} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("GET %s while shutting down: %d, want %d", tc.path, rec.Code, tc.status)
		}
	}
	if status := <-slow; status != http.StatusOK {
		t.Errorf("the request in flight: %d, want 200", status)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestMetrics(t *testing.T) {
	base, _ := start(t, Config{}, "ae")
	infer(t, base, "ae", rowsRequest(points(2, 1)))
	post(t, base+"/v2/models/ae/infer", []byte("x"))
	post(t, base+"/v2/models/nope/infer", []byte("x"))
	status, body := get(t, base+"/metrics")
	for _, want := range []string{
		`gibbs_requests_total{model="ae",code="200"} 1`,
		`gibbs_requests_total{model="ae",code="400"} 1`,
		`gibbs_requests_total{model="",code="404"} 1`,
		`gibbs_inference_duration_seconds_bucket{model="ae",le="+Inf"} 2`,
		`gibbs_inference_duration_seconds_count{model="ae"} 2`,
		"# TYPE gibbs_requests_in_flight gauge\ngibbs_requests_in_flight 1\n",
	} {
		if status != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("/metrics: %d, lacks %q:\n%s", status, want, body)
		}
	}
}

func TestTransformerAnswersItsTask(t *testing.T) {
	cfg := attention.DefaultConfig()
	cfg.Length, cfg.DModel, cfg.FF = 4, 8, 16
	tr := attention.NewTransformer(cfg)
	m, err := NewModel("reverse", tr)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startModels(t, Config{}, m)
	body := `{"inputs":[{"name":"input","datatype":"BYTES","shape":[2],"data":["1 2 3 4","9 8 7 6"]}]}`
	status, b := post(t, base+"/v2/models/reverse/infer", []byte(body))
	var a struct {
		Outputs []struct {
			Name string   `json:"name"`
			Data []string `json:"data"`
		} `json:"outputs"`
	}
	if status != http.StatusOK || json.Unmarshal(b, &a) != nil || len(a.Outputs) != 1 {
		t.Fatalf("%d %s", status, b)
	}
	want := tr.Predict([][]int{{1, 2, 3, 4}, {9, 8, 7, 6}})
	for i, w := range want {
		if got := a.Outputs[0].Data[i]; got != cfg.FormatOutput(w) {
			t.Errorf("answer %d: %q, want %q", i, got, cfg.FormatOutput(w))
		}
	}
	status, b = post(t, base+"/v2/models/reverse/infer", []byte(`{"inputs":[{"name":"input","datatype":"BYTES","shape":[1],"data":["1 2 3"]}]}`))
	if status != http.StatusBadRequest || !strings.Contains(string(b), "input 0: 3 tokens, want 4") {
		t.Errorf("a sequence of the wrong length: %d %s, want 400", status, b)
	}
}
