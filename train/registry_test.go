package train

import (
	"errors"
	"strings"
	"testing"
)

// checkedConfig is a config with a Validate method, as every kind's is.
type checkedConfig struct {
	Steps int `json:"steps"`
}

func (c checkedConfig) Validate() error {
	if c.Steps <= 0 {
		return Settingf("steps", "must be positive, got %d", c.Steps)
	}
	return nil
}

// TestRunConfigValidates checks that Run.Config decodes, refuses unknown
// fields, and checks a config that can check itself.
func TestRunConfigValidates(t *testing.T) {
	for _, c := range []struct {
		config string
		want   string // part of the error; "" for none
	}{
		{`{"steps": 3}`, ""},
		{`{"steps": 0}`, "steps"},
		{`{"steps": 3, "stride": 2}`, "unknown field"},
	} {
		r := &Run{Header: Header{Kind: "test", Config: []byte(c.config)}}
		var cfg checkedConfig
		err := r.Config(&cfg)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.config, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one naming %q", c.config, err, c.want)
		}
	}
	var se *SettingError
	r := &Run{Header: Header{Kind: "test", Config: []byte(`{"steps": -1}`)}}
	if err := r.Config(&checkedConfig{}); !errors.As(err, &se) {
		t.Errorf("a bad setting gives %T, want a *SettingError", err)
	}
}
