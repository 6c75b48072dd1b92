// Command loadgen is the benchmarks' HTTP/1.1 load generator: a small,
// wrk-like closed loop over keep-alive connections to loopback addresses.
// Every connection writes one pre-built request, reads the response (with
// Content-Length or chunked), and writes the next; latencies are kept
// whole and sorted at the end, so percentiles are exact.
//
//	loadgen run  -url URL [-label L] [-pid PID] [-url URL2 -label L2 -pid PID2 -rounds 5]
//	             [-X POST -data BODY] [-user U -pass P] [-c 32] [-d 10s] [-warmup 1s]
//	loadgen wait -url URL [-user U -pass P] [-timeout 60s] [-since UNIX_NANOS]
//	loadgen get  -url URL [-user U -pass P]
//	loadgen freeport [-n 3]
//
// run loads each -url for -d, split into -rounds rounds: several -url are
// loaded one at a time, in alternating rounds, with the same request,
// connections and duration, so that a machine whose speed drifts (other
// work on it) drifts for all of them. It prints one tab-separated line per
// -url:
//
//	label
//	requests/s: median, min and max over the rounds
//	p50 and p99 latency in milliseconds, over all rounds
//	requests, non-2xx responses, transport errors
//	CPU µs per request of the -pid processes: median, min and max over the
//	  rounds ("-" without -pid); user + system time of all their threads.
//	  A -pid is a process id, or several joined by commas; one ending in
//	  "+" counts its child processes too (a database server's)
//	the load generator's own CPU µs per request, median
//	the -pid process's CPU µs per request of each round, comma-separated,
//	  for pairing rounds of two servers
//
// wait polls until URL answers 200 and prints the milliseconds since -since
// (a process start time) or since it began. get prints the response body,
// or fails. freeport prints free loopback ports.
//
// Like wrk it measures a closed loop: a slow response delays the next
// request of its connection, so the percentiles are those of the requests
// sent, not of a fixed arrival rate.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = runCmd(os.Args[2:])
	case "wait":
		err = waitCmd(os.Args[2:])
	case "get":
		err = getCmd(os.Args[2:])
	case "freeport":
		err = freeportCmd(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: loadgen run|wait|get -url URL [flags], or loadgen freeport [-n N]; loadgen run -h for the flags")
	os.Exit(2)
}

// target is what every command sends.
type target struct {
	url, method, data, contentType, user, pass string
}

// flags registers the request flags; -url is the caller's, as run takes
// several.
func (t *target) flags(fs *flag.FlagSet) {
	fs.StringVar(&t.method, "X", http.MethodGet, "method")
	fs.StringVar(&t.data, "data", "", "request body")
	fs.StringVar(&t.contentType, "content-type", "application/x-www-form-urlencoded", "Content-Type of -data")
	fs.StringVar(&t.user, "user", "", "HTTP Basic user name")
	fs.StringVar(&t.pass, "pass", "", "HTTP Basic password")
}

// build checks the URL and renders the request bytes every connection
// sends. Only loopback hosts are accepted: this tool loads local processes.
func (t *target) build() (addr string, req []byte, err error) {
	u, err := url.Parse(t.url)
	if err != nil {
		return "", nil, err
	}
	if u.Scheme != "http" {
		return "", nil, fmt.Errorf("%s: only http:// URLs", t.url)
	}
	if t.method == http.MethodHead || t.method == http.MethodConnect {
		return "", nil, fmt.Errorf("-X %s: responses without a body are not read", t.method)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", nil, fmt.Errorf("%s: only loopback addresses", t.url)
	}
	addr = u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(host, "80")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: loadgen\r\nAccept: application/json\r\n", t.method, u.RequestURI(), u.Host)
	if t.user != "" || t.pass != "" {
		fmt.Fprintf(&b, "Authorization: Basic %s\r\n", base64.StdEncoding.EncodeToString([]byte(t.user+":"+t.pass)))
	}
	if t.data != "" || t.method == http.MethodPost {
		fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Length: %d\r\n", t.contentType, len(t.data))
	}
	b.WriteString("\r\n")
	b.WriteString(t.data)
	return addr, b.Bytes(), nil
}

