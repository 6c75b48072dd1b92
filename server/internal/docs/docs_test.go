// Package docs_test keeps the code samples of README.md and docs/ honest.
// A fenced block may be preceded by a marker:
//
//	<!-- run -->                  the block runs in bash against a stub;
//	                              each "# => text" line is text the output
//	                              since the previous such line must hold
//	<!-- example: DIR NAME -->    the block is the body of func NAME in
//	                              DIR's test files: a runnable Example
//	<!-- include: FILE -->        the block is FILE, or with FILE#REGION
//	                              the lines between "docs:begin REGION"
//	                              and "docs:end REGION" in it
//
// Paths are relative to the repository's root.
package docs_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/stubtest"
)

// root is the repository's root, from this package's folder.
const root = "../../.."

// A sample is a fenced block with the marker before it.
type sample struct {
	file, kind, arg string
	line            int
	body            string
}

var (
	markerRE = regexp.MustCompile(`^<!-- (run|example|include)(?::\s*(.*?))?\s*-->$`)
	fenceRE  = regexp.MustCompile("^```")
)

// samples reads every marked block of README.md and docs/*.md.
func samples(t *testing.T) []sample {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(root, "README.md"))
	var out []sample
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		name, _ := filepath.Rel(root, file)
		for i := 0; i < len(lines); i++ {
			m := markerRE.FindStringSubmatch(strings.TrimSpace(lines[i]))
			if m == nil {
				continue
			}
			s := sample{file: name, kind: m[1], arg: m[2], line: i + 1}
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
				j++
			}
			if j >= len(lines) || !fenceRE.MatchString(lines[j]) {
				t.Fatalf("%s:%d: a marker must be followed by a fenced block", name, i+1)
			}
			k := j + 1
			for k < len(lines) && !fenceRE.MatchString(lines[k]) {
				k++
			}
			if k >= len(lines) {
				t.Fatalf("%s:%d: the block is not closed", name, j+1)
			}
			s.body = strings.Join(lines[j+1:k], "\n") + "\n"
			out = append(out, s)
			i = k
		}
	}
	if len(out) == 0 {
		t.Fatal("no marked samples found")
	}
	return out
}

func TestIncludedFilesAreTheFiles(t *testing.T) {
	for _, s := range samples(t) {
		if s.kind != "include" {
			continue
		}
		path, region, _ := strings.Cut(s.arg, "#")
		data, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Errorf("%s:%d: %v", s.file, s.line, err)
			continue
		}
		want := string(data)
		if region != "" {
			if want, err = regionOf(want, region); err != nil {
				t.Errorf("%s:%d: %s: %v", s.file, s.line, path, err)
				continue
			}
		}
		if s.body != want {
			t.Errorf("%s:%d: the block differs from %s; copy it again", s.file, s.line, s.arg)
		}
	}
}

// regionOf returns the lines between "docs:begin region" and "docs:end
// region" (comment markers of any language).
func regionOf(text, region string) (string, error) {
	begin, end := "docs:begin "+region, "docs:end "+region
	var out []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasSuffix(strings.TrimSpace(line), begin):
			in = true
		case strings.HasSuffix(strings.TrimSpace(line), end):
			return strings.Join(out, "\n") + "\n", nil
		case in:
			out = append(out, line)
		}
	}
	return "", fmt.Errorf("no region %q", region)
}

func TestExamplesAreTheExamples(t *testing.T) {
	for _, s := range samples(t) {
		if s.kind != "example" {
			continue
		}
		dir, name, ok := strings.Cut(s.arg, " ")
		if !ok {
			t.Errorf("%s:%d: want <!-- example: DIR NAME -->", s.file, s.line)
			continue
		}
		body, err := exampleBody(filepath.Join(root, dir), name)
		if err != nil {
			t.Errorf("%s:%d: %v", s.file, s.line, err)
			continue
		}
		if s.body != body {
			t.Errorf("%s:%d: the block differs from %s in %s; copy it again:\n%s", s.file, s.line, name, dir, body)
		}
	}
}

