package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// table gathers the runs on one world.
type table struct {
	world                 world
	runs                  map[string][]measurement // by binary label
	heaps                 []heapFigures
	loadBefore, loadAfter string // the machine's load average
}

func (t *table) add(label string, m measurement) {
	if t.runs == nil {
		t.runs = map[string][]measurement{}
	}
	t.runs[label] = append(t.runs[label], m)
}

func (t *table) addHeap(h heapFigures) { t.heaps = append(t.heaps, h) }

// print writes the table in Markdown: each figure is the median of the
// runs, with the smallest and the largest in parentheses.
func (t *table) print(w io.Writer, bins []binary) {
	fmt.Fprintf(w, "\n%s world", t.world.name)
	if t.world.file != "" {
		fmt.Fprintf(w, ": %d user conversations, %.1f MB of %s", t.world.userConversations, float64(t.world.bytes)/(1<<20), strings.ToUpper(strings.TrimPrefix(filepath.Ext(t.world.file), ".")))
	}
	n := 0
	for _, runs := range t.runs {
		n = len(runs)
	}
	fmt.Fprintf(w, "; %d runs, median (min-max)", n)
	if t.loadBefore != "" {
		fmt.Fprintf(w, "; load average %s, then %s", t.loadBefore, t.loadAfter)
	}
	fmt.Fprint(w, "\n\n")
	fmt.Fprintln(w, "| binary | start to first 200, ms | CPU by then, ms | peak RSS, MB | RSS serving, MB |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, b := range bins {
		runs := t.runs[b.label]
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", b.label,
			spread(runs, func(m measurement) float64 { return ms(m.wall) }),
			spread(runs, func(m measurement) float64 { return ms(m.cpu) }),
			spread(runs, func(m measurement) float64 { return mb(m.hwm) }),
			spread(runs, func(m measurement) float64 { return mb(m.rss) }))
	}
	if len(t.heaps) > 0 {
		fmt.Fprintf(w, "\nthis checkout, in process: live heap %s MB; load %s ms; allocated %s MB; peak RSS %s MB\n",
			spread(t.heaps, func(h heapFigures) float64 { return mb(int64(h.LiveHeap)) }),
			spread(t.heaps, func(h heapFigures) float64 { return ms(h.Load) }),
			spread(t.heaps, func(h heapFigures) float64 { return mb(int64(h.TotalAlloc)) }),
			spread(t.heaps, func(h heapFigures) float64 { return mb(h.MaxRSS) }))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mb(b int64) float64         { return float64(b) / (1 << 20) }

// spread formats the median of f over xs, with the smallest and largest.
func spread[T any](xs []T, f func(T) float64) string {
	if len(xs) == 0 {
		return "-"
	}
	vs := make([]float64, len(xs))
	for i, x := range xs {
		vs[i] = f(x)
	}
	slices.Sort(vs)
	med := vs[len(vs)/2]
	if len(vs)%2 == 0 {
		med = (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
	}
	return fmt.Sprintf("%s (%s-%s)", num(med), num(vs[0]), num(vs[len(vs)-1]))
}

// num writes a figure with three significant digits or more.
func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
