package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/twilio-stubs/userconversations/server/fixtures"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/memory"
	"github.com/twilio-stubs/userconversations/server/store/postgres"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
)

// The engines of --store.
const (
	engineMemory   = "memory"
	engineSQLite   = "sqlite"
	enginePostgres = "postgres"
)

// storeUsage is what --store takes; errors end with it.
const storeUsage = "want memory, sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE"

// storeSpec is a parsed --store: an engine, and where its data lives.
type storeSpec struct {
	engine string
	target string // sqlite's file, postgres's URL; "" for memory
	// secrets are the parts of target that must never be shown: a
	// PostgreSQL URL's password, in its user info or its query.
	secrets []string
}

// parseStore reads --store: memory, sqlite:PATH, or a PostgreSQL URL
// (postgres:// or postgresql://, any form pgxpool reads). Its errors never
// hold a password.
func parseStore(value string) (storeSpec, error) {
	switch {
	case value == engineMemory:
		return storeSpec{engine: engineMemory}, nil
	case strings.HasPrefix(value, engineSQLite+":"):
		path := strings.TrimPrefix(value, engineSQLite+":")
		if path == "" || strings.ContainsRune(path, '?') {
			return storeSpec{}, fmt.Errorf("--store %q: sqlite:PATH wants a file name with no '?' in it", value)
		}
		return storeSpec{engine: engineSQLite, target: path}, nil
	case strings.HasPrefix(value, "postgres://") || strings.HasPrefix(value, "postgresql://"):
		spec := storeSpec{engine: enginePostgres, target: value, secrets: urlSecrets(value)}
		if _, err := pgxpool.ParseConfig(value); err != nil {
			return storeSpec{}, fmt.Errorf("--store %s: not a PostgreSQL URL: %s", spec, spec.scrub(err.Error()))
		}
		return spec, nil
	}
	shown := storeSpec{target: value, secrets: urlSecrets(value)}
	return storeSpec{}, fmt.Errorf("--store %q: %s", shown.scrub(value), storeUsage)
}

// String shows the spec as the log may: the password replaced.
func (s storeSpec) String() string {
	if s.engine == engineMemory {
		return engineMemory
	}
	if s.engine == engineSQLite {
		return engineSQLite + ":" + s.target
	}
	return s.scrub(s.target)
}

// scrub replaces every secret of the spec in text.
func (s storeSpec) scrub(text string) string {
	for _, secret := range s.secrets {
		text = strings.ReplaceAll(text, secret, "xxxxx")
		// As the URL spells it too: a password may be percent-encoded.
		text = strings.ReplaceAll(text, url.QueryEscape(secret), "xxxxx")
		text = strings.ReplaceAll(text, url.PathEscape(secret), "xxxxx")
	}
	return text
}

// urlSecrets finds the passwords of a URL: its user info's, and the query
// parameters pgx reads one from. A URL that does not parse is taken apart
// by hand, the password being what lies between the first ':' after
// "://" and the last '@'.
func urlSecrets(raw string) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if pw, ok := u.User.Password(); ok {
			add(pw)
		}
		q := u.Query()
		add(q.Get("password"))
		add(q.Get("sslpassword"))
	}
	_, rest, ok := strings.Cut(raw, "://")
	if at := strings.LastIndexByte(rest, '@'); ok && at >= 0 {
		if _, pw, found := strings.Cut(rest[:at], ":"); found {
			add(pw)
		}
	}
	for _, key := range []string{"password=", "sslpassword="} {
		for text := raw; ; {
			i := strings.Index(text, key)
			if i < 0 {
				break
			}
			text = text[i+len(key):]
			value, _, _ := strings.Cut(text, "&")
			add(value)
		}
	}
	return out
}

// openStore opens the store spec names: a new memory store, or a durable
// one, created or migrated as need be. Its errors never hold a password.
func openStore(ctx context.Context, spec storeSpec) (store.Store, io.Closer, error) {
	switch spec.engine {
	case engineSQLite:
		st, err := sqlite.Open(ctx, spec.target)
		if err != nil {
			return nil, nil, fmt.Errorf("opening %s: %w", spec, err)
		}
		return st, st, nil
	case enginePostgres:
		st, err := postgres.Open(ctx, spec.target)
		if err != nil {
			// The error is rewritten whole: its text may quote the URL.
			return nil, nil, scrubbedError{fmt.Sprintf("opening %s: %s", spec, spec.scrub(err.Error())), err}
		}
		return st, st, nil
	}
	return memory.New(), io.NopCloser(nil), nil
}

