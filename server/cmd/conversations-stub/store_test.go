package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
	"github.com/twilio-stubs/userconversations/server/store/sqlite"
)

// The password every test URL carries: it must never show.
const dbPassword = "s3cret-Pa55word"

func TestParseStore(t *testing.T) {
	for _, tt := range []struct {
		value  string
		engine string
		target string
		shown  string // String()
	}{
		{"memory", engineMemory, "", "memory"},
		{"sqlite:stub.db", engineSQLite, "stub.db", "sqlite:stub.db"},
		{"sqlite:/var/lib/stub/world.db", engineSQLite, "/var/lib/stub/world.db", "sqlite:/var/lib/stub/world.db"},
		{"postgres://stub:" + dbPassword + "@db:5432/stub", enginePostgres, "postgres://stub:" + dbPassword + "@db:5432/stub", "postgres://stub:xxxxx@db:5432/stub"},
		{"postgresql://stub@db/stub?sslmode=disable&password=" + dbPassword, enginePostgres, "", "postgresql://stub@db/stub?sslmode=disable&password=xxxxx"},
		{"postgres:///stub?host=/run/postgresql", enginePostgres, "postgres:///stub?host=/run/postgresql", "postgres:///stub?host=/run/postgresql"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			spec, err := parseStore(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if spec.engine != tt.engine || (tt.target != "" && spec.target != tt.target) || spec.String() != tt.shown {
				t.Errorf("parseStore(%q) = %s %q, shown %q; want %s %q, shown %q", tt.value, spec.engine, spec.target, spec, tt.engine, tt.target, tt.shown)
			}
		})
	}
}

// A bad --store names the flag and says what it takes, and never shows a
// password, whatever shape the value has.
func TestParseStoreRefuses(t *testing.T) {
	for _, value := range []string{
		"",
		"Memory",
		"sqlite",
		"sqlite:",
		"sqlite:stub.db?mode=ro",
		"mysql://root:" + dbPassword + "@db/stub",
		"postgress://stub:" + dbPassword + "@db/stub",
		"postgres://stub:" + dbPassword + "@db:notaport/stub",
		"postgres://stub:" + dbPassword + "/x@db/stub",
		"postgres://stub@db/stub?password=" + dbPassword + "&connect_timeout=soon",
		"redis://db",
	} {
		t.Run(value, func(t *testing.T) {
			_, err := parseStore(value)
			if err == nil {
				t.Fatalf("parseStore(%q) accepted it", value)
			}
			if !strings.HasPrefix(err.Error(), "--store ") {
				t.Errorf("the error does not name --store: %v", err)
			}
			if strings.Contains(err.Error(), dbPassword) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// The binary refuses a bad --store or STUB_STORE at start, with exit
// status 2 and the error once.
func TestBadStoreIsAUsageError(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--store", "nowhere"}, nil},
		{nil, map[string]string{"STUB_STORE": "mysql://u:" + dbPassword + "@h/d"}},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &stdout, &stderr, nil)
		if code != exitUsage || !strings.Contains(stderr.String(), "--store") || strings.Contains(stderr.String(), dbPassword) {
			t.Errorf("%v %v: exit %d, stderr %q", tt.args, tt.env, code, stderr.String())
		}
	}
}

// A database that cannot be reached stops the stub with status 1, and
// neither the log nor the error shows the URL's password.
func TestUnreachableDatabase(t *testing.T) {
	var stdout, stderr bytes.Buffer
	url := "postgres://stub:" + dbPassword + "@127.0.0.1:1/stub?connect_timeout=5"
	code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--store", url, "--log-format", "json"}, noEnv, &stdout, &stderr, nil)
	if code != exitFailure || !strings.Contains(stderr.String(), "cannot open the store") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if strings.Contains(stderr.String()+stdout.String(), dbPassword) {
		t.Errorf("the output shows the password:\n%s%s", stdout.String(), stderr.String())
	}
}

// A file a newer stub migrated is refused, saying so, with status 1.
func TestSchemaTooNewStopsTheStub(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stub.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	bumpSchema(t, path)
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--store", "sqlite:" + path}, noEnv, &bytes.Buffer{}, &stderr, nil)
	if code != exitFailure || !strings.Contains(stderr.String(), "upgrade the stub") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// bumpSchema leaves the SQLite file at path as a newer stub would: at a
// schema version this one does not know.
func bumpSchema(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO schema_version (version, applied_s) VALUES ($1, 0)", sqlite.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
}

// TestOpenStoreKeepsErrors: errors.Is sees through the scrubbed error.
func TestOpenStoreKeepsErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stub.db")
	st, _, err := openStore(context.Background(), storeSpec{engine: engineSQLite, target: path})
	if err != nil {
		t.Fatal(err)
	}
	st.(*sqlite.Store).Close()
	bumpSchema(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := openStore(ctx, storeSpec{engine: engineSQLite, target: path}); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Errorf("openStore of a newer file: %v", err)
	}
}
