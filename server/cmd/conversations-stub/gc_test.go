package main

import (
	"runtime/debug"
	"testing"
)

// startupGC only raises GOGC and loadGC only lowers it: an environment's
// GOGC beyond either (or off) is left alone, and each puts back what it
// found.
func TestStartupAndLoadGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		env, startup, load int
	}{
		{env: 100, startup: startupGCPercent, load: loadGCPercent},
		{env: 1000, startup: 1000, load: loadGCPercent},
		{env: 20, startup: startupGCPercent, load: 20},
		{env: -1, startup: -1, load: -1},
	} {
		debug.SetGCPercent(tc.env)
		restore := startupGC()
		if got := debug.SetGCPercent(-1); got != tc.startup {
			t.Errorf("GOGC %d: %d while starting, want %d", tc.env, got, tc.startup)
		}
		debug.SetGCPercent(tc.startup)
		restore()
		restore() // harmless twice
		if got := debug.SetGCPercent(tc.env); got != tc.env {
			t.Errorf("GOGC %d: %d after start-up, want it back", tc.env, got)
		}
		restore = loadGC()
		if got := debug.SetGCPercent(-1); got != tc.load {
			t.Errorf("GOGC %d: %d while loading, want %d", tc.env, got, tc.load)
		}
		debug.SetGCPercent(tc.load)
		restore()
		if got := debug.SetGCPercent(tc.env); got != tc.env {
			t.Errorf("GOGC %d: %d after the load, want it back", tc.env, got)
		}
	}
}
