package cli

func runCheck(e *env, args []string) int { return notYet(e, "check") }
