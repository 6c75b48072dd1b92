// Package conversations is generated from api/openapi.yaml: the User
// Conversation models and an HTTP client, with no server dependency. Do
// not edit conversations.gen.go; change the spec and run `make generate`.
package conversations

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/openapi.yaml
