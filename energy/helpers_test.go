package energy_test

import "github.com/gibbsml/gibbs/data"

func boxOf(r float64) data.Box { return data.Box{XMin: -r, XMax: r, YMin: -r, YMax: r} }
