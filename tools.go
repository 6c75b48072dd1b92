//go:build tools

// Package tools pins the code generator so `go generate` uses the version
// recorded in go.mod rather than whatever happens to be installed.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
