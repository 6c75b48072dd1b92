package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/twilio-stubs/userconversations/server/internal/testkit"
	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
)

// TestSchemaTooNew opens a file a newer binary migrated: Open refuses it,
// saying so, and leaves it as it was.
func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := newFile(t)
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(ctx, testkit.World()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	newer := sqlite.SchemaVersion() + 6
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO schema_version (version, applied_s) VALUES (?, 0)", newer); err != nil {
		t.Fatal(err)
	}

	_, err = sqlite.Open(ctx, path)
	want := fmt.Sprintf("store: database schema version %d is newer than this binary's %d; upgrade the stub", newer, sqlite.SchemaVersion())
	if !errors.Is(err, store.ErrSchemaTooNew) || err.Error() != want {
		t.Fatalf("Open: %v, want %q wrapping store.ErrSchemaTooNew", err, want)
	}
	var version, accounts int
	if err := db.QueryRow("SELECT MAX(version), (SELECT COUNT(*) FROM accounts) FROM schema_version").Scan(&version, &accounts); err != nil {
		t.Fatal(err)
	}
	if version != newer || accounts != 2 {
		t.Errorf("after the refused Open: schema version %d, %d accounts; want %d and 2", version, accounts, newer)
	}
}

// TestOpenMigratesOnce opens a file twice: the second Open finds the schema
// current and runs no migration again.
func TestOpenMigratesOnce(t *testing.T) {
	path := newFile(t)
	open(t, path)
	open(t, path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, version int
	if err := db.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != sqlite.SchemaVersion() || version != sqlite.SchemaVersion() {
		t.Errorf("schema_version has %d rows up to %d, want one per migration up to %d", rows, version, sqlite.SchemaVersion())
	}
}

func TestOpenRefusesAPathWithAQuery(t *testing.T) {
	for _, path := range []string{"", "stub.db?mode=memory"} {
		if _, err := sqlite.Open(context.Background(), path); err == nil {
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}
