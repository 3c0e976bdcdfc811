package cli

func runConvert(e *env, args []string) int { return notYet(e, "convert") }
