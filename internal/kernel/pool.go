package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// threads is the thread count set by SetThreads; 0 follows GOMAXPROCS.
var threads atomic.Int64

// SetThreads sets how many goroutines a large product is split across.
// n <= 0 restores the default, which follows runtime.GOMAXPROCS.
func SetThreads(n int) {
	threads.Store(int64(max(n, 0)))
}

// Threads reports how many goroutines a large product is split across.
func Threads() int {
	if n := threads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}

// job is one parallelFor call: indices are claimed by atomic increment, so
// whoever is free runs the next one and the caller never waits on work that
// nobody has started.
type job struct {
	f    func(int)
	n    int64
	next atomic.Int64
	done atomic.Int64
	fin  chan struct{}
	// own marks a job of the kernels' own loops (parallelFor), whose f
	// takes no locks: a caller waiting for another job may run it (see
	// wait). The f of Parallel and ParallelParts is the callers' code,
	// which might wait on a lock the waiting caller holds.
	own bool
}

func (j *job) run() {
	for {
		i := j.next.Add(1) - 1
		if i >= j.n {
			return
		}
		j.f(int(i))
		if j.done.Add(1) == j.n {
			close(j.fin)
		}
	}
}

// pool is a set of persistent worker goroutines, started on demand and
// never more than the largest thread count asked for so far, less one for
// the calling goroutine, which always works too.
var pool struct {
	mu      sync.Mutex
	workers int
	jobs    chan *job
}

const maxWorkers = 256

// parallelFor runs f(0), ..., f(n-1), on the caller and on up to
// min(n, Threads())-1 pool workers, which claim the indices as they come
// free, and returns when all have finished. It is safe to call from
// inside f: a worker that is busy simply leaves the indices to others.
// More indices than threads wake no more workers: on a machine of two
// cores, seven workers woken for a product's eight chunks polled for the
// next job on both cores side by side and took turns on them with the
// caller, where one worker takes its chunks as fast.
func parallelFor(n int, f func(int)) { runJob(n, f, true) }

// runJob is parallelFor, its job marked own (see job) or not.
func runJob(n int, f func(int), own bool) {
	if n <= 1 {
		if n == 1 {
			f(0)
		}
		return
	}
	inFlight.Add(1)
	defer inFlight.Add(-1)
	j := &job{f: f, n: int64(n), fin: make(chan struct{}), own: own}
	helpers := startWorkers(min(n, Threads()) - 1)
	for i := 0; i < helpers; i++ {
		select {
		case pool.jobs <- j:
		default: // every worker already has work queued
		}
	}
	j.run()
	j.wait()
}

// wait returns once every index of j has finished. In training steps the
// other parts of a product end within a microsecond of the caller's nine
// times in ten, so it polls for up to waitFor before it blocks: parking
// the caller and waking it again costs a futex call each way and, as
// often as not, moves it to the other core, away from the caches it had
// filled. With one worker a thread beside the caller, a caller that
// blocks also costs the worker its next job's start: the worker hands
// the caller its thread and waits for the caller's idle one to wake.
// Steps timed in one process at two threads, the setting switched every
// 20 steps (two-thread gan and mlp_ae steps of 4-5 and 2 ms), medians of
// the blocks' ratios: polling 5 µs rather than 30 cost gan 5%; 100 µs
// rather than 30 saved gan 3-4%, vae 2%, mlp_ae 1-2%, the transformer
// 2%, ebm_image 4%, and dcgan nothing; 300 µs no more. Against the
// earlier pool (seven workers at two threads, each polling 100 µs after
// its last job, callers 5 µs), 30 µs had left gan between 0.7% faster
// and 3% slower in five such runs.
//
// While it waits, the caller runs the kernels' own jobs queued for the
// workers, as a worker would: those of calls made inside f by the
// threads still busy with it (a Linear's two products side by side, each
// split in turn), which the pool's Threads()-1 workers, all busy, would
// leave for their own threads to finish alone. A job of Parallel's goes
// back to the queue, and the caller helps no more.
func (j *job) wait() {
	start, helping := time.Now(), true
	for i := 1; j.done.Load() != j.n; i++ {
		if helping && len(pool.jobs) > 0 {
			select {
			case o := <-pool.jobs:
				helping = o.help()
				continue
			default:
			}
		}
		if i%pollsPerCheck != 0 || time.Since(start) <= waitFor {
			continue
		}
		if !helping {
			<-j.fin
			return
		}
		select {
		case <-j.fin:
			return
		case o := <-pool.jobs:
			helping, start = o.help(), time.Now()
		}
	}
}

// help runs j, taken from the queue by a waiting caller, when it is one
// of the kernels' own, and reports whether it was; else it queues j
// again for the workers.
func (j *job) help() bool {
	if j.own {
		j.run()
		return true
	}
	select {
	case pool.jobs <- j:
	default: // the queue filled meanwhile: j's caller runs it alone
	}
	return false
}

