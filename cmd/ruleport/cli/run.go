package cli

func runRun(e *env, args []string) int { return notYet(e, "run") }
