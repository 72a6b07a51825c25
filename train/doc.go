// Package train trains and runs the Transformer: the config, the training
// loop, evaluation, checkpoints and decoding. Subpackages hold the parts
// that stand alone: optim (Adam, gradient norm, learning-rate schedule),
// infer (the key/value-cached decoder), checkpoint, bleu (BLEU and chrF),
// heatmap, curves (learning curves) and pytorch (safetensors export and
// import in torch.nn.Transformer's names).
//
// # One training step, in reading order
//
//   - Run (trainer.go) validates the config, builds the trainer with
//     newTrainer (trainer.go: data, vocabularies, model, optimizer, graph
//     caches; resume.go restores a checkpoint when resuming) and calls loop.
//   - trainer.loop (loop.go) repeats: trainStep, evaluate every eval_every
//     steps, write the metrics line (metrics.go, metrics_json.go), update
//     the progress bar (progress.go), Options.OnEval, early stopping
//     (early_stop.go), save every save_every steps (report.go).
//   - trainer.trainStep (loop.go) takes the next batch from the data
//     iterator, gets loss and gradients from forwardBackward, takes the
//     gradient norm, skips the batch or lets optim.Adam.Update (with the
//     clip scale of optim.ClipScale) change the weights, and zeroes the
//     gradient buffers.
//   - trainer.forwardBackward (loop.go) fetches the graph for the batch's
//     shape from the graph cache (cache.go) and calls lossGraph.runOn
//     (lossgraph.go); with train.workers N >= 2, parallelStep (parallel.go)
//     cuts the batch into N slices of rows, calls runOn on each worker's
//     graph in its own goroutine and combines the N gradients in worker
//     order (optim.CombineGrads).
//   - lossGraph.runOn (lossgraph.go) fills the dropout masks, runs the
//     compiled graph (lossGraph.execute: bind the batch, recycle the pool,
//     run the tape machine; the model itself is built by package layers on
//     package graph), reads the gradients and releases the run's values.
//     With train.guided_alignment on (guided.go), the training graphs
//     add graph.GuidedAlignment of one cross-attention head to the loss,
//     runOn binding the batch's gold links (data.GuidedTarget) first;
//     validation graphs stay the plain loss.
//   - optim.Adam.Update (optim/adam.go) updates the weights in place.
//   - trainer.save (report.go) writes a checkpoint (state.go builds its
//     contents); trainer.finish (report.go) decodes the test set and prints
//     its BLEU.
//
// Decoding lives in the decode_* files: Translator (decode_translator.go,
// greedy), Translator.Beam (decode_beam.go), Translator.Attention
// (decode_attention.go) and Decode (decode.go); LoadModel (load.go) gives a
// Translator for a saved checkpoint. The config is config.go (types and
// defaults), config_yaml.go (strict YAML loading), config_set.go
// (Set/Override of one dotted key), config_files.go (paths and file checks)
// and config_validate.go (value checks).
//
// Raw text: corpus_tok.go holds Tokenizers (data.tokenizer: words, chars,
// bpe learned from the training split, sentencepiece), readSplit (each
// split encoded once, before batching) and the vocabulary of the pieces;
// resume_tok.go makes or restores a run's tokenizers and refuses a resume
// with other ones; the checkpoint stores them (checkpoint.State's
// SrcTokenizer and TgtTokenizer); DecodeText detokenizes hypotheses, which
// are scored against the raw references (BLEU, and chrF2 in
// report_chrf.go); config_tokenizer.go validates the keys.
//
// # Buffers and pools: the rules the code relies on
//
//   - Gradient buffers. All training graphs of one graphCache add their
//     gradients into one shared set of buffers, which the cache owns
//     (lossGraph.joinGrads moves a graph's own buffers into it after its
//     first run). A run adds to what is there, so the buffers must be zero
//     before each run: trainStep calls graphCache.zeroGrads on every
//     training cache once the step has used the gradients (updated,
//     combined or skipped), and nowhere else zeroes them. Neither
//     optim.Adam.Update nor optim.CombineGrads zeroes its input.
//   - Dropout masks. A training graph gets its mask buffers from its
//     cache's mask pool when it is fetched (graphCache.get), and that
//     recycles the masks of the graph fetched before: fetch, fill the masks
//     (FillDropout, inside runOn) and run before fetching the next graph
//     from the same cache. Each worker has its own cache, so workers never
//     share masks.
//   - Op outputs. A cache's graphs draw their op outputs from the cache's
//     graph.Pool, which lossGraph.execute recycles before each run: the
//     values of the previous run of any graph of that cache are gone once
//     the next run starts, so read the loss and gradients first. A Pool is
//     not safe for concurrent use: one per worker.
//   - Released graphs. After a run, lossGraph.release drops the values left
//     on the graph's nodes so cached graphs hold no activations; the
//     gradients stay in the shared buffers. Validation closes its cache
//     after each evaluation (graphCache.close), keeping the pools, and
//     its graphs draw from the first training worker's pool (validation
//     runs between steps, when no value of a step is needed any more).
//     Before the test set is decoded, trainer.finish drops every cache's
//     graphs and pools (trainer.dropGraphs).
package train
