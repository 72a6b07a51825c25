#!/bin/sh
# Regenerates metrics.jsonl: a real 60-step run of configs/micro.yaml,
# then step 25 made a skipped batch with a NaN loss and step 50's
# validation loss made +Inf, so the golden file holds every encoding the
# trainer writes. Run from the repository root:
#   sh train/curves/testdata/make_metrics.sh
set -e
tmp=$(mktemp -d)
go run ./cmd/train --config configs/micro.yaml --steps 60 --out "$tmp" >/dev/null 2>&1
sed -e '/^{"step":25,/s/"loss":[^,]*/"loss":"NaN"/' \
    -e '/^{"step":25,/s/}$/,"skipped":true}/' \
    -e '/^{"step":50,/s/"valid_loss":[^,]*/"valid_loss":"+Inf"/' \
    "$tmp/micro/metrics.jsonl" > train/curves/testdata/metrics.jsonl
rm -rf "$tmp"
