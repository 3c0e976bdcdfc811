package cli

func runTest(e *env, args []string) int { return notYet(e, "test") }
