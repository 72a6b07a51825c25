// Package curves draws a run's learning curves: training and validation
// loss, validation BLEU and the learning rate against the step, read from
// the run's metrics.jsonl, as one PNG of three stacked panels sharing the
// step axis.
//
// Write renders <runDir>/metrics.jsonl into a PNG; the trainer calls it
// after each evaluation to refresh <runDir>/curves.png, and `train plot`
// calls it on demand. The output depends only on the records: the same
// metrics.jsonl gives the same PNG bytes.
package curves
