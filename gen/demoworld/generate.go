// Package demoworld is generated from server/fixtures/demo.yaml: the demo
// world as Go code, which fixtures.Demo returns without parsing anything.
// Do not edit demo.gen.go; change demo.yaml and run `make generate`.
package demoworld

//go:generate go run -tags demogen ../../server/internal/demogen -in ../../server/fixtures/demo.yaml -o demo.gen.go
