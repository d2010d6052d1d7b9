// Command experiment measures where waiting piles up in three designs of
// the workshop's order service, and draws the chart.
//
//	go run . real     the designs on 127.0.0.1, on this machine's clock
//	go run . chart    the chart, from the virtual figures the tests record
//
// The virtual table, exact on every machine, comes from a test:
//
//	go test ./lab -run TestTheVirtualTable -v
//
// Run from the experiment folder (cd experiment): it is a module of its
// own, so the workshop's lessons never download its dependencies.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "real":
		err = realMode(os.Args[2:])
	case "chart":
		fs := flag.NewFlagSet("chart", flag.ExitOnError)
		figures := fs.String("figures", "lab/testdata/virtual.json", "the virtual figures the test records")
		out := fs.String("out", "../slides/images/11-capstone", "the folder to write hockey-stick.svg and .png into")
		fs.Parse(os.Args[2:])
		err = chart(*figures, *out)
		if err == nil {
			fmt.Printf("wrote %s/hockey-stick.svg and %s/hockey-stick.png\n", *out, *out)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "experiment:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage (from the experiment folder):
  go run . real [-scale 0.2] [-seconds 2] [-orders 10000] [-spike] [-accept 2s] [-capstone] [-million 1000000]
  go run . chart [-figures lab/testdata/virtual.json] [-out ../slides/images/11-capstone]
the virtual table: go test ./lab -run TestTheVirtualTable -v`)
	os.Exit(2)
}
