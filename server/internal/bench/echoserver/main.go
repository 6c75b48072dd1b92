// Command echoserver serves the benchmarks' ceiling (package ceiling) on
// the stub's http.Server settings, answering the fetch paths with the
// stub's own fetch response, read from -body. Loaded with the same load
// generator and settings as the stub, its throughput is the most the stub
// could reach on this machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/bench/ceiling"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	bodyFile := flag.String("body", "", "file holding the JSON body to answer with (required)")
	flag.Parse()
	if err := run(*addr, *bodyFile); err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

func run(addr, bodyFile string) error {
	if bodyFile == "" {
		return fmt.Errorf("-body is required")
	}
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	e := ceiling.New(body)

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("echoserver serving on http://%s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The stub's own http.Server settings, so only the handler differs.
	srv := server.NewHTTPServer(e)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
