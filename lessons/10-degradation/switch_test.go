package degradation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	degradation "github.com/wherewaiting/workshop/lessons/10-degradation"
)

// changes writes down every change of a Switch, as "off at depth 5".
type changes struct {
	mu    sync.Mutex
	depth int // the depth last observed
	list  []string
}

func (c *changes) onChange(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.list = append(c.list, fmt.Sprintf("on at depth %d", c.depth))
	} else {
		c.list = append(c.list, fmt.Sprintf("off at depth %d", c.depth))
	}
}

// observe tells sw the depth, and remembers it for the record.
func (c *changes) observe(sw *degradation.Switch, depth int) {
	c.mu.Lock()
	c.depth = depth
	c.mu.Unlock()
	sw.Observe(depth)
}

// Exercise 5: a degradation switch with hysteresis.

func TestTheSwitchTurnsOffAtOffAndBackOnAtOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		c := &changes{}
		sw := degradation.NewSwitch(degradation.SwitchConfig{Off: 5, On: 1, OnChange: c.onChange})
		require.True(t, sw.Enabled(), "a new switch is on")

		var got []string
		for _, depth := range []int{0, 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4} {
			c.observe(sw, depth)
			got = append(got, fmt.Sprintf("%d:%v", depth, map[bool]string{true: "on", false: "off"}[sw.Enabled()]))
		}

		assert.Equal(t, []string{
			"0:on", "1:on", "2:on", "3:on", "4:on", "5:off", "6:off",
			"5:off", "4:off", "3:off", "2:off", "1:on", "0:on", "1:on", "2:on", "3:on", "4:on",
		}, got,
			"depth:position after each Observe, with Off 5 and On 1. The switch turns off when the depth reaches "+
				"Off, stays off until it falls to On, and on again stays on until it reaches Off")
		assert.Equal(t, []string{"off at depth 5", "on at depth 1"}, c.list, "OnChange is called once for every change, and only then")
	})
}

func TestNewSwitchNeedsOnBelowOff(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, cfg := range []degradation.SwitchConfig{{Off: 5, On: 5}, {Off: 5, On: 6}, {Off: 5, On: -1}} {
			assert.Panics(t, func() { degradation.NewSwitch(cfg) },
				"Off %d and On %d: a switch needs 0 ≤ On < Off, or it has no gap to hold it in place, or "+
					"it could never turn back on", cfg.Off, cfg.On)
		}
		assert.NotPanics(t, func() { degradation.NewSwitch(degradation.SwitchConfig{Off: 1, On: 0}) },
			"Off 1 and On 0: off as soon as one request waits, on again once none does")
	})
}

func TestTheSwitchDoesNotFlapAtTheEdge(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		c := &changes{}
		sw := degradation.NewSwitch(degradation.SwitchConfig{Off: 5, On: 1, OnChange: c.onChange})

		for range 10 { // the queue hovers at the threshold
			c.observe(sw, 4)
			c.observe(sw, 5)
		}

		assert.Equal(t, []string{"off at depth 5"}, c.list,
			"the depth went 4, 5, 4, 5… ten times: the switch should turn off once, at the first 5, and stay off "+
				"until the depth falls to On (1). A single threshold turns the optional parts off and on with every "+
				"request that comes or goes")
		assert.False(t, sw.Enabled(), "the queue never got short: the switch is still off")
	})
}

