package release

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/twilio-stubs/userconversations/gen/adminserver"
)

// documentedEnv are the environment variables of docs/operating.md's flag table
// (whose completeness the binary's tests check).
func documentedEnv(t *testing.T) map[string]bool {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, "docs", "operating.md"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `--[a-z-]+` \\| `(STUB_[A-Z_]+)`").FindAllStringSubmatch(string(doc), -1) {
		env[m[1]] = true
	}
	if len(env) < 8 {
		t.Fatalf("docs/operating.md's flag table lists %d variables", len(env))
	}
	return env
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	// YAML 1.2, as GitHub and compose read it: `on` is a key, not true.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func checkEnv(t *testing.T, where string, env map[string]string, known map[string]bool) {
	t.Helper()
	for name := range env {
		if strings.HasPrefix(name, "STUB_") && !known[name] {
			t.Errorf("%s sets %s, which no flag reads", where, name)
		}
	}
}

// The examples docs/ci.md includes hold together: the stub's service uses
// variables the binary reads, publishes 8080, and the suite waits for its
// health check.
func TestCIExamples(t *testing.T) {
	known := documentedEnv(t)

	var compose struct {
		Services map[string]struct {
			Image       string
			Environment map[string]string
			Volumes     []string
			Ports       []string
			DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
			WorkingDir  string                                `yaml:"working_dir"`
			Command     []string
		}
	}
	readYAML(t, "compose.yaml", &compose)
	stub, tests := compose.Services["twilio"], compose.Services["tests"]
	checkEnv(t, "compose.yaml", stub.Environment, known)
	if len(stub.Ports) != 1 || !strings.HasSuffix(stub.Ports[0], ":8080") {
		t.Errorf("compose.yaml: the stub publishes %v", stub.Ports)
	}
	if tests.DependsOn["twilio"].Condition != "service_healthy" || tests.Environment["TWILIO_BASE_URL"] != "http://twilio:8080" {
		t.Errorf("compose.yaml: the suite does not wait for the stub's health check, or does not reach it: %+v", tests)
	}

	var workflow struct {
		Name string
		On   []string
		Jobs map[string]struct {
			RunsOn   string `yaml:"runs-on"`
			Services map[string]struct {
				Image string
				Ports []string
				Env   map[string]string
			}
			Env   map[string]string
			Steps []map[string]string
		}
	}
	readYAML(t, "github-actions.yaml", &workflow)
	job := workflow.Jobs["test"]
	service := job.Services["twilio"]
	checkEnv(t, "github-actions.yaml", service.Env, known)
	if len(service.Ports) != 1 || service.Ports[0] != "8080:8080" || len(job.Steps) == 0 {
		t.Errorf("github-actions.yaml: %+v", job)
	}
}

// docs/ci.md's endpoint table names every path of the admin API.
func TestDocsListEveryEndpoint(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), "## Every endpoint")
	spec, err := adminserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	for path := range spec.Paths.Map() {
		if !strings.Contains(table, path+"`") && !strings.Contains(table, path+",") {
			t.Errorf("docs/ci.md, Every endpoint: no %s", path)
		}
	}
}
