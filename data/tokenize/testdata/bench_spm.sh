#!/bin/sh
# bench_spm.sh times spm_train and spm_encode (Debian package sentencepiece)
# and this package's Go benchmarks on the same corpus and vocabulary size:
#   sh bench_spm.sh CORPUS [VOCAB]     (VOCAB defaults to 8000)
# Compare wall time on an idle machine; on a busy one compare CPU time
# (user+sys for the tools, cpu-s/op for the benchmarks). spm_encode's
# figure includes reading and writing files; the benchmarks' do not.
#
# The corpus of the figures in the package report: 58,000 distinct comment
# lines of five or more words from the Go 1.26 standard library,
#   find "$(go env GOROOT)/src" -name '*.go' ! -name '*_test.go' | sort |
#     xargs grep -h '^\s*// ' | sed 's/^\s*\/\/ //' | awk 'NF>=5' |
#     awk '!seen[$0]++' | head -58000 > corpus.txt
set -eu
corpus=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
vocab=${2:-8000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fmt="%e s wall, %U s user, %S s sys"
/usr/bin/time -f "spm_train:  $fmt" spm_train --input="$corpus" --model_prefix="$tmp/m" \
	--vocab_size="$vocab" --model_type=bpe --minloglevel=2
/usr/bin/time -f "spm_encode: $fmt" spm_encode --model="$tmp/m.model" --output_format=piece \
	--input="$corpus" --output="$tmp/pieces"
cd "$(dirname "$0")/.."
TOKENIZE_BENCH_FILE=$corpus TOKENIZE_BENCH_VOCAB=$vocab TOKENIZE_BENCH_SPM_MODEL=$tmp/m.model \
	go test -run '^$' -bench . -benchtime 3x
