package lab

import (
	"encoding/json"
	"flag"
	"os"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "write the golden files again")

func TestTheVirtualTableIsReproducedExactly(t *testing.T) {
	defer goleak.VerifyNone(t)
	var got string
	var grid []Report
	var slideGrid, slideSpike string
	synctest.Test(t, func(t *testing.T) {
		s := Default()
		grid = s.Grid(Mode{})
		spike := s.Spike(Mode{})
		got = Table(grid, false) + "\n" + SpikeTable(spike)
		slideGrid, slideSpike = SlideTable(grid), SpikeSlideTable(spike)
	})
	t.Log("\n" + got)
	figures, err := json.MarshalIndent(grid, "", "  ")
	require.NoError(t, err)
	files := map[string]string{
		"testdata/virtual.txt":     got,       // the table, in full
		"testdata/slide-grid.txt":  slideGrid, // narrow enough for a slide
		"testdata/slide-spike.txt": slideSpike,
		"testdata/virtual.json":    string(figures) + "\n", // the figures the chart is drawn from
	}
	for golden, got := range files {
		if *update {
			require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err, "no golden file yet: run go test ./lab -run TestTheVirtualTable -update")
		require.Equal(t, string(want), got, "on virtual time %s is the same on every run; if the experiment changed on purpose, run go test ./lab -run TestTheVirtualTable -update, read the diff, and draw the chart again (go run . chart)", golden)
	}
}
