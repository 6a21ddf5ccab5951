package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/train"
)

// event is one Server-Sent Event: its name and its data, encoded as JSON.
type event struct {
	name string
	data any
}

// The data of the events. Run is the run's index in the order the server
// was given its folders.
type (
	// runInfo, in the "runs" event that opens every stream.
	runInfo struct {
		Run  int    `json:"run"`
		Path string `json:"path"`
	}
	// configEvent: config.json appeared or changed.
	configEvent struct {
		Run     int             `json:"run"`
		Kind    string          `json:"kind,omitempty"`
		Version string          `json:"version,omitempty"`
		Config  json.RawMessage `json:"config,omitempty"`
		Error   string          `json:"error,omitempty"`
	}
	// metricsEvent: lines appended to metrics.jsonl; with Reset, the file
	// was replaced and Lines start again from its beginning.
	metricsEvent struct {
		Run   int             `json:"run"`
		Reset bool            `json:"reset,omitempty"`
		Lines []train.Metrics `json:"lines"`
	}
	// picturesEvent: the run's pictures, sent whenever one appears,
	// changes or goes. Version changes when a picture is rewritten.
	picturesEvent struct {
		Run      int       `json:"run"`
		Pictures []picture `json:"pictures"`
	}
	// problemEvent: a run folder cannot be read (Error), or can again
	// (no Error).
	problemEvent struct {
		Run   int    `json:"run"`
		Error string `json:"error,omitempty"`
	}
	picture struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
)

// maxRead bounds what one poll takes of a run's metrics, so that a long
// metrics file reaches a page in several events, not one huge one.
const maxRead = 4 << 20

// runWatch is what one stream has sent of one run folder.
type runWatch struct {
	run      int
	dir      string
	metrics  *train.MetricsTail
	config   fs.FileInfo // of the config.json last sent
	pictures []picture   // last sent
	problem  string      // last sent
}

func newRunWatch(run int, dir string) *runWatch {
	return &runWatch{run: run, dir: dir, metrics: train.NewMetricsTail(dir, maxRead)}
}

// poll returns the events that bring a page up to date with the folder.
// A folder that cannot be read gives a "problem" event, once for as long
// as the problem stays the same.
func (w *runWatch) poll() []event {
	var events []event
	if e, ok := w.pollConfig(); ok {
		events = append(events, e)
	}
	lines, reset, err := w.metrics.Read()
	if len(lines) > 0 || reset {
		e := metricsEvent{Run: w.run, Reset: reset, Lines: []train.Metrics{}}
		for _, l := range lines {
			e.Lines = append(e.Lines, l.Metrics)
		}
		events = append(events, event{"metrics", e})
	}
	pics, perr := listPictures(w.dir)
	if perr == nil && !slices.Equal(pics, w.pictures) {
		w.pictures = pics
		events = append(events, event{"pictures", picturesEvent{Run: w.run, Pictures: pics}})
	}
	problem := ""
	if err = errors.Join(err, perr); err != nil {
		problem = err.Error()
	}
	if problem != w.problem {
		w.problem = problem
		events = append(events, event{"problem", problemEvent{Run: w.run, Error: problem}})
	}
	return events
}

// pollConfig returns a config event when config.json appeared or changed
// since the last one.
func (w *runWatch) pollConfig() (event, bool) {
	info, err := os.Stat(filepath.Join(w.dir, train.ConfigFile))
	if err != nil || w.config != nil && os.SameFile(info, w.config) && info.ModTime().Equal(w.config.ModTime()) && info.Size() == w.config.Size() {
		return event{}, false
	}
	w.config = info
	e := configEvent{Run: w.run}
	h, err := train.ReadHeader(w.dir)
	if err != nil {
		e.Error = err.Error()
	} else {
		e.Kind, e.Version, e.Config = h.Kind, h.Version, h.Config
	}
	return event{"config", e}, true
}

// listPictures returns the PNG files of a run folder, by name.
func listPictures(dir string) ([]picture, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	var pics []picture
	for _, e := range entries {
		if !isPicture(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed since ReadDir
		}
		pics = append(pics, picture{Name: e.Name(), Version: fmt.Sprintf("%d-%d", info.ModTime().UnixNano(), info.Size())})
	}
	return pics, nil
}

// isPicture reports whether name is a picture the dashboard shows: a PNG
// file directly in the run folder, not hidden (the temporary files of an
// atomic write start with a dot).
func isPicture(name string) bool {
	return strings.HasSuffix(name, ".png") && !strings.HasPrefix(name, ".") && filepath.Base(name) == name && !strings.ContainsAny(name, `/\`)
}
