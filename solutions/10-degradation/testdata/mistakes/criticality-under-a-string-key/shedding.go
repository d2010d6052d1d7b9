// Mistake: the criticality is kept under the string key "criticality", which any package may use for a value of its own: a request that another package marked for its own reasons is taken for sheddable work, and shed.
// Caught by: TestCriticalityTravelsOnTheContext

package degradation

// WithCriticality returns a copy of ctx that carries c.
func WithCriticality(ctx context.Context, c Criticality) context.Context {
	return context.WithValue(ctx, "criticality", c)
}

// CriticalityOf returns the criticality ctx carries.
func CriticalityOf(ctx context.Context) Criticality {
	c, ok := ctx.Value("criticality").(Criticality)
	if !ok {
		return Critical
	}
	return c
}
