package admin

import "context"

// JournalStore keeps the request journal. Journal, in memory, is the
// stub's own; SharedJournal keeps it in a store.Shared, for replicas that
// share one.
type JournalStore interface {
	// Record adds e, numbering it. It is on the request path: it never
	// waits for I/O.
	Record(e Entry)
	// Entries returns the entries f selects, oldest first, every entry
	// this process recorded before the call included. They share no
	// memory with the journal.
	Entries(ctx context.Context, f Filter) ([]Entry, error)
	// Clear empties the journal of every entry recorded before the call;
	// numbering goes on.
	Clear(ctx context.Context) error
}

// FaultStore keeps the fault rules. Faults, in memory, is the stub's own;
// SharedFaults keeps them in a store.Shared, for replicas that share them.
type FaultStore interface {
	// Put adds f at the end of the list, with a new ID unless f has one;
	// an f with the ID of a listed fault replaces that one in its place.
	// Either way its count starts from zero. It returns the fault as kept
	// and whether it was added rather than replaced; an unusable f is an
	// *Error.
	Put(ctx context.Context, f Fault) (Fault, bool, error)
	// Remove removes the fault with id, and reports whether there was one.
	Remove(ctx context.Context, id string) (bool, error)
	// Clear removes every fault. IDs the stub assigns go on counting.
	Clear(ctx context.Context) error
	// List returns copies of the faults, in order, with their counts.
	List(ctx context.Context) ([]Fault, error)
	// Take picks the fault for r: the first, in order, that selects it,
	// is not spent and wins its draw; it counts it as applied, so that a
	// fault with Times n applies to exactly n requests however many
	// arrive at once. It is on the request path: with no fault to pick it
	// must cost next to nothing.
	Take(ctx context.Context, r Request) (Fault, bool, error)
}

var (
	_ JournalStore = (*Journal)(nil)
	_ FaultStore   = (*Faults)(nil)
)
