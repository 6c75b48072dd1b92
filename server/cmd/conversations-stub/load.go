package main

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// loaded is the world the stub starts with.
type loaded struct {
	store *memory.Store
	// world is the World loaded, when something needs it afterwards: the
	// admin API's reset, or the demo world's banner. Otherwise the store
	// took it over.
	world    store.World
	accounts int
}

// loadWorld reads the fixtures file (the demo world when name is "") and
// loads it into a new store; keep keeps the World too. A fixtures file is
// loaded after restoreGC (see startupGC), under loadGC. A signal ends it:
// reading a pipe that never closes, or parsing a large file, must not
// keep the stub from stopping.
func loadWorld(ctx context.Context, name string, keep bool, restoreGC func()) (loaded, error) {
	type result struct {
		loaded
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := load(ctx, name, keep, restoreGC)
		done <- result{l, err}
	}()
	select {
	case r := <-done:
		return r.loaded, r.err
	case <-ctx.Done():
		return loaded{}, ctx.Err()
	}
}

func load(ctx context.Context, name string, keep bool, restoreGC func()) (loaded, error) {
	l := loaded{store: memory.New()}
	if name == "" {
		l.world = fixtures.Demo()
		l.accounts = len(l.world.Accounts)
		return l, l.store.Load(ctx, l.world)
	}
	restoreGC()
	defer loadGC()()
	w, err := fixtures.Load(name)
	if err != nil {
		return l, err
	}
	l.accounts = len(w.Accounts)
	if keep {
		l.world = w
		return l, l.store.Load(ctx, w)
	}
	// Nothing needs the World once loaded: the store takes it over, and
	// lets its parts go as it builds its own.
	return l, l.store.LoadOwned(ctx, &w)
}

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
