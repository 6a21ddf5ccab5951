package main

import (
	"context"
	"io"

	"github.com/gibbsml/gibbs/ebm/imgebm"
)

// trainJEMCommand is 'gibbs train jem': a classifier trained as an energy
// model (JEM).
func trainJEMCommand(ctx context.Context, args []string, out io.Writer) error {
	return trainImageKind(ctx, args, out, "jem", imgebm.KindJEM, imgebm.DefaultJEMConfig(), imgebm.TrainJEM)
}
