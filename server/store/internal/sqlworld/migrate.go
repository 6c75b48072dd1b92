package sqlworld

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// Migration is one step of a store's schema, from version Version-1 to
// Version.
type Migration struct {
	Version int
	Name    string // the file's name, for errors
	SQL     string
}

// Migrations reads a store's embedded migrations: the files *.sql in dir
// of fsys, each named by its version and what it does (0001_initial.sql).
// Versions must run 1, 2, 3, ... without a gap: a migration is never
// edited or removed once released, only followed by another.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var out []Migration
	for i, name := range names { // fs.Glob sorts: zero-padded versions in order
		base := path.Base(name)
		digits, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(digits)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want a name starting %04d_", name, i+1)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: base, SQL: string(data)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	return out, nil
}

// MustMigrations is Migrations for a store's embedded files, which are
// fixed when the binary is built: an error is a bug, which every test of
// the store shows.
func MustMigrations(fsys fs.FS, dir string) []Migration {
	ms, err := Migrations(fsys, dir)
	if err != nil {
		panic(err)
	}
	return ms
}

// Version is the version of the last of ms: the newest schema they make.
func Version(ms []Migration) int { return ms[len(ms)-1].Version }

// SchemaTooNewError is the error of opening a database that a newer binary
// migrated: this one cannot know what the newer schema means, so it does
// not guess. It wraps store.ErrSchemaTooNew.
type SchemaTooNewError struct {
	Database, Binary int
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("store: database schema version %d is newer than this binary's %d; upgrade the stub", e.Database, e.Binary)
}

func (e *SchemaTooNewError) Unwrap() error { return store.ErrSchemaTooNew }

// createVersionTable is valid in both dialects. A row per applied
// migration; the schema's version is the largest.
const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_version (
	version BIGINT PRIMARY KEY,
	applied_s BIGINT NOT NULL
)`

// Migrate brings the schema to the last of ms and returns the version the
// database had. The caller runs it in a transaction that keeps any other
// process from migrating at the same time (each engine has its lock), so
// a migration runs once and entirely or not at all.
func Migrate(ctx context.Context, c Conn, ms []Migration, now time.Time) (from int, err error) {
	if _, err := c.Exec(ctx, createVersionTable); err != nil {
		return 0, fmt.Errorf("store: creating schema_version: %w", err)
	}
	rows, err := c.Query(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version")
	if err != nil {
		return 0, err
	}
	var version int64
	for rows.Next() {
		err = rows.Scan(&version)
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("store: reading the schema version: %w", err)
	}
	known := Version(ms)
	if int(version) > known {
		return int(version), &SchemaTooNewError{Database: int(version), Binary: known}
	}
	for _, m := range ms[version:] {
		if _, err := c.Exec(ctx, m.SQL); err != nil {
			return int(version), fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
		if _, err := c.Exec(ctx, "INSERT INTO schema_version (version, applied_s) VALUES ($1, $2)", int64(m.Version), now.Unix()); err != nil {
			return int(version), fmt.Errorf("store: recording migration %s: %w", m.Name, err)
		}
	}
	return int(version), nil
}
