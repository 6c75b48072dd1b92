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
// takes. With a fixtures file, GOGC is put back before the file is read,
// and loadGC then lowers it (to loadGCPercent) for the load, which bounds
// the memory a large world takes while it loads.
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

// loadGCPercent is the collector's GOGC while a fixtures file loads. The
// collector lets the heap grow to 1+GOGC/100 times what it found live at
// its last collection, and while a file loads more is live than the stub
// keeps: the World as it is read, then the World and the store taking it
// over, up to a fifth more than the store alone. At GOGC=100 the peak
// could pass twice the heap the stub keeps (431 MB of RSS for a live heap
// of 210 MB, in one start on a million user conversations); at 50 it
// stays under, for a few more collections while loading.
const loadGCPercent = 50

// loadGC lowers GOGC for a fixtures file's load, unless the environment's
// is lower or off, and returns the function that puts it back.
func loadGC() (restore func()) {
	prev := debug.SetGCPercent(loadGCPercent)
	// GOGC=off reads as -1, below loadGCPercent, so this keeps it off too.
	if prev < loadGCPercent {
		debug.SetGCPercent(prev)
	}
	return func() { debug.SetGCPercent(prev) }
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