// conn is one keep-alive connection.
type conn struct {
	addr string
	req  []byte
	c    net.Conn
	r    *bufio.Reader
	body bytes.Buffer // kept only when asked
	// deadline bounds every read and write: a server that stops answering
	// fails the request instead of hanging the benchmark.
	deadline time.Time
}

func (c *conn) setDeadline(t time.Time) {
	c.deadline = t
	if c.c != nil {
		c.c.SetDeadline(t)
	}
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

// do sends the request and reads the whole response; it returns the status.
func (c *conn) do(keepBody bool) (int, error) {
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, err
		}
		c.c = nc
		nc.SetDeadline(c.deadline)
		if c.r == nil {
			c.r = bufio.NewReaderSize(nc, 64<<10)
		} else {
			c.r.Reset(nc)
		}
	}
	if _, err := c.c.Write(c.req); err != nil {
		c.close()
		return 0, err
	}
	status, closeAfter, err := c.readResponse(keepBody)
	if err != nil || closeAfter {
		c.close()
	}
	return status, err
}

var errMalformed = errors.New("malformed response")

func (c *conn) readResponse(keepBody bool) (status int, closeAfter bool, err error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, errMalformed
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, errMalformed
	}
	length, chunked := -1, false
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, false, errMalformed
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, errMalformed
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			closeAfter = bytes.EqualFold(value, []byte("close"))
		}
	}
	c.body.Reset()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified {
		return status, closeAfter, nil // no body, whatever the headers say
	}
	var sink io.Writer = io.Discard
	if keepBody {
		sink = &c.body
	}
	switch {
	case chunked:
		for {
			line, err := c.r.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			sizeText, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
			size, err := strconv.ParseInt(string(sizeText), 16, 64)
			if err != nil || size < 0 {
				return 0, false, errMalformed
			}
			if size == 0 {
				// Trailers, then the empty line.
				for {
					line, err := c.r.ReadSlice('\n')
					if err != nil {
						return 0, false, err
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						return status, closeAfter, nil
					}
				}
			}
			if _, err := io.CopyN(sink, c.r, size+2); err != nil {
				return 0, false, err
			}
			if keepBody {
				c.body.Truncate(c.body.Len() - 2)
			}
		}
	case length >= 0:
		if _, err := io.CopyN(sink, c.r, int64(length)); err != nil {
			return 0, false, err
		}
	default:
		// No length: the body runs to the end of the connection.
		if _, err := io.Copy(sink, c.r); err != nil {
			return 0, false, err
		}
		closeAfter = true
	}
	return status, closeAfter, nil
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// loadTarget is one server under load, with what was measured of it.
type loadTarget struct {
	label string
	pids  []pidSpec // its processes, for CPU time; none if not given
	conns []*conn

	latencies []time.Duration
	non2xx    int
	errors    int
	lastErr   error

	// Per round: requests/s and CPU µs per request (NaN when unknown).
	roundRPS, roundCPU, roundSelfCPU []float64
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var t target
	t.flags(fs)
	var urls, labels, pids listFlag
	fs.Var(&urls, "url", "http://127.0.0.1:PORT/path?query (loopback only); repeat to load several servers in alternating rounds")
	fs.Var(&labels, "label", "first column of each output line, one per -url")
	fs.Var(&pids, "pid", "process ID serving each -url, or IDs joined by commas, each ending in + to count its child processes too: their CPU time per request is reported (Linux /proc)")
	conns := fs.Int("c", 32, "connections, each with one request in flight")
	duration := fs.Duration("d", 10*time.Second, "measured duration per target")
	warmup := fs.Duration("warmup", time.Second, "unmeasured load on each target before its first round")
	rounds := fs.Int("rounds", 1, "split each target's duration into this many rounds, alternating between targets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case len(urls) == 0:
		return errors.New("-url is required")
	case len(labels) > len(urls) || len(pids) > len(urls):
		return errors.New("more -label or -pid than -url")
	case *conns < 1 || *duration <= 0 || *warmup < 0 || *rounds < 1:
		return errors.New("-c, -d and -rounds must be positive, -warmup not negative")
	}

	targets := make([]*loadTarget, len(urls))
	for i, u := range urls {
		t.url = u
		addr, req, err := t.build()
		if err != nil {
			return err
		}
		lt := &loadTarget{label: u, latencies: make([]time.Duration, 0, 1<<18)}
		if i < len(labels) {
			lt.label = labels[i]
		}
		if i < len(pids) {
			if lt.pids, err = parsePids(pids[i]); err != nil {
				return err
			}
		}
		for range *conns {
			lt.conns = append(lt.conns, &conn{addr: addr, req: req})
		}
		targets[i] = lt
		defer func() {
			for _, c := range lt.conns {
				c.close()
			}
		}()
	}

	slice := *duration / time.Duration(*rounds)
	for round := range *rounds {
		for _, lt := range targets {
			if round == 0 && *warmup > 0 {
				lt.load(*warmup, false)
			}
			cpu0, ok0 := pidsCPU(lt.pids)
			self0, selfOK0 := processCPU(os.Getpid())
			n0 := len(lt.latencies) + lt.errors
			elapsed := lt.load(slice, true)
			cpu1, ok1 := pidsCPU(lt.pids)
			self1, selfOK1 := processCPU(os.Getpid())
			n := len(lt.latencies) + lt.errors - n0
			lt.roundRPS = append(lt.roundRPS, float64(n)/elapsed.Seconds())
			lt.roundCPU = append(lt.roundCPU, perRequestUS(cpu1-cpu0, ok0 && ok1, n))
			lt.roundSelfCPU = append(lt.roundSelfCPU, perRequestUS(self1-self0, selfOK0 && selfOK1, n))
		}
	}

	for _, lt := range targets {
		if len(lt.latencies) == 0 {
			return fmt.Errorf("%s: no response in %v: %v", lt.label, *duration, lt.lastErr)
		}
		slices.Sort(lt.latencies)
		rps, cpu, self := summarize(lt.roundRPS), summarize(lt.roundCPU), summarize(lt.roundSelfCPU)
		perRound := make([]string, len(lt.roundCPU))
		for i, v := range lt.roundCPU {
			perRound[i] = fmt.Sprintf("%.2f", v)
		}
		fmt.Printf("%s\t%.0f\t%.0f\t%.0f\t%.3f\t%.3f\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", lt.label,
			rps.median, rps.min, rps.max,
			ms(percentile(lt.latencies, 50)), ms(percentile(lt.latencies, 99)), len(lt.latencies), lt.non2xx, lt.errors,
			us(cpu.median), us(cpu.min), us(cpu.max), us(self.median), strings.Join(perRound, ","))
		if lt.errors > 0 {
			fmt.Fprintf(os.Stderr, "loadgen: %s: %d transport errors, the last: %v\n", lt.label, lt.errors, lt.lastErr)
		}
	}
	return nil
}

