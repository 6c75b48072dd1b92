// Command startup measures how fast the stub starts and how much memory it
// takes to do so: from the fork to the first 200 answer to a fetch, the
// CPU time spent by then, the peak resident memory, the memory kept once
// serving, and the live heap the loaded world holds.
//
//	go run ./server/internal/bench/startup                       # builds the stub here; demo, 100k and 1M worlds
//	go run ./server/internal/bench/startup -bin before=/tmp/old -bin after=bin/conversations-stub -worlds 1m -runs 7
//	go run ./server/internal/bench/startup -heap /tmp/big.json    # one in-process live-heap figure, as JSON
//
// Each world is generated once (server/internal/bench/fixturegen, JSON);
// the binaries are then started in interleaved rounds, the order rotated
// each round, so that other work on a noisy machine slows each alike. The
// table gives medians with the smallest and largest value of the runs.
//
// Start-up is measured without polling: the stub listens on port 0 and
// prints its address before it serves, so the fetch is sent once, then,
// and answered as soon as the stub accepts. CPU time is summed over the
// process's threads from /proc (nanoseconds), at the moment the answer is
// read. Peak RSS is the kernel's high-water mark (VmHWM) and RSS its
// resident set, both read after the stub has served for -settle: a stub
// started from a file hands back the memory its load no longer uses a
// second after it starts serving.
//
// The live heap is measured in a process of its own running this
// checkout's code (a binary cannot be asked for it): fixtures loaded into
// a memory store and server.New built on it, as conversations-stub does,
// the World dropped, then two forced collections. To get the figure of
// another checkout, copy this directory into it and run -heap there.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// binFlag collects -bin LABEL=PATH.
type binFlag []binary

type binary struct{ label, path string }

func (b *binFlag) String() string { return fmt.Sprint(*b) }

func (b *binFlag) Set(v string) error {
	label, path, ok := strings.Cut(v, "=")
	if !ok || label == "" || path == "" {
		return fmt.Errorf("-bin %q: want LABEL=PATH", v)
	}
	*b = append(*b, binary{label, path})
	return nil
}

type config struct {
	bins   binFlag
	worlds []string
	runs   int
	// demoRuns, if above 0, are the demo world's runs: it starts in
	// milliseconds, where one noisy run moves a median of three.
	demoRuns int
	settle   time.Duration
	wait     time.Duration
	heap     bool // also measure the live heap of this checkout
	keep     string
	goCmd    string
}

func main() {
	var c config
	flag.Var(&c.bins, "bin", "`LABEL=PATH` of a stub binary to measure; repeatable (default: this checkout's, built)")
	worlds := flag.String("worlds", "demo,100k,1m", "comma-separated `worlds`: demo, 100k (1,000 users x 100), 1m (10,000 users x 100); 100k-yaml and 1m-yaml are the same in YAML")
	flag.IntVar(&c.runs, "runs", 5, "runs per binary and world, interleaved")
	flag.IntVar(&c.demoRuns, "demo-runs", 0, "runs per binary on the demo world, if not -runs")
	flag.DurationVar(&c.settle, "settle", 2*time.Second, "how long the stub serves before its memory is read (it hands back its load's memory a second in)")
	flag.DurationVar(&c.wait, "timeout", 2*time.Minute, "the longest one start-up may take")
	flag.BoolVar(&c.heap, "live-heap", true, "also measure the live heap of this checkout's code, in processes of its own")
	flag.StringVar(&c.keep, "dir", "", "keep the generated worlds and binaries in this `folder` (default: a temporary one, removed)")
	flag.StringVar(&c.goCmd, "go", "go", "the go `command`")
	heapFile := flag.String("heap", "", "measure the live heap after loading this fixtures `file` (\"demo\": the demo world), print it as JSON, and exit")
	flag.Parse()
	if *heapFile != "" {
		if err := printHeap(*heapFile); err != nil {
			fmt.Fprintln(os.Stderr, "startup:", err)
			os.Exit(1)
		}
		return
	}
	c.worlds = strings.Split(*worlds, ",")
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.runs < 1 || c.demoRuns < 0 {
		return errors.New("-runs must be at least 1, -demo-runs at least 0")
	}
	dir := c.keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "conversations-startup.")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if len(c.bins) == 0 {
		stub := filepath.Join(dir, "conversations-stub")
		if err := goBuild(c.goCmd, stub, "./server/cmd/conversations-stub"); err != nil {
			return err
		}
		c.bins = binFlag{{"stub", stub}}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var tables []table
	for _, name := range c.worlds {
		w, err := prepareWorld(c.goCmd, dir, name)
		if err != nil {
			return err
		}
		runs := c.runs
		if name == "demo" && c.demoRuns > 0 {
			runs = c.demoRuns
		}
		say("startup: %s world, %d binaries x %d runs", w.name, len(c.bins), runs)
		t := table{world: w, loadBefore: loadAverage()}
		for r := range runs {
			for i := range c.bins {
				b := c.bins[(i+r)%len(c.bins)] // rotate the order each round
				m, err := startOnce(b.path, w, c.settle, c.wait)
				if err != nil {
					return fmt.Errorf("%s on the %s world: %w", b.label, w.name, err)
				}
				t.add(b.label, m)
			}
			if c.heap {
				h, err := heapOnce(self, w)
				if err != nil {
					return fmt.Errorf("live heap on the %s world: %w", w.name, err)
				}
				t.addHeap(h)
			}
		}
		t.loadAfter = loadAverage()
		tables = append(tables, t)
	}
	for _, t := range tables {
		t.print(os.Stdout, c.bins)
	}
	return nil
}

func goBuild(goCmd, out, pkg string) error {
	cmd := exec.Command(goCmd, "build", "-o", out, pkg)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

func say(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
