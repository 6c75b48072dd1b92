// Package release holds the tests of what `make dist` and `make image`
// ship: the release binaries with their checksums and stamped version, and
// the container image (its configuration, and the binary in it serving).
// builder.sh, beside them, picks the image builder for both the Makefile
// and the tests.
package release
