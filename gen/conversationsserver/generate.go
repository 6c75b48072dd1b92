// Package conversationsserver is generated from api/openapi.yaml: the echo
// server interface of the User Conversation API and the embedded spec. Its
// models are gen/conversations'. Do not edit the .gen.go files; change the
// spec and run `make generate`.
package conversationsserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/openapi.yaml
