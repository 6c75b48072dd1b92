// Package postgres is a durable, shared store.Store in a PostgreSQL
// database, through github.com/jackc/pgx/v5's pool. Any number of handles,
// in any number of processes, on one database serve one world: every write
// is a transaction, and Modify is atomic against writes through any handle.
//
// The schema is created and migrated by Open from the migrations embedded
// in the binary; a database migrated by a newer binary is refused with an
// error wrapping store.ErrSchemaTooNew.
//
// # Locking
//
// Load and Modify replace the whole world; a single-participant update
// must neither land in the middle of that nor be undone by it (Modify
// reads the world, then rewrites it). Every write transaction therefore
// first takes a transaction-scoped advisory lock on worldLock: shared for
// updates and removals, which then run side by side (each is one UPDATE or
// DELETE of one row), exclusive for Load and Modify. An advisory lock
// rather than SELECT ... FOR SHARE on a row: a row share-locked by many
// transactions at once is rewritten with a multixact each time, while an
// advisory lock lives in the lock manager only. Both are released when the
// transaction ends, so a handle killed mid-write holds nothing.
//
// Reads take no lock: Fetch and List are single statements, each seeing
// one snapshot, and Snapshot reads every table in one REPEATABLE READ
// transaction. Load and Modify rewrite the world in one transaction, so no
// read sees a world half replaced.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"iter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/internal/sqlworld"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are this binary's schema steps; the last one's version is the
// newest schema it knows.
var migrations = sqlworld.MustMigrations(migrationFiles, "migrations")

// SchemaVersion is the newest schema this binary knows: the version of its
// last migration.
func SchemaVersion() int { return sqlworld.Version(migrations) }

// The advisory lock keys, per database: any 64-bit numbers that no other
// user of the database takes.
const (
	worldLock     int64 = 0x7475_7365_7263_6f6e // "tusercon"
	migrationLock int64 = worldLock + 1
)

// Store is safe for concurrent use. Close it when done.
type Store struct {
	now  func() time.Time
	pool *pgxpool.Pool
	auth sqlworld.AuthCache
}

var _ store.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that stamps updates (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open connects to the database at url (postgres://user:pass@host:port/db?...,
// or any form pgxpool.ParseConfig reads, pool settings included) and
// creates or migrates its schema. A new database holds an empty world.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL URL: %w", err)
	}
	// pgx prepares each statement once per connection. PostgreSQL plans a
	// prepared statement anew for its parameters (a custom plan) until it
	// judges one plan for all parameters as good; for the list queries it
	// often never does, and planning them costs more than running them.
	// Their plans do not depend on the parameters (each walks an index from
	// a position, its LIMIT written out: see sqlworld.listText), so one
	// generic plan is right for every call.
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("store: connecting to PostgreSQL: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate holds migrationLock through its transaction: processes opening
// one new database at once migrate it once. PostgreSQL's DDL is
// transactional, so a migration lands whole or not at all.
func (s *Store) migrate(ctx context.Context) error {
	return s.write(ctx, "pg_advisory_xact_lock", migrationLock, func(c conn) error {
		_, err := sqlworld.Migrate(ctx, c, migrations, time.Now())
		return err
	})
}

// Close closes the pool's connections, waiting for those in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// write runs f in a READ COMMITTED transaction that first takes the
// advisory lock key with lockFunc (pg_advisory_xact_lock or its _shared
// form), and commits it if f succeeds. Each statement after the lock sees
// every write committed before: with the lock held exclusively, no other
// write runs, so the statements of Modify see one world.
func (s *Store) write(ctx context.Context, lockFunc string, key int64, f func(conn) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT "+lockFunc+"($1)", key); err != nil {
			return fmt.Errorf("store: taking the lock: %w", err)
		}
		return f(conn{tx})
	})
}

// read runs f in a REPEATABLE READ, READ ONLY transaction: every query in
// it sees one snapshot.
func (s *Store) read(ctx context.Context, f func(conn) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, s.pool, opts, func(tx pgx.Tx) error { return f(conn{tx}) })
}

// replace empties every table and writes w, a valid world, with COPY, then
// has PostgreSQL gather the tables' statistics: without them the planner
// takes a user's list for a few rows, and sorts it whole rather than walk
// its index for one page.
func replace(ctx context.Context, tx pgx.Tx, w store.World) error {
	if err := sqlworld.BumpWorldVersion(ctx, conn{tx}); err != nil {
		return err
	}
	for _, stmt := range sqlworld.DeleteAll() {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return err
		}
	}
	for _, t := range sqlworld.Tables {
		next, stop := iter.Pull(t.Rows(w))
		_, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Columns, pgx.CopyFromFunc(func() ([]any, error) {
			row, _ := next()
			return row, nil // nil at the end
		}))
		stop()
		if err != nil {
			return fmt.Errorf("store: writing %s: %w", t.Name, err)
		}
		if _, err := tx.Exec(ctx, "ANALYZE "+t.Name); err != nil {
			return fmt.Errorf("store: analyzing %s: %w", t.Name, err)
		}
	}
	return nil
}
