package floors

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Floor numbers, bottom up.
const (
	floorInternal = iota
	floorTensor
	floorLayers
	floorEnergy
	floorTrain
	floorFamilies
	floorTop
)

// topLevelFloors places each top-level directory of the module; one not
// listed is a model family.
var topLevelFloors = map[string]int{
	"internal":   floorInternal,
	"tensor":     floorTensor,
	"gradcheck":  floorTensor,
	"nn":         floorLayers,
	"optim":      floorLayers,
	"checkpoint": floorLayers,
	"data":       floorLayers,
	"viz":        floorLayers,
	"energy":     floorEnergy,
	"train":      floorTrain,
	"bench":      floorTop,
	"serve":      floorTop,
	"cmd":        floorTop,
}

// floorOf returns the floor of the package at path rel inside the module.
func floorOf(rel string) int {
	top, _, _ := strings.Cut(rel, "/")
	if f, ok := topLevelFloors[top]; ok {
		return f
	}
	return floorFamilies
}

// checkImport returns an error naming both packages and their floors when
// the package at rel (paths inside the module) may not import dep.
func checkImport(rel, dep string) error {
	if from, to := floorOf(rel), floorOf(dep); to > from {
		return fmt.Errorf("%s (floor %d) imports %s (floor %d): nothing may import a package on a floor above its own", rel, from, dep, to)
	}
	return nil
}

// sourceFile is one Go file of the module and the imports it declares.
type sourceFile struct {
	path    string // slash-separated, inside the module
	imports []string
}

// moduleRoot returns the directory of the go.mod above the working
// directory and the module path it declares.
func moduleRoot(t *testing.T) (dir, module string) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			for line := range strings.Lines(string(b)) {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
					return dir, strings.Trim(f[1], `"`)
				}
			}
			t.Fatalf("%s: no module line", filepath.Join(dir, "go.mod"))
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// moduleSources parses the imports of every Go file under root that
// `go list ./...` would see, whatever the file's build constraints: it
// skips testdata, directories whose names start with "." or "_", and
// nested modules. The files are read here rather than by a go list
// subprocess so that go test's cache sees them and reruns the check when
// one changes.
func moduleSources(t *testing.T, root string) []sourceFile {
	t.Helper()
	var files []sourceFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if file == root {
				return nil
			}
			if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(file, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, file)
		if err != nil {
			return err
		}
		sf := sourceFile{path: filepath.ToSlash(rel)}
		for _, imp := range f.Imports {
			dep, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", file, imp.Path.Value, err)
			}
			sf.imports = append(sf.imports, dep)
		}
		files = append(files, sf)
		return nil
	})
	if err != nil {
		t.Fatalf("reading the module's sources: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("no Go files under %s", root)
	}
	return files
}

// inModule returns path's place inside module ("." for the module's root)
// and whether it is there.
func inModule(module, path string) (string, bool) {
	if path == module {
		return ".", true
	}
	rel, ok := strings.CutPrefix(path, module+"/")
	return rel, ok
}

// violations returns an error, naming f, for each import of f from the
// module that reaches a floor above f's package.
func violations(module string, f sourceFile) []error {
	var errs []error
	for _, dep := range f.imports {
		depRel, ok := inModule(module, dep)
		if !ok {
			continue
		}
		if err := checkImport(path.Dir(f.path), depRel); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.path, err))
		}
	}
	return errs
}

func TestModuleImportsRespectFloors(t *testing.T) {
	root, module := moduleRoot(t)
	for _, f := range moduleSources(t, root) {
		for _, err := range violations(module, f) {
			t.Error(err)
		}
	}
}

func TestCheckImport(t *testing.T) {
	for _, tc := range []struct {
		from, dep string
		allowed   bool
	}{
		{"tensor", "internal/kernel", true},
		{"internal/kernel", "internal/atomicfile", true},
		{"tensor", "gradcheck", true},
		{"gradcheck", "tensor", true},
		{"nn", "optim", true},
		{"energy", "data", true},
		{"train", "checkpoint", true},
		{"madeupfamily", "train", true},
		{"gan", "ae", true},
		{"bench", "energy", true},
		{"cmd/gibbs", "bench", true},
		{"cmd/gibbs", "madeupfamily/sub", true},
		{".", "nn", true},
		{"internal/rundir", "checkpoint", false},
		{"internal/kernel", "tensor", false},
		{"tensor", "nn", false},
		{"nn", "energy", false},
		{"energy", "train", false},
		{"train", "madeupfamily", false},
		{"madeupfamily", "bench", false},
		{"data/madeup", "cmd/gibbs", false},
		{"energy", ".", false},
	} {
		err := checkImport(tc.from, tc.dep)
		switch {
		case tc.allowed && err != nil:
			t.Errorf("checkImport(%q, %q) = %v, want nil", tc.from, tc.dep, err)
		case !tc.allowed && err == nil:
			t.Errorf("checkImport(%q, %q) = nil, want an error", tc.from, tc.dep)
		case err != nil && !strings.HasPrefix(err.Error(), fmt.Sprintf("%s (floor %d) imports %s (floor %d)", tc.from, floorOf(tc.from), tc.dep, floorOf(tc.dep))):
			t.Errorf("checkImport(%q, %q) = %q, want it to name both packages and their floors", tc.from, tc.dep, err)
		}
	}
}

func TestViolations(t *testing.T) {
	const module = "github.com/gibbsml/gibbs"
	for _, tc := range []struct {
		file sourceFile
		want []string
	}{
		{sourceFile{"tensor/tensor.go", []string{"fmt", module + "/internal/kernel", "github.com/gibbsml/gibbsextra/nn"}}, nil},
		{sourceFile{"tensor/madeup_test.go", []string{module + "/gradcheck", module + "/nn", module + "/tensor"}},
			[]string{"tensor/madeup_test.go: tensor (floor 1) imports nn (floor 2): nothing may import a package on a floor above its own"}},
		{sourceFile{"doc.go", []string{module + "/cmd/gibbs"}},
			[]string{"doc.go: . (floor 5) imports cmd/gibbs (floor 6): nothing may import a package on a floor above its own"}},
	} {
		var got []string
		for _, err := range violations(module, tc.file) {
			got = append(got, err.Error())
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("violations(%s) = %q, want %q", tc.file.path, got, tc.want)
		}
	}
}
