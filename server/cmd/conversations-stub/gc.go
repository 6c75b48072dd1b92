package main

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// startupGCPercent is the collector's GOGC while the stub starts on the
// demo world. Start-up builds a few megabytes of garbage (the specs,
// read and resolved) on a heap of a few megabytes, which GOGC=100
// collects three or four times over: a third of the CPU a demo start
// takes. A fixtures file is loaded with the collector as configured: it
// bounds the memory a large world takes while it loads.
const startupGCPercent = 400

// startupGC raises GOGC for the start-up, unless the environment's is
// higher or off, and returns the function that puts it back (safe to call
// more than once).
func startupGC() (restore func()) {
	prev := debug.SetGCPercent(startupGCPercent)
	if prev < 0 || prev > startupGCPercent {
		debug.SetGCPercent(prev)
	}
	return sync.OnceFunc(func() { debug.SetGCPercent(prev) })
}

// restoreAfterNextGC calls restore once the collector next runs. Put back
// at once, GOGC would start a collection of start-up's garbage on the spot,
// while the first requests are answered; this way the stub collects it at
// start-up's pace, a few megabytes of allocation later, then goes on as
// configured.
func restoreAfterNextGC(restore func()) {
	// Large enough not to share a tiny-allocator block, whose cleanups
	// may never run.
	sentinel := new([64]byte)
	runtime.AddCleanup(sentinel, func(restore func()) { restore() }, restore)
}
