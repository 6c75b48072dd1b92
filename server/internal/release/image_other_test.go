//go:build !linux

package release

import "testing"

func testBuildahImage(t *testing.T) { t.Skip("buildah builds on Linux only") }
