package admin

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twilio-stubs/userconversations/server/store"
)

// FaultPropagation is how often SharedFaults asks the store whether the
// rules changed: a fault put, removed or cleared through one replica acts
// on the others within this time (and a query's).
const FaultPropagation = 100 * time.Millisecond

// SharedFaults keeps the fault rules in a store.Shared, so that every
// replica on the database applies the same ones.
//
// The request path reads a copy of the rules held in memory: with no rule,
// a request costs no database round trip. The copy is refreshed when this
// process changes the rules, and when the rules' version, polled every
// FaultPropagation, shows another process changed them. Applying a rule
// is one statement (store.Shared.ApplyFaultRule) that counts it unless it
// is spent, so a rule of times n applies exactly n times across replicas.
//
// Close it when done: it stops the polling.
type SharedFaults struct {
	db     store.Shared
	logger *slog.Logger

	rules     atomic.Pointer[faultCopy]
	refreshMu sync.Mutex // one refresh at a time, installed in version order

	stop    chan struct{}
	stopped chan struct{}
	close   sync.Once
}

// faultCopy is the rules at one version.
type faultCopy struct {
	version int64
	faults  []*copiedFault
}

type copiedFault struct {
	Fault
	// spent: the store refused to count it once more; it is skipped until
	// the next refresh.
	spent atomic.Bool
}

var _ FaultStore = (*SharedFaults)(nil)

// NewSharedFaults reads the rules from db and starts polling their
// version. logger hears of failed polls; nil discards them.
func NewSharedFaults(ctx context.Context, db store.Shared, logger *slog.Logger) (*SharedFaults, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &SharedFaults{db: db, logger: logger, stop: make(chan struct{}), stopped: make(chan struct{})}
	s.rules.Store(&faultCopy{version: -1})
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	go s.poll()
	return s, nil
}

// Close stops the polling.
func (s *SharedFaults) Close() error {
	s.close.Do(func() { close(s.stop) })
	<-s.stopped
	return nil
}

func (s *SharedFaults) poll() {
	defer close(s.stopped)
	tick := time.NewTicker(FaultPropagation)
	defer tick.Stop()
	failing := false
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*FaultPropagation)
		err := s.refreshIfChanged(ctx)
		cancel()
		// A database that stays away is logged once, and its return once.
		switch {
		case err != nil && !failing:
			s.logger.Error("fault rules: cannot read the shared rules; keeping the last ones read", "error", err)
		case err == nil && failing:
			s.logger.Info("fault rules: reading the shared rules again")
		}
		failing = err != nil
	}
}

// refreshIfChanged refreshes the copy if the store's version differs.
func (s *SharedFaults) refreshIfChanged(ctx context.Context) error {
	v, err := s.db.FaultRulesVersion(ctx)
	if err != nil {
		return err
	}
	if v == s.rules.Load().version {
		return nil
	}
	return s.refresh(ctx)
}

// refresh reads the rules and installs them, unless a newer copy is in.
func (s *SharedFaults) refresh(ctx context.Context) error {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	rules, version, err := s.db.FaultRules(ctx)
	if err != nil {
		return err
	}
	if version < s.rules.Load().version {
		return nil
	}
	c := &faultCopy{version: version, faults: make([]*copiedFault, 0, len(rules))}
	for _, r := range rules {
		f, err := decodeFault(r.ID, r.Rule, r.Times, r.Applied)
		if err != nil {
			return fmt.Errorf("fault %s: %w", r.ID, err)
		}
		cf := &copiedFault{Fault: f}
		cf.spent.Store(f.spent())
		c.faults = append(c.faults, cf)
	}
	s.rules.Store(c)
	return nil
}

// Put is FaultStore's.
func (s *SharedFaults) Put(ctx context.Context, f Fault) (Fault, bool, error) {
	f.Applied = 0
	if err := f.check(); err != nil {
		return Fault{}, false, err
	}
	data, err := encodeFault(f)
	if err != nil {
		return Fault{}, false, err
	}
	kept, added, err := s.db.PutFaultRule(ctx, store.FaultRule{ID: f.ID, Rule: data, Times: f.Times})
	if err != nil {
		return Fault{}, false, err
	}
	f.ID = kept.ID
	s.refreshAfterWrite(ctx)
	return f.clone(), added, nil
}

// Remove is FaultStore's.
func (s *SharedFaults) Remove(ctx context.Context, id string) (bool, error) {
	removed, err := s.db.RemoveFaultRule(ctx, id)
	if err != nil {
		return false, err
	}
	s.refreshAfterWrite(ctx)
	return removed, nil
}

// Clear is FaultStore's.
func (s *SharedFaults) Clear(ctx context.Context) error {
	if err := s.db.ClearFaultRules(ctx); err != nil {
		return err
	}
	s.refreshAfterWrite(ctx)
	return nil
}

// refreshAfterWrite brings this process's copy up to a change it made, so
// that the change acts on its next request. The change is stored whatever
// happens here: a failure leaves the copy to the next poll.
func (s *SharedFaults) refreshAfterWrite(ctx context.Context) {
	if err := s.refresh(ctx); err != nil {
		s.logger.Error("fault rules: cannot read the shared rules after a change; the next poll will", "error", err)
	}
}

// List reads the rules from the store, with their counts now.
func (s *SharedFaults) List(ctx context.Context) ([]Fault, error) {
	rules, _, err := s.db.FaultRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Fault, len(rules))
	for i, r := range rules {
		if out[i], err = decodeFault(r.ID, r.Rule, r.Times, r.Applied); err != nil {
			return nil, fmt.Errorf("fault %s: %w", r.ID, err)
		}
	}
	return out, nil
}

// Take is FaultStore's: the rules are read from the copy, and only one
// that selects r is counted in the store.
func (s *SharedFaults) Take(ctx context.Context, r Request) (Fault, bool, error) {
	for _, f := range s.rules.Load().faults {
		if f.spent.Load() || !f.selects(r) || !f.draw() {
			continue
		}
		applied, ok, err := s.db.ApplyFaultRule(ctx, f.ID)
		if err != nil {
			return Fault{}, false, err
		}
		if !ok {
			// Spent through another replica, or removed: the next
			// refresh tells which.
			f.spent.Store(true)
			continue
		}
		taken := f.Fault
		taken.Applied = applied
		if taken.spent() {
			f.spent.Store(true)
		}
		return taken, true, nil
	}
	return Fault{}, false, nil
}
