package main

import (
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
