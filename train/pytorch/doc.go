// Package pytorch exports models to and imports them from safetensors files
// laid out as the state_dict of a PyTorch module built on
// torch.nn.Transformer(d_model, nhead, num_encoder_layers,
// num_decoder_layers, dim_feedforward, dropout, batch_first=True,
// norm_first=True) plus src_embed, tgt_embed and, when the output
// projection is not tied to tgt_embed, generator (see the README's
// "PyTorch" section for the module).
//
// Names map as follows (N a layer index; our Linear weights are (in, out),
// PyTorch's (out, in), so every Linear weight is transposed):
//
//	encoder.N.self_attn.{q,k,v}   encoder.layers.N.self_attn.in_proj_{weight,bias} (rows q; k; v)
//	encoder.N.self_attn.o         encoder.layers.N.self_attn.out_proj
//	encoder.N.ff.fc1, ff.fc2      encoder.layers.N.linear1, linear2
//	encoder.N.norm1, norm2        encoder.layers.N.norm1, norm2
//	decoder.N.cross_attn          decoder.layers.N.multihead_attn
//	decoder.N.norm3               decoder.layers.N.norm3
//	encoder.norm, decoder.norm    the same
//	src_embed, tgt_embed          the same ([vocab, d_model] both sides)
//	generator.weight (D, V)       generator.weight [V, D] (no bias)
package pytorch
