package degradation

import "fmt"

// SwitchConfig sets the two thresholds of a Switch. On must be below Off:
// the gap between them is the hysteresis that keeps the switch from
// flapping when the queue hovers around one threshold.
type SwitchConfig struct {
	// Off is the queue depth at which the optional parts are switched off.
	Off int
	// On is the queue depth at or below which they are switched back on.
	On int
	// OnChange, if not nil, is called once for every change, with the new
	// position (true: on), in order. It is called with the Switch's lock
	// held, so it must return quickly and must not call the Switch, nor
	// anything that calls Observe (an Admission, whose lock is taken
	// before the Switch's when its OnQueue observes).
	OnChange func(on bool)
}

// A Switch turns optional work off while a queue is long, and back on once
// it is short again: a two-position cousin of the brownout controller of
// Klein et al. (ICSE 2014), which serves optional content to a share of
// requests that it adjusts continuously. Feed it, with Observe, the depth
// of the queue that the optional work lengthens: the frontend's if the
// optional parts are computed there, the dependency's (or its rejections,
// or its latency) if they are remote. An Admission's OnQueue does that.
// Ask Enabled. It starts on, and is safe for concurrent use. A production
// switch also has a manual override, and an alert while it is off.
type Switch struct {
	cfg SwitchConfig

	// TODO(5): the position, on or off. Many goroutines observe the queue
	// and ask the switch at once: guard it with a sync.Mutex.
}

// NewSwitch returns a switch that is on. It panics unless
// 0 ≤ cfg.On < cfg.Off.
func NewSwitch(cfg SwitchConfig) *Switch {
	if cfg.On < 0 || cfg.On >= cfg.Off {
		panic(fmt.Sprintf("degradation: a Switch needs 0 ≤ On < Off, got On %d and Off %d", cfg.On, cfg.Off))
	}
	return &Switch{cfg: cfg}
}

// Observe tells the switch the queue's depth now. On, it turns off when
// the depth reaches Off; off, it turns back on when the depth falls to On.
// In between, it stays as it is.
func (s *Switch) Observe(depth int) {
	// TODO(5): turn off at Off, back on at On, and call cfg.OnChange (if
	// not nil) once for every change, with the lock held so that the calls
	// come in order. As shipped, the switch never moves.
}

// Enabled reports whether optional work is on.
func (s *Switch) Enabled() bool {
	return true // TODO(5)
}
