package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestTheCommittedChartIsDrawnFromTheCommittedFigures(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	require.NoError(t, chart("lab/testdata/virtual.json", dir))
	got, err := os.ReadFile(filepath.Join(dir, "hockey-stick.svg"))
	require.NoError(t, err)
	want, err := os.ReadFile("../slides/images/11-capstone/hockey-stick.svg")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the chart in slides/images/11-capstone is not the one the figures draw: run go run . chart (from experiment/) and commit it")
}
