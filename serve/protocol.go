package serve

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The JSON bodies of the Open Inference Protocol (REST), as far as gibbs
// uses them.

// serverMetadata is the body of GET /v2.
type serverMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// tensorMetadata describes an input or output of a model: shape -1 for a
// size that varies (the batch).
type tensorMetadata struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
}

// modelMetadata is the body of GET /v2/models/{name}.
type modelMetadata struct {
	Name     string           `json:"name"`
	Versions []string         `json:"versions"`
	Platform string           `json:"platform"`
	Inputs   []tensorMetadata `json:"inputs"`
	Outputs  []tensorMetadata `json:"outputs"`
}

// requestInput is an input tensor of an inference request; Data stays
// raw so that FP32 numbers are read once, exactly, as float32.
type requestInput struct {
	Name     string          `json:"name"`
	Shape    []int           `json:"shape"`
	Datatype string          `json:"datatype"`
	Data     json.RawMessage `json:"data"`
}

// requestOutput names an output a request wants.
type requestOutput struct {
	Name string `json:"name"`
}

// inferRequest is the body of POST /v2/models/{name}/infer.
type inferRequest struct {
	ID         string                     `json:"id"`
	Parameters map[string]json.RawMessage `json:"parameters"`
	Inputs     []requestInput             `json:"inputs"`
	Outputs    []requestOutput            `json:"outputs"`
}

// responseOutput is an output tensor of an answer; Data is []float32 or
// []string.
type responseOutput struct {
	Name     string `json:"name"`
	Datatype string `json:"datatype"`
	Shape    []int  `json:"shape"`
	Data     any    `json:"data"`
}

// inferResponse is the answer to an inference request.
type inferResponse struct {
	ModelName string           `json:"model_name"`
	ID        string           `json:"id,omitempty"`
	Outputs   []responseOutput `json:"outputs"`
}

// errorBody is the body of every error answer.
type errorBody struct {
	Error string `json:"error"`
}

// readNumbers reads the data of an FP32 tensor, a JSON array of numbers
// nested to any depth (row-major), as float32 values, each parsed once
// from its decimal form so that a float32 written with the fewest digits
// comes back bit for bit. raw is valid JSON (the request decoded). It
// refuses anything but numbers and values out of float32's range.
func readNumbers(raw json.RawMessage) ([]float32, error) {
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fmt.Errorf("data is not an array of numbers")
	}
	var out []float32
	for i := 0; i < len(raw); {
		switch c := raw[i]; {
		case c == '[' || c == ']' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(raw) && (raw[j] >= '0' && raw[j] <= '9' || raw[j] == '.' || raw[j] == 'e' || raw[j] == 'E' || raw[j] == '+' || raw[j] == '-') {
				j++
			}
			v, err := strconv.ParseFloat(string(raw[i:j]), 32)
			if err != nil || math.IsInf(v, 0) {
				return nil, fmt.Errorf("data value %d, %s, is not a finite float32", len(out), raw[i:j])
			}
			out = append(out, float32(v))
			i = j
		default:
			return nil, fmt.Errorf("data value %d is not a number (FP32 data holds numbers only; NaN and infinities have no JSON form)", len(out))
		}
	}
	return out, nil
}
