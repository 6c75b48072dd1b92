package admin

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// JournalDelay is how long an entry waits in its process to be written to
// a store.Shared together with the entries that follow it: a request
// answered by one replica shows in the journal read through another
// within this time (and a write's). A read through the replica that
// answered it waits for the write, and shows it at once.
const JournalDelay = 50 * time.Millisecond

// journalSyncTimeout bounds how long a read waits for this process's
// entries to be written: a database that is away fails the read after,
// rather than hold it.
const journalSyncTimeout = 5 * time.Second

// SharedJournal keeps the request journal in a store.Shared, so that any
// replica's admin API reads the requests every replica answered.
//
// Record, on the request path, only queues the entry: a writer goroutine
// writes the queue in one transaction per batch, every JournalDelay at
// most, and trims the journal to its bounds in the same transaction. The
// bounds are the in-memory journal's: at most size entries and maxBytes
// (Entry.bytes). The queue keeps them too, dropping its oldest entries
// first (the trim would drop them anyway), so a database that is slow or
// away costs this process no more memory than the in-memory journal.
// Replicas should be given the same bounds: each trims to its own.
//
// Entries are numbered by the database, in the order they are written:
// each replica's in the order it answered them, and one replica's batch
// after another's when it was written later.
//
// Close it when done: it writes what is queued.
type SharedJournal struct {
	db       store.Shared
	size     int
	maxBytes int64
	logger   *slog.Logger

	mu         sync.Mutex
	queue      []queued // oldest first
	queueBytes int64
	// skipped counts the entries dropped from the queue's front before
	// they were written: their numbers are left unused, so that Seq still
	// counts the requests recorded, as the in-memory journal's does.
	skipped      int64
	recorded     uint64        // the number of the last entry queued
	written      uint64        // every entry numbered up to this is written
	writtenNow   chan struct{} // closed, and replaced, when written grows
	wake, urgent chan struct{} // to the writer: an entry is queued; a read waits

	stop    chan struct{}
	stopped chan struct{}
	close   sync.Once
}

type queued struct {
	n     uint64 // this process's number for it
	entry Entry
	bytes int64
}

var _ JournalStore = (*SharedJournal)(nil)

