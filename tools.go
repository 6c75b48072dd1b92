//go:build tools

// Package tools pins the tools the Makefile runs with `go run`, so that
// they are the versions recorded in go.mod rather than whatever happens to
// be installed: the code generator and the linter.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
