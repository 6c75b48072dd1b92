package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/twilio-stubs/userconversations/server"
	"github.com/twilio-stubs/userconversations/server/internal/recording"
)

// recordInterval spaces the writes of --record: a busy suite changes the
// recording with nearly every answer, and each write is the whole file.
const recordInterval = time.Second

// keepRecording writes the recording to file (--record) while the stub
// serves: after a change, at most once per recordInterval. The returned
// stop, called once the server has stopped, writes it a last time, with
// the answers of the requests that finished during the shutdown. Without
// a file it does nothing.
func keepRecording(ctx context.Context, srv *server.Server, file string, logger *slog.Logger) (stop func()) {
	if file == "" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-srv.RecordingChanged():
			}
			writeRecording(srv, file, logger, slog.LevelDebug)
			select {
			case <-ctx.Done():
				return
			case <-time.After(recordInterval):
			}
		}
	}()
	return func() {
		cancel()
		<-done
		writeRecording(srv, file, logger, slog.LevelInfo)
	}
}

// writeRecording writes the recording, if there is one yet, logging at
// level that it did; failing is logged and the stub goes on.
func writeRecording(srv *server.Server, file string, logger *slog.Logger, level slog.Level) {
	doc, ok := srv.Recording()
	if !ok {
		logger.Log(context.Background(), level, "nothing recorded yet", "record", file)
		return
	}
	if err := recording.WriteFile(file, doc); err != nil {
		logger.Error("cannot write the recording", "record", file, "error", err)
		return
	}
	logger.Log(context.Background(), level, "recording written", "record", file, "accounts", len(doc.Accounts))
}