// scrubbedError shows text, and still wraps the error it was made from
// (errors.Is finds store.ErrSchemaTooNew through it).
type scrubbedError struct {
	text string
	err  error
}

func (e scrubbedError) Error() string { return e.text }
func (e scrubbedError) Unwrap() error { return e.err }

// seeding is what start-up made of the fixtures and the store.
type seeding struct {
	// seeded: the store was empty and holds the fixtures now.
	seeded bool
	// world is the fixtures, when they were read at start: to seed the
	// store (always, for the memory store), unless the memory store took
	// them over (see ownedSeeder).
	world store.World
	// accounts is how many accounts the fixtures read at start hold.
	accounts int
	// later reads the fixtures after the stub starts serving, when the
	// store held a world already; nil otherwise.
	later *laterFixtures
}

// fixturesError marks a fixtures error: exit status 2, not 1.
type fixturesError struct{ err error }

func (e fixturesError) Error() string { return e.err.Error() }
func (e fixturesError) Unwrap() error { return e.err }

// ownedSeeder is a store that can take the World it seeds itself with
// over rather than copy it (the memory store's SeedOwned): a large world is
// then not held twice while it loads.
type ownedSeeder interface {
	SeedOwned(ctx context.Context, fixtures func() (store.World, error)) (bool, error)
}

// seedStore seeds st with the fixtures (the demo world when name is "")
// if it holds no world, reading them only then. A store that holds one is
// left as it is, and its fixtures are read in the background (reset needs
// them; a bad file still stops the stub). A signal ends it: reading a
// pipe that never closes, or parsing a large file, must not keep the stub
// from stopping. keep says the fixtures read later are kept (for the admin
// API's reset); otherwise they are only checked.
func seedStore(ctx context.Context, st store.Store, name string, keep bool) (seeding, error) {
	seeder, ok := st.(store.Seeder)
	if !ok {
		return seeding{}, fmt.Errorf("%T cannot be seeded", st)
	}
	seed := seeder.Seed
	// Nothing needs a fixtures file's World once loaded but the admin
	// API's reset (and the demo world's banner): without them, a store
	// that can takes it over.
	owned := false
	if o, ok := st.(ownedSeeder); ok && name != "" && !keep {
		seed, owned = o.SeedOwned, true
	}
	done := make(chan error, 1)
	var s seeding
	go func() {
		seeded, err := seed(ctx, func() (store.World, error) {
			w, err := readFixtures(name)
			s.accounts = len(w.Accounts)
			if !owned {
				s.world = w
			}
			return w, err
		})
		s.seeded = seeded
		if errors.Is(err, store.ErrInvalidWorld) {
			err = fixturesError{err}
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return seeding{}, err
		}
	case <-ctx.Done():
		return seeding{}, ctx.Err()
	}
	if !s.seeded {
		s.later = readLater(name, keep)
	}
	return s, nil
}

// readFixtures reads the fixtures file, or the demo world when name is "".
// Its errors are fixturesErrors.
func readFixtures(name string) (store.World, error) {
	if name == "" {
		return fixtures.Demo(), nil
	}
	w, err := fixtures.Load(name)
	if err != nil {
		return store.World{}, fixturesError{err}
	}
	return w, nil
}

// laterFixtures are fixtures being read in the background.
type laterFixtures struct {
	done  chan struct{}
	world store.World
	err   error
}

// readLater reads the fixtures in the background; unless keep, it keeps
// only their error.
func readLater(name string, keep bool) *laterFixtures {
	l := &laterFixtures{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.world, l.err = readFixtures(name)
		if !keep {
			l.world = store.World{}
		}
	}()
	return l
}

// wait returns the fixtures once read, or ctx's error first.
func (l *laterFixtures) wait(ctx context.Context) (store.World, error) {
	select {
	case <-l.done:
		return l.world, l.err
	case <-ctx.Done():
		return store.World{}, ctx.Err()
	}
}
