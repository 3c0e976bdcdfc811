package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"

	"github.com/ruleport/ruleport/fixtures"
)

// loadGaps reads the case's gaps.json, if any, keyed by engine. Unknown
// fields, unknown engines, an entry without a reason or a diff, and two
// entries for one engine are errors: a gap is a claim the suite must be
// able to check.
func loadGaps(fsys fs.FS, c *fixtures.Case) (map[string]*Gap, error) {
	out := map[string]*Gap{}
	if c.Gaps == "" {
		return out, nil
	}
	data, err := fs.ReadFile(fsys, c.Gaps)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Gaps, unwrapPath(err))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var gaps []*Gap
	if err := dec.Decode(&gaps); err != nil {
		return nil, fmt.Errorf("%s: %v", c.Gaps, err)
	}
	for i, g := range gaps {
		where := fmt.Sprintf("%s: entry %d", c.Gaps, i+1)
		switch {
		case !IsEngine(g.Engine):
			return nil, fmt.Errorf("%s: unknown engine %q (want one of %v)", where, g.Engine, Engines())
		case g.Reason == "":
			return nil, fmt.Errorf("%s: a gap needs a reason", where)
		case len(g.Diff) == 0:
			return nil, fmt.Errorf("%s: a gap needs the diff it explains", where)
		case out[g.Engine] != nil:
			return nil, fmt.Errorf("%s: a second entry for engine %s", where, g.Engine)
		}
		out[g.Engine] = g
	}
	return out, nil
}
