package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// measurement is one start of a stub binary.
type measurement struct {
	wall time.Duration // fork to the first 200
	cpu  time.Duration // CPU time of all threads by then
	hwm  int64         // peak resident memory, bytes
	rss  int64         // resident memory after -settle, bytes
}

// startOnce starts bin on w, waits for its first 200 and takes its
// measures, then kills it (SIGKILL: its shutdown is not measured).
func startOnce(bin string, w world, settle, timeout time.Duration) (measurement, error) {
	args := []string{"--addr", "127.0.0.1:0", "--log-level", "warn"}
	if w.file != "" {
		args = append(args, "--fixtures", w.file)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = stubEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return measurement{}, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	base, err := servingURL(stdout, timeout)
	if err != nil {
		return measurement{}, fmt.Errorf("%w; stderr: %s", err, stderr.Bytes())
	}
	if err := fetch(base+w.path, w.account, w.token, timeout); err != nil {
		return measurement{}, err
	}
	m := measurement{wall: time.Since(start)}
	pid := cmd.Process.Pid
	if m.cpu, err = threadsCPU(pid); err != nil {
		return measurement{}, err
	}
	time.Sleep(settle)
	if m.hwm, m.rss, err = residentMemory(pid); err != nil {
		return measurement{}, err
	}
	return m, nil
}

// stubEnv is this process's environment without the stub's STUB_*
// settings: an admin token or a fixtures file must not leak in.
func stubEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STUB_") {
			env = append(env, kv)
		}
	}
	return env
}

// servingURL reads the stub's standard output up to the line giving the
// address it listens on, which it prints before it serves (a connection
// then waits in the listen queue, so nothing needs polling), and keeps
// draining the rest.
func servingURL(stdout io.Reader, timeout time.Duration) (string, error) {
	const prefix = "conversations-stub serving on "
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), prefix); ok {
				found <- url
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			return "", errors.New("the stub exited before serving")
		}
		return url, nil
	case <-time.After(timeout):
		return "", fmt.Errorf("the stub did not serve within %v", timeout)
	}
}

func fetch(url, user, pass string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(user, pass)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d: %s", url, resp.StatusCode, body)
	}
	return nil
}

// threadsCPU is the CPU time process pid's threads have run, summed from
// /proc/PID/task/*/schedstat (nanoseconds; /proc/PID/stat counts 10 ms
// ticks, too coarse for a start-up of a few milliseconds).
func threadsCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no /proc/%d/task/*/schedstat: Linux only", pid)
	}
	var total time.Duration
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just ended
		}
		ns, err := strconv.ParseInt(strings.Fields(string(data))[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		total += time.Duration(ns)
	}
	return total, nil
}

// residentMemory returns process pid's peak and current resident memory, in bytes.
func residentMemory(pid int) (hwm, rss int64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(data)) {
		name, value, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmHWM":
			hwm = kb << 10
		case "VmRSS":
			rss = kb << 10
		}
	}
	if hwm == 0 || rss == 0 {
		return 0, 0, fmt.Errorf("/proc/%d/status has no VmHWM or VmRSS", pid)
	}
	return hwm, rss, nil
}

// loadAverage is the machine's load average over the last minute, from
// /proc/loadavg ("" where there is none): how busy the machine was
// matters to every figure but the memory ones.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(data), " ")
	return first
}
