package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Timeouts of the stub's http.Server. ReadHeaderTimeout cuts off clients
// that send headers slowly; the others bound every request and idle
// keep-alive connection.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// NewHTTPServer wraps h in an http.Server with the stub's timeouts.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// ErrRequestsCut is what Serve returns when requests still in flight after
// the shutdown's grace period were cut.
var ErrRequestsCut = errors.New("requests still in flight after the shutdown timeout were cut")

// Serve serves on ln until ctx is done, then shuts down gracefully:
// requests in flight get up to grace to finish. Those that take longer are
// cut (their connections closed), and Serve returns ErrRequestsCut.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		_ = srv.Close()
		err = ErrRequestsCut
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}
