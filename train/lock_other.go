//go:build !unix

package train

import (
	"fmt"
	"os"
)

// lockFile opens path; systems without flock get no lock.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking run folder: %w", err)
	}
	return f, nil
}
