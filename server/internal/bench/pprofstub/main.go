// Command pprofstub is the stub as conversations-stub builds it (fixtures,
// memory store, server.New, the same http.Server settings), plus
// net/http/pprof on a second loopback address, for profiling under load:
//
//	go run ./server/internal/bench/pprofstub -fixtures big.json -pprof 127.0.0.1:6060 &
//	loadgen run -url ... &
//	go tool pprof -top http://127.0.0.1:6060/debug/pprof/profile?seconds=5
//
// It is a benchmarking aid only; the served binary has no pprof.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "API listen address")
	pprofAddr := flag.String("pprof", "127.0.0.1:6060", "pprof listen address")
	fixturesFile := flag.String("fixtures", "", "fixtures file; empty serves the demo world")
	validate := flag.Bool("validate-responses", false, "validate responses")
	var level slog.Level
	flag.TextVar(&level, "log-level", slog.LevelInfo, "log level")
	flag.Parse()
	if err := run(*addr, *pprofAddr, *fixturesFile, *validate, level); err != nil {
		fmt.Fprintln(os.Stderr, "pprofstub:", err)
		os.Exit(1)
	}
}

func run(addr, pprofAddr, fixturesFile string, validate bool, level slog.Level) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	world := fixtures.Demo()
	if fixturesFile != "" {
		var err error
		if world, err = fixtures.Load(fixturesFile); err != nil {
			return err
		}
	}
	st := memory.New()
	if err := st.Load(ctx, world); err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Store:             st,
		ValidateResponses: validate,
		Logger:            slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	pln, err := net.Listen("tcp", pprofAddr)
	if err != nil {
		return err
	}
	go http.Serve(pln, mux)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("pprofstub serving on http://%s, pprof on http://%s/debug/pprof/\n", ln.Addr(), pln.Addr())
	return server.Serve(ctx, server.NewHTTPServer(srv), ln, 5*time.Second)
}
