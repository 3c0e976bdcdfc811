// Package insightsengine parses and runs CloudWatch Logs Insights queries
// (Logs Insights QL) over CloudTrail records, so that ruleport can prove a
// generated query right without an AWS account. No Logs Insights engine
// exists outside AWS; this one follows the AWS CloudWatch Logs user guide's
// query-syntax pages command by command, and every place where the pages
// are silent is a choice marked "Guess:" in the code and pinned by a test.
//
// It takes query text, as CloudWatch would, and never imports convert/:
// sharing the emitter's structures would let a printer bug hide itself.
package insightsengine
