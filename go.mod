module github.com/wherewaiting/workshop

go 1.26.0

require (
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/yuin/goldmark v1.4.13 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

tool golang.org/x/tools/cmd/present
