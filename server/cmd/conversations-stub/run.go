package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/admin"
	"github.com/twilio-stubs/userconversations/server/internal/proxy"
	"github.com/twilio-stubs/userconversations/server/store"
)

// Exit statuses: 2 for bad usage or a bad fixtures file, 1 for failing to
// serve (or, for healthcheck, an unhealthy stub).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// defaultShutdownTimeout is how long requests in flight get to finish
// once the stub is told to stop.
const defaultShutdownTimeout = 10 * time.Second

// The log formats of --log-format.
const (
	logText = "text"
	logJSON = "json"
)

type options struct {
	addr              string
	store             storeSpec
	storeValue        string // --store as given; store is what it means
	fixtures          string
	publicURL         string
	validateResponses bool
	logLevel          slog.Level
	logFormat         string
	adminToken        string
	journalSize       int
	journalBytes      int64
	shutdownTimeout   time.Duration
	version           bool
	upstream          string
	upstreamTimeout   time.Duration
	upstreamStrict    bool
	record            string
}

// envOf names each flag's environment variable: the flag's default comes
// from it, and --help lists it.
var envOf = map[string]string{
	"addr":               "STUB_ADDR",
	"store":              "STUB_STORE",
	"fixtures":           "STUB_FIXTURES",
	"public-url":         "STUB_PUBLIC_URL",
	"validate-responses": "STUB_VALIDATE_RESPONSES",
	"log-level":          "STUB_LOG_LEVEL",
	"log-format":         "STUB_LOG_FORMAT",
	"admin-token":        "STUB_ADMIN_TOKEN",
	"journal-size":       "STUB_JOURNAL_SIZE",
	"journal-bytes":      "STUB_JOURNAL_BYTES",
	"shutdown-timeout":   "STUB_SHUTDOWN_TIMEOUT",
	"upstream":           "STUB_UPSTREAM",
	"upstream-timeout":   "STUB_UPSTREAM_TIMEOUT",
	"upstream-strict":    "STUB_UPSTREAM_STRICT",
	"record":             "STUB_RECORD",
}

// newFlagSet defines the flags on o, with defaults taken from the
// environment. It prints nothing itself: run reports errors once, and
// prints the usage on --help.
func newFlagSet(o *options, getenv func(string) string) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("conversations-stub", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	envOr := func(flagName, fallback string) string {
		if v := getenv(envOf[flagName]); v != "" {
			return v
		}
		return fallback
	}
	fs.StringVar(&o.addr, "addr", envOr("addr", "127.0.0.1:8080"), "listen `address`, host:port")
	// A PostgreSQL URL may hold a password: the environment is the better
	// place for it too.
	fs.StringVar(&o.storeValue, "store", envOr("store", engineMemory), "where the world lives: memory, sqlite:PATH (a file), or a postgres://USER:PASSWORD@HOST:PORT/DATABASE `URL` that any number of stubs may share")
	fs.StringVar(&o.fixtures, "fixtures", envOr("fixtures", ""), "fixtures `file`, YAML or JSON; empty serves the demo world. A durable store is seeded with them only when it holds no world")
	fs.StringVar(&o.publicURL, "public-url", envOr("public-url", ""), "scheme://host[:port] the absolute `URL`s in responses start with; empty takes each request's")
	validate, err := strconv.ParseBool(envOr("validate-responses", "false"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["validate-responses"], err)
	}
	fs.BoolVar(&o.validateResponses, "validate-responses", validate, "check every response against the spec; 500 if one breaks it")
	if err := o.logLevel.UnmarshalText([]byte(envOr("log-level", "info"))); err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["log-level"], err)
	}
	fs.TextVar(&o.logLevel, "log-level", o.logLevel, "`level`: debug, info, warn or error; one line per request at info")
	fs.StringVar(&o.logFormat, "log-format", envOr("log-format", logText), "`format` of the log on stderr: text, or json (one object a line)")
	// The environment is the better place for the token: flags show in ps.
	fs.StringVar(&o.adminToken, "admin-token", envOr("admin-token", ""), "turns the admin API under /_stub/ on; admin calls must send Authorization: Bearer `TOKEN`")
	journalSize, err := strconv.Atoi(envOr("journal-size", strconv.Itoa(admin.DefaultJournalSize)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["journal-size"], err)
	}
	fs.IntVar(&o.journalSize, "journal-size", journalSize, "how many `requests` the admin API's request journal keeps, the latest")
	journalBytes, err := strconv.ParseInt(envOr("journal-bytes", strconv.Itoa(admin.DefaultJournalBytes)), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["journal-bytes"], err)
	}
	fs.Int64Var(&o.journalBytes, "journal-bytes", journalBytes, "the most memory, in `bytes`, the request journal holds; the oldest requests go first")
	shutdownTimeout, err := time.ParseDuration(envOr("shutdown-timeout", defaultShutdownTimeout.String()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["shutdown-timeout"], err)
	}
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", shutdownTimeout, "once told to stop (SIGINT, SIGTERM), how long requests in flight get to finish before they are cut (a Go `duration`)")
	fs.StringVar(&o.upstream, "upstream", envOr("upstream", ""), "proxy mode: forward the Twilio API to this base `URL` (https://conversations.twilio.com) with the callers' credentials, checking its answers against the spec")
	upstreamTimeout, err := time.ParseDuration(envOr("upstream-timeout", server.DefaultUpstreamTimeout.String()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["upstream-timeout"], err)
	}
	fs.DurationVar(&o.upstreamTimeout, "upstream-timeout", upstreamTimeout, "proxy mode: how long the upstream gets to answer before the caller gets a 504 (a Go `duration`, at most 50s)")
	strict, err := strconv.ParseBool(envOr("upstream-strict", "false"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envOf["upstream-strict"], err)
	}
	fs.BoolVar(&o.upstreamStrict, "upstream-strict", strict, "proxy mode: answer 502 instead of passing on an upstream answer that breaks the spec")
	fs.StringVar(&o.record, "record", envOr("record", ""), "proxy mode: keep writing what the upstream showed to this fixtures `file` (YAML for .yaml or .yml, else JSON), replaced atomically")
	fs.BoolVar(&o.version, "version", false, "print the version, commit and Go version, and exit")
	return fs, nil
}