// load keeps every connection of lt busy for d and returns how long that
// took: requests sent before the end may finish after it, and count. With
// record, latencies and failures are kept.
func (lt *loadTarget) load(d time.Duration, record bool) time.Duration {
	type tally struct {
		latencies      []time.Duration
		non2xx, errors int
		lastErr        error
	}
	tallies := make([]tally, len(lt.conns))
	start := time.Now()
	end := start.Add(d)
	for _, c := range lt.conns {
		c.setDeadline(end.Add(requestTimeout))
	}
	var wg sync.WaitGroup
	for i, c := range lt.conns {
		wg.Go(func() {
			r := &tallies[i]
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				status, err := c.do(false)
				t1 := time.Now()
				switch {
				case err != nil:
					r.errors++
					r.lastErr = err
					time.Sleep(time.Millisecond) // do not spin on a dead server
				case status < 200 || status > 299:
					r.non2xx++
					r.latencies = append(r.latencies, t1.Sub(t0))
				default:
					r.latencies = append(r.latencies, t1.Sub(t0))
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if record {
		for _, r := range tallies {
			lt.latencies = append(lt.latencies, r.latencies...)
			lt.non2xx += r.non2xx
			lt.errors += r.errors
			if r.lastErr != nil {
				lt.lastErr = r.lastErr
			}
		}
	}
	return elapsed
}

// pidSpec is a process whose CPU time counts, with its children or not.
type pidSpec struct {
	pid      int
	children bool
}

// parsePids reads a -pid: IDs joined by commas, each may end in "+".
func parsePids(value string) ([]pidSpec, error) {
	var out []pidSpec
	for _, part := range strings.Split(value, ",") {
		var p pidSpec
		part, p.children = strings.CutSuffix(part, "+")
		pid, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("-pid %q: %v", value, err)
		}
		p.pid = pid
		out = append(out, p)
	}
	return out, nil
}

// pidsCPU is the CPU time the processes have used, their children's
// included where asked (the children alive now: a child that ended
// meanwhile takes its time with it).
func pidsCPU(pids []pidSpec) (time.Duration, bool) {
	var total time.Duration
	for _, p := range pids {
		cpu, ok := processCPU(p.pid)
		if !ok {
			return 0, false
		}
		total += cpu
		if p.children {
			for _, child := range childrenOf(p.pid) {
				if cpu, ok := processCPU(child); ok {
					total += cpu
				}
			}
		}
	}
	return total, len(pids) > 0
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(data[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}

// processCPU is the CPU time (user + system, all threads) process pid has
// used, from /proc/PID/stat, in clock ticks of 10 ms (USER_HZ on Linux).
func processCPU(pid int) (time.Duration, bool) {
	if pid == 0 {
		return 0, false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after it. utime and stime are fields 14 and 15 of the line.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}

// requestTimeout is how long a request may take past the end of its load
// phase before it fails.
const requestTimeout = 10 * time.Second

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// perRequestUS is d in microseconds per request of n; NaN when d is not
// known or there were no requests.
func perRequestUS(d time.Duration, ok bool, n int) float64 {
	if !ok || n == 0 {
		return math.NaN()
	}
	return float64(d) / float64(time.Microsecond) / float64(n)
}

// spread is the median, min and max of the rounds' values; NaN when one
// of them is unknown.
type spread struct{ median, min, max float64 }

func summarize(values []float64) spread {
	if len(values) == 0 || slices.ContainsFunc(values, math.IsNaN) {
		return spread{math.NaN(), math.NaN(), math.NaN()}
	}
	sorted := slices.Sorted(slices.Values(values))
	n := len(sorted)
	median := sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return spread{median, sorted[0], sorted[n-1]}
}

// us formats microseconds to one decimal; "-" when unknown.
func us(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

// percentile of sorted, nearest-rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	rank := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func waitCmd(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	var t target
	t.flags(fs)
	fs.StringVar(&t.url, "url", "", "http://127.0.0.1:PORT/path?query (required; loopback only)")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this long")
	interval := fs.Duration("interval", time.Millisecond, "pause between attempts")
	since := fs.Int64("since", 0, "Unix time in nanoseconds to count from (the process start); 0: now")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr, req, err := t.build()
	if err != nil {
		return err
	}
	from := time.Now()
	if *since != 0 {
		from = time.Unix(0, *since)
	}
	deadline := time.Now().Add(*timeout)
	c := &conn{addr: addr, req: req}
	defer c.close()
	var lastErr error
	for time.Now().Before(deadline) {
		c.setDeadline(deadline)
		status, err := c.do(false)
		if err == nil && status == http.StatusOK {
			fmt.Printf("%.1f\n", ms(time.Since(from)))
			return nil
		}
		if err == nil {
			err = fmt.Errorf("status %d", status)
		}
		lastErr = err
		c.close()
		time.Sleep(*interval)
	}
	return fmt.Errorf("%s not answering 200 within %v: %v", t.url, *timeout, lastErr)
}

func getCmd(args []string) error {
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	var t target
	t.flags(fs)
	fs.StringVar(&t.url, "url", "", "http://127.0.0.1:PORT/path?query (required; loopback only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr, req, err := t.build()
	if err != nil {
		return err
	}
	c := &conn{addr: addr, req: req}
	defer c.close()
	c.setDeadline(time.Now().Add(requestTimeout))
	status, err := c.do(true)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %s", t.method, t.url, status, c.body.Bytes())
	}
	_, err = os.Stdout.Write(c.body.Bytes())
	return err
}

// freeportCmd prints n loopback TCP ports that were free a moment ago, one
// per line, for the servers a benchmark is about to start.
func freeportCmd(args []string) error {
	fs := flag.NewFlagSet("freeport", flag.ContinueOnError)
	n := fs.Int("n", 1, "how many ports")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range *n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		lns = append(lns, ln) // held until all are chosen, so none repeats
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	}
	return nil
}
