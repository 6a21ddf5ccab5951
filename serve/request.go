package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// readRequest reads the body of an inference request: 413 beyond MaxBody,
// 408 when the client sends it too slowly, 400 when it is not JSON.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (*inferRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		return nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", s.cfg.MaxBody)}
	case errors.As(err, &netErr) && netErr.Timeout():
		return nil, &requestError{http.StatusRequestTimeout, "the request body came too slowly"}
	case err != nil:
		return nil, badRequest("reading the request body: %v", err)
	}
	var req inferRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badRequest("the request body is not an inference request in JSON: %v", err)
	}
	return &req, nil
}

// decode checks req against the model and returns its input and the heads
// that compute the outputs it asks for.
func (s *Server) decode(m *Model, req *inferRequest) (*call, []head, error) {
	c := &call{}
	var err error
	switch len(req.Inputs) {
	case 0:
		c.params, err = s.sampleParams(req.Parameters)
	case 1:
		err = s.decodeInput(m, req.Inputs[0], c)
	default:
		err = badRequest("%d inputs; the model reads one, %q", len(req.Inputs), InputName)
	}
	if err != nil {
		return nil, nil, err
	}
	fromInput := len(req.Inputs) == 1
	var heads []head
	for _, h := range m.heads {
		if h.fromInput == fromInput && (len(req.Outputs) == 0 || slices.ContainsFunc(req.Outputs, func(o requestOutput) bool { return o.Name == h.outputs[0].Name })) {
			heads = append(heads, h)
		}
	}
	for _, o := range req.Outputs {
		if !slices.ContainsFunc(heads, func(h head) bool { return h.outputs[0].Name == o.Name }) {
			return nil, nil, badRequest("output %q is not one the model gives for this request (%s)", o.Name, m.outputNames(fromInput))
		}
	}
	if len(heads) == 0 {
		if fromInput {
			return nil, nil, badRequest("model %s computes nothing from inputs; ask it for %s with no inputs", m.Name, SamplesName)
		}
		return nil, nil, badRequest("model %s needs an input %q", m.Name, InputName)
	}
	return c, heads, nil
}

// outputNames lists the outputs the model gives with or without an input.
func (m *Model) outputNames(fromInput bool) string {
	var names []string
	for _, h := range m.heads {
		if h.fromInput == fromInput {
			names = append(names, h.outputs[0].Name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// decodeInput checks the request's input tensor and reads it into c.
func (s *Server) decodeInput(m *Model, in requestInput, c *call) error {
	if m.input == nil {
		return badRequest("model %s reads no input; send parameters only", m.Name)
	}
	if in.Name != m.input.Name {
		return badRequest("input %q: the model's input is %q", in.Name, m.input.Name)
	}
	if in.Datatype != m.input.Datatype {
		return badRequest("input %q: datatype %q, want %q", in.Name, in.Datatype, m.input.Datatype)
	}
	if len(in.Shape) == 0 || in.Shape[0] < 1 {
		return badRequest("input %q: shape %v, want %v with a batch of at least one row", in.Name, in.Shape, m.input.Shape)
	}
	n := in.Shape[0]
	if n > s.cfg.MaxBatch {
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("input %q: %d rows, over the limit of %d", in.Name, n, s.cfg.MaxBatch)}
	}
	if m.input.Datatype == "BYTES" {
		if len(in.Shape) != 1 {
			return badRequest("input %q: shape %v, want [N]", in.Name, in.Shape)
		}
		if err := json.Unmarshal(in.Data, &c.texts); err != nil {
			return badRequest("input %q: data is not an array of strings: %v", in.Name, err)
		}
		if len(c.texts) != n {
			return badRequest("input %q: %d strings for shape %v", in.Name, len(c.texts), in.Shape)
		}
		return nil
	}
	d := 1
	for _, k := range m.row {
		d *= k
	}
	if row := in.Shape[1:]; !slices.Equal(row, m.row) && !slices.Equal(row, []int{d}) {
		return badRequest("input %q: shape %v, want [N %s] (%d features a row)", in.Name, in.Shape, strings.Trim(fmt.Sprint(m.row), "[]"), d)
	}
	values, err := readNumbers(in.Data)
	if err != nil {
		return badRequest("input %q: %v", in.Name, err)
	}
	if len(values) != n*d {
		return badRequest("input %q: %d values for shape %v (%d)", in.Name, len(values), in.Shape, n*d)
	}
	c.rows, c.shape = tensor.New(values, n, d), slices.Clone(in.Shape)
	return nil
}

// sampleParams reads the parameters of a request for samples: n (default
// 1), seed (default 1) and steps (default 0: the model's own).
func (s *Server) sampleParams(ps map[string]json.RawMessage) (sampleParams, error) {
	p := sampleParams{n: 1, seed: 1}
	for name, raw := range ps {
		if name != "n" && name != "seed" && name != "steps" {
			continue
		}
		v, err := strconv.ParseUint(string(raw), 10, 64)
		if err != nil {
			return p, badRequest("parameter %s: %s is not a whole number", name, raw)
		}
		switch name {
		case "n":
			if v < 1 {
				return p, badRequest("parameter n: want at least one sample")
			}
			if v > uint64(s.cfg.MaxBatch) {
				return p, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("parameter n: %d samples, want 1 to %d", v, s.cfg.MaxBatch)}
			}
			p.n = int(v)
		case "seed":
			p.seed = v
		case "steps":
			if v > uint64(s.cfg.MaxSampleSteps) {
				return p, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("parameter steps: %d, over the limit of %d", v, s.cfg.MaxSampleSteps)}
			}
			p.steps = int(v)
		}
	}
	return p, nil
}
