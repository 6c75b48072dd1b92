package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthcheckCommand is the subcommand a container's HEALTHCHECK runs: a
// scratch image has no curl.
const healthcheckCommand = "healthcheck"

// healthcheck exits 0 if GET url answers 200, 1 otherwise, saying why on
// stderr.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conversations-stub healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", defaultHealthURL(getenv("STUB_ADDR")), "the health check's URL")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			printUsage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "conversations-stub healthcheck: %v\nRun 'conversations-stub --help' for usage.\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "conversations-stub healthcheck: unexpected arguments: %v\n", fs.Args())
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "conversations-stub healthcheck: --url %q: %v\n", *url, err)
		return exitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "conversations-stub healthcheck: unhealthy: %v\n", err)
		return exitFailure
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "conversations-stub healthcheck: unhealthy: GET %s answered %s\n", *url, resp.Status)
		return exitFailure
	}
	fmt.Fprintf(stdout, "healthy: GET %s answered %s\n", *url, resp.Status)
	return exitOK
}

// defaultHealthURL is the health check of a stub listening on addr (or on
// the default address): an unspecified host (0.0.0.0, ::, none) is reached
// on loopback.
func defaultHealthURL(addr string) string {
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/_stub/health"
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/_stub/health"
}
