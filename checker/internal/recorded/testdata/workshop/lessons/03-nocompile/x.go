// Package nocompile does not compile.
package nocompile

// F returns a name that is not declared.
func F() int {
	return undefinedThing
}
