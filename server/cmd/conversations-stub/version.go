package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version and commit are stamped at build time by make dist and make image:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=0123abc" ./server/cmd/conversations-stub
//
// Unstamped, they come from the build information Go records: the module
// version under `go install ...@v1.2.3`, the VCS revision in a checkout.
var version, commit string

// buildInfo returns the version, the commit and the Go version the binary
// was built with; "dev" and "unknown" where nothing says.
func buildInfo() (ver, rev, goVersion string) {
	ver, rev = version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if ver == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			ver = info.Main.Version
		}
		dirty := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if rev == "" {
					rev = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && commit == "" && rev != "" {
			rev += "-dirty"
		}
	}
	if ver == "" {
		ver = "dev"
	}
	if rev == "" {
		rev = "unknown"
	}
	return ver, rev, runtime.Version()
}

// versionLine is what --version prints.
func versionLine() string {
	ver, rev, goVersion := buildInfo()
	return fmt.Sprintf("conversations-stub %s (commit %s, %s, %s/%s)", ver, rev, goVersion, runtime.GOOS, runtime.GOARCH)
}
