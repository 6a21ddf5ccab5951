package train

import (
	"io"

	"github.com/gibbsml/gibbs/internal/progress"
)

// Output says where a run reports, apart from its folder.
type Output struct {
	// Log gets a line when the run resumes; nil for none.
	Log io.Writer
	// Progress gets a progress bar with rate and ETA, redrawn in place
	// when TTY; nil for none.
	Progress io.Writer
	TTY      bool
}

// ProgressHooks returns the hook that draws the progress bar of a run of
// total steps after every step, with the text status gives for the step's
// metrics, or no hook when o has no Progress writer.
func (o Output) ProgressHooks(label string, total int, status func(Metrics) string) []Hook {
	if o.Progress == nil {
		return nil
	}
	var bar *progress.Bar
	return []Hook{{
		Every: 1,
		Start: func(done int) { bar = progress.New(o.Progress, label, done, total, o.TTY) },
		Run: func(done int, m Metrics) error {
			bar.Update(done, status(m))
			return nil
		},
	}}
}
