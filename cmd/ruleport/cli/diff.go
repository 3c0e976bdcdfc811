package cli

func runDiff(e *env, args []string) int { return notYet(e, "diff") }
