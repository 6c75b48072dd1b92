package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// heapFigures is what -heap prints.
type heapFigures struct {
	LiveHeap   uint64        `json:"live_heap"`   // bytes after two forced collections
	TotalAlloc uint64        `json:"total_alloc"` // bytes allocated by the load, garbage included
	Load       time.Duration `json:"load"`        // fixtures to a served store, this process's wall time
	MaxRSS     int64         `json:"max_rss"`     // bytes, the process's peak
}

// printHeap loads file as conversations-stub does (without serving), drops
// the World, collects twice and prints the heap that is left.
func printHeap(file string) error {
	start := time.Now()
	var w store.World
	var err error
	if file == "demo" {
		w = fixtures.Demo()
	} else if w, err = fixtures.Load(file); err != nil {
		return err
	}
	st := memory.New()
	if err := st.Load(context.Background(), w); err != nil {
		return err
	}
	w = store.World{}
	srv, err := server.New(server.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	f := heapFigures{Load: time.Since(start)}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f.LiveHeap, f.TotalAlloc = ms.HeapAlloc, ms.TotalAlloc
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		f.MaxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	runtime.KeepAlive(srv)
	runtime.KeepAlive(w)
	return json.NewEncoder(os.Stdout).Encode(f)
}

// heapOnce runs this program with -heap on w, in a process of its own.
func heapOnce(self string, w world) (heapFigures, error) {
	file := w.file
	if file == "" {
		file = "demo"
	}
	cmd := exec.Command(self, "-heap", file)
	cmd.Env = stubEnv()
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return heapFigures{}, fmt.Errorf("%s -heap %s: %w", self, file, err)
	}
	var f heapFigures
	return f, json.Unmarshal(out, &f)
}
