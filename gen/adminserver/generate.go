// Package adminserver is generated from api/admin.yaml: the echo server
// interface of the stub's admin API and the embedded spec. Its models are
// gen/admin's. Do not edit adminserver.gen.go; change the spec and run
// `make generate`.
package adminserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/admin.yaml
