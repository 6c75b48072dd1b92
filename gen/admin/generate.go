// Package admin is generated from api/admin.yaml: the models of the stub's
// admin API and an HTTP client. Fixture documents and error bodies are the
// types of gen/fixtures and gen/conversations (import-mapping). Do not edit
// admin.gen.go; change the spec and run `make generate`.
package admin

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/admin.yaml
