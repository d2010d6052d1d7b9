package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"

	"github.com/wherewaiting/workshop/experiment/lab"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The chart's size: it fits a slide of 1280×800 with room for a title.
const chartW, chartH = 9 * vg.Inch, 3.6 * vg.Inch

// chart draws the hockey stick from the virtual figures: p99 time to
// result and goodput against offered load, one line per design, into
// dir/hockey-stick.svg and dir/hockey-stick.png.
func chart(figures, dir string) error {
	b, err := os.ReadFile(figures)
	if err != nil {
		return err
	}
	var reps []lab.Report
	if err := json.Unmarshal(b, &reps); err != nil {
		return fmt.Errorf("%s: %w", figures, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	svg := vgsvg.New(chartW, chartH)
	if err := draw2(reps, draw.New(svg)); err != nil {
		return err
	}
	png := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))
	if err := draw2(reps, draw.New(png)); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "hockey-stick.svg"), svg.WriteTo); err != nil {
		return err
	}
	return write(filepath.Join(dir, "hockey-stick.png"), vgimg.PngCanvas{Canvas: png}.WriteTo)
}

func write(path string, to func(w io.Writer) (int64, error)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := to(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// draw2 draws the two panels side by side on c.
func draw2(reps []lab.Report, c draw.Canvas) error {
	latency := plot.New()
	latency.Title.Text = "p99 time to result (log scale)"
	latency.X.Label.Text = "offered load (× capacity)"
	latency.Y.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, v := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100} {
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprintf("%g s", v)})
	}
	latency.Y.Tick.Marker = plot.ConstantTicks(ticks)
	latency.Y.Min, latency.Y.Max = 0.1, 100

	goodput := plot.New()
	goodput.Title.Text = "goodput: results in time"
	goodput.X.Label.Text = "offered load (× capacity)"
	goodput.Y.Label.Text = "orders a second"
	goodput.Y.Min, goodput.Y.Max = 0, 210

	for _, p := range []*plot.Plot{latency, goodput} {
		p.X.Min, p.X.Max = 0.4, 2.1
		p.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0.5, Label: "0.5×"}, {Value: 1, Label: "1×"}, {Value: 1.5, Label: "1.5×"}, {Value: 2, Label: "2×"}})
		p.Add(plotter.NewGrid())
	}

	// References: the client's timeout, the offered load, the capacity.
	timeout, err := reference(latency, [][2]float64{{0.4, 1}, {2.1, 1}})
	if err != nil {
		return err
	}
	offered, err := reference(goodput, [][2]float64{{0.4, 40}, {2.1, 210}})
	if err != nil {
		return err
	}
	capacity, err := reference(goodput, [][2]float64{{0.4, 100}, {2.1, 100}})
	if err != nil {
		return err
	}
	capacity.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
	latency.Legend.Add("a client gives up (1 s)", timeout)
	goodput.Legend.Add("offered load", offered)
	goodput.Legend.Add("capacity (100/s)", capacity)

	var names []string
	byDesign := map[string][]lab.Report{}
	for _, r := range reps {
		if _, ok := byDesign[r.Design]; !ok {
			names = append(names, r.Design)
		}
		byDesign[r.Design] = append(byDesign[r.Design], r)
	}
	var latencyLines [][]plot.Thumbnailer
	for i, name := range names {
		var lat, good plotter.XYs
		for _, r := range byDesign[name] {
			lat = append(lat, plotter.XY{X: r.Load, Y: r.Result[1].Seconds()})
			good = append(good, plotter.XY{X: r.Load, Y: r.Goodput})
		}
		for j, panel := range []struct {
			p   *plot.Plot
			xys plotter.XYs
		}{{latency, lat}, {goodput, good}} {
			l, pts, err := plotter.NewLinePoints(panel.xys)
			if err != nil {
				return err
			}
			l.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
			l.Width = vg.Points(2)
			l.Dashes = plotutil.Dashes(i)
			pts.Shape = plotutil.Shape(i)
			if j == 0 {
				latencyLines = append(latencyLines, []plot.Thumbnailer{l, pts})
			}
			panel.p.Add(l, pts)
		}
		latency.Legend.Add(name, latencyLines[i]...)
	}
	// The designs' legend where the latency panel has no lines (bottom
	// right), the references' where the goodput panel has none (top left).
	latency.Legend.Top, latency.Legend.Left = false, false
	latency.Legend.XOffs, latency.Legend.YOffs = -vg.Points(6), vg.Points(6)
	goodput.Legend.Top, goodput.Legend.Left = true, true
	goodput.Legend.XOffs = vg.Points(6)

	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Inch / 4, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12)}
	cs := plot.Align([][]*plot.Plot{{latency, goodput}}, tiles, c)
	latency.Draw(cs[0][0])
	goodput.Draw(cs[0][1])
	return nil
}

// reference adds a thin grey dashed line through points to p.
func reference(p *plot.Plot, points [][2]float64) (*plotter.Line, error) {
	xys := make(plotter.XYs, len(points))
	for i, pt := range points {
		xys[i] = plotter.XY{X: pt[0], Y: pt[1]}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, err
	}
	l.Color = color.Gray{Y: 140}
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(l)
	return l, nil
}
