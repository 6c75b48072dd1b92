// Command conversations-stub serves a stateful, contract-validated stub of
// Twilio Conversations' User Conversation API.
//
// Usage:
//
//	conversations-stub [flags]
//
// Every flag has an environment equivalent (STUB_ADDR, STUB_FIXTURES, ...);
// a flag given on the command line wins. With no fixtures file, a built-in
// demo world is served and its credentials are printed.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil))
}
