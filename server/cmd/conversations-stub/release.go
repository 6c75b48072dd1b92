package main

import (
	"runtime/debug"
	"time"
)

// releaseDelay is how long after it starts serving a stub started from a
// file hands back the memory its load no longer uses.
const releaseDelay = time.Second

// releaseMemory hands the memory a fixtures file's load no longer uses
// back to the system: the parse's garbage and the World's remains. The
// collector would keep it (its goal is twice the heap it found live), so
// that a stub of a million user conversations would hold 400 MB where 240
// MB do. It forces a collection of the whole heap, a few hundred
// milliseconds of CPU for a large world: the stub runs it releaseDelay
// after it starts serving, so that the first answers are not slowed.
func releaseMemory() {
	time.AfterFunc(releaseDelay, debug.FreeOSMemory)
}
