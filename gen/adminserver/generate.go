// Package adminserver is generated from api/admin.yaml: the echo server
// interface of the stub's admin API (adminserver.gen.go) and the embedded
// spec, all of it (spec.gen.go). Its models are gen/admin's. The
// dashboard's operations are gen/dashboardserver's. Do not edit the .gen.go
// files; change the spec and run `make generate`.
package adminserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/admin.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config spec.config.yaml ../../api/admin.yaml
