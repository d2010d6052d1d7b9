// Mistake: Lower sets the criticality it is given, higher or lower: any hop, or a client whose header is trusted, can make its requests critical, and then nothing is shed first.
// Caught by: TestAHopCanLowerTheCriticalityButNeverRaiseIt

package degradation

// Lower returns a copy of ctx with criticality c.
func Lower(ctx context.Context, c Criticality) context.Context {
	return WithCriticality(ctx, c)
}
