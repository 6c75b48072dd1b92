// Package sqlite is a durable store.Store in one SQLite file, through
// modernc.org/sqlite (pure Go: no cgo). A store reopened on the same file
// finds the world as it was left, and so does one opened after the process
// was killed: every update acknowledged before a kill -9 is there.
//
// The file is in WAL mode, so readers never wait for the writer. Writes are
// transactions that take SQLite's write lock when they begin (BEGIN
// IMMEDIATE): in one process they queue on a mutex, and across processes
// on one file for the lock, each waiting up to the busy timeout. Several processes may open the same file; they
// see one world.
//
// The schema is created and migrated by Open, from the migrations embedded
// in the binary; a file migrated by a newer binary is refused with an error
// wrapping store.ErrSchemaTooNew.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

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

// busyTimeout is how long a write waits for another process's write
// transaction (a Load of a large world takes seconds) before failing with
// SQLITE_BUSY.
const busyTimeout = 30 * time.Second

// Store is safe for concurrent use. Close it when done.
type Store struct {
	now func() time.Time

	// Writes run on one connection, in transactions begun by hand so that
	// the statements prepared on the connection outlive each of them
	// (database/sql closes a transaction's own statements at its end).
	// writing is held through each: this process's writes queue here
	// rather than poll SQLite's lock.
	writing   sync.Mutex
	writer    *sql.DB
	writeConn *sql.Conn
	writes    *statements

	reader *sql.DB // query-only connections
	reads  *statements

	auth sqlworld.AuthCache
}

var _ store.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that stamps updates (time.Now by default).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open opens the SQLite database at path, creating the file if there is
// none, and creates or migrates its schema. A new database holds an empty
// world.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("store: SQLite path %q: want a file name without '?'", path)
	}
	s := &Store{now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	// Durability: in WAL mode, synchronous=NORMAL writes each commit to the
	// WAL file before the commit returns, and syncs it to disk only at
	// checkpoints. A killed process (kill -9) loses nothing the OS was
	// handed, so every acknowledged update survives it; only a power cut or
	// an OS crash can lose the last commits. FULL would sync the WAL on
	// every commit for that case too, at the cost of an fsync per update,
	// which a test stub does not need.
	common := url.Values{
		"_busy_timeout": {fmt.Sprint(busyTimeout.Milliseconds())},
		"_foreign_keys": {"1"},
	}
	writeQuery := cloneValues(common)
	writeQuery.Set("_journal_mode", "WAL")
	writeQuery.Set("_synchronous", "NORMAL")
	readQuery := cloneValues(common)
	readQuery.Set("_query_only", "1")

	var err error
	if s.writer, err = sql.Open("sqlite", path+"?"+writeQuery.Encode()); err != nil {
		return nil, err
	}
	if s.writeConn, err = s.writer.Conn(ctx); err != nil {
		s.writer.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	s.writes = newStatements(s.writeConn)
	// The schema must exist before a reader opens: migrating also turns the
	// file to WAL mode, which sticks to the file.
	if err := s.migrate(ctx); err != nil {
		s.writeConn.Close()
		s.writer.Close()
		return nil, err
	}
	if s.reader, err = sql.Open("sqlite", path+"?"+readQuery.Encode()); err != nil {
		s.writeConn.Close()
		s.writer.Close()
		return nil, err
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s.reader.SetMaxOpenConns(readers)
	s.reader.SetMaxIdleConns(readers)
	s.reader.SetConnMaxIdleTime(0)
	s.reads = newStatements(s.reader)
	return s, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// migrate runs in a write transaction, which holds SQLite's write lock:
// two processes opening one new file migrate it once.
func (s *Store) migrate(ctx context.Context) error {
	return s.write(ctx, func(c conn) error {
		_, err := sqlworld.Migrate(ctx, c, migrations, time.Now())
		return err
	})
}

// Close closes the database. Updates acknowledged before are on disk.
func (s *Store) Close() error {
	s.reads.close()
	s.writes.close()
	return errors.Join(s.reader.Close(), s.writeConn.Close(), s.writer.Close())
}

// write runs f in a write transaction and commits it if f succeeds.
func (s *Store) write(ctx context.Context, f func(conn) error) error {
	s.writing.Lock()
	defer s.writing.Unlock()
	return transaction(ctx, s.writeConn, "BEGIN IMMEDIATE", conn{stmts: s.writes}, f)
}

// read runs f in a read transaction on a connection of its own: every
// query in it sees one snapshot. Its texts run unprepared: read is for
// Snapshot, which runs each once.
func (s *Store) read(ctx context.Context, f func(conn) error) error {
	c, err := s.reader.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return transaction(ctx, c, "BEGIN", conn{db: c}, f)
}

// transaction runs f between begin and COMMIT, or ROLLBACK if f fails. The
// ROLLBACK runs even when ctx is done, so the connection is left usable.
func transaction(ctx context.Context, db *sql.Conn, begin string, c conn, f func(conn) error) error {
	if _, err := db.ExecContext(ctx, begin); err != nil {
		return fmt.Errorf("store: %s: %w", begin, err)
	}
	if err := f(c); err != nil {
		if _, rbErr := db.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			return errors.Join(err, fmt.Errorf("store: ROLLBACK: %w", rbErr))
		}
		return err
	}
	if _, err := db.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		db.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("store: COMMIT: %w", err)
	}
	return nil
}
