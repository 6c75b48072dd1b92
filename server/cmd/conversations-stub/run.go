package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
)

// Exit statuses: 2 for bad usage or a bad fixtures file, 1 for failing to
// serve.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// defaultShutdownTimeout is how long requests in flight get to finish
// once the stub is told to stop.
const defaultShutdownTimeout = 10 * time.Second

type options struct {
	addr              string
	fixtures          string
	publicURL         string
	validateResponses bool
	logLevel          slog.Level
	adminToken        string
	journalSize       int
	journalBytes      int64
	shutdownTimeout   time.Duration
}

// parseOptions reads flags, with defaults taken from the environment.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("conversations-stub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	envOr := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&o.addr, "addr", envOr("STUB_ADDR", "127.0.0.1:8080"), "listen address (env STUB_ADDR)")
	fs.StringVar(&o.fixtures, "fixtures", envOr("STUB_FIXTURES", ""), "fixtures file, YAML or JSON; empty serves the demo world (env STUB_FIXTURES)")
	fs.StringVar(&o.publicURL, "public-url", envOr("STUB_PUBLIC_URL", ""), "scheme://host[:port] for absolute URLs in responses; empty takes each request's (env STUB_PUBLIC_URL)")
	validate, err := strconv.ParseBool(envOr("STUB_VALIDATE_RESPONSES", "false"))
	if err != nil {
		return o, fmt.Errorf("STUB_VALIDATE_RESPONSES: %w", err)
	}
	fs.BoolVar(&o.validateResponses, "validate-responses", validate, "check every response against the spec; 500 if one breaks it (env STUB_VALIDATE_RESPONSES)")
	if err := o.logLevel.UnmarshalText([]byte(envOr("STUB_LOG_LEVEL", "info"))); err != nil {
		return o, fmt.Errorf("STUB_LOG_LEVEL: %w", err)
	}
	fs.TextVar(&o.logLevel, "log-level", o.logLevel, "debug, info, warn or error (env STUB_LOG_LEVEL)")
	// The environment is the better place for the token: flags show in ps.
	fs.StringVar(&o.adminToken, "admin-token", envOr("STUB_ADMIN_TOKEN", ""), "turns the admin API under /_stub/ on; admin calls must send Authorization: Bearer TOKEN (env STUB_ADMIN_TOKEN)")
	journalSize, err := strconv.Atoi(envOr("STUB_JOURNAL_SIZE", strconv.Itoa(server.DefaultJournalSize)))
	if err != nil {
		return o, fmt.Errorf("STUB_JOURNAL_SIZE: %w", err)
	}
	fs.IntVar(&o.journalSize, "journal-size", journalSize, "how many requests the admin API's request journal keeps, the latest (env STUB_JOURNAL_SIZE)")
	journalBytes, err := strconv.ParseInt(envOr("STUB_JOURNAL_BYTES", strconv.Itoa(server.DefaultJournalBytes)), 10, 64)
	if err != nil {
		return o, fmt.Errorf("STUB_JOURNAL_BYTES: %w", err)
	}
	fs.Int64Var(&o.journalBytes, "journal-bytes", journalBytes, "the most memory, in bytes, the request journal holds; the oldest requests go first (env STUB_JOURNAL_BYTES)")
	shutdownTimeout, err := time.ParseDuration(envOr("STUB_SHUTDOWN_TIMEOUT", defaultShutdownTimeout.String()))
	if err != nil {
		return o, fmt.Errorf("STUB_SHUTDOWN_TIMEOUT: %w", err)
	}
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", shutdownTimeout, "once told to stop (SIGINT, SIGTERM), how long requests in flight get to finish before they are cut (env STUB_SHUTDOWN_TIMEOUT)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := admin.CheckToken(o.adminToken); err != nil {
		return o, fmt.Errorf("--admin-token: %w", err)
	}
	if o.shutdownTimeout < 0 {
		return o, fmt.Errorf("--shutdown-timeout %v: must not be negative", o.shutdownTimeout)
	}
	if o.journalSize < 1 {
		return o, fmt.Errorf("--journal-size %d: must be at least 1", o.journalSize)
	}
	if o.journalBytes < 64<<10 {
		return o, fmt.Errorf("--journal-bytes %d: must be at least 65536", o.journalBytes)
	}
	return o, nil
}

