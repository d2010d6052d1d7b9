package lab

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// Table prints load-level reports, one line each. Times are from the
// moment each order was due.
func Table(reps []Report, heap bool) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := left("design") + "\tload\toffered/s\tgoodput/s\tfailed\tresponse p50\tp99\tresult p50\tp99\twasted\tabandoned\trefused crit\tshed\tdropped\tqueue\toldest\tin flight\tgoroutines\t"
	if heap {
		head += "heap MiB\t"
	}
	fmt.Fprintln(w, head)
	for _, r := range reps {
		fmt.Fprintf(w, "%s\t%.1f×\t%.1f\t%.1f\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t",
			left(r.Design), r.Load, r.Offered, r.Goodput, r.Failed,
			Dur(r.Response[0]), Dur(r.Response[1]), Dur(r.Result[0]), Dur(r.Result[1]),
			r.Wasted, r.Abandoned, r.Refused[Critical], r.Refused[Sheddable], r.Dropped,
			r.MaxDepth, Dur(r.MaxOldest), r.MaxInFlight, r.MaxGoroutines)
		if heap {
			fmt.Fprintf(w, "%.1f\t", float64(r.MaxHeap)/(1<<20))
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	return b.String()
}

// SpikeTable prints spike reports: goodput against offered load (orders a
// second) in each window.
func SpikeTable(reps []Report) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := left("design") + "\t" + left("clients") + "\t"
	if len(reps) > 0 {
		for _, win := range reps[0].Windows {
			head += fmt.Sprintf("%s–%s\t", Dur(win.From), Dur(win.To))
		}
	}
	fmt.Fprintln(w, head+"attempts/order\tqueue max\tat the end\tafter the spike\t")
	for _, r := range reps {
		fmt.Fprintf(w, "%s\t%s\t", left(r.Design), left(r.Clients))
		for _, win := range r.Windows {
			fmt.Fprintf(w, "%.0f of %.0f\t", win.Goodput, win.Offered)
		}
		fmt.Fprintf(w, "%.2f\t%d\t%d\t%s\t\n", float64(r.Attempts)/float64(r.Orders), r.MaxDepth, r.EndDepth, verdict(r))
	}
	w.Flush()
	return b.String()
}

// Dur prints a duration in three significant figures or fewer.
func Dur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Round(time.Millisecond).Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	default:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
}

// SlideTable prints the load-level reports narrow enough for a slide (at
// most 96 columns): goodput, p99 times, and where the waiting was.
func SlideTable(reps []Report) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, left("design")+"\tload\tgoodput/s\tresponse p99\tresult p99\tqueue\toldest\tin flight\t")
	for _, r := range reps {
		fmt.Fprintf(w, "%s\t%.1f×\t%.1f\t%s\t%s\t%d\t%s\t%d\t\n",
			left(r.Design), r.Load, r.Goodput, Dur(r.Response[1]), Dur(r.Result[1]), r.MaxDepth, Dur(r.MaxOldest), r.MaxInFlight)
	}
	w.Flush()
	return b.String()
}

// SpikeSlideTable prints the spike reports narrow enough for a slide:
// goodput of offered load (orders a second) before, during and at the end,
// and attempts per order.
func SpikeSlideTable(reps []Report) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, left("design")+"\t"+left("clients")+"\tbefore\tspike\tlast 30 s\tattempts\tafter the spike\t")
	for _, r := range reps {
		first, spike, last := r.Windows[0], r.Windows[1], r.Windows[len(r.Windows)-1]
		fmt.Fprintf(w, "%s\t%s\t%.0f/%.0f\t%.0f/%.0f\t%.0f/%.0f\t%.2f\t%s\t\n", left(r.Design), left(r.Clients),
			first.Goodput, first.Offered, spike.Goodput, spike.Offered, last.Goodput, last.Offered,
			float64(r.Attempts)/float64(r.Orders), verdict(r))
	}
	w.Flush()
	return b.String()
}

// verdict says whether and when goodput came back after the spike.
func verdict(r Report) string {
	switch {
	case r.Recovery == 0:
		return "back at once"
	case r.Recovery > 0:
		return "back after " + Dur(r.Recovery)
	}
	return "stays down"
}

// left pads a name so that, in a table whose columns are aligned right,
// the names still line up on the left.
func left(name string) string { return fmt.Sprintf("%-16s", name) }
