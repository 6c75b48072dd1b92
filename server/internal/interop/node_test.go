package interop_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// nodeDir holds the Node scenario and its npm dependencies.
const nodeDir = "node"

// TestTwilioNodeLibrary runs node/scenario.mjs, which drives the official
// `twilio` npm package against a fresh stub seeded with the interop world,
// then through a stub in proxy mode in front of one.
// It needs node on PATH and node/node_modules installed by `make node-deps`;
// without them it skips, unless NODE_INTEROP=1 (as `make test` sets), when
// it fails.
func TestTwilioNodeLibrary(t *testing.T) {
	nodeBin := nodeRequire(t)
	for _, target := range interopTargets {
		t.Run(target.name, func(t *testing.T) { nodeScenario(t, nodeBin, target.start(t)) })
	}
}

func nodeScenario(t *testing.T, nodeBin string, stub *stubtest.Stub) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBin, "scenario.mjs")
	cmd.Dir = nodeDir
	cmd.Env = append(os.Environ(),
		"STUB_URL="+stub.URL,
		"TWILIO_ACCOUNT_SID="+stub.AccountSID,
		"TWILIO_AUTH_TOKEN="+stub.AuthToken,
		"NO_COLOR=1",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second

	start := time.Now()
	err := cmd.Run()
	t.Logf("node scenario.mjs (%v)\n--- stdout ---\n%s--- stderr ---\n%s", time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
	if ctx.Err() != nil {
		t.Fatalf("node scenario.mjs timed out: %v", ctx.Err())
	}
	if err != nil {
		t.Fatalf("node scenario.mjs failed: %v", err)
	}
}

// nodeRequire returns the path of the node binary once node and the twilio
// package are both there, and otherwise skips or (NODE_INTEROP=1) fails.
func nodeRequire(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		if os.Getenv("NODE_INTEROP") == "1" {
			t.Fatalf("NODE_INTEROP=1 but %s; run `make node-deps`", what)
		}
		t.Skipf("%s; run `make node-deps` (or set NODE_INTEROP=1 to make this a failure)", what)
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	pkg := filepath.Join(nodeDir, "node_modules", "twilio", "package.json")
	if _, err := os.Stat(pkg); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			missing(pkg + " is missing")
		}
		t.Fatalf("checking the twilio npm package: %v", err)
	}
	return nodeBin
}
