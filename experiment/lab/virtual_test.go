package lab

import (
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
	synctest.Test(t, func(t *testing.T) {
		s := Default()
		got = Table(s.Grid(nil, 0), false) + "\n" + SpikeTable(s.Spike(nil, 0))
	})
	t.Log("\n" + got)
	const golden = "testdata/virtual.txt"
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "no golden table yet: run go test -run TestTheVirtualTable -update")
	require.Equal(t, string(want), got, "on virtual time the table is the same on every run; if the experiment changed on purpose, run go test ./lab -update and read the diff")
}
