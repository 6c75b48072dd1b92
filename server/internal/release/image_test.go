package release

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/fixtures"
)

const imageVersion = "v0.0.0-imagetest"

// imageConfig is what the test checks of an image's configuration (Docker's
// image format, which keeps the health check).
type imageConfig struct {
	User         string
	ExposedPorts map[string]struct{}
	Env          []string
	Entrypoint   []string
	Labels       map[string]string
	Healthcheck  *struct{ Test []string }
}

// findBuilder returns the image builder builder.sh picks. Without one the
// test skips, unless make test said one works here (IMAGE_TEST=required).
func findBuilder(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("sh", root+"/server/internal/release/builder.sh").Output()
	if err != nil {
		if os.Getenv("IMAGE_TEST") == "required" {
			t.Fatalf("builder.sh found no image builder, yet make test says one works: %v", err)
		}
		t.Skip("no container image builder here (docker with an engine, podman or buildah): make test installs buildah where it can")
	}
	return strings.TrimSpace(string(out))
}

// make image builds an image FROM scratch that runs the stub as a non-root
// user on 0.0.0.0:8080, with OCI labels and a health check that runs the
// binary itself; the binary in it serves the demo world.
func TestImage(t *testing.T) {
	switch builder := findBuilder(t); builder {
	case "buildah":
		testBuildahImage(t)
	case "docker", "podman":
		testEngineImage(t, builder)
	default:
		t.Fatalf("unknown image builder %q", builder)
	}
}

func checkConfig(t *testing.T, c imageConfig) {
	t.Helper()
	if c.User == "" || c.User == "0" || strings.HasPrefix(c.User, "0:") || c.User == "root" {
		t.Errorf("the image runs as %q, want a non-root user", c.User)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok || len(c.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want 8080/tcp", c.ExposedPorts)
	}
	if !slices.Contains(c.Env, "STUB_ADDR=0.0.0.0:8080") {
		t.Errorf("env %v: the stub would listen on loopback only", c.Env)
	}
	if !slices.Equal(c.Entrypoint, []string{"/conversations-stub"}) {
		t.Errorf("entrypoint %v", c.Entrypoint)
	}
	for label, want := range map[string]string{
		"org.opencontainers.image.version":  imageVersion,
		"org.opencontainers.image.revision": "0123abcdef",
		"org.opencontainers.image.source":   "https://github.com/twilio-stubs/userconversations",
		"org.opencontainers.image.licenses": "NOASSERTION",
	} {
		if got := c.Labels[label]; got != want {
			t.Errorf("label %s = %q, want %q", label, got, want)
		}
	}
	if c.Healthcheck == nil || !slices.Equal(c.Healthcheck.Test, []string{"CMD", "/conversations-stub", "healthcheck"}) {
		t.Errorf("health check %+v, want the binary's healthcheck command", c.Healthcheck)
	}
}

// get answers the status of GET url, with the demo world's credentials.
func get(t *testing.T, url string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth(fixtures.DemoAccountSID, fixtures.DemoAuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForURL reads the banner on r until the stub says where it serves.
func waitForURL(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(r)
		for scanner.Scan() {
			if url, ok := strings.CutPrefix(scanner.Text(), "conversations-stub serving on "); ok {
				found <- url
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatal("the stub in the image stopped before serving")
		}
		return url
	case <-time.After(60 * time.Second):
		t.Fatal("the stub in the image did not serve within 60s")
	}
	return ""
}

func imageName(t *testing.T) string {
	return "localhost/conversations-stub-test:" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
}

// testEngineImage checks the image with docker or podman, whose engines run
// containers with port mappings. (This machine has buildah only: this path
// runs where docker or podman does.)
func testEngineImage(t *testing.T, builder string) {
	name := imageName(t)
	runMake(t, "image", "IMAGE_BUILDER="+builder, "IMAGE="+name, "VERSION="+imageVersion, "COMMIT=0123abcdef")
	engine := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(builder, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", builder, args, err)
		}
		return strings.TrimSpace(string(out))
	}
	t.Cleanup(func() { _ = exec.Command(builder, "rmi", "-f", name).Run() })
	var inspected []struct {
		Config      imageConfig
		Healthcheck *struct{ Test []string } // podman puts it here
	}
	if err := json.Unmarshal([]byte(engine("image", "inspect", name)), &inspected); err != nil || len(inspected) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	config := inspected[0].Config
	if config.Healthcheck == nil {
		config.Healthcheck = inspected[0].Healthcheck
	}
	checkConfig(t, config)

	id := engine("run", "-d", "--rm", "-p", "127.0.0.1::8080", name)
	t.Cleanup(func() { _ = exec.Command(builder, "stop", id).Run() })
	port := engine("port", id, "8080/tcp")
	url := "http://" + strings.Split(port, "\n")[0]
	deadline := time.Now().Add(60 * time.Second)
	for exec.Command(builder, "exec", id, "/conversations-stub", "healthcheck").Run() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the health check in the container did not pass within 60s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status := get(t, url+"/v1/Users/alice/Conversations/general"); status != http.StatusOK {
		t.Fatalf("the demo fetch through the published port: %d", status)
	}
}
