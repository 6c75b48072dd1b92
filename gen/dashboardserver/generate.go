// Package dashboardserver is generated from api/admin.yaml: the echo server
// interface of the dashboard's operations (tag Dashboard), which
// gen/adminserver leaves out. Do not edit dashboardserver.gen.go; change
// the spec and run `make generate`.
package dashboardserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../../api/admin.yaml
