#!/bin/sh
# decode_speed.sh TRAIN_BIN CHECKPOINT MODEL.safetensors SRC [RUNS]
#
# Decoding speed side by side, runs interleaved: our `train translate`
# greedy and beam 4 at GOMAXPROCS=1 and at the default, and PyTorch's
# greedy (tools/torch_decode_speed.py, Debian's python3-torch) on 1 thread
# (its default on this machine) and 2, on the same sentences of SRC and
# the same weights (MODEL.safetensors = `train export` of CHECKPOINT).
# Prints one line per run: sentences/s by the wall clock and per CPU second
# (user+sys); for ours the time of loading the model (translate of an empty
# input, measured the same way) is subtracted. Take the medians.
# PYTHON names a python3 that has torch (default python3); GNU_TIME GNU
# time (default /usr/bin/time, Debian's package time).
set -eu
python=${PYTHON:-python3}
gnutime=${GNU_TIME:-/usr/bin/time}
bin=$1 ckpt=$2 model=$3 src=$4 runs=${5:-3}
here=$(dirname "$0")
n=$(wc -l < "$src")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# secs CMD... : prints "wall cpu" seconds of CMD (stdin from $in)
secs() {
	"$gnutime" -f "%e %U %S" -o "$tmp/t" "$@" < "$in" > /dev/null
	awk '{printf "%s %s\n", $1, $2 + $3}' "$tmp/t"
}
rate() { # rate LABEL "wall cpu" "load_wall load_cpu"
	echo "$2 $3" | awk -v n="$n" -v l="$1" '{printf "%-28s %8.1f sentences/s wall %8.1f per CPU s\n", l, n / ($1 - $3), n / ($2 - $4)}'
}
for r in $(seq "$runs"); do
	for procs in 1 default; do
		if [ $procs = 1 ]; then export GOMAXPROCS=1; else unset GOMAXPROCS; fi
		in=/dev/null
		load=$(secs "$bin" translate --checkpoint "$ckpt" --beam 1)
		in=$src
		for k in 1 4; do
			rate "run $r ours beam $k procs $procs" "$(secs "$bin" translate --checkpoint "$ckpt" --beam $k)" "$load"
		done
	done
	unset GOMAXPROCS
	for threads in 1 2; do
		printf 'run %s ' "$r"
		"$python" "$here/torch_decode_speed.py" "$model" "$src" --runs 1 --threads $threads
	done
done