// parseOptions reads flags, with defaults taken from the environment.
func parseOptions(args []string, getenv func(string) string) (options, error) {
	var o options
	fs, err := newFlagSet(&o, getenv)
	if err != nil {
		return o, err
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.store, err = parseStore(o.storeValue); err != nil {
		return o, err
	}
	if err := admin.CheckToken(o.adminToken); err != nil {
		return o, fmt.Errorf("--admin-token: %w", err)
	}
	if o.journalSize < 1 {
		return o, fmt.Errorf("--journal-size %d: must be at least 1", o.journalSize)
	}
	if o.journalBytes < 64<<10 {
		return o, fmt.Errorf("--journal-bytes %d: must be at least 65536", o.journalBytes)
	}
	if o.shutdownTimeout < 0 {
		return o, fmt.Errorf("--shutdown-timeout %v: must not be negative", o.shutdownTimeout)
	}
	if o.logFormat != logText && o.logFormat != logJSON {
		return o, fmt.Errorf("--log-format %q: must be text or json", o.logFormat)
	}
	return o, checkProxyOptions(o)
}

// checkProxyOptions checks the flags of proxy mode: a usable upstream, and
// the proxy's other flags only with it.
func checkProxyOptions(o options) error {
	if o.upstream == "" {
		switch {
		case o.record != "":
			return errors.New("--record needs --upstream: only proxy mode records")
		case o.upstreamStrict:
			return errors.New("--upstream-strict needs --upstream")
		}
		return nil
	}
	if _, err := proxy.ParseUpstream(o.upstream); err != nil {
		return fmt.Errorf("--upstream: %w", err) // not the URL: it may hold credentials
	}
	if o.fixtures != "" {
		return errors.New("--fixtures and --upstream exclude each other: in proxy mode the upstream answers (replay a recording with --fixtures alone)")
	}
	if o.upstreamTimeout <= 0 || o.upstreamTimeout > server.MaxUpstreamTimeout {
		return fmt.Errorf("--upstream-timeout %v: must be above 0 and at most %v", o.upstreamTimeout, server.MaxUpstreamTimeout)
	}
	if o.record != "" {
		if info, err := os.Stat(filepath.Dir(o.record)); err != nil || !info.IsDir() {
			return fmt.Errorf("--record %q: its folder does not exist", o.record)
		}
	}
	return nil
}

// run is main, testable: it serves until ctx is done. ready, if not nil,
// receives the address served on.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- net.Addr) int {
	if len(args) > 0 && args[0] == healthcheckCommand {
		return healthcheck(ctx, args[1:], getenv, stdout, stderr)
	}
	o, err := parseOptions(args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stdout)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "conversations-stub: %v\nRun 'conversations-stub --help' for usage.\n", err)
		return exitUsage
	case o.version:
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	}
	logger := newLogger(o, stderr)

	restoreGC := startupGC()
	defer restoreGC()
	st, closeStore, err := openStore(ctx, o.store)
	if err != nil {
		logger.Error("cannot open the store", "store", o.store.String(), "error", err)
		return exitFailure
	}
	defer func() {
		if err := closeStore.Close(); err != nil {
			logger.Error("closing the store", "store", o.store.String(), "error", o.store.scrub(err.Error()))
		}
	}()
	logger.Debug("seeding the store if it holds no world", "store", o.store.String(), "fixtures", cmp.Or(o.fixtures, "demo"))
	if o.fixtures == "-" {
		// Say why nothing may happen until standard input is closed (the
		// fixtures are read even when the store holds a world: a reset
		// returns to them).
		fmt.Fprintln(stderr, "conversations-stub: reading the fixtures from standard input")
	}
	// GOGC is raised for the demo world's start-up only: a fixtures file
	// is read and loaded under loadGC.
	restoreLoad := func() {}
	if o.fixtures != "" {
		restoreGC()
		restoreLoad = loadGC()
	}
	// The admin API's reset needs the fixtures after the load. Proxy mode
	// serves the upstream's world: its store holds only what replicas
	// share (the journal, the faults), and no world is seeded.
	var seed seeding
	if o.upstream == "" {
		seed, err = seedStore(ctx, st, o.fixtures, o.adminToken != "")
	}
	restoreLoad()
	var badFixtures fixturesError
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "conversations-stub: stopped while loading the fixtures")
		return exitFailure
	case errors.As(err, &badFixtures):
		fmt.Fprintln(stderr, "conversations-stub: bad fixtures:", err)
		return exitUsage
	case err != nil:
		logger.Error("cannot seed the store", "store", o.store.String(), "error", o.store.scrub(err.Error()))
		return exitFailure
	}
	// Fixtures read in the background that turn out bad still stop the
	// stub, with the status they would have at start.
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	var laterErr atomic.Pointer[error]
	var readFixtures func(context.Context) (store.World, error)
	if seed.later != nil {
		readFixtures = seed.later.wait
		go func() {
			if _, err := seed.later.wait(serveCtx); err != nil && serveCtx.Err() == nil {
				laterErr.Store(&err)
				fmt.Fprintln(stderr, "conversations-stub: bad fixtures:", err)
				stopServing()
			}
		}()
	}
	demo := o.fixtures == ""
	srv, err := server.New(server.Config{
		Store:             st,
		PublicURL:         o.publicURL,
		ValidateResponses: o.validateResponses,
		Logger:            logger,
		AdminToken:        o.adminToken,
		Fixtures:          seed.world,
		ReadFixtures:      readFixtures,
		JournalSize:       o.journalSize,
		JournalBytes:      o.journalBytes,
		Upstream:          o.upstream,
		UpstreamTimeout:   o.upstreamTimeout,
		UpstreamStrict:    o.upstreamStrict,
	})
	if err != nil {
		logger.Error("cannot start", "error", o.store.scrub(err.Error()))
		return exitFailure
	}
	defer srv.Close() // before the store: deferred calls run last first
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		logger.Error("cannot listen", "addr", o.addr, "error", err)
		return exitFailure
	}
	url := "http://" + ln.Addr().String()
	logStart(ctx, logger, url, st, o, demo, seed.seeded)
	if o.logFormat == logText {
		printBanner(stdout, url, seed, o, demo)
	}
	if demo {
		restoreAfterNextGC(restoreGC)
	} else {
		releaseMemory()
	}
	if ready != nil {
		ready <- ln.Addr()
	}
	stopRecording := keepRecording(serveCtx, srv, o.record, logger)
	err = server.Serve(serveCtx, server.NewHTTPServer(srv), ln, o.shutdownTimeout)
	stopRecording()
	switch {
	case laterErr.Load() != nil && ctx.Err() == nil:
		return exitUsage
	case errors.Is(err, server.ErrRequestsCut):
		// Told to stop, the stub stopped: the cut requests are logged.
		logger.Warn("stopped", "error", err)
	case err != nil:
		logger.Error("serving failed", "error", err)
		return exitFailure
	default:
		logger.Info("stopped")
	}
	return exitOK
}

