package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/internal/testkit/pgtest"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/postgres"
)

// connect opens a plain connection to the database at url, closed when the
// test ends.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// TestSchemaTooNew opens a database a newer binary migrated: Open refuses
// it, saying so, and leaves it as it was.
func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s := openUnclosed(t, url)
	if err := s.Load(ctx, testkit.World()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	newer := postgres.SchemaVersion() + 6
	db := connect(t, url)
	if _, err := db.Exec(ctx, "INSERT INTO schema_version (version, applied_s) VALUES ($1, 0)", newer); err != nil {
		t.Fatal(err)
	}

	_, err := postgres.Open(ctx, url)
	want := fmt.Sprintf("store: database schema version %d is newer than this binary's %d; upgrade the stub", newer, postgres.SchemaVersion())
	if !errors.Is(err, store.ErrSchemaTooNew) || err.Error() != want {
		t.Fatalf("Open: %v, want %q wrapping store.ErrSchemaTooNew", err, want)
	}
	var version, accounts int
	if err := db.QueryRow(ctx, "SELECT MAX(version), (SELECT COUNT(*) FROM accounts) FROM schema_version").Scan(&version, &accounts); err != nil {
		t.Fatal(err)
	}
	if version != newer || accounts != 2 {
		t.Errorf("after the refused Open: schema version %d, %d accounts; want %d and 2", version, accounts, newer)
	}
}

// TestOpenMigratesOnce opens one new database from several handles at
// once: the migration lock lets one of them migrate, and the others find
// the schema current.
func TestOpenMigratesOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			s, err := postgres.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	var rows, version int
	if err := connect(t, url).QueryRow(context.Background(), "SELECT COUNT(*), MAX(version) FROM schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != postgres.SchemaVersion() || version != postgres.SchemaVersion() {
		t.Errorf("schema_version has %d rows up to %d, want one per migration up to %d", rows, version, postgres.SchemaVersion())
	}
}

func TestOpenBadURL(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "postgres://%zz"); err == nil {
		t.Error("Open of a malformed URL succeeded")
	}
}