// run is main, testable: it serves until ctx is done. ready, if not nil,
// receives the address served on.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- net.Addr) int {
	o, err := parseOptions(args, getenv, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "conversations-stub:", err)
		}
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: o.logLevel}))

	world, st, err := loadWorld(ctx, o.fixtures)
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "conversations-stub: stopped while loading the fixtures")
		return exitFailure
	case err != nil:
		fmt.Fprintln(stderr, "conversations-stub: bad fixtures:", err)
		return exitUsage
	}
	demo := o.fixtures == ""
	srv, err := server.New(server.Config{
		Store:             st,
		PublicURL:         o.publicURL,
		ValidateResponses: o.validateResponses,
		Logger:            logger,
		AdminToken:        o.adminToken,
		Fixtures:          world,
		JournalSize:       o.journalSize,
		JournalBytes:      o.journalBytes,
	})
	if err != nil {
		fmt.Fprintln(stderr, "conversations-stub:", err)
		return exitFailure
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintln(stderr, "conversations-stub:", err)
		return exitFailure
	}
	printBanner(stdout, "http://"+ln.Addr().String(), world, demo, o.adminToken != "")
	if ready != nil {
		ready <- ln.Addr()
	}
	err = server.Serve(ctx, server.NewHTTPServer(srv), ln, o.shutdownTimeout)
	switch {
	case errors.Is(err, server.ErrRequestsCut):
		// Told to stop, the stub stopped: the cut requests are logged.
		logger.Warn("shutdown", "error", err)
	case err != nil:
		fmt.Fprintln(stderr, "conversations-stub:", err)
		return exitFailure
	}
	return exitOK
}

// loadWorld reads the fixtures file (the demo world when name is "") and
// loads it into a new store. A signal ends it: reading a pipe that never
// closes, or parsing a large file, must not keep the stub from stopping.
func loadWorld(ctx context.Context, name string) (store.World, store.Store, error) {
	type loaded struct {
		world store.World
		store store.Store
		err   error
	}
	done := make(chan loaded, 1)
	go func() {
		world := fixtures.Demo()
		if name != "" {
			var err error
			if world, err = fixtures.Load(name); err != nil {
				done <- loaded{err: err}
				return
			}
		}
		st := memory.New()
		err := st.Load(ctx, world)
		done <- loaded{world, st, err}
	}()
	select {
	case l := <-done:
		return l.world, l.store, l.err
	case <-ctx.Done():
		return store.World{}, nil, ctx.Err()
	}
}

func printBanner(w io.Writer, url string, world store.World, demo, admin bool) {
	fmt.Fprintf(w, "conversations-stub serving on %s\n", url)
	// The admin token is never printed: whoever started the stub has it.
	if admin {
		fmt.Fprintf(w, "admin API on: %s/_stub/ (Authorization: Bearer <admin token>)\n", url)
	} else {
		fmt.Fprintf(w, "admin API off (no --admin-token); health check: %s/_stub/health\n", url)
	}
	if !demo {
		fmt.Fprintf(w, "fixtures: %d account(s)\n", len(world.Accounts))
		return
	}
	fmt.Fprintln(w, "demo world; credentials (HTTP Basic):")
	for _, a := range world.Accounts {
		fmt.Fprintf(w, "  account %s  auth token %s\n", a.SID, a.AuthToken)
		for _, k := range a.APIKeys {
			fmt.Fprintf(w, "    api key %s  secret %s\n", k.SID, k.Secret)
		}
	}
	if len(world.Accounts) > 0 {
		a := world.Accounts[0]
		fmt.Fprintf(w, "try: curl -u %s:%s %s/v1/Users/alice/Conversations\n", a.SID, a.AuthToken, url)
	}
}
