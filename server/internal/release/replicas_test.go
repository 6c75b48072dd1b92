package release

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// docs/compose-replicas.yaml, which docs/stores.md includes, holds
// together: two stubs set only variables the binary reads, the same store,
// a PostgreSQL URL naming the database service of the file with its user,
// password and database, and they wait for its health check.
func TestReplicasExample(t *testing.T) {
	known := documentedEnv(t)
	type service struct {
		Image       string
		Environment map[string]string
		Volumes     []string
		Ports       []string
		DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
		Restart     string
		Healthcheck struct {
			Test     []string
			Interval string
			Timeout  string
			Retries  int
		}
	}
	var compose struct {
		Stub     service `yaml:"x-stub"`
		Services map[string]service
	}
	data, err := os.ReadFile(filepath.Join(root, "docs", "compose-replicas.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&compose); err != nil {
		t.Fatalf("compose-replicas.yaml: %v", err)
	}

	db, ok := compose.Services["postgres"]
	if !ok || len(db.Healthcheck.Test) == 0 {
		t.Fatalf("no postgres service with a health check: %+v", compose.Services)
	}
	var stubs []string
	stores, ports := map[string]bool{}, map[string]bool{}
	for name, s := range compose.Services {
		if !strings.HasPrefix(s.Image, "conversations-stub:") {
			continue
		}
		stubs = append(stubs, name)
		checkEnv(t, name, s.Environment, known)
		stores[s.Environment["STUB_STORE"]] = true
		if s.Environment["STUB_ADMIN_TOKEN"] == "" || s.Environment["STUB_FIXTURES"] == "" {
			t.Errorf("%s: no admin token or fixtures: %v", name, s.Environment)
		}
		if s.DependsOn["postgres"].Condition != "service_healthy" {
			t.Errorf("%s does not wait for the database's health check", name)
		}
		if len(s.Ports) != 1 || !strings.HasSuffix(s.Ports[0], ":8080") || ports[s.Ports[0]] {
			t.Errorf("%s publishes %v", name, s.Ports)
		}
		ports[strings.Join(s.Ports, ",")] = true
	}
	if len(stubs) != 2 || len(stores) != 1 {
		t.Fatalf("want two stubs on one store; got %v on %v", stubs, stores)
	}
	for raw := range stores {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "postgres" {
			t.Fatalf("STUB_STORE %q is not a postgres:// URL: %v", raw, err)
		}
		password, _ := u.User.Password()
		if _, ok := compose.Services[u.Hostname()]; !ok || u.Port() != "5432" {
			t.Errorf("STUB_STORE's host %q is not a service of the file on 5432", u.Host)
		}
		env := db.Environment
		if env["POSTGRES_USER"] != u.User.Username() || env["POSTGRES_PASSWORD"] != password || "/"+env["POSTGRES_DB"] != u.Path {
			t.Errorf("STUB_STORE %q does not match the database's user, password and name: %v", raw, env)
		}
	}
}