func newLogger(o options, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: o.logLevel}
	if o.logFormat == logJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// logStart logs what a log reader needs to know of the stub it reads:
// where it serves, what store and world, whether the admin API is on. No
// credential: neither the admin token nor any auth token, nor a database
// password.
func logStart(ctx context.Context, logger *slog.Logger, url string, st store.Store, o options, demo, seeded bool) {
	ver, rev, _ := buildInfo()
	logger.Info("serving", "url", url, "version", ver, "commit", rev)
	source := o.fixtures
	if demo {
		source = "demo"
	}
	if o.upstream != "" {
		logger.Info("proxy", "upstream", o.upstream, "timeout", o.upstreamTimeout, "strict", o.upstreamStrict, "record", o.record)
	} else {
		attrs := []any{"store", o.store.String(), "fixtures", source, "seeded", seeded}
		// Counting a large world in a database is not free: only a store
		// that counts cheaply is asked.
		if sizer, ok := st.(store.Sizer); ok {
			if sizes, err := sizer.Sizes(ctx); err == nil {
				attrs = append(attrs, "accounts", sizes.Accounts, "users", sizes.Users,
					"conversations", sizes.Conversations, "user_conversations", sizes.UserConversations)
			}
		}
		logger.Info("world", attrs...)
	}
	logger.Info("admin API", "enabled", o.adminToken != "", "journal_size", o.journalSize, "journal_bytes", o.journalBytes,
		"health", url+"/_stub/health", "metrics", url+"/_stub/metrics")
}

