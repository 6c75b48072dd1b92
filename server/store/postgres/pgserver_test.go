package postgres_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/twilio-stubs/userconversations/server/store/storetest"
)

// serverEnv names a PostgreSQL server for the tests, as a URL whose user
// may create databases: postgres://user:pass@host:port/db. Without it the
// tests start a throwaway cluster from the PostgreSQL binaries installed
// under /usr/lib/postgresql (Debian's layout), or skip when there are none.
const serverEnv = "STUB_TEST_POSTGRES"

// server is the PostgreSQL server of this test run.
var server struct {
	url   *url.URL      // its maintenance database; nil when there is none
	admin *pgxpool.Pool // connected to it, to create and drop databases
	skip  string        // why there is none
}

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	if storetest.IsCrashChild() {
		return m.Run() // it writes to the parent's database
	}
	raw, stop, err := findServer()
	if err != nil {
		fmt.Fprintf(os.Stderr, "PostgreSQL tests: %v\n", err)
		return 1
	}
	defer stop()
	if raw == "" {
		fmt.Fprintln(os.Stderr, server.skip)
		return m.Run()
	}
	if server.url, err = url.Parse(raw); err != nil {
		fmt.Fprintf(os.Stderr, "PostgreSQL tests: %s: %v\n", serverEnv, err)
		return 1
	}
	if server.admin, err = pgxpool.New(context.Background(), raw); err != nil {
		fmt.Fprintf(os.Stderr, "PostgreSQL tests: %v\n", err)
		return 1
	}
	defer server.admin.Close()
	return m.Run()
}

// findServer returns the URL of the server to test on, and how to stop it
// if this run started it. Without a server it returns "" and sets
// server.skip.
func findServer() (string, func(), error) {
	if raw := os.Getenv(serverEnv); raw != "" {
		return raw, func() {}, nil
	}
	bin, err := postgresBin()
	if err != nil {
		return "", nil, err
	}
	if bin == "" {
		server.skip = "!!! PostgreSQL tests SKIPPED: no PostgreSQL under /usr/lib/postgresql/*/bin. " +
			"Set " + serverEnv + "=postgres://user:pass@host:port/db, or install postgresql (make test does, as root on Debian)."
		return "", func() {}, nil
	}
	return startCluster(bin)
}

// postgresBin returns the bin folder of the newest PostgreSQL installed
// the Debian way, or "" if there is none.
func postgresBin() (string, error) {
	found, err := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if err != nil {
		return "", err
	}
	major := func(path string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
		return v
	}
	slices.SortFunc(found, func(a, b string) int { return major(a) - major(b) })
	if len(found) == 0 {
		return "", nil
	}
	return filepath.Dir(found[len(found)-1]), nil
}

// startCluster makes a cluster in a new temporary folder and starts it on
// a free port of 127.0.0.1, its socket in that folder. PostgreSQL refuses
// to run as root, so as root the cluster runs as the postgres user that
// Debian's package creates. The cluster trusts local connections and
// skips fsync: it lives as long as this test run, and durability against
// a crash of the server is not what the tests test.
//
// The returned function stops it and removes the folder. In case this
// process dies before calling it (a test timeout panics past deferred
// calls), a watchdog process does the same once this one is gone.
func startCluster(bin string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "stub-postgres-")
	if err != nil {
		return "", nil, err
	}
	removeDir := func() { os.RemoveAll(dir) }
	cred, err := clusterUser(dir)
	if err != nil {
		removeDir()
		return "", nil, err
	}
	data, logFile := filepath.Join(dir, "data"), filepath.Join(dir, "log")
	pg := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			log, _ := os.ReadFile(logFile)
			return fmt.Errorf("%s: %v\n%s%s", name, err, out, log)
		}
		return nil
	}
	if err := pg("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		removeDir()
		return "", nil, err
	}
	port, err := freePort()
	if err != nil {
		removeDir()
		return "", nil, err
	}
	options := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	if err := pg("pg_ctl", "start", "-D", data, "-l", logFile, "-w", "-t", "120", "-o", options); err != nil {
		removeDir()
		return "", nil, err
	}
	watchdog(dir, data)
	stop := func() {
		if err := pg("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"); err != nil {
			fmt.Fprintf(os.Stderr, "PostgreSQL tests: stopping the cluster: %v\n", err)
		}
		removeDir()
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// clusterUser returns the credential to run the cluster with, and gives
// it dir: the postgres user's as root, nil (this process's) otherwise.
func clusterUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: %w (install postgresql, which creates the user)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// watchdog starts a shell, in a process group of its own (so that an
// interrupt of this one's group spares it), that waits for this process
// to end, then stops the cluster (SIGQUIT to the postmaster: an immediate
// shutdown) and removes dir. After a clean stop it finds nothing to do.
func watchdog(dir, data string) {
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 1; done
if [ -f %[2]s/postmaster.pid ]; then kill -QUIT "$(head -1 %[2]s/postmaster.pid)" 2>/dev/null; sleep 1; fi
rm -rf %[3]s`, os.Getpid(), shellQuote(data), shellQuote(dir))
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "PostgreSQL tests: no watchdog: %v\n", err)
		return
	}
	go cmd.Wait() // reaped if this process outlives it
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var databases atomic.Int64

// newDatabase creates an empty database for the test, dropped when it
// ends, and returns its URL. Each test has its own, so tests may run in
// parallel and none sees another's world or locks.
func newDatabase(t testing.TB) string {
	t.Helper()
	if server.url == nil {
		t.Skip(server.skip)
	}
	ctx := context.Background()
	name := fmt.Sprintf("stub_test_%d_%d", os.Getpid(), databases.Add(1))
	if _, err := server.admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE: %v", err)
	}
	t.Cleanup(func() {
		if _, err := server.admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("DROP DATABASE: %v", err)
		}
	})
	u := *server.url
	u.Path = "/" + name
	return u.String()
}
