package pipenet_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/internal/pipenet"
)

// How a lesson test uses the package: a real http.Server and http.Client
// inside a synctest bubble: the handler's
// two seconds pass instantly, and are measured exactly.
func TestServeOverPipesAsALessonTestWould(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := pipenet.Listen()
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(2 * time.Second)
			io.WriteString(w, "accepted")
		})}
		go srv.Serve(l)
		tr := l.Transport()
		client := &http.Client{Transport: tr}

		start := time.Now()
		resp, err := client.Get("http://pipe/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s after %v\n", body, time.Since(start))

		srv.Shutdown(context.Background())
		tr.CloseIdleConnections()
	})
}
