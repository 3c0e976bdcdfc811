// Command biglog writes a large NDJSON CloudTrail log for measuring the
// Athena engine (and the others) on realistic input: the public
// RunInstances record "Successful Unusual EC2" from
// ../shared/cloudtrail/panther (about 4.8 kB), with the user, source IP,
// event time and cpuOptions varied per record. It lives under testdata so
// that ./... patterns leave it out; run it by path:
//
//	go run ./reference/athenaengine/testdata/biglog -mb 200 -groups 100 > /tmp/big.ndjson
//
// The records are spread over -groups users (each with its own source IP).
// A group's events fall within -span hours of the group's own start hour
// on 2026-03-02, except every fifth group's, which spread over the whole
// day: so some groups alert (a total over 800 within 8 hours) and some
// pass the threshold but not the span. Each record has its own instance
// id and event id, and every object's keys are written in reverse order.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"time"
)

func main() {
	src := flag.String("src", "/work/shared/cloudtrail/panther/panther_cloudtrail_tests.jsonl", "Panther test events (JSON lines)")
	mb := flag.Int("mb", 200, "size to write, in MiB")
	groups := flag.Int("groups", 2000, "distinct users and IPs")
	span := flag.Int("span", 6, "hours over which one group's events fall")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*src, *mb, *groups, *span, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "biglog:", err)
		os.Exit(1)
	}
}

// template reads the first successful RunInstances test event, Panther's
// own p_* keys dropped.
func template(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var t struct {
			Name  string         `json:"test_name"`
			Event map[string]any `json:"event"`
		}
		if json.Unmarshal(line, &t) == nil && t.Name == "Successful Unusual EC2" {
			for k := range t.Event {
				if len(k) > 2 && k[:2] == "p_" {
					delete(t.Event, k)
				}
			}
			return t.Event, nil
		}
	}
	return nil, fmt.Errorf("%s: no \"Successful Unusual EC2\" event", path)
}

func run(path string, mb, groups, span int, seed uint64) error {
	ev, err := template(path)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	ident := ev["userIdentity"].(map[string]any)
	item := ev["responseElements"].(map[string]any)["instancesSet"].(map[string]any)["items"].([]any)[0].(map[string]any)
	cpu := item["cpuOptions"].(map[string]any)
	written := 0
	for i := 0; written < mb<<20; i++ {
		g := rng.IntN(groups)
		user := fmt.Sprintf("user%06d", g)
		ident["arn"] = "arn:aws:sts::111122223333:assumed-role/role/" + user
		ident["userName"] = user
		ev["sourceIPAddress"] = fmt.Sprintf("10.%d.%d.%d", g>>16&255, g>>8&255, g&255)
		at := time.Duration(rng.IntN(86400)) * time.Second
		if g%5 != 0 {
			at = time.Duration(g*7919%(25-span))*time.Hour + time.Duration(rng.IntN(span*3600))*time.Second
		}
		ev["eventTime"] = start.Add(at).Format(time.RFC3339)
		cpu["coreCount"] = 1 << rng.IntN(7)
		cpu["threadsPerCore"] = 1 + rng.IntN(2)
		// What makes each record's responseElements its own, as in a
		// real log: the instance and the event.
		item["instanceId"] = fmt.Sprintf("i-%017x", i)
		item["launchTime"] = start.Add(at).UnixMilli()
		ev["eventID"] = fmt.Sprintf("%08x-0000-4000-8000-%012x", seed, i)
		line := appendReversed(nil, ev)
		w.Write(line)
		w.WriteByte('\n')
		written += len(line) + 1
	}
	return w.Flush()
}

// appendReversed writes v as compact JSON with every object's keys in
// reverse sorted order: CloudTrail does not write keys sorted (the
// template's, from Panther's tests, are), and json_parse pays for sorting
// them.
func appendReversed(dst []byte, v any) []byte {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Sort(sort.Reverse(sort.StringSlice(keys)))
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendReversed(dst, k)
			dst = append(dst, ':')
			dst = appendReversed(dst, v[k])
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendReversed(dst, e)
		}
		return append(dst, ']')
	}
	text, err := json.Marshal(v)
	if err != nil {
		panic(err) // values decoded from JSON always encode
	}
	return append(dst, text...)
}