// exampleBody returns the statements of func name in dir's test files,
// one tab of indentation less.
func exampleBody(dir, name string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return "", err
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
		if err != nil {
			return "", err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Name.Name != name || fn.Recv != nil {
				continue
			}
			start := fset.Position(fn.Body.Lbrace).Offset + 1
			end := fset.Position(fn.Body.Rbrace).Offset
			var out []string
			for _, line := range strings.Split(strings.Trim(string(src[start:end]), "\n"), "\n") {
				out = append(out, strings.TrimPrefix(line, "\t"))
			}
			return strings.Join(out, "\n") + "\n", nil
		}
	}
	return "", fmt.Errorf("no func %s in %s", name, dir)
}

// The admin token the run blocks' stub is started with.
const adminToken = "docs-admin-token"

// proxyDoc is the page whose run blocks go through a proxy.
var proxyDoc = filepath.Join("docs", "proxy.md")

func TestRunBlocksRun(t *testing.T) {
	byFile := map[string][]sample{}
	var order []string
	for _, s := range samples(t) {
		if s.kind == "run" {
			if byFile[s.file] == nil {
				order = append(order, s.file)
			}
			byFile[s.file] = append(byFile[s.file], s)
		}
	}
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: make test installs it (make doc-tools)", tool)
		}
	}
	for _, file := range order {
		t.Run(file, func(t *testing.T) {
			// Each document runs its blocks in order against a stub of its
			// own, on the demo world, as its text sets them up; the page on
			// proxy mode against a proxy in front of such a stub.
			stub := stubtest.New(t, stubtest.WithAdminToken(adminToken))
			if file == proxyDoc {
				stub = stubtest.New(t, stubtest.WithAdminToken(adminToken),
					stubtest.WithConfig(func(c *server.Config) { c.Upstream = stub.URL }))
			}
			dir := t.TempDir()
			env := append(os.Environ(),
				"BASE="+stub.URL,
				"STUB="+stub.URL,
				"STUB_ADMIN_TOKEN="+adminToken,
				"AUTH=Authorization: Bearer "+adminToken,
				"TWILIO="+stub.AccountSID+":"+stub.AuthToken,
			)
			for _, s := range byFile[file] {
				runBlock(t, s, dir, env)
			}
		})
	}
}

// runBlock runs s in bash and checks its "# =>" lines.
func runBlock(t *testing.T, s sample, dir string, env []string) {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -eo pipefail\n")
	var checks [][]string
	for _, line := range strings.Split(s.body, "\n") {
		want, ok := strings.CutPrefix(line, "# => ")
		if !ok {
			script.WriteString(line + "\n")
			continue
		}
		// A marker line of its own, even after output without a newline.
		marker := fmt.Sprintf("printf '\\n@@check %d\\n'\n", len(checks)-1)
		if n := len(checks); n > 0 && strings.HasSuffix(script.String(), marker) {
			checks[n-1] = append(checks[n-1], want)
			continue
		}
		fmt.Fprintf(&script, "printf '\\n@@check %d\\n'\n", len(checks))
		checks = append(checks, []string{want})
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir, cmd.Env = dir, env
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	timer := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	err := cmd.Run()
	timer.Stop()
	segments := regexp.MustCompile(`(?m)^@@check \d+\n`).Split(stdout.String(), -1)
	if err != nil {
		t.Fatalf("%s:%d: the block failed (%v) after %d of %d checks\nstdout:\n%s\nstderr:\n%s",
			s.file, s.line, err, len(segments)-1, len(checks), stdout.String(), stderr.String())
	}
	for i, wants := range checks {
		for _, want := range wants {
			if !strings.Contains(segments[i], want) {
				t.Errorf("%s:%d: check %d: the output does not hold %q:\n%s", s.file, s.line, i+1, want, segments[i])
			}
		}
	}
}