// NewSharedJournal returns a journal kept in db, within size entries (at
// least one) and maxBytes (0 means DefaultJournalBytes), and starts its
// writer. logger hears of failed writes; nil discards them.
func NewSharedJournal(db store.Shared, size int, maxBytes int64, logger *slog.Logger) *SharedJournal {
	if maxBytes <= 0 {
		maxBytes = DefaultJournalBytes
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	j := &SharedJournal{
		db: db, size: max(size, 1), maxBytes: maxBytes, logger: logger,
		writtenNow: make(chan struct{}),
		wake:       make(chan struct{}, 1),
		urgent:     make(chan struct{}, 1),
		stop:       make(chan struct{}),
		stopped:    make(chan struct{}),
	}
	go j.write()
	return j
}

// Record queues e. It never waits for the database.
func (j *SharedJournal) Record(e Entry) {
	eb := e.bytes()
	j.mu.Lock()
	j.recorded++
	j.queue = append(j.queue, queued{n: j.recorded, entry: e, bytes: eb})
	j.queueBytes += eb
	j.bound()
	j.mu.Unlock()
	signal(j.wake)
}

// bound drops the oldest queued entries beyond the journal's bounds; the
// newest stays. j.mu is held.
func (j *SharedJournal) bound() {
	drop := 0
	for len(j.queue)-drop > 1 && (len(j.queue)-drop > j.size || j.queueBytes > j.maxBytes) {
		j.queueBytes -= j.queue[drop].bytes
		drop++
	}
	j.skipped += int64(drop)
	if drop > 0 {
		clear(j.queue[:drop]) // let the entries' maps go
		j.queue = j.queue[drop:]
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// write is the writer: it waits for an entry, gives the next ones
// JournalDelay to join it (less when a read is waiting), and writes them.
func (j *SharedJournal) write() {
	defer close(j.stopped)
	backoff := JournalDelay
	for {
		select {
		case <-j.wake:
		case <-j.urgent:
		case <-j.stop:
			j.flush(context.Background())
			return
		}
		timer := time.NewTimer(JournalDelay)
		select {
		case <-timer.C:
		case <-j.urgent:
		case <-j.stop:
		}
		timer.Stop()
		if err := j.flush(context.Background()); err != nil {
			j.logger.Error("request journal: cannot write to the shared store; retrying", "error", err, "retry_in", backoff)
			select {
			case <-time.After(backoff):
			case <-j.stop:
			}
			backoff = min(2*backoff, 2*time.Second)
			signal(j.wake)
			continue
		}
		backoff = JournalDelay
	}
}

// flush writes the queue. On failure the entries go back to its front,
// within the bounds, for the next try.
func (j *SharedJournal) flush(ctx context.Context) error {
	j.mu.Lock()
	batch, skipped := j.queue, j.skipped
	j.queue, j.queueBytes, j.skipped = nil, 0, 0
	j.mu.Unlock()
	if len(batch) == 0 {
		j.mu.Lock()
		j.skipped += skipped
		j.mu.Unlock()
		return nil
	}
	records := make([]store.JournalEntry, 0, len(batch))
	skip := skipped
	for i := range batch {
		data, err := encodeEntry(&batch[i].entry)
		if err != nil {
			skip++ // an Entry always encodes; one that did not would be lost alone
			continue
		}
		records = append(records, store.JournalEntry{Bytes: batch[i].bytes, Data: data, Skip: skip})
		skip = 0
	}
	ctx, cancel := context.WithTimeout(ctx, journalSyncTimeout)
	defer cancel()
	if err := j.db.AppendRequests(ctx, records, j.size, j.maxBytes); err != nil {
		j.mu.Lock()
		for _, q := range batch {
			j.queueBytes += q.bytes
		}
		// The batch's dropped entries come before the ones dropped since:
		// all are counted before the queue's first entry, which keeps the
		// count right if not every gap in its place.
		j.skipped += skipped
		j.queue = append(batch, j.queue...)
		j.bound()
		j.mu.Unlock()
		return err
	}
	j.mu.Lock()
	j.written = batch[len(batch)-1].n
	close(j.writtenNow)
	j.writtenNow = make(chan struct{})
	j.mu.Unlock()
	return nil
}

// sync waits until every entry this process queued before the call is
// written, or journalSyncTimeout has passed.
func (j *SharedJournal) sync(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, journalSyncTimeout)
	defer cancel()
	j.mu.Lock()
	target := j.recorded
	for j.written < target {
		wait := j.writtenNow
		j.mu.Unlock()
		signal(j.urgent)
		select {
		case <-wait:
		case <-ctx.Done():
			return
		}
		j.mu.Lock()
	}
	j.mu.Unlock()
}

// Entries reads the journal from the store, after this process's entries
// are written.
func (j *SharedJournal) Entries(ctx context.Context, f Filter) ([]Entry, error) {
	j.sync(ctx)
	var out []Entry
	var decodeErr error
	err := j.db.Requests(ctx, func(r store.JournalEntry) bool {
		e, err := decodeEntry(r.Seq, r.Data)
		if err != nil {
			decodeErr = err
			return false
		}
		if f.matches(&e) {
			out = append(out, e)
		}
		return f.Limit == 0 || len(out) < f.Limit
	})
	if err == nil {
		err = decodeErr
	}
	if err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// Clear empties the journal of every entry recorded before: this
// process's are written first, then every entry is removed.
func (j *SharedJournal) Clear(ctx context.Context) error {
	j.sync(ctx)
	return j.db.ClearRequests(ctx)
}

// Close writes what is queued and stops the writer.
func (j *SharedJournal) Close() error {
	j.close.Do(func() { close(j.stop) })
	<-j.stopped
	return nil
}
