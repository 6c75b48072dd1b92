// Package pgtest gives tests a PostgreSQL server, and each test a database
// of its own on it.
//
// It uses the server STUB_TEST_POSTGRES names (a URL whose user may create
// databases). Without it, it starts a throwaway cluster from the newest
// PostgreSQL installed under /usr/lib/postgresql/*/bin (Debian's layout):
// initdb in a temporary folder, pg_ctl start on a free port of 127.0.0.1,
// run as the postgres user when the tests run as root (PostgreSQL refuses
// root), stopped and removed when the tests end; a watchdog process does
// the same if the test process dies first. With neither, NewDatabase skips
// the test, saying in one loud line how to enable it; under CI (CI=true,
// as CI services set it) it fails the test instead, since CI must run the
// PostgreSQL tests.
//
// A package's TestMain calls Main; the cluster starts on the first
// NewDatabase, so a package's tests that need none cost nothing. The
// benchmarks' tools use Start directly.
package pgtest

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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ServerEnv names a PostgreSQL server for the tests.
const ServerEnv = "STUB_TEST_POSTGRES"

// SkipMessage is the line a test skipped for want of PostgreSQL prints.
const SkipMessage = "!!! PostgreSQL tests SKIPPED: no PostgreSQL under /usr/lib/postgresql/*/bin. " +
	"Set " + ServerEnv + "=postgres://user:pass@host:port/db, or install postgresql (make test does, as root on Debian)."

// the server of this test process, found or started on first use.
var server struct {
	once  sync.Once
	url   *url.URL      // its maintenance database; nil when there is none
	admin *pgxpool.Pool // connected to it, to create and drop databases
	stop  func()
	skip  string // why there is none
	err   error
}

// Main runs the tests and then stops the cluster if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if server.admin != nil {
		server.admin.Close()
	}
	if server.stop != nil {
		server.stop()
	}
	return code
}

func setUp() {
	raw, stop, err := find()
	server.stop = stop
	switch {
	case err != nil:
		server.err = err
		return
	case raw == "" && underCI():
		server.err = fmt.Errorf("CI=%s, and CI must run the PostgreSQL tests: %s", os.Getenv("CI"), SkipMessage)
		return
	case raw == "":
		server.skip = SkipMessage
		fmt.Fprintln(os.Stderr, SkipMessage)
		return
	}
	if server.url, err = url.Parse(raw); err != nil {
		server.err = fmt.Errorf("%s: %v", ServerEnv, err)
		return
	}
	if server.admin, err = pgxpool.New(context.Background(), raw); err != nil {
		server.url, server.err = nil, err
	}
}

// underCI reports whether the tests run under CI: the CI variable every
// common CI service sets to true.
func underCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// find returns the URL of the server to test on, and how to stop it if
// this process started it; "" without a server.
func find() (string, func(), error) {
	if raw := os.Getenv(ServerEnv); raw != "" {
		return raw, nil, nil
	}
	bin, err := Bin()
	if err != nil || bin == "" {
		return "", nil, err
	}
	c, err := Start(bin, Options{})
	if err != nil {
		return "", nil, err
	}
	return c.URL, c.Stop, nil
}

var databases atomic.Int64

// NewDatabase creates an empty database for the test, dropped when it
// ends, and returns its URL. Each test has its own, so tests may run in
// parallel and none sees another's world or locks. Without a server it
// skips the test.
func NewDatabase(t testing.TB) string {
	t.Helper()
	server.once.Do(setUp)
	if server.err != nil {
		t.Fatalf("PostgreSQL for the tests: %v", server.err)
	}
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

// Bin returns the bin folder of the newest PostgreSQL installed the Debian
// way, or "" if there is none.
func Bin() (string, error) {
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

// Options tune a cluster Start makes.
type Options struct {
	// Durable keeps PostgreSQL's defaults: fsync on, each commit flushed
	// to disk before it returns. Tests go without both: the cluster lives
	// as long as the test run, and durability against a crash of the
	// database server is not what they test.
	Durable bool
}

// Start makes a cluster in a new temporary folder and starts it on a free
// port of 127.0.0.1, its socket in that folder. PostgreSQL refuses to run
// as root, so as root the cluster runs as the postgres user that Debian's
// package creates. The cluster trusts local connections.
//
// Stop it when done. In case this process dies before (a test timeout
// panics past deferred calls), a watchdog process stops it once this one
// is gone.
func Start(bin string, opts Options) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "stub-postgres-")
	if err != nil {
		return nil, err
	}
	removeDir := func() { os.RemoveAll(dir) }
	cred, err := clusterUser(dir)
	if err != nil {
		removeDir()
		return nil, err
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
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		removeDir()
		return nil, err
	}
	options := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=300", port, dir)
	if !opts.Durable {
		options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := pg("pg_ctl", "start", "-D", data, "-l", logFile, "-w", "-t", "120", "-o", options); err != nil {
		removeDir()
		return nil, err
	}
	watchdog(dir, data)
	return &Cluster{
		URL:  fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		data: data,
		stop: sync.OnceFunc(func() {
			if err := pg("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"); err != nil {
				fmt.Fprintf(os.Stderr, "PostgreSQL: stopping the cluster: %v\n", err)
			}
			removeDir()
		}),
	}, nil
}

// Cluster is a PostgreSQL cluster Start made.
type Cluster struct {
	// URL is its maintenance database's, as the postgres superuser.
	URL  string
	data string
	stop func()
}

// Stop stops the cluster and removes its folder.
func (c *Cluster) Stop() { c.stop() }

// PostmasterPID returns the cluster's main process id, from its
// postmaster.pid; 0 if it cannot tell.
func (c *Cluster) PostmasterPID() int {
	data, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
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