// Parallel splits 0..n-1 into up to Threads() contiguous ranges of about
// equal size, runs f(lo, hi) on each, the calling goroutine taking one and
// the persistent workers of the product kernels the others, and returns
// when all have finished. Waking a worker costs microseconds, so Parallel
// suits loops that take tens of microseconds or more; below that, call f
// directly. f must be safe to run concurrently on disjoint ranges.
func Parallel(n int, f func(lo, hi int)) {
	parallelRanges(min(Threads(), n), n, f)
}

// ParallelParts is Parallel with 0..n-1 cut into up to chunksPerThread
// ranges a thread, which the threads claim as they come free, as the
// products' chunks are: a worker that starts late (woken from its sleep,
// or its core taken by other work) then takes a share of what is left
// rather than a fixed one, which the caller would otherwise run after
// its own. It suits loops whose ranges cost nothing to start; f must be
// safe to run concurrently on disjoint ranges.
func ParallelParts(n int, f func(lo, hi int)) {
	parallelRanges(min(parts(Threads()), n), n, f)
}

// parallelRanges runs f on nt contiguous ranges of about equal size that
// cover 0..n-1, claimed by the threads as they come free.
func parallelRanges(nt, n int, f func(lo, hi int)) {
	runJob(nt, func(t int) {
		f(t*n/nt, (t+1)*n/nt)
	}, false)
}

// startWorkers makes sure up to want workers exist and returns how many do.
func startWorkers(want int) int {
	want = min(want, maxWorkers)
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if pool.jobs == nil {
		pool.jobs = make(chan *job, maxWorkers)
	}
	for pool.workers < want {
		pool.workers++
		go work()
	}
	return min(want, pool.workers)
}

// inFlight counts the parallel calls under way (runJob: parallelFor,
// Parallel and ParallelParts).
var inFlight atomic.Int64

// spinFor is how long a worker that has run out of jobs keeps polling for
// the next, once no parallel call is under way, before it blocks (while
// one is, it polls on: the next job comes soon after the call ends), and
// waitFor how long a caller polls for its
// helpers to finish. Training steps issue products every few tens of
// microseconds with short serial work between them (half the gaps of
// mlp_ae's and vae's steps are under 20 and 40 µs); a worker still
// polling takes the next job at once, while waking a blocked one costs a
// futex call and a scheduler hand-off of microseconds each time. The
// transformer's step leaves gaps of 50 to 100 µs too (LayerNorm's rows,
// the bias sums between products); polling 200 µs cost dcgan's step 7%
// (which allocates more: probably the collector's workers waiting for
// the core), 100 µs nothing (alternated test binaries, 2 threads,
// medians of six rounds:
// mlp_ae 2.24 -> 2.06 ms, transformer 16.87 -> 16.52 ms, dcgan 70.8 ->
// 70.3 ms at 100 µs against 50; dcgan 75.8 ms at 200). A worker that
// has done its last chunk of a product while the caller runs a long one
// of its own still polls when the next product comes: counting the 100
// µs from the chunk's end, it had blocked, and the next product waited
// 45 µs or more for it to wake in two of three of dcgan's parallel calls
// (one in five now); the step's time with one thread idle inside the
// calls fell by about 40%.
const (
	spinFor = 100 * time.Microsecond
	waitFor = 100 * time.Microsecond
)

// Pollers read the clock once every pollsPerCheck polls (a poll is a few
// nanoseconds, reading the clock tens), and a polling worker yields its
// thread to other goroutines (the collector's, the caller's next ones)
// once every yieldEvery polls: yielding at every poll would make each a
// trip through the scheduler and its locks.
const (
	pollsPerCheck = 64
	yieldEvery    = 16 * pollsPerCheck
)

// work is the loop of one pool worker.
func work() {
	for {
		j := pollJob()
		if j == nil {
			j = <-pool.jobs
		}
		j.run()
		// A caller that stopped polling for this job is now ready to
		// run, queued on this worker's thread: let it run at once.
		runtime.Gosched()
	}
}

// pollJob polls for the next job and takes it, or returns nil once
// spinFor has passed with no parallel call under way.
func pollJob() *job {
	start := time.Now()
	for i := 1; ; i++ {
		if len(pool.jobs) > 0 {
			select {
			case j := <-pool.jobs:
				return j
			default: // another took it: poll on
			}
		}
		if i%pollsPerCheck != 0 {
			continue
		}
		if now := time.Now(); inFlight.Load() > 0 {
			start = now
		} else if now.Sub(start) > spinFor {
			return nil
		}
		if i%yieldEvery == 0 {
			runtime.Gosched()
		}
	}
}
