package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/internal/kernel"
	"golang.org/x/sys/cpu"
)

// Env returns the "env" record written after the results: the Go
// toolchain, thread counts, the GEMM micro-kernel in use and the CPU
// features it is chosen by, the data source, the timing settings, the build's commit when
// recorded and the process's peak resident memory so far.
func Env(d *Data, cfg Config) Record {
	r := Record{
		{"bench", "env"},
		{"go", runtime.Version()},
		{"goos", runtime.GOOS},
		{"goarch", runtime.GOARCH},
		{"gomaxprocs", runtime.GOMAXPROCS(0)},
		{"kernel_threads", kernel.Threads()},
		{"gemm_kernel", kernel.KernelName()},
		{"cpu_features", cpuFeatures()},
		{"data", d.Source},
		{"env", map[string]string{"GOGC": os.Getenv("GOGC"), "GOMEMLIMIT": os.Getenv("GOMEMLIMIT"), "GODEBUG": os.Getenv("GODEBUG")}},
		{"warmup_s", cfg.Warmup.Seconds()},
		{"min_time_s", cfg.MinTime.Seconds()},
		{"repeats", cfg.Repeats},
		{"nproc", runtime.NumCPU()},
	}
	if rev := revision(); rev != "" {
		r = append(r, Field{"revision", rev})
	}
	if kib, err := PeakRSS(); err == nil {
		r = append(r, Field{"peak_rss_mib", float64(kib) / 1024})
	}
	return r
}

// cpuFeatures lists the x86 features the GEMM micro-kernels depend on
// (AVX-512F, then AVX2 with FMA); elsewhere it is empty.
func cpuFeatures() []string {
	fs := []string{}
	for _, f := range []struct {
		name string
		has  bool
	}{{"avx512f", cpu.X86.HasAVX512F}, {"avx2", cpu.X86.HasAVX2}, {"fma", cpu.X86.HasFMA}} {
		if f.has {
			fs = append(fs, f.name)
		}
	}
	return fs
}

// revision returns the version-control revision stamped into the binary,
// with "+dirty" when the tree had changes, or "" when none was recorded.
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}

// PeakRSS returns the process's peak resident set size in KiB, the VmHWM
// line of /proc/self/status (Linux only).
func PeakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("bench: peak memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: peak memory: parsing %q: %w", sc.Text(), err)
		}
		return kib, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("bench: peak memory: reading /proc/self/status: %w", err)
	}
	return 0, fmt.Errorf("bench: peak memory: no VmHWM line in /proc/self/status")
}