// depthChart draws the queue's depth over time as a bar chart, one column a
// tick, and the switch's changes under it.
func depthChart(samples []int, tick time.Duration, flips []string) string {
	top := 0
	for _, d := range samples {
		top = max(top, d)
	}
	step := 1 // a row per level, or per two levels for a tall chart
	if top > 8 {
		step = 2
	}
	var b strings.Builder
	for level := top; level > 0; level -= step {
		fmt.Fprintf(&b, "%3d |", level)
		for _, d := range samples {
			if d >= level {
				b.WriteByte('#')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "    +%s\n     ", strings.Repeat("-", len(samples)))
	for i := 0; i < len(samples); i += 10 {
		label := (time.Duration(i) * tick).String()
		b.WriteString(label + strings.Repeat(" ", max(10-len(label), 1)))
	}
	b.WriteString("\nqueue depth, one column every " + tick.String() + "\n")
	for _, f := range flips {
		b.WriteString("switch " + f + "\n")
	}
	return b.String()
}

func TestTheSwitchFollowsALoadStepAtExactInstants(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// One slot. A page takes 50ms for its profile, and 50ms more for its
		// optional parts while the switch is on: 10 pages a second with the
		// extras, 20 without. Load: 5 a second, then 20 a second from 2s
		// to 4s, then 5 a second again. The switch watches the queue that
		// the optional work lengthens: switching it off shortens the work.
		start := time.Now()
		var mu sync.Mutex
		var flips []string
		depth := 0
		sw := degradation.NewSwitch(degradation.SwitchConfig{Off: 5, On: 1, OnChange: func(on bool) {
			mu.Lock()
			defer mu.Unlock()
			flips = append(flips, fmt.Sprintf("%s at %v (depth %d)", map[bool]string{true: "on", false: "off"}[on],
				time.Since(start).Round(time.Millisecond), depth))
		}})
		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 10, OnQueue: func(d int) {
			mu.Lock()
			depth = d
			mu.Unlock()
			sw.Observe(d)
		}})
		nudge := func(k int) time.Duration { return time.Duration(k) }
		times := every(0, 2*time.Second, 200*time.Millisecond, nudge)
		times = append(times, every(2*time.Second, 4*time.Second, 50*time.Millisecond, func(k int) time.Duration { return nudge(k + 10) })...)
		times = append(times, every(4*time.Second, 10*time.Second, 200*time.Millisecond, func(k int) time.Duration { return nudge(k + 50) })...)

		var samples []int
		sampling := make(chan struct{})
		go func() { // the depth every 200ms, between the instants when anything happens, for the picture
			defer close(sampling)
			time.Sleep(50 * time.Millisecond)
			for range 50 {
				mu.Lock()
				samples = append(samples, depth)
				mu.Unlock()
				time.Sleep(200 * time.Millisecond)
			}
		}()
		openLoop(start, times, func(int) {
			_ = adm.Do(t.Context(), func(context.Context) error {
				work := 50 * time.Millisecond // the profile
				if sw.Enabled() {
					work += 50 * time.Millisecond // the optional parts
				}
				time.Sleep(work)
				return nil
			})
		})
		<-sampling

		picture := depthChart(samples, 200*time.Millisecond, flips)
		timeline.Keep(t, "load-step", picture)
		assert.Equal(t, []string{"off at 2.45s (depth 5)", "on at 4.2s (depth 1)"}, flips,
			"the switch's changes under the load step. From 2s the queue grows by one every 100ms and reaches 5 "+
				"at 2.45s. Switched off, a page takes 50ms, as fast as pages come: the queue stops growing. From "+
				"4s it drains and is down to 1 at 4.2s. Off once on the way up, on once on the way down, and never "+
				"in between, although the depth goes up and down by one with every arrival and every departure\n%s", picture)
	})
}

func TestWhileSwitchedOffTheOptionalPartsAreNotAsked(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		sw := degradation.NewSwitch(degradation.SwitchConfig{Off: 5, On: 1})
		cfg := fallbacks()
		cfg.Switch = sw
		d := newDashboard(cfg,
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(100 * time.Millisecond), numbered("recommendations")},
			[]backend.Option{backend.Latency(50 * time.Millisecond), numbered("activity")})

		_, _, err := d.page(t, t.Context(), "42")
		require.NoError(t, err, "the first page, switched on: every part answered")
		sw.Observe(5)
		at(start, 10*time.Second)
		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "the switch affects only the optional parts")
		assert.Equal(t, 1, d.recommendations.Calls(),
			"switched off, the optional parts should not be asked for at all: that is the load the switch sheds\n%s", draw(d.tl))
		assert.Equal(t, 1, d.activity.Calls(), "switched off, activity should not be asked for either\n%s", draw(d.tl))
		assert.Equal(t, 100*time.Millisecond, waited, "switched off, the page waits for its profile only")
		assert.Equal(t, "recommendations #1", p.Recommendations, "switched off, the last good answer is still served\n%s", describe(p))
		require.Equal(t, []string{degradation.PartRecommendations, degradation.PartActivity}, parts(p),
			"switched off, both optional parts are degraded\n%s", describe(p))
		for _, dg := range p.Degraded {
			assert.ErrorIs(t, dg.Reason, degradation.ErrSwitchedOff, "%s: the reason is the switch\n%s", dg.Part, describe(p))
		}

		sw.Observe(1)
		p, _, err = d.page(t, t.Context(), "42")
		require.NoError(t, err, "switched back on")
		assert.Empty(t, p.Degraded, "switched back on, the page is whole again\n%s", describe(p))
		assert.Equal(t, 2, d.recommendations.Calls(), "switched back on, the optional parts are asked for again")
	})
}

func TestConcurrentObserversShareTheSwitchSafely(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const observers, rounds = 8, 50
		var mu sync.Mutex
		var flips []bool
		sw := degradation.NewSwitch(degradation.SwitchConfig{Off: 5, On: 1, OnChange: func(on bool) {
			mu.Lock()
			flips = append(flips, on)
			mu.Unlock()
		}})

		var wg sync.WaitGroup
		for o := range observers {
			wg.Go(func() {
				for r := range rounds {
					sw.Observe((o + r) % 8)
					_ = sw.Enabled()
				}
			})
		}
		wg.Wait()

		for i, on := range flips {
			require.Equal(t, i%2 == 1, on,
				"change %d of %d turned the switch %v twice in a row; with %d goroutines observing at once, the "+
					"check of the position and its change must be one critical section (go test -race reports "+
					"a read outside the lock)", i+1, len(flips), on, observers)
		}
		assert.Equal(t, len(flips)%2 == 0, sw.Enabled(), "Enabled should agree with the last change reported")
	})
}
