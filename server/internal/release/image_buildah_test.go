//go:build linux

package release

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildah is buildah with its own storage, in a folder of the test's: the
// test leaves no image or container behind, and never meets the machine's.
type buildah struct {
	t       *testing.T
	storage string
}

func (b buildah) flags() []string {
	return []string{"--storage-driver", "vfs", "--root", filepath.Join(b.storage, "root"), "--runroot", filepath.Join(b.storage, "run")}
}

func (b buildah) command(args ...string) *exec.Cmd {
	return exec.Command("buildah", append(b.flags(), args...)...)
}

func (b buildah) run(args ...string) string {
	b.t.Helper()
	out, err := b.command(args...).CombinedOutput()
	if err != nil {
		b.t.Fatalf("buildah %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// testBuildahImage builds with buildah, reads the configuration with
// buildah inspect, and runs the binary in a container of the image
// (buildah run, chroot isolation: the host's network, nothing pulled): the
// stub as the image's user, and the image's own health check against it.
func testBuildahImage(t *testing.T) {
	storage, err := os.MkdirTemp("", "conversations-stub-image-")
	if err != nil {
		t.Fatal(err)
	}
	b := buildah{t: t, storage: storage}
	t.Cleanup(func() { removeStorage(t, storage) })
	name := imageName(t)
	start := time.Now()
	runMake(t, "image", "IMAGE_BUILDER=buildah", "BUILDAH_FLAGS="+strings.Join(b.flags(), " "),
		"IMAGE="+name, "VERSION="+imageVersion, "COMMIT=0123abcdef")
	t.Logf("make image: %v", time.Since(start).Round(time.Millisecond))

	var inspected struct {
		Docker struct{ Config imageConfig }
	}
	if err := json.Unmarshal([]byte(b.run("inspect", "--type", "image", name)), &inspected); err != nil {
		t.Fatal(err)
	}
	config := inspected.Docker.Config
	checkConfig(t, config)

	container := b.run("from", "--pull-never", name)
	t.Cleanup(func() { _ = b.command("rm", container).Run() })
	if out := b.run("run", "--isolation", "chroot", container, "--", "/conversations-stub", "--version"); !strings.Contains(out, imageVersion) {
		t.Errorf("--version in the image: %q", out)
	}

	// The stub, as the image configures it but for the port: any free one
	// of loopback, since the container shares the host's network.
	serve := b.command(append([]string{"run", "--isolation", "chroot", "--env", "STUB_ADDR=127.0.0.1:0", container, "--"}, config.Entrypoint...)...)
	banner, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stopStub(t, serve)
		}
	})
	url := waitForURL(t, banner)
	if status := get(t, url+"/v1/Users/alice/Conversations/general"); status != http.StatusOK {
		t.Fatalf("the demo fetch from the stub in the image: %d", status)
	}
	if pid := descendant(serve.Process.Pid, "conversations-"); pid == 0 {
		t.Error("the stub's process was not found")
	} else if uid := uidOf(pid); uid == "" || uid == "0" {
		t.Errorf("the stub runs as uid %q, want the image's non-root user", uid)
	}
	addr := strings.TrimPrefix(url, "http://")
	health := append([]string{"run", "--isolation", "chroot", "--env", "STUB_ADDR=" + addr, container, "--"}, config.Healthcheck.Test[1:]...)
	if out := b.run(health...); !strings.Contains(out, "healthy") {
		t.Errorf("the image's health check: %q", out)
	}
	stopStub(t, serve)
	stopped = true
	health[4] = "STUB_ADDR=127.0.0.1:1"
	if out, err := b.command(health...).CombinedOutput(); err == nil || !strings.Contains(string(out), "unhealthy") {
		t.Errorf("the health check passes with no stub: %v %q", err, out)
	}
}

// stopStub ends the stub with SIGTERM, as a container engine does, so that
// buildah run returns by itself and takes down its chroot's mounts. Only
// if that fails is buildah itself killed.
func stopStub(t *testing.T, serve *exec.Cmd) {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	if pid := descendant(serve.Process.Pid, "conversations-"); pid != 0 {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
	select {
	case <-exited:
		return
	case <-time.After(30 * time.Second):
	}
	t.Error("the stub in the image did not stop on SIGTERM within 30s")
	_ = serve.Process.Kill()
	<-exited
}

// descendant returns a process under parent whose name starts with
// prefix, 0 if none: the stub, under buildah run.
func descendant(parent int, prefix string) int {
	children := map[int][]int{}
	names := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		open, end := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		children[ppid] = append(children[ppid], pid)
		names[pid] = string(stat[open+1 : end])
	}
	queue := []int{parent}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			if strings.HasPrefix(names[c], prefix) {
				return c
			}
			queue = append(queue, c)
		}
	}
	return 0
}

// uidOf is the real uid of process pid, "" if unknown.
func uidOf(pid int) string {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if fields := strings.Fields(rest); len(fields) > 0 {
				return fields[0]
			}
		}
	}
	return ""
}

// removeStorage deletes the test's buildah storage, unless something is
// still mounted under it (a chroot's /dev or /proc): deleting through a
// bind mount would delete the host's files.
func removeStorage(t *testing.T, dir string) {
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Errorf("cannot check the mounts under %s, left in place: %v", dir, err)
		return
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		if fields := strings.Fields(line); len(fields) > 4 && strings.HasPrefix(fields[4], dir) {
			t.Errorf("%s is still mounted: %s left in place", fields[4], dir)
			return
		}
	}
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removing the image storage: %v", err)
	}
}
