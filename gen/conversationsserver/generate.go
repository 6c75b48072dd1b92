// Package conversationsserver is generated from api/openapi.yaml: the echo
// server interface of the User Conversation API, the embedded spec, and
// JSON encoders for the responses' models (json.gen.go, which writes what
// encoding/json writes, without reflection). Its models are
// gen/conversations'. Do not edit the .gen.go files; change the spec and
// run `make generate`.
package conversationsserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/openapi.yaml
//go:generate go run ../../server/internal/jsongen -pkg ../conversations -types UserConversationPage,UserConversation,Error -escape-html=false -o json.gen.go
