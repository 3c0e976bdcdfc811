package conformance

import "fmt"

// prepareCloudWatch will emit the Logs Insights query once convert/cloudwatch
// lands; until then the engine reports that it is not available.
func (j *Job) prepareCloudWatch() error {
	return fmt.Errorf("engine cloudwatch: the Logs Insights emitter is not available yet")
}
