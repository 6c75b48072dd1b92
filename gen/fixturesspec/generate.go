// Package fixturesspec is generated from api/fixtures.yaml: the embedded
// spec of the stub's fixture document. Do not edit fixturesspec.gen.go;
// change the spec and run `make generate`.
package fixturesspec

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/fixtures.yaml