// printBanner is for a person at a terminal: the URL, and the demo world's
// credentials to try it with.
func printBanner(w io.Writer, url string, seed seeding, o options, demo bool) {
	fmt.Fprintf(w, "conversations-stub serving on %s\n", url)
	// The admin token is never printed: whoever started the stub has it.
	if o.adminToken != "" {
		fmt.Fprintf(w, "admin API on: %s/_stub/ (Authorization: Bearer <admin token>)\n", url)
		fmt.Fprintf(w, "dashboard: %s/_stub/ui (sign in with the admin token)\n", url)
	} else {
		fmt.Fprintf(w, "admin API off (no --admin-token); health check: %s/_stub/health\n", url)
	}
	if o.store.engine != engineMemory {
		fmt.Fprintf(w, "store: %s\n", o.store)
	}
	if o.upstream != "" {
		fmt.Fprintf(w, "proxy mode: the Twilio API goes to %s with your credentials; contract violations in the log", o.upstream)
		if o.adminToken != "" {
			fmt.Fprintf(w, " and at %s/_stub/violations", url)
		}
		fmt.Fprintln(w)
		if o.record != "" {
			fmt.Fprintf(w, "recording to %s (replay it with --fixtures after setting its auth tokens)\n", o.record)
		}
		return
	}
	switch {
	case !seed.seeded:
		fmt.Fprintln(w, "the store holds a world already: the fixtures were not loaded (a reset returns to them)")
		return
	case !demo:
		fmt.Fprintf(w, "fixtures: %d account(s)\n", seed.accounts)
		return
	}
	fmt.Fprintln(w, "demo world; credentials (HTTP Basic):")
	for _, a := range seed.world.Accounts {
		fmt.Fprintf(w, "  account %s  auth token %s\n", a.SID, a.AuthToken)
		for _, k := range a.APIKeys {
			fmt.Fprintf(w, "    api key %s  secret %s\n", k.SID, k.Secret)
		}
	}
	if len(seed.world.Accounts) > 0 {
		a := seed.world.Accounts[0]
		fmt.Fprintf(w, "try: curl -u %s:%s %s/v1/Users/alice/Conversations\n", a.SID, a.AuthToken, url)
	}
}
