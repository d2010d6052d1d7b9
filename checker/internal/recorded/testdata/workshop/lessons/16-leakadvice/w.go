// Package leakadvice starts a worker that Stop forgets to stop.
package leakadvice

// Worker waits for work until it is told to quit.
type Worker struct {
	quit chan struct{}
}

// Start starts a worker.
func Start() *Worker {
	w := &Worker{quit: make(chan struct{})}
	go w.loop()
	return w
}

func (w *Worker) loop() {
	<-w.quit
}

// Stop should end the worker; it does nothing.
func (w *Worker) Stop() {}
