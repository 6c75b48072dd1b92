// Command echoserver serves the benchmarks' ceiling (package ceiling) on
// the stub's http.Server settings, answering a fetch or an update of a
// user conversation with the stub's own fetch response, read from -body,
// and a list with the stub's list page, read from -list-body. Loaded with
// the same load generator and settings as the stub, its cost per request
// is the least the stub's could be on this machine.
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
	bodyFile := flag.String("body", "", "file holding the JSON body to answer a fetch or update with (required)")
	listFile := flag.String("list-body", "", "file holding the JSON body to answer a list with (optional)")
	flag.Parse()
	if err := run(*addr, *bodyFile, *listFile); err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

func run(addr, bodyFile, listFile string) error {
	if bodyFile == "" {
		return fmt.Errorf("-body is required")
	}
	var bodies ceiling.Bodies
	var err error
	if bodies.Conversation, err = os.ReadFile(bodyFile); err != nil {
		return err
	}
	if listFile != "" {
		if bodies.List, err = os.ReadFile(listFile); err != nil {
			return err
		}
	}
	e := ceiling.New(bodies)

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
