//go:build race

package main

// raceEnabled: the race detector's shadow memory multiplies what a process
// holds, so memory bounds measured under it are scaled.
const raceEnabled = true
