package client_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The client package is imported on its own by applications: it must not
// link the stub's server-side dependencies (echo, kin-openapi, YAML).
func TestClientLinksNoServerDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/labstack/echo", "github.com/getkin/kin-openapi", "yaml"} {
			if strings.Contains(dep, banned) {
				t.Errorf("client links %s", dep)
			}
		}
	}
}
