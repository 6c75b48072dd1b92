package release

import (
	"bufio"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// root is the repository's root, from this package's folder.
const root = "../../.."

// make runs a Makefile target with variables, and returns its output.
func runMake(t *testing.T, target string, vars ...string) string {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", root, "--no-print-directory", target}, vars...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s %v: %v\n%s", target, vars, err, out)
	}
	return string(out)
}

// make dist cross-compiles static binaries, stamps the version, and writes
// SHA256SUMS. Two targets keep the test fast: this machine's, to run, and
// another system's, to show cross-compilation works.
func TestDist(t *testing.T) {
	dir := t.TempDir()
	const version = "v0.0.0-disttest"
	host := runtime.GOOS + "/" + runtime.GOARCH
	other := "windows/arm64"
	if runtime.GOOS == "windows" {
		other = "linux/arm64"
	}
	runMake(t, "dist", "DIST_DIR="+dir, "DIST_TARGETS="+host+" "+other, "VERSION="+version, "COMMIT=0123abcdef")

	name := func(target string) string {
		os, arch, _ := strings.Cut(target, "/")
		n := "conversations-stub_" + version + "_" + os + "_" + arch
		if os == "windows" {
			n += ".exe"
		}
		return n
	}
	sums := readSums(t, filepath.Join(dir, "SHA256SUMS"))
	if len(sums) != 2 {
		t.Fatalf("SHA256SUMS lists %v, want the 2 binaries", sums)
	}
	for _, target := range []string{host, other} {
		data, err := os.ReadFile(filepath.Join(dir, name(target)))
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		sum := sha256.Sum256(data)
		if got := sums[name(target)]; got != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: SHA256SUMS says %q, the file's is %x", name(target), got, sum)
		}
	}

	bin := filepath.Join(dir, name(host))
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s --version: %v: %s", bin, err, out)
	}
	if want := "conversations-stub " + version + " (commit 0123abcdef, go"; !strings.HasPrefix(string(out), want) {
		t.Fatalf("--version prints %q, want %q...", out, want)
	}
	if runtime.GOOS == "linux" {
		assertStatic(t, bin)
	}
}

// readSums reads a sha256sum file: "HASH  NAME" a line.
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		sum, name, ok := strings.Cut(scanner.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: bad line %q", scanner.Text())
		}
		sums[strings.TrimPrefix(name, "*")] = sum
	}
	return sums
}

// assertStatic fails unless the ELF binary at path needs no dynamic
// loader: it runs on scratch.
func assertStatic(t *testing.T, path string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Fatalf("%s is dynamically linked", path)
		}
	}
}
