package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// With the admin API on, clients that send the largest requests the stub
// takes, without credentials, grow the journal by its bounds only: 1,200
// requests, each with a 62 KB query of 4,200 parameters and a 63 KB form
// body, once made the stub grow from 18 MB to 1.85 GB.
func TestJournalAttackStaysBounded(t *testing.T) {
	const (
		requests = 1200
		workers  = 8
	)
	// The bound: the 8 MiB journal, the demo world, Go's runtime (this
	// test binary's), and the garbage the attack leaves between
	// collections. Measured: about 55 MB; about 150 MB under the race
	// detector. Before the journal was bounded by bytes: 1.85 GB.
	maxPeak := int64(100 << 20)
	if raceEnabled {
		maxPeak = 300 << 20
	}
	p := startProcess(t, []string{"STUB_ADMIN_TOKEN=attack-admin-token"}, "--addr", "127.0.0.1:0", "--log-level", "error")
	if p.URL == "" {
		t.Fatalf("the stub did not serve: %s", p.stderr)
	}
	var query strings.Builder
	for i := range 4200 {
		if i > 0 {
			query.WriteByte('&')
		}
		fmt.Fprintf(&query, "p%04d=%09d", i, i)
	}
	body := "NotificationLevel=muted&x=" + strings.Repeat("y", 63_000-26)
	target := p.URL + "/v1/Users/alice/Conversations/general?" + query.String()
	if len(query.String()) < 62_000 {
		t.Fatalf("the query is %d bytes", len(query.String()))
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var wg sync.WaitGroup
	statuses := make(chan int, requests)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < requests; i += workers {
				resp, err := client.Post(target, "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				statuses <- resp.StatusCode
			}
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusUnauthorized {
			t.Fatalf("an unauthenticated request answered %d", s)
		}
	}
	rss, peak := p.memory(t)

	req, _ := http.NewRequest(http.MethodGet, p.URL+"/_stub/requests", nil)
	req.Header.Set("Authorization", "Bearer attack-admin-token")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	journal, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	t.Logf("after %d requests of %d KB: RSS %d MB, peak %d MB; the journal's JSON is %d KB, read in %v",
		requests, (len(target)+len(body))>>10, rss>>20, peak>>20, len(journal)>>10, took.Round(time.Millisecond))
	if peak > maxPeak {
		t.Errorf("peak RSS %d MB, over the %d MB bound", peak>>20, maxPeak>>20)
	}
	if !strings.Contains(string(journal), `"truncated":true`) || len(journal) > 16<<20 {
		t.Errorf("the journal's answer is %d bytes, truncation marked: %v", len(journal), strings.Contains(string(journal), `"truncated":true`))
	}
}
