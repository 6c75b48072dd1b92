// Package noescape holds jsongen's encoders of package kinds, generated
// with -escape-html=false.
package noescape

//go:generate go run ../../.. -pkg .. -types Everything,OptionalFirst -escape-html=false -o json.gen.go
