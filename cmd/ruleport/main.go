// Command ruleport converts Microsoft Sentinel analytic rules into ARM,
// Terraform, Athena SQL and CloudWatch Logs Insights artifacts, and proves
// each output right by running it on CloudTrail logs. See README.md.
package main

import (
	"os"

	"github.com/ruleport/ruleport/cmd/ruleport/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
