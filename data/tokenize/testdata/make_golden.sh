#!/bin/sh
# make_golden.sh regenerates the sentencepiece golden files of this
# directory with the sentencepiece tools (Debian package sentencepiece,
# spm_train/spm_encode 0.1.97). TRAIN is a text file of training lines: the
# committed models were trained on the first 3,000 lines of train.en then
# of train.de of the raw toy corpus (data.WriteToyRaw, DefaultToyConfig
# with Train 56000). The unigram model (identity normalizer, to keep it small)
# only checks that non-BPE models are refused.
#   sh make_golden.sh TRAIN
set -eu
train=$1
cd "$(dirname "$0")"
spm_train --input="$train" --model_prefix=spm_bpe --vocab_size=400 --model_type=bpe --minloglevel=2
spm_train --input="$train" --model_prefix=spm_bpe_bytes --vocab_size=600 --model_type=bpe --byte_fallback=true --minloglevel=2
spm_train --input="$train" --model_prefix=spm_unigram --vocab_size=200 --model_type=unigram --normalization_rule_name=identity --minloglevel=2
rm -f spm_bpe.vocab spm_bpe_bytes.vocab spm_unigram.vocab
spm_encode --model=spm_bpe.model --output_format=piece < spm_input.txt > spm_bpe.golden
spm_encode --model=spm_bpe_bytes.model --output_format=piece < spm_input.txt > spm_bpe_bytes.golden
